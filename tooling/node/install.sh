#!/usr/bin/env bash
# Installs the project's toolchain into .tooling/ (git-ignored), idempotently:
#   - Node 24 LTS from the npm registry package node-linux-<arch> (the machine's Node may be older);
#   - pnpm 10, the version pinned in package.json's "packageManager".
# Prints the bin directories to put first on PATH. Source tooling/env.sh instead of calling this
# directly to get them on PATH in your shell.
set -euo pipefail

NODE_VERSION="${TANDEM_NODE_VERSION:-24.21.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$root/.tooling"
pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "tooling/node/install.sh: no Node package for machine type $(uname -m); install Node >= 22 yourself" >&2; exit 1 ;;
esac

quiet_npm() { npm --loglevel=error --no-audit --no-fund --no-update-notifier "$@"; }

node_dir="$tools/node"
if [ ! -x "$node_dir/bin/node" ] || [ "$("$node_dir/bin/node" --version)" != "v$NODE_VERSION" ]; then
  command -v npm >/dev/null || { echo "tooling/node/install.sh: npm is needed to fetch node-linux-$arch@$NODE_VERSION" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && quiet_npm pack "node-linux-$arch@$NODE_VERSION" >/dev/null)
  tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp"
  rm -rf "$node_dir"
  mkdir -p "$tools"
  mv "$tmp/package" "$node_dir"
  echo "installed Node $("$node_dir/bin/node" --version) into .tooling/node" >&2
fi

pnpm_dir="$tools/pnpm"
if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ] || [ "$(PATH="$node_dir/bin:$PATH" "$pnpm_dir/node_modules/.bin/pnpm" --version)" != "$pnpm_version" ]; then
  mkdir -p "$pnpm_dir"
  PATH="$node_dir/bin:$PATH" quiet_npm install --prefix "$pnpm_dir" --no-save --no-package-lock "pnpm@$pnpm_version" >/dev/null
  echo "installed pnpm $pnpm_version into .tooling/pnpm" >&2
fi

echo "$node_dir/bin:$pnpm_dir/node_modules/.bin"
