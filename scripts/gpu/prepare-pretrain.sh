#!/usr/bin/env bash
# Adds to .gpu/ what scripts/gpu/pretrain-on-device.sh needs besides the bundle: the training corpus (the .py
# files of this machine's standard library, test folders and site-packages left out, as corpus.tar.xz, unpacked
# there at the same absolute path so the split and the recorded roots are the same) and a copy of the resumable
# run (runs/pretrain/python-stdlib-latest), taken between two of its checkpoint writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f .gpu/bundle.tar.xz ] || { echo "run scripts/gpu/prepare.sh first" >&2; exit 1; }
stdlib=$(python3 -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")
(cd "$stdlib" && find . \( -name site-packages -o -name __pycache__ -o -name test -o -name tests \) -prune -o -name '*.py' -type f -print0 \
  | tar --null -T - -cJf - ) > .gpu/corpus.tar.xz
echo "$stdlib" > .gpu/stdlib-path
src=runs/pretrain/python-stdlib-latest
for try in 1 2 3 4 5; do
  rm -rf .gpu/run && mkdir -p .gpu/run && cp -r "$src" .gpu/run/python-stdlib-latest
  # A copy is whole when its trainer state and its meta name the same step (both are written at each evaluation).
  if node -e '
    const fs = require("fs"), d = ".gpu/run/python-stdlib-latest";
    const s = JSON.parse(fs.readFileSync(d + "/trainer-state.json")), m = JSON.parse(fs.readFileSync(d + "/meta.json"));
    const { batchesPerEpoch } = require(process.argv[1]);
    process.exit(Math.abs(m.training.epochsDone * batchesPerEpoch(m, s) - s.step) < 0.5 ? 0 : 1);' "$PWD/dist/scripts/run-state.js"; then
    ls -l .gpu; exit 0
  fi
  sleep 5
done
echo "could not take a consistent copy of $src" >&2; exit 1
