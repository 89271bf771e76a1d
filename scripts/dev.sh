#!/usr/bin/env bash
# Set-up and entry points for a fresh Debian machine.
#   bash scripts/dev.sh demo   # install into .venv, scan the bundled sample mailbox (no account needed)
#   bash scripts/dev.sh test   # install test servers (Dovecot, dnsmasq) + .venv, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${LOCKWATCH_VENV:-.venv}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

python_env() {
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv; python3 -m venv "$VENV"; }
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"
}

system_packages() {
  local missing=()
  command -v dovecot >/dev/null || missing+=(dovecot-core dovecot-imapd)
  command -v dnsmasq >/dev/null || missing+=(dnsmasq-base)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v setpriv >/dev/null || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  fi
}

case "${1:-}" in
  demo)
    python_env
    # a throwaway state dir, so every demo run shows the whole sample again
    XDG_STATE_HOME=$(mktemp -d) "$VENV/bin/lockwatch" scan --source examples/mailbox --no-notify --all "${@:2}"
    ;;
  test)
    system_packages
    python_env
    "$VENV/bin/ruff" check daemon tests bench
    "$VENV/bin/python" -m pytest "${@:2}"
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test" >&2; exit 2 ;;
esac
