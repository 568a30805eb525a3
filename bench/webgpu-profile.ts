/**
 * node dist/bench/webgpu-profile.js [--config 512x256] [--quick] — where a WebGPU training step's time goes,
 * for the GPU machine (scripts/gpu/profile-and-train.sh). Prints one JSON object:
 *  - dispatch: the cost of one small tfjs op (JS, bind group, uniforms, scheduling) when 1,000 run back to back;
 *  - matmul: GFLOP/s of tfjs's matMul and of each tiling of training/gemm-webgpu.ts, at 1024³ and at the
 *    three large products of an LSTM layer at the config (input projection, weight gradient, input gradient);
 *  - layer: one LSTM layer (D = H = 256) forward and forward+backward, with the per-step kernels (3 dispatches
 *    a step and direction) and with the whole-sequence kernels;
 *  - step: a whole training step of the design's model (gradients and Adam) on each path, and with tf.time the
 *    GPU's own kernel time where the adapter offers timestamp queries (kernel_ms 0 when it does not);
 *  - breakdown: the new path's step split into LSTM recurrences, large products and the rest.
 * Every figure is the median of a few runs after a warm-up; the old path (step kernels, tfjs matMul) is
 * measured in the same process as the new one.
 */
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../src/backends/backend';
import { makeSpec } from '../src/model/architecture';
import { initWeights } from '../src/model/initializers';
import { TrainableModel } from '../src/training/graph/train-graph';
import { createAdam, applyClipped } from '../src/training/graph/optimizer-state';
import { lstmSequenceDevice } from '../src/training/ops/lstm-op-device';
import { gemm, GEMM_TILINGS } from '../src/training/ops/gemm-webgpu';

const { values } = parseArgs({ options: { config: { type: 'string' }, quick: { type: 'boolean' } } });
const [B, T] = (values.config ?? '512x256').split('x').map(Number);
const REPS = values.quick ? 2 : 5;

async function sync(t: tf.Tensor | tf.Tensor[]): Promise<void> {
  for (const x of Array.isArray(t) ? t : [t]) await x.data();
}

/** Median milliseconds of f over REPS runs after one warm-up; f returns what to wait for and dispose. */
async function time(f: () => tf.Tensor | tf.Tensor[] | Promise<void>, reps = REPS): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const r = await f();
    if (r) {
      await sync(r);
      tf.dispose(r);
    }
    return performance.now() - t0;
  };
  await once();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) ms.push(await once());
  ms.sort((a, b) => a - b);
  return +ms[Math.floor(ms.length / 2)].toFixed(2);
}

function setPath(kernels: 'step' | 'sequence', gemmName: string): void {
  process.env.LSTM_COMPLETE_LSTM_KERNELS = kernels;
  process.env.LSTM_COMPLETE_GEMM = gemmName;
}

async function dispatchCost(): Promise<number> {
  const x = tf.ones([256]);
  const n = 1000;
  const run = () => {
    let y = x;
    for (let i = 0; i < n; i++) {
      const z = tf.add(y, 1);
      if (y !== x) y.dispose();
      y = z;
    }
    return y;
  };
  const ms = await time(run, 3);
  x.dispose();
  return +((ms * 1000) / n).toFixed(1);
}

async function matmuls() {
  const shapes: { name: string; M: number; N: number; K: number; ta: boolean; tb: boolean }[] = [
    { name: '1024^3', M: 1024, N: 1024, K: 1024, ta: false, tb: false },
    { name: 'input projection x·W', M: B * T, N: 1024, K: 256, ta: false, tb: false },
    { name: 'weight gradient xᵀ·dZ', M: 256, N: 1024, K: B * T, ta: true, tb: false },
    { name: 'input gradient dZ·Wᵀ', M: B * T, N: 256, K: 1024, ta: false, tb: true },
  ];
  const out = [];
  for (const s of shapes) {
    const a = tf.randomNormal(s.ta ? [s.K, s.M] : [s.M, s.K]) as tf.Tensor2D;
    const b = tf.randomNormal(s.tb ? [s.N, s.K] : [s.K, s.N]) as tf.Tensor2D;
    const flop = 2 * s.M * s.N * s.K;
    const row: Record<string, number | string> = { shape: s.name, M: s.M, N: s.N, K: s.K };
    row.tfjs_gflops = +(flop / (await time(() => tf.matMul(a, b, s.ta, s.tb))) / 1e6).toFixed(1);
    for (const [name, t] of Object.entries(GEMM_TILINGS)) row[`${name}_gflops`] = +(flop / (await time(() => gemm(a, b, s.ta, s.tb, t))) / 1e6).toFixed(1);
    tf.dispose([a, b]);
    out.push(row);
    process.stderr.write(JSON.stringify(row) + '\n');
  }
  return out;
}

async function layer(kernels: 'step' | 'sequence', gemmName: string) {
  setPath(kernels, gemmName);
  const H = 256;
  const x = tf.randomNormal([T * B, H], 0, 0.5) as tf.Tensor2D;
  const W = tf.randomNormal([H, 4 * H], 0, 0.05) as tf.Tensor2D;
  const U = tf.randomNormal([H, 4 * H], 0, 0.05) as tf.Tensor2D;
  const b = tf.zeros([4 * H]) as tf.Tensor1D;
  const forward = await time(() => lstmSequenceDevice(x, W, U, b, { steps: T, batch: B }));
  const both = await time(() => {
    const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, ww: tf.Tensor, uu: tf.Tensor) =>
      tf.sum(lstmSequenceDevice(xx as tf.Tensor2D, ww as tf.Tensor2D, uu as tf.Tensor2D, b, { steps: T, batch: B })),
    )([x, W, U]);
    return [value, ...grads];
  });
  tf.dispose([x, W, U, b]);
  return { kernels, gemm: gemmName, forward_ms: forward, forward_backward_ms: both };
}

