#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are missing, and nothing else: it says what it will install
# before it does, keeps the packages already installed at their versions where Debian allows (an upgrade apt would
# make is tried held first: `pkg=installed-version`), names any upgrade it cannot avoid, and asks in a terminal.
# Without a terminal it goes on only under CI=true or LSTM_TEST_INSTALL=yes, and otherwise stops saying how to.
# Used by install.sh and .ci/run; tested with a fake apt-get (test/dev-setup.test.ts).
set -euo pipefail

missing=()
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# What apt would do: "Inst NAME [INSTALLED] (CANDIDATE ...)" for an upgrade, "Inst NAME (CANDIDATE ...)" for a new one.
simulate() { LC_ALL=C apt-get install -s --no-install-recommends "$@" 2>&1; }
plan=$(simulate "${missing[@]}") || {
  echo "vscode-test: refreshing Debian's package lists (apt-get update as root)" >&2
  $SUDO apt-get update -qq
  plan=$(simulate "${missing[@]}") || { echo "$plan" >&2; exit 1; }
}
upgrades() { grep -E '^Inst [^ ]+ \[' <<<"$1" | awk '{print $2}' || true; }
news() { grep -E '^Inst [^ ]+ \(' <<<"$1" | awk '{print $2}' || true; }

args=("${missing[@]}")
mapfile -t up < <(upgrades "$plan")
if [ ${#up[@]} -gt 0 ]; then
  held=()
  for p in "${up[@]}"; do held+=("$p=$(dpkg-query -W -f='${Version}' "$p")"); done
  if heldplan=$(simulate "${missing[@]}" "${held[@]}") && [ -z "$(upgrades "$heldplan")" ]; then
    args=("${missing[@]}" "${held[@]}")
    plan=$heldplan
    up=()
  fi
fi

new_list=$(news "$plan" | tr '\n' ' ')
echo "vscode-test: the tests in a real VS Code need Debian packages that are missing: ${missing[*]}" >&2
echo "vscode-test: apt-get install (as root${SUDO:+, through sudo}) would add: ${new_list% }" >&2
if [ ${#up[@]} -gt 0 ]; then
  echo "vscode-test: and would upgrade, since the new packages need their newer versions: ${up[*]}" >&2
fi

if [ "${CI:-}" = "true" ] || [ "${LSTM_TEST_INSTALL:-}" = "yes" ]; then
  :
elif [ -t 0 ]; then
  read -r -p "Install them now? [y/N] " answer
  case "$answer" in [yY]*) ;; *) echo "vscode-test: nothing installed" >&2; exit 1 ;; esac
else
  echo "vscode-test: nothing installed: run it in a terminal to be asked, or set LSTM_TEST_INSTALL=yes" >&2
  exit 1
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends --no-upgrade "${args[@]}" >/dev/null
echo "vscode-test: installed ${missing[*]}" >&2
