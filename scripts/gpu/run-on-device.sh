#!/usr/bin/env bash
# Runs on the GPU machine (device tool, carry [".gpu"]): prints the adapter, checks training on webgpu
# against the cpu backend, and times training at batch 512 x seq 256 on webgpu vs wasm in the same run.
# Results go to $OUT (check.json, webgpu-train.json, wasm-train.json, log.txt). GPU_CONFIG overrides the
# batch x seq (a dry run on a CPU uses a small one), WASM_STEPS the wasm baseline's timed steps.
set -uo pipefail
source "$(dirname "$0")/device-env.sh"
cfg=${GPU_CONFIG:-512x256}
{
  echo "== machine"; nproc; (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true); "$node" --version
  echo "== check (adapter, webgpu vs cpu)"; timeout 240 "$node" "$app/app/dist/bench/webgpu-check.js" > "$OUT/check.json"; echo "exit $?"; cat "$OUT/check.json"
  echo "== webgpu training $cfg"; timeout 240 "$node" "$app/app/dist/bench/train.js" --backend webgpu --impls custom-device --configs "$cfg" --steps 3 > "$OUT/webgpu-train.json"; echo "exit $?"
  echo "== wasm training $cfg (baseline, same machine)"; timeout 240 "$node" "$app/app/dist/bench/train.js" --backend wasm --impls custom --configs "$cfg" --steps "${WASM_STEPS:-1}" > "$OUT/wasm-train.json"; echo "exit $?"
  grep -h chars_per_sec "$OUT"/*-train.json
} 2>&1 | grep -v '^Warning: max' | tee "$OUT/log.txt"
