# Source this file (`. tooling/env.sh`) to install the project's toolchain if needed
# (Node 24 and pnpm 10 into .tooling/) and put it first on PATH for this shell.
_tandem_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_tandem_path="$(bash "$_tandem_root/tooling/node/install.sh")" || return 1 2>/dev/null || exit 1
case ":$PATH:" in *":$_tandem_path:"*) ;; *) export PATH="$_tandem_path:$PATH" ;; esac
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
unset _tandem_root _tandem_path
