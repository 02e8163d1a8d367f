#!/usr/bin/env bash
# System packages the test suite needs (Debian): none yet. Kept as the one place to add them.
set -euo pipefail
exit 0