async function trainingStep(kernels: 'step' | 'sequence', gemmName: string) {
  setPath(kernels, gemmName);
  const spec = makeSpec();
  const model = new TrainableModel(initWeights(spec, 1), 1, 'device');
  const opt = createAdam(1e-3);
  const inputs = new Int32Array(B * T).map((_, i) => 2 + ((i * 7919) % (spec.vocabSize - 3)));
  const targets = new Int32Array(B * T).map((_, i) => 2 + ((i * 104729) % (spec.vocabSize - 3)));
  const step = async () => {
    const { grads, result } = model.gradients(inputs, targets, T, B, { training: true });
    applyClipped(opt, grads, 1);
    await result.finish();
  };
  const ms = await time(step);
  let kernelMs = 0;
  try {
    const info = await tf.time(step);
    kernelMs = +(info.kernelMs as number).toFixed(1);
  } catch {
    kernelMs = 0;
  }
  model.dispose();
  opt.dispose();
  return { kernels, gemm: gemmName, ms_per_step: ms, chars_per_sec: Math.round((B * T * 1000) / ms), kernel_ms: kernelMs };
}

/**
 * The new path's step split into the two LSTM layers (each timed alone, forward + backward) and the rest, and a
 * layer into its large products (estimated from the matmul timings at the layer's shapes) and the recurrence. Parts
 * timed alone include their own launch and sync, which the whole step overlaps, so they can add up to more than
 * the step (on the H200 they did: the old arithmetic printed -598.7 ms for the rest). The split is then given as
 * shares of the timed parts, never as a negative time, with the overlap named.
 */
function stepBreakdown(stepMs: number, layerMs: number, layerShapes: Record<string, number>[], gemm: string) {
  const g = (r: Record<string, number>) => (2 * r.M * r.N * r.K) / (r[`${gemm}_gflops`] * 1e6);
  // 4 large products a layer: the input projection, the input and kernel gradients, the recurrent-kernel gradient.
  const productsMs = Math.min(layerMs, g(layerShapes[0]) + 2 * g(layerShapes[1]) + g(layerShapes[2]));
  const layersMs = 2 * layerMs;
  const restMs = stepMs - layersMs;
  const r1 = (x: number) => +x.toFixed(1);
  return {
    step_ms: r1(stepMs),
    lstm_layers_timed_alone_ms: r1(layersMs),
    large_products_share_of_layer: +(productsMs / layerMs).toFixed(3),
    recurrence_and_cells_share_of_layer: +(1 - productsMs / layerMs).toFixed(3),
    embedding_dense_softmax_adam_ms: restMs >= 0 ? r1(restMs) : null,
    overlap_ms: restMs < 0 ? r1(-restMs) : 0,
    note:
      restMs < 0
        ? 'the two layers timed alone took longer than the whole step (their launch and sync overlap there): the rest of the step is not measurable this way'
        : 'layer 1 has D = 64, not 256: its products are smaller than estimated here',
  };
}

async function main(): Promise<void> {
  const sel = await selectBackend({ preferred: 'webgpu', log: (l) => console.error(l) });
  if (sel.name !== 'webgpu') throw new Error(`no webgpu: ${sel.attempts[0]?.reason}`);
  const out: Record<string, unknown> = { adapter: sel.device, config: `${B}x${T}` };
  out.dispatch_us_per_op = await dispatchCost();
  process.stderr.write(`dispatch ${out.dispatch_us_per_op} us/op\n`);
  const mms = await matmuls();
  out.matmul = mms;
  // The matmul for the new path: the one with the least time over an LSTM layer's large products (tfjs's own
  // when no tiling beats it), unless PROFILE_GEMM names one.
  const layerMs = (key: string) => mms.slice(1).reduce((s, r) => s + (2 * (r.M as number) * (r.N as number) * (r.K as number)) / ((r[key] as number) * 1e6), 0);
  const candidates = ['tfjs', ...Object.keys(GEMM_TILINGS)];
  const newGemm = process.env.PROFILE_GEMM ?? candidates.reduce((best, c) => (layerMs(`${c}_gflops`) < layerMs(`${best}_gflops`) ? c : best));
  const layers = [];
  for (const [k, g] of [
    ['step', 'tfjs'],
    ['sequence', 'tfjs'],
    ['sequence', newGemm],
  ] as const) {
    layers.push(await layer(k, g));
    process.stderr.write(JSON.stringify(layers[layers.length - 1]) + '\n');
  }
  out.layer = layers;
  const steps = [];
  for (const [k, g] of [
    ['step', 'tfjs'],
    ['sequence', 'tfjs'],
    ['sequence', newGemm],
  ] as const) {
    steps.push(await trainingStep(k, g));
    process.stderr.write(JSON.stringify(steps[steps.length - 1]) + '\n');
  }
  out.step = steps;
  // What training should use is what runs the whole step fastest, not what wins one layer's products: on the H200
  // (2026-12-04) the tiling picked by the layer's products lost the whole step to tfjs's matmul (1,345,570 against
  // 1,417,761 chars/s at 512x256).
  out.layer_gemm = newGemm;
  out.chosen_gemm = steps[1].chars_per_sec >= steps[2].chars_per_sec ? 'tfjs' : newGemm;
  out.chosen_kernels = steps[0].chars_per_sec > Math.max(steps[1].chars_per_sec, steps[2].chars_per_sec) ? 'step' : 'sequence';
  out.breakdown = stepBreakdown(steps[2].ms_per_step, layers[2].forward_backward_ms, mms.slice(1) as Record<string, number>[], newGemm);
  console.log(JSON.stringify(out, null, 2));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
