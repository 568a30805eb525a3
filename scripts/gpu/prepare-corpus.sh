#!/usr/bin/env bash
# Adds to .gpu/ what scripts/gpu/profile-and-train.sh trains on (after scripts/gpu/prepare.sh):
#   scripts/gpu/prepare-corpus.sh CORPUS_TRAIN_DIR VAL_DIR [VAL_DIR...]
# CORPUS_TRAIN_DIR is DEST/train of scripts/build-corpus.mjs; each VAL_DIR a whole package the corpus never
# holds (the by-package validation set). Writes .gpu/corpus.tar.xz and .gpu/valdata.tar.xz (one folder per VAL_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: $0 CORPUS_TRAIN_DIR VAL_DIR [VAL_DIR...]" >&2; exit 2; }
[ -f .gpu/bundle.tar.xz ] || { echo "run scripts/gpu/prepare.sh first" >&2; exit 1; }
train=$1; shift
tar -C "$train" -cf - . | xz -T0 -6 > .gpu/corpus.tar.xz
stage=$(mktemp -d)
for d in "$@"; do cp -r "$d" "$stage/$(basename "$d")"; done
tar -C "$stage" -cJf .gpu/valdata.tar.xz . && rm -rf "$stage"
du -sh .gpu/*.tar.xz
