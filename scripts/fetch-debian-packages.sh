#!/usr/bin/env bash
# Fetches Debian python3-* packages without installing them and unpacks their Python files into a data
# folder outside the repository: DEST/NAME/... (its importable modules), plus DEST/LICENSES.tsv (package,
# version, licences from its copyright file). Packages the base image installed (dpkg -l 'python3-*') are
# reserved for independent evaluation and are refused.
#   scripts/fetch-debian-packages.sh DEST python3-click python3-requests ...
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 DEST python3-NAME [python3-NAME...]" >&2
  exit 2
fi
dest=$(realpath -m "$1")
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
case "$dest/" in "$repo"/*) echo "$0: DEST must be outside the repository ($repo)" >&2; exit 2 ;; esac
mkdir -p "$dest/.debs"
for name in "$@"; do
  case "$name" in python3-*) ;; *) echo "$0: $name is not a python3-* package" >&2; exit 2 ;; esac
  if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed'; then
    echo "$0: $name is installed in this machine's base image: reserved for independent evaluation, not fetched" >&2
    exit 2
  fi
done
for name in "$@"; do
  if [ -d "$dest/$name" ]; then echo "have $name" >&2; continue; fi
  (cd "$dest/.debs" && apt-get download "$name" >/dev/null 2>&1) || { echo "$0: apt-get download $name failed" >&2; exit 1; }
  deb=$(ls -t "$dest/.debs/${name}"_*.deb | head -1)
  tmp=$(mktemp -d)
  dpkg-deb -x "$deb" "$tmp"
  mkdir -p "$dest/$name.tmp"
  # Only the Python sources (and the copyright file, for the licence), taken from the .deb just unpacked in
  # $tmp, never from this machine's installed Python: the package's own usr/lib/python3/dist-packages tree is
  # moved up (the corpus reader skips folders named like that, as it does virtualenvs), so DEST/NAME holds
  # the importable modules.
  src="$tmp/usr/lib/python3/dist-packages"
  [ -d "$src" ] || src="$tmp"
  (cd "$src" && find . -name '*.py' -print0 | xargs -0 -r cp --parents -t "$dest/$name.tmp")
  version=$(dpkg-deb -f "$deb" Version)
  licences=$(grep -h '^License:' "$tmp/usr/share/doc/$name/copyright" 2>/dev/null | sed 's/^License: *//' | sort -u | paste -sd ';' -)
  cp "$tmp/usr/share/doc/$name/copyright" "$dest/$name.tmp/copyright" 2>/dev/null || true
  rm -rf "$tmp"
  mv "$dest/$name.tmp" "$dest/$name"
  printf '%s\t%s\t%s\n' "$name" "$version" "${licences:-see $name/copyright}" >> "$dest/LICENSES.tsv"
  echo "fetched $name $version ($(find "$dest/$name" -name '*.py' | wc -l) Python files; licence: ${licences:-unknown})" >&2
done
