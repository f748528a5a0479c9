#!/usr/bin/env bash
# Runs `webnn compare` on the ONNX test models the tests generated (.build/onnx-tests/models,
# listed in models.json with their fixed dimensions): each must agree with ONNX Runtime.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
webnn="${WEBNN:-$root/.build/release/webnn}"
models="$root/.build/onnx-tests/models/models.json"
[[ -f "$models" ]] || { echo "compare-test-models: $models is missing (run the ONNX tests first)" >&2; exit 1; }
python3 - "$models" <<'PY' | while IFS=$'\t' read -r name model dims; do
import json, sys
for entry in json.load(open(sys.argv[1])):
    dims = " ".join(f"--dim {k}={v}" for k, v in entry.get("dimensions", {}).items())
    print(f"{entry['name']}\t{entry['model']}\t{dims}")
PY
  echo "== webnn compare $name"
  # shellcheck disable=SC2086
  "$webnn" compare "$model" $dims </dev/null
done
