#!/usr/bin/env bash
# Installs the real VS Code host used by the extension tests: code-server (VS Code
# 1.100.3, a Node extension host) in its own prefix, outside the project's
# node_modules. Desktop VS Code cannot be downloaded here; see docs/extension.md.
# Needs the Debian packages chromium, ripgrep and libkrb5-dev (see .ci/run).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
prefix="$root/.vscode-test/code-server"
version="4.100.3"
bin="$prefix/node_modules/.bin/code-server"

if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null | head -1 | cut -d' ' -f1)" = "$version" ]; then
  echo "code-server $version already installed in $prefix"
  exit 0
fi

scratch="$root/.vscode-test/scratch"
mkdir -p "$prefix" "$scratch/tmp" "$scratch/config" "$scratch/data"
export TMPDIR="$scratch/tmp" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data"

# @vscode/ripgrep downloads rg from GitHub in its postinstall; hand it Debian's rg
# through its download cache instead (the cache folder name carries its version).
rg="$(command -v rg || true)"
if [ -z "$rg" ]; then echo "install.sh: ripgrep is missing (apt-get install ripgrep)" >&2; exit 1; fi
cache="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache/stage"
cp "$rg" "$cache/stage/rg"
tar -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$cache/stage" rg
rm -rf "$cache/stage"

# Root installs need unsafe-perm; node-pty's postinstall runs npx (needs "yes");
# npm >= 11 skips dependency install scripts unless allowed, and code-server's
# postinstall builds VS Code's native modules with nested npm installs.
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_dangerously_allow_all_scripts=true
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
echo '{ "name": "hear-host-test-deps", "private": true }' > "$prefix/package.json"
cd "$prefix"
nice -n 10 npm install --no-save --no-package-lock "code-server@$version"
"$bin" --version
