#!/usr/bin/env bash
# Chooses the checkpoint scripts/gpu/continue-on-device.sh continues (after scripts/gpu/prepare.sh):
#   scripts/gpu/prepare-from.sh [CKPT]
# CKPT: a checkpoint folder, or a result.tgz an earlier device call returned (its model/); default models/python.
# Copies it to .gpu/from (model.json, weights.bin, meta.json), which travels with carry [".gpu"].
set -euo pipefail
cd "$(dirname "$0")/../.."
src=${1:-models/python}
[ -d .gpu ] || { echo "run scripts/gpu/prepare.sh first" >&2; exit 1; }
rm -rf .gpu/from .gpu/from-tmp && mkdir -p .gpu/from-tmp
if [ -f "$src" ]; then
  tar -C .gpu/from-tmp -xzf "$src" model/model.json model/weights.bin model/meta.json \
    || { echo "$src holds no model/ (that call's run did not beat its start)" >&2; rm -rf .gpu/from-tmp; exit 1; }
  mv .gpu/from-tmp/model .gpu/from && rm -rf .gpu/from-tmp
else
  for f in model.json weights.bin meta.json; do
    [ -f "$src/$f" ] || { echo "$src is not a checkpoint (no $f)" >&2; rm -rf .gpu/from-tmp; exit 1; }
  done
  cp "$src/model.json" "$src/weights.bin" "$src/meta.json" .gpu/from-tmp/ && mv .gpu/from-tmp .gpu/from
fi
node -e 'const m = require(process.argv[1]); console.error(`.gpu/from: ${m.name} (${m.createdAt}; fine-tuned from ${m.training?.fineTunedFrom ?? "-"}, ${(m.training?.epochsDone ?? 0).toFixed(2)} passes)`)' "$PWD/.gpu/from/meta.json"
