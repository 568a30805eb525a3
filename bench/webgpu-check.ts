/**
 * node dist/bench/webgpu-check.js — the GPU check in one run: which adapter the webgpu backend gets, whether
 * training on it matches the cpu backend (3 Adam steps from the same weights, small model and the design's
 * model), and the backend's matmul GFLOP/s. Prints one JSON object. Exit 1 if the adapter is missing or the
 * losses differ by more than 1e-4. Run on a GPU machine by scripts/gpu/run-on-device.sh.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backends/backend';
import { makeSpec, weightList } from '../src/model/architecture';
import { initWeights } from '../src/model/initializers';
import { adamSteps, maxAbsDiff, SMALL } from '../src/training/graph/backend-check';

async function compare(name: string, spec = SMALL, T = 7, B = 4) {
  const w = initWeights(spec, 21);
  await selectBackend({ preferred: 'cpu' });
  const cpu = await adamSteps('host', 3, w, T, B);
  await selectBackend({ preferred: 'webgpu' });
  const gpu = await adamSteps('device', 3, w, T, B);
  const cw = weightList(cpu.weights);
  return {
    name,
    batch: B,
    seq: T,
    losses_cpu: cpu.losses,
    losses_webgpu: gpu.losses,
    max_loss_diff: maxAbsDiff(cpu.losses, gpu.losses),
    max_weight_diff: Math.max(...weightList(gpu.weights).map((a, i) => maxAbsDiff(a, cw[i]))),
  };
}

async function main(): Promise<void> {
  const sel = await selectBackend({ preferred: 'webgpu', log: (l) => console.error(l) });
  if (sel.name !== 'webgpu') {
    console.log(JSON.stringify({ ok: false, reason: sel.attempts[0].reason }));
    process.exit(1);
  }
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  await tf.matMul(a, b).data();
  const t0 = performance.now();
  const n = 10;
  for (let i = 0; i < n; i++) {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }
  const gflops = (2 * 1024 ** 3 * n) / ((performance.now() - t0) / 1000) / 1e9;
  const checks = [await compare('small'), await compare('design model', makeSpec(), 16, 8)];
  const ok = checks.every((c) => c.max_loss_diff < 1e-4);
  console.log(JSON.stringify({ ok, adapter: sel.device, matmul_1024_gflops: +gflops.toFixed(1), checks }, null, 2));
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
