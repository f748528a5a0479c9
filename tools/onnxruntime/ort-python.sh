#!/usr/bin/env bash
# Runs python with numpy, onnx and onnxruntime: the virtual environment .build/ort-venv (or
# $WEBNN_ORT_VENV), created on first use and reinstalled when requirements.txt changes, so that
# only the ONNX Runtime comparisons need Python packages.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${WEBNN_ORT_VENV:-$root/.build/ort-venv}"
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
  echo "ort-python: setting up $venv (numpy, onnx, onnxruntime)" >&2
  if ! python3 -m venv "$venv"; then
    echo "ort-python: python3 -m venv failed; on Debian: apt-get install -y python3-venv" >&2
    exit 3
  fi
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2; then
    echo "ort-python: pip install failed (is PyPI reachable?)" >&2
    exit 4
  fi
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi
exec "$venv/bin/python" "$@"
