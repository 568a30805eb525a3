#!/usr/bin/env bash
# The device job (issue 29): one call on the GPU machine that continues the bundled model on the corpus and returns
# the result as ONE tarball (the device tool brings back only a few files a call). Run, with carry [".gpu"]:
#   BUDGET_S=500 bash scripts/gpu/continue-on-device.sh
# after, on the CPU machine, scripts/gpu/prepare.sh, scripts/gpu/prepare-corpus.sh and scripts/gpu/prepare-from.sh
# (which checkpoint to continue: the shipped model, or the result of an earlier call, so a session lent the device
# twice in a row goes on from where the first call ended). No profiling: the path and size are the recorded ones in
# scripts/gpu/device-choice.env. Then, back on the CPU machine:
#   node scripts/gpu/evaluate-and-ship.mjs RESULT.tgz
# evaluates it by the model card's rules and ships it only if it wins.
# $OUT/result.tgz holds model/ (the best checkpoint on the by-package validation files, written only if it beats
# the starting one), train.log, summary.json and log.txt; log.txt is also returned alone.
# A dry run on a CPU (Mesa's Vulkan): GPU_DRY_RUN=1 BUDGET_S=150 TRAIN_CONFIG=8x32 MAX_CORPUS_MB=0.2 VAL_MAX_CHARS=3000
set -uo pipefail
t0=$(date +%s)
BUDGET_S=${BUDGET_S:-500}
left() { echo $(( BUDGET_S - ($(date +%s) - t0) )); }
here=$(cd "$(dirname "$0")" && pwd)
source "$here/device-env.sh"
source "$here/device-choice.env"
repo=$PWD
# A shard (prepare-corpus.sh --next-shard) is unpacked in a folder named by its id: the corpus roots the checkpoint
# records then say which shard it read (pick-shard.mjs and evaluate-and-ship.mjs read them back).
part=$(cat .gpu/shard-id 2>/dev/null || echo train)
work=/tmp/lstm-continue; rm -rf "$work"; mkdir -p "$work/corpus/$part" "$work/corpus/val"
from="$repo/.gpu/from"; [ -f "$from/meta.json" ] || from="$repo/models/python"
B=${TRAIN_CONFIG%x*}; T=${TRAIN_CONFIG#*x}
# A new seed each call: a second call from the first one's result reads the corpus in another order.
SEED=${SEED:-$(( t0 % 100000 ))}
# Seconds kept back after training: the last validation and keystroke check run inside the budget the trainer
# plans, but its start (reading 110 MB of Python, scoring the starting model) does not.
RESERVE_S=${RESERVE_S:-75}
{
  echo "== machine"; nproc; (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true); "$node" --version
  tar -C "$work/corpus/$part" -xJf .gpu/corpus.tar.xz && tar -C "$work/corpus/val" -xJf .gpu/valdata.tar.xz || echo "corpus missing: run scripts/gpu/prepare-corpus.sh"
  echo "== continuing $(basename "$from") ($("$node" -e 'const m = require(process.argv[1]); console.log(m.name, m.createdAt)' "$from/meta.json"))"
  echo "path: kernels $LSTM_COMPLETE_LSTM_KERNELS, matmul $LSTM_COMPLETE_GEMM, ${B}x${T}, lr $TRAIN_LR (scripts/gpu/device-choice.env), seed $SEED"
  minutes=$("$node" -e 'console.log(Math.max(0.5, (+process.argv[1] - +process.argv[2]) / 60).toFixed(2))' "$(left)" "$RESERVE_S")
  echo "== training --minutes $minutes [$(left) s left]"
  # The trainer ends itself on time; the timeout only guarantees the tarball below is written whatever happens.
  timeout $(( $(left) - 15 )) "$node" "$cli" train --from "$from" --data "$work/corpus/$part" --val-data "$work/corpus/val" --out "$work/model" --name python \
    --minutes "$minutes" --backend webgpu --threads 1 --mode carried-state --batch-size "$B" --seq-len "$T" --lr "$TRAIN_LR" --lr-min 3e-5 \
    --val-max-chars ${VAL_MAX_CHARS:-2000000} --seed "$SEED" ${MAX_CORPUS_MB:+--max-corpus-mb $MAX_CORPUS_MB} --json > "$work/summary.json" 2> "$work/train.log"
  echo "exit $?"; grep -a -E '^eval @|starting model|best checkpoint|corpus:|kept|backend' "$work/train.log" | tail -20
  [ -f "$work/model/meta.json" ] && echo "checkpoint: $work/model" || echo "no checkpoint (the run did not beat its start)"
  echo "== done [$(left) s left]"
} 2>&1 | grep --line-buffered -v '^Warning: max' | tee "$work/log.txt"
cp "$work/log.txt" "$OUT/log.txt"
# Only the checkpoint's own files (its -latest resumable state is the device's business).
tar -C "$work" -czf "$OUT/result.tgz" log.txt train.log summary.json $( [ -d "$work/model" ] && echo model )
ls -l "$OUT"
