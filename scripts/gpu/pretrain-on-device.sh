#!/usr/bin/env bash
# Continues the bundled model's pretraining on the GPU machine (device tool, carry [".gpu"], after
# scripts/gpu/prepare.sh and scripts/gpu/prepare-pretrain.sh). In one call of BUDGET_S seconds: checks webgpu
# against the cpu backend (falls back to wasm if that fails), times a training step at the run's batch x seq on
# it and on wasm (the baseline, same machine), sizes a cosine warm restart (RESTART_LR down to 3e-5) to the time
# left, trains with the run's hyper-parameters, and returns the run as $OUT/run.tgz: unpack it into runs/pretrain/
# and go on with `node scripts/pretrain.mjs finalize`. A dry run on a CPU: TRAIN_BACKEND=wasm EXTRA_CFG= CORPUS_AT=/tmp/c.
set -uo pipefail
t0=$(date +%s)
BUDGET_S=${BUDGET_S:-480}
source "$(dirname "$0")/device-env.sh"
stdlib=${CORPUS_AT:-$(cat .gpu/stdlib-path)}; mkdir -p "$stdlib" && tar -C "$stdlib" -xJf .gpu/corpus.tar.xz
runs=/tmp/pretrain-runs; rm -rf "$runs" && cp -r .gpu/run "$runs"
latest="$runs/python-stdlib-latest"
hp() { "$node" -e 'const m = require(process.argv[1] + "/meta.json"); console.log(m.training.hyperParameters[process.argv[2]])' "$latest" "$1"; }
B=$(hp batchSize); T=$(hp seqLen)
backend=${TRAIN_BACKEND:-webgpu}
EXTRA_CFG=${EXTRA_CFG-512x256}
{
  echo "== machine"; nproc; (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true); "$node" --version
  if [ "$backend" = webgpu ]; then
    echo "== check (adapter, webgpu vs cpu)"; timeout 120 "$node" "$app/app/dist/bench/webgpu-check.js" > "$OUT/check.json"; rc=$?; echo "exit $rc"; cat "$OUT/check.json"
    [ $rc -eq 0 ] || { echo "webgpu failed its check: training on wasm"; backend=wasm; }
  fi
  impl=custom; [ "$backend" = webgpu ] && impl=custom-device
  echo "== $backend training step at ${B}x${T} ${EXTRA_CFG}"
  timeout 150 "$node" "$app/app/dist/bench/train.js" --backend "$backend" --impls "$impl" --configs "${B}x${T}${EXTRA_CFG:+,$EXTRA_CFG}" --steps 3 > "$OUT/bench-$backend.json"; echo "exit $?"
  if [ "$backend" != wasm ]; then
    echo "== wasm baseline at ${B}x${T}, same machine"
    timeout 60 "$node" "$app/app/dist/bench/train.js" --backend wasm --impls custom --configs "${B}x${T}" --steps 2 > "$OUT/bench-wasm.json"; echo "exit $?"
  fi
  # Epochs and learning rate: the cosine runs over all N epochs from 0, so N and --lr are set for the lr to be
  # RESTART_LR at the run's position and 3e-5 when the time left (less evaluations and the return) runs out.
  read -r epochs lr minutes < <("$node" -e '
    const [lib, latest, bench, B, T, left, restart] = process.argv.slice(1);
    const fs = require("fs");
    const m = JSON.parse(fs.readFileSync(latest + "/meta.json")), s = JSON.parse(fs.readFileSync(latest + "/trainer-state.json"));
    let cps = 0;
    try { cps = JSON.parse(fs.readFileSync(bench)).results.find((r) => r.batch == B && r.seq == T).chars_per_sec || 0; } catch {}
    const { batchesPerEpoch, restartPeakLr } = require(lib);
    const bpe = batchesPerEpoch(m, s), e0 = s.step / bpe;
    const minutes = Math.max(1, (left - 60) / 60);
    const e = e0 + Math.max(0.05, (0.85 * Math.max(cps, 1000) * minutes * 60) / (bpe * B * T));
    // A short span needs a large nominal --lr for the cosine to be at RESTART_LR at e0; capped at 0.5 (lower restart).
    console.log(e.toFixed(4), Math.min(0.5, restartPeakLr(e0, e, +restart, 3e-5)).toPrecision(4), minutes.toFixed(2));
  ' "$app/app/dist/scripts/run-state.js" "$latest" "$OUT/bench-$backend.json" "$B" "$T" $(( BUDGET_S - ($(date +%s) - t0) )) "${RESTART_LR:-4e-4}")
  echo "== training on $backend: --epochs $epochs --lr $lr --max-minutes $minutes"
  "$node" "$cli" train --data "$stdlib" --out "$runs/python-stdlib" --name python-stdlib --resume --backend "$backend" --threads 1 \
    --mode carried-state --batch-size "$B" --seq-len "$T" --lr "$lr" --lr-schedule cosine --lr-min 3e-5 --epochs "$epochs" \
    --eval-every 150 --val-max-chars 150000 --seed 1 --no-tests --max-minutes "$minutes" --json > "$OUT/summary.json" 2> "$OUT/train.log"
  echo "exit $?"; grep -a '^eval @' "$OUT/train.log" | tail -20
  grep -h chars_per_sec "$OUT"/bench-*.json
} 2>&1 | grep -v '^Warning: max' | tee "$OUT/log.txt"
tar -C "$runs" -czf "$OUT/run.tgz" .
