#!/usr/bin/env bash
# Creates (once) the venv with the real frameworks the tests compare against, outside the repo, keyed by the
# requirements' hash; prints its python path. PyTorch's wheels are large: they are installed once and reused.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
req="$here/test/python/requirements.txt"
key=$(sha256sum "$req" | cut -c1-12)
venv="${ROSETTA_CACHE:-$HOME/.cache/rosetta}/venv-$key"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  echo "setting up $venv (torch, jax, flax, tensorflow, keras; this takes a while once)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip >&2
  "$venv/bin/pip" install -q -r "$req" >&2
  KERAS_BACKEND=tensorflow "$venv/bin/python" -c "import torch, jax, flax, einops, tensorflow, keras" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/python"
