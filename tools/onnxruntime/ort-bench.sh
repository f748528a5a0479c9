#!/usr/bin/env bash
# Runs ort_bench.py in the virtual environment .build/ort-venv (or $WEBNN_ORT_VENV), creating it
# on first use and reinstalling when requirements.txt changes, so that only `webnn bench
# --onnxruntime` needs Python packages.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${WEBNN_ORT_VENV:-$root/.build/ort-venv}"
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
  echo "ort-bench: setting up $venv (numpy, onnx, onnxruntime)" >&2
  if ! python3 -m venv "$venv"; then
    echo "ort-bench: python3 -m venv failed; on Debian: apt-get install -y python3-venv" >&2
    exit 1
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi
exec "$venv/bin/python" "$here/ort_bench.py" "$@"
