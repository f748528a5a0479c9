#!/usr/bin/env bash
# Runs ort_bench.py in the ONNX Runtime virtual environment (ort-python.sh creates it on first use).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/ort-python.sh" "$here/ort_bench.py" "$@"
