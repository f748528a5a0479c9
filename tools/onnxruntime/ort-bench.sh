#!/usr/bin/env bash
# Runs ort_bench.py with ONNX Runtime (ort-python.sh sets up the virtual environment on first use).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/ort-python.sh" "$here/ort_bench.py" "$@"
