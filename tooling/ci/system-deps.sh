#!/usr/bin/env bash
# System packages the test suite needs (Debian). Kept as the one place to add them.
set -euo pipefail

# Chromium, for the docs pages' browser test (packages/node/test/docs.browser.test.ts), which
# skips itself when /usr/bin/chromium is absent. Installing needs root; anyone else is told how.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; then
      echo "system-deps: WARNING: installing chromium failed; the docs browser test will be skipped." >&2
    fi
  else
    echo "system-deps: /usr/bin/chromium is missing and installing it needs root:" \
      "run 'apt-get install chromium' as root, or the docs browser test stays skipped." >&2
  fi
fi
