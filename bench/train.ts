/**
 * npm run bench:train — training speed (chars/s) and peak memory of the custom LSTM training graph vs a
 * tf.layers model with the same embedding/dense/loss (the baseline), in the same run, plus the backend's
 * matmul GFLOP/s so efficiency is visible. Each configuration runs in its own child process so peak RSS is
 * its own. Options: --backend B, --steps N (timed steps per config, default 2), --configs 16x256,64x256,...,
 * --impls custom,custom-parallel,custom-device,tf.layers (default: all but custom-device; custom-device is the
 * device-resident graph that GPU backends train with, e.g. --backend webgpu --impls custom-device).
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend, BackendPreference } from '../src/backends/backend';
import { makeSpec, ModelSpec, parameterCount } from '../src/model/architecture';
import { initWeights } from '../src/model/initializers';
import { TrainableModel, embed, dense, softmaxCrossEntropy } from '../src/training/graph/train-graph';
import { GradientPool } from '../src/training/graph/gradient-pool';
import { createAdam, applyClipped } from '../src/training/graph/optimizer-state';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    steps: { type: 'string' },
    configs: { type: 'string' },
    one: { type: 'string' },
    impl: { type: 'string' },
    impls: { type: 'string' },
    threads: { type: 'string' },
  },
});
const backendPref = (values.backend ?? 'wasm') as BackendPreference;
const STEPS = Number(values.steps ?? 2);

function batchData(B: number, T: number, V: number) {
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  let s = 12345;
  for (let i = 0; i < B * T; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    inputs[i] = 2 + (s % (V - 3));
    targets[i] = 2 + ((s >>> 8) % (V - 3));
  }
  return { inputs, targets };
}

/**
 * Baseline: tf.layers.lstm (sigmoid recurrent activation, like the design) with the same embedding, dense and
 * loss ops around it as the custom graph (tfjs-wasm has no gradient for the Embedding layer).
 */
function layersBaselineStep(spec: ModelSpec, inputs: Int32Array, targets: Int32Array, B: number, T: number, opt: tf.AdamOptimizer): () => void {
  const w = initWeights(spec, 1);
  const E = tf.variable(tf.tensor2d(w.embedding, [spec.vocabSize, spec.embeddingDim]));
  const lstms = spec.lstmUnits.map((units, i) => {
    const l = tfl.layers.lstm({ units, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' });
    tf.tidy(() => l.apply(tf.zeros([1, 2, i === 0 ? spec.embeddingDim : spec.lstmUnits[i - 1]])) as tf.Tensor); // builds the layer
    return l;
  });
  const Wd = tf.variable(tf.tensor2d(w.denseKernel, [spec.lstmUnits[spec.lstmUnits.length - 1], spec.vocabSize]));
  const bd = tf.variable(tf.tensor1d(w.denseBias));
  const vars = [E, ...lstms.flatMap((l) => l.trainableWeights.map((x) => x.read() as tf.Variable)), Wd, bd];
  // Batch-major rows for the layers model: row b*T + t.
  const inBM = new Int32Array(B * T);
  const tgBM = new Int32Array(B * T);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      inBM[b * T + t] = inputs[t * B + b];
      tgBM[b * T + t] = targets[t * B + b];
    }
  }
  const stats = { crossEntropy: 0, accuracy: 0, chars: 0 };
  return () => {
    const { value, grads } = tf.variableGrads(() => {
      let x: tf.Tensor = tf.reshape(embed(E, inBM), [B, T, spec.embeddingDim]);
      for (const l of lstms) x = tf.dropout(l.apply(x) as tf.Tensor, spec.dropout);
      const logits = dense(tf.reshape(x, [B * T, spec.lstmUnits[spec.lstmUnits.length - 1]]) as tf.Tensor2D, Wd, bd);
      return softmaxCrossEntropy(logits, tgBM, stats);
    }, vars);
    applyClipped(opt, grads, 1);
    value.dataSync();
    value.dispose();
  };
}

