#!/usr/bin/env bash
# Runs a Python script in the virtual environment .build/ort-venv (or $WEBNN_ORT_VENV), creating
# it on first use and reinstalling when requirements.txt changes, so that only the ONNX Runtime
# comparisons need Python packages. Usage: ort-python.sh SCRIPT [ARGS...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${WEBNN_ORT_VENV:-$root/.build/ort-venv}"
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
  echo "ort-python: setting up $venv (numpy, onnx, onnxruntime; a few minutes the first time)" >&2
  if ! python3 -m venv "$venv"; then
    echo "ort-python: python3 -m venv failed; on Debian: apt-get install -y python3-venv" >&2
    exit 1
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi
script="$1"
shift
exec "$venv/bin/python" "$script" "$@"
