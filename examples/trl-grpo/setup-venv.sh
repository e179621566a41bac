#!/usr/bin/env bash
# Creates (once) the Python venv the TRL example and the export tests use: torch (CPU), transformers,
# TRL, datasets, pyarrow, from the package indexes this machine is configured with (`pip config list`).
# Usage: setup-venv.sh [DIR]  (default: node_modules/.cache/srl-py at the repository root). Prints DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-$root/node_modules/.cache/srl-py}"
stamp="$dir/.srl-ready-1"
if [ ! -f "$stamp" ]; then
  rm -rf "$dir"
  python3 -m venv "$dir" >&2
  indexes=(--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple)
  [ -d /opt/wheels ] && indexes+=(--find-links /opt/wheels)
  "$dir/bin/pip" install -q --disable-pip-version-check "${indexes[@]}" \
    'torch==2.13.*' transformers trl datasets pyarrow 2>&1 | grep -v 'is ignored: it is neither a file nor a directory' >&2 || true
  "$dir/bin/python" -c 'import torch, transformers, trl, datasets, pyarrow' >&2
  touch "$stamp"
fi
echo "$dir"