/** Runs one configuration in this process and prints a JSON line. */
async function runOne(impl: string, B: number, T: number): Promise<void> {
  const sel = await selectBackend({ preferred: backendPref });
  const spec = makeSpec();
  const { inputs, targets } = batchData(B, T, spec.vocabSize);
  const opt = createAdam(1e-3);
  let step: () => void | Promise<void>;
  if (impl === 'custom-parallel') {
    // The same graph with gradients from worker threads (one wasm thread each), averaged here.
    const model = new TrainableModel(initWeights(spec, 1));
    const pool = await GradientPool.create(Number(values.threads ?? os.cpus().length), spec, { backend: backendPref });
    const batch = { inputs, targets, steps: T, batch: B, resetState: true };
    step = async () => {
      const r = await pool.compute(model.weightArrays(), batch);
      applyClipped(opt, Object.fromEntries(model.variables.map((v, i) => [v.name, tf.tensor(r.grads[i], v.shape)])), 1);
    };
  } else if (impl === 'custom-device') {
    // Every value stays on the device; loss and accuracy are read once per step, asynchronously.
    const model = new TrainableModel(initWeights(spec, 1), 1, 'device');
    step = async () => {
      const { grads, result } = model.gradients(inputs, targets, T, B, { training: true });
      applyClipped(opt, grads, 1);
      await result.finish();
    };
  } else if (impl === 'custom') {
    const model = new TrainableModel(initWeights(spec, 1));
    step = () => applyClipped(opt, model.gradients(inputs, targets, T, B, { training: true }).grads, 1);
  } else {
    step = layersBaselineStep(spec, inputs, targets, B, T, opt);
  }
  await step(); // warm-up (allocations, kernel setup)
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) await step();
  const s = (performance.now() - t0) / 1000;
  const chars = B * T * STEPS;
  // One more step under tf.profile: how many kernels a step dispatches (what bounds a GPU at small sizes) and
  // the peak of tensor memory on the backend.
  const prof = await tf.profile(async () => {
    await step();
  });
  process.stdout.write(
    JSON.stringify({
      impl,
      threads: impl === 'custom-parallel' ? Number(values.threads ?? os.cpus().length) : 1,
      batch: B,
      seq: T,
      backend: sel.name,
      device: sel.device,
      chars_per_sec: Math.round(chars / s),
      seconds_per_step: +(s / STEPS).toFixed(2),
      kernels_per_step: prof.kernels.length,
      us_per_kernel: Math.round((s / STEPS / prof.kernels.length) * 1e6),
      peak_tensor_mb: Math.round(prof.peakBytes / 2 ** 20),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }) + '\n',
  );
}

async function matmulGflops(): Promise<number> {
  await selectBackend({ preferred: backendPref });
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 1024]);
  tf.matMul(a, b).dispose();
  const n = 10;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }
  return +((2 * 512 * 512 * 1024 * n) / ((performance.now() - t0) / 1000) / 1e9).toFixed(1);
}

async function main(): Promise<void> {
  if (values.one) {
    const [B, T] = values.one.split('x').map(Number);
    await runOne(values.impl ?? 'custom', B, T);
    process.exit(0); // gradient worker threads would keep the process alive
  }
  const configs = (values.configs ?? '16x256,64x256,256x256,512x256').split(',');
  const results: unknown[] = [];
  const runChild = (impl: string, cfg: string) => {
    const r = spawnSync(
      process.execPath,
      [__filename, '--one', cfg, '--impl', impl, '--backend', backendPref, '--steps', String(STEPS), ...(values.threads ? ['--threads', values.threads] : [])],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const line = r.stdout.trim().split('\n').pop();
    if (r.status === 0 && line) return JSON.parse(line);
    const err = (r.stderr.match(/(Error|RangeError|Aborted)[^\n]*/) ?? [r.stderr.trim().split('\n').pop()])[0];
    return { impl, config: cfg, failed: (err ?? `exit ${r.status}`).slice(0, 200) };
  };
  const impls = (values.impls ?? 'custom,custom-parallel,tf.layers').split(',');
  for (const impl of impls) {
    // The baseline tf.layers.lstm runs at the sizes the notes measured (64x256 ran out of wasm memory there).
    for (const cfg of impl === 'tf.layers' && !values.configs ? ['16x256', '64x256'] : configs) {
      results.push(runChild(impl, cfg));
      process.stderr.write(JSON.stringify(results[results.length - 1]) + '\n');
    }
  }
  const out = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    model: { spec: makeSpec(), parameters: parameterCount(makeSpec()) },
    backend: backendPref,
    matmul_512x512x1024_gflops: await matmulGflops(),
    timed_steps_per_config: STEPS,
    results,
    target: { chars_per_sec_at_batch_256_plus: 3500, peak_rss_mb_at_512x256: 3584 },
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
