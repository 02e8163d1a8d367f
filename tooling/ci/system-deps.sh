#!/usr/bin/env bash
# System packages the test suite needs (Debian). Kept as the one place to add them.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt_updated=  # empty until `apt-get update` ran, then ok or failed

# apt_install PACKAGE: install one Debian package; `apt-get update` runs before the first, once per run.
apt_install() {
  if [ -z "$apt_updated" ]; then
    if apt-get update -qq; then apt_updated=ok; else apt_updated=failed; fi
  fi
  [ "$apt_updated" = ok ] && apt-get install -y -qq "$1" >/dev/null
}

# Chromium, for the docs pages' browser test (packages/node/test/docs.browser.test.ts), which
# skips itself when /usr/bin/chromium is absent. Installing needs root; anyone else is told how.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    if ! apt_install chromium; then
      echo "system-deps: WARNING: installing chromium failed; the docs browser test will be skipped." >&2
    fi
  else
    echo "system-deps: /usr/bin/chromium is missing and installing it needs root:" \
      "run 'apt-get install chromium' as root, or the docs browser test stays skipped." >&2
  fi
fi

# nats-server (Debian's, 2.9.x), for @tandem/nats's tests: tooling/runtimes/nats-server.ts starts
# real servers from /usr/sbin/nats-server (or $NATS_SERVER). Installing needs root; anyone else is told how.
if [ ! -x /usr/sbin/nats-server ]; then
  if [ "$(id -u)" -eq 0 ]; then
    if ! apt_install nats-server; then
      echo "system-deps: WARNING: installing nats-server failed; the @tandem/nats tests will fail." >&2
    fi
  else
    echo "system-deps: /usr/sbin/nats-server is missing and installing it needs root:" \
      "run 'apt-get install nats-server' as root, or the @tandem/nats tests will fail." >&2
  fi
fi
