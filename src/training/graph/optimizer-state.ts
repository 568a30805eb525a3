/**
 * Adam with global gradient clipping, and its state saved next to a checkpoint so `--resume` continues the
 * same optimisation (moments and step count), not just the weights.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface OptimizerFiles {
  'optimizer.json': string;
  'optimizer.bin': Buffer;
}

export function createAdam(lr: number): tf.AdamOptimizer {
  return tf.train.adam(lr, 0.9, 0.999, 1e-7);
}

export function setLearningRate(opt: tf.AdamOptimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

/**
 * Scales gradients so their global norm is at most clipNorm, on the device (no read back); returns the norm
 * before clipping as a scalar the caller disposes.
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, clipNorm: number): tf.Scalar {
  // Pairwise adds, not addN: a GPU kernel with one input per weight can exceed the adapter's buffer limit.
  const norm = tf.tidy(
    () =>
      tf.sqrt(
        Object.values(grads)
          .map((g) => tf.sum(tf.square(g)))
          .reduce((a, b) => tf.add(a, b)),
      ) as tf.Scalar,
  );
  if (clipNorm > 0) {
    const scale = tf.tidy(() => tf.div(clipNorm, tf.maximum(norm, clipNorm)));
    for (const k of Object.keys(grads)) {
      const old = grads[k];
      grads[k] = tf.mul(old, scale);
      old.dispose();
    }
    scale.dispose();
  }
  return norm;
}

/** One optimizer step: clips the gradients to clipNorm, applies them, and disposes them. */
export function applyClipped(opt: tf.AdamOptimizer, grads: Record<string, tf.Tensor>, clipNorm: number): void {
  clipByGlobalNorm(grads, clipNorm).dispose();
  opt.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
  tf.dispose(Object.values(grads));
}

export async function serializeOptimizer(opt: tf.AdamOptimizer): Promise<OptimizerFiles> {
  const weights = await opt.getWeights();
  const entries: { name: string; shape: number[] }[] = [];
  const arrays: Float32Array[] = [];
  for (const w of weights) {
    entries.push({ name: w.name, shape: w.tensor.shape });
    arrays.push((await w.tensor.data()) as Float32Array);
  }
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const bin = new Float32Array(total);
  let off = 0;
  for (const a of arrays) {
    bin.set(a, off);
    off += a.length;
  }
  return { 'optimizer.json': JSON.stringify({ optimizer: 'adam', entries }), 'optimizer.bin': Buffer.from(bin.buffer) };
}

export async function restoreOptimizer(opt: tf.AdamOptimizer, json: string, bin: Buffer): Promise<void> {
  const { entries } = JSON.parse(json) as { entries: { name: string; shape: number[] }[] };
  const data = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length));
  let off = 0;
  const named = entries.map((e) => {
    const n = e.shape.reduce((p, d) => p * d, 1);
    const t = tf.tensor(data.subarray(off, off + n), e.shape);
    off += n;
    return { name: e.name, tensor: t };
  });
  if (off !== data.length) throw new Error(`optimizer.bin has ${data.length} values, optimizer.json describes ${off}`);
  await opt.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}
