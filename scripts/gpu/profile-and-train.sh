#!/usr/bin/env bash
# One call on the GPU machine (device tool, carry [".gpu"], after scripts/gpu/prepare.sh and
# scripts/gpu/prepare-corpus.sh): within BUDGET_S seconds
#  1. checks training on webgpu against the cpu backend (the whole-sequence LSTM kernels, the tiled matmul and
#     the GPU dropout mask are what the device path uses now); if that fails, training below uses the old
#     per-step kernels and tfjs's matmul;
#  2. profiles a training step (bench/webgpu-profile.js: dispatch cost, matmul tilings, one layer and a whole
#     step on the old and new paths, a breakdown), which also picks the matmul tiling;
#  3. times training with bench/train.js on webgpu (512x256 and 64x128) and wasm (the baseline, same machine);
#  4. fine-tunes the bundled model on the corpus for the time left (train --minutes: warm-up, cosine to the end
#     of the budget, --out written only if it beats the bundled model on the by-package validation set).
# Results in $OUT: check.json, profile.json, bench-*.json, train.log, summary.json, model/ (the checkpoint).
# A dry run on a CPU (Mesa): GPU_DRY_RUN=1 BUDGET_S=400 PROFILE_CONFIG=8x16 BENCH_CONFIGS=8x16 TRAIN_CONFIG=8x32 MAX_CORPUS_MB=1
# VAL_MAX_CHARS=3000 (SKIP_TO_TRAIN=1 rehearses the training stage alone). TRAIN_UNITS=512,512 trains the wider model
# from scratch instead of fine-tuning the bundled one.
set -uo pipefail
t0=$(date +%s)
BUDGET_S=${BUDGET_S:-540}
left() { echo $(( BUDGET_S - ($(date +%s) - t0) )); }
source "$(dirname "$0")/device-env.sh"
# Skipping the profile trains on the recorded path (kernels and matmul), not on the slow fallback.
[ -n "${SKIP_TO_TRAIN:-}" ] && source "$(dirname "$0")/device-choice.env"
repo=$PWD
corpus=/tmp/lstm-corpus; rm -rf "$corpus"; mkdir -p "$corpus/train" "$corpus/val"
tar -C "$corpus/train" -xJf .gpu/corpus.tar.xz
tar -C "$corpus/val" -xJf .gpu/valdata.tar.xz
PROFILE_CONFIG=${PROFILE_CONFIG:-512x256}
BENCH_CONFIGS=${BENCH_CONFIGS:-512x256,256x256,64x128}
TRAIN_CONFIG=${TRAIN_CONFIG:-256x256}
TRAIN_LR=${TRAIN_LR:-2e-3}
bench="$app/app/dist/bench"
{
  echo "== machine"; nproc; (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true); "$node" --version
  if [ -z "${SKIP_TO_TRAIN:-}" ]; then
  echo "== check (webgpu vs cpu, new kernels) [$(left) s left]"
  timeout 150 "$node" "$bench/webgpu-check.js" > "$OUT/check.json"; rc=$?; echo "exit $rc"; cat "$OUT/check.json"
  if [ $rc -ne 0 ]; then
    echo "the new kernels failed the check: the old path trains (per-step kernels, tfjs matmul)"
    export LSTM_COMPLETE_LSTM_KERNELS=step LSTM_COMPLETE_GEMM=tfjs
    timeout 120 "$node" "$bench/webgpu-check.js" > "$OUT/check-old.json"; echo "old path check: exit $?"
  fi
  echo "== profile $PROFILE_CONFIG [$(left) s left]"
  timeout 180 env -u LSTM_COMPLETE_LSTM_KERNELS -u LSTM_COMPLETE_GEMM "$node" "$bench/webgpu-profile.js" --config "$PROFILE_CONFIG" > "$OUT/profile.json" 2> "$OUT/profile.log"; echo "exit $?"
  tail -5 "$OUT/profile.log"
  if [ $rc -eq 0 ]; then
    chosen=$("$node" -e 'try { console.log(require(process.argv[1]).chosen_gemm || "") } catch { console.log("") }' "$OUT/profile.json")
    [ -n "$chosen" ] && export LSTM_COMPLETE_GEMM="$chosen"
    # The old path trains if the profile found it faster at its config (the new one is checked, not assumed).
    if "$node" -e 'const s = require(process.argv[1]).step; process.exit(s && s[0].chars_per_sec > s[2].chars_per_sec ? 0 : 1)' "$OUT/profile.json" 2>/dev/null; then
      echo "the old path was faster in the profile: it trains"; export LSTM_COMPLETE_LSTM_KERNELS=step LSTM_COMPLETE_GEMM=tfjs
    fi
    echo "training path: kernels ${LSTM_COMPLETE_LSTM_KERNELS:-sequence}, matmul ${LSTM_COMPLETE_GEMM:-default tiling}"
  fi
  echo "== webgpu training speed $BENCH_CONFIGS [$(left) s left]"
  timeout 120 "$node" "$bench/train.js" --backend webgpu --impls custom-device --configs "$BENCH_CONFIGS" --steps 3 > "$OUT/bench-webgpu.json"; echo "exit $?"
  echo "== old path at 64x128 (per-step kernels, tfjs matmul) [$(left) s left]"
  timeout 60 env LSTM_COMPLETE_LSTM_KERNELS=step LSTM_COMPLETE_GEMM=tfjs "$node" "$bench/train.js" --backend webgpu --impls custom-device --configs 64x128 --steps 3 > "$OUT/bench-webgpu-old-64.json"; echo "exit $?"
  echo "== wasm baseline 64x128, same machine [$(left) s left]"
  timeout 60 "$node" "$bench/train.js" --backend wasm --impls custom --configs 64x128 --steps 1 > "$OUT/bench-wasm.json"; echo "exit $?"
  grep -h chars_per_sec "$OUT"/bench-*.json
  fi
  B=${TRAIN_CONFIG%x*}; T=${TRAIN_CONFIG#*x}
  # The path that trains must have run a training step at this size in the benchmark above; else the old one.
  if [ -z "${LSTM_COMPLETE_LSTM_KERNELS:-}" ] && ! "$node" -e 'const r = require(process.argv[1]).results.find((x) => x.batch == process.argv[2] && x.seq == process.argv[3]); process.exit(r && r.chars_per_sec > 0 ? 0 : 1)' "$OUT/bench-webgpu.json" "$B" "$T" 2>/dev/null; then
    echo "no benchmark step at ${B}x${T} on the new path: the old path trains"; export LSTM_COMPLETE_LSTM_KERNELS=step LSTM_COMPLETE_GEMM=tfjs
  fi
  minutes=$("$node" -e 'console.log(Math.max(0.5, (+process.argv[1] - 45) / 60).toFixed(2))' "$(left)")
  echo "== fine-tune on the corpus: --minutes $minutes at ${B}x${T}, lr $TRAIN_LR [$(left) s left]"
  # TRAIN_UNITS=384,384 (or 512,512) starts the wider model from scratch instead of fine-tuning the bundled one; later
  # calls continue it (prepare-from.sh RESULT.tgz, continue-on-device.sh). Its serving cost here: docs/gpu.md.
  if [ -n "${TRAIN_UNITS:-}" ]; then
    start=(--units "$TRAIN_UNITS"); echo "model: a new $TRAIN_UNITS model, from scratch"
  else
    start=(--from "$repo/models/python"); echo "model: the bundled model, fine-tuned"
  fi
  "$node" "$cli" train "${start[@]}" --data "$corpus/train" --val-data "$corpus/val" --out "$OUT/model" --name python \
    --minutes "$minutes" --backend webgpu --threads 1 --mode carried-state --batch-size "$B" --seq-len "$T" --lr "$TRAIN_LR" --lr-min 3e-5 \
    --val-max-chars ${VAL_MAX_CHARS:-2000000} --seed 1 --force ${MAX_CORPUS_MB:+--max-corpus-mb $MAX_CORPUS_MB} --json > "$OUT/summary.json" 2> "$OUT/train.log"
  echo "exit $?"; grep -a -E '^eval @|starting model|validation:|corpus' "$OUT/train.log" | tail -20; cat "$OUT/summary.json" | head -40
  echo "== done [$(left) s left]"
} 2>&1 | grep --line-buffered -v '^Warning: max' | tee "$OUT/log.txt"
