#!/usr/bin/env bash
# Adds to .gpu/ what the device job trains on (after scripts/gpu/prepare.sh):
#   scripts/gpu/prepare-corpus.sh CORPUS_TRAIN_DIR VAL_DIR [VAL_DIR...]
#   scripts/gpu/prepare-corpus.sh --next-shard CORPUS_DEST VAL_DIR [VAL_DIR...]
# CORPUS_TRAIN_DIR is DEST/train of scripts/build-corpus.mjs: all of it is carried. With --next-shard, CORPUS_DEST is
# that DEST, and only the next shard its model has not read is carried (scripts/gpu/pick-shard.mjs, after
# scripts/gpu/prepare-from.sh, which says what the call continues): its id goes to .gpu/shard-id, and the device job
# unpacks it in a folder of that name, so the returned checkpoint's corpus roots say which shard it read.
# Each VAL_DIR a whole package the corpus never holds (the by-package validation set).
# Writes .gpu/corpus.tar.xz and .gpu/valdata.tar.xz (one folder per VAL_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
usage="usage: $0 CORPUS_TRAIN_DIR VAL_DIR [VAL_DIR...] | --next-shard CORPUS_DEST VAL_DIR [VAL_DIR...]"
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
[ -f .gpu/bundle.tar.xz ] || { echo "run scripts/gpu/prepare.sh first" >&2; exit 1; }
rm -f .gpu/shard-id
if [ "$1" = "--next-shard" ]; then
  [ $# -ge 3 ] || { echo "$usage" >&2; exit 2; }
  dest=$2; shift 2
  picked=$(node scripts/gpu/pick-shard.mjs "$dest" ${SHARD_MB:+--cap-mb $SHARD_MB})
  id=$(echo "$picked" | head -1)
  # The shard's sources, each under its own name, as build-corpus.mjs laid them out.
  echo "$picked" | tail -n +2 | while read -r dir; do echo "$(basename "$dir")"; done > .gpu/shard-sources
  tar -C "$dest/train" -cf - -T .gpu/shard-sources | xz -T0 -6 > .gpu/corpus.tar.xz
  echo "$id" > .gpu/shard-id
  echo "carrying shard $id ($(wc -l < .gpu/shard-sources) sources)" >&2
else
  train=$1; shift
  tar -C "$train" -cf - . | xz -T0 -6 > .gpu/corpus.tar.xz
fi
stage=$(mktemp -d)
for d in "$@"; do cp -r "$d" "$stage/$(basename "$d")"; done
tar -C "$stage" -cJf .gpu/valdata.tar.xz . && rm -rf "$stage"
du -sh .gpu/*.tar.xz
