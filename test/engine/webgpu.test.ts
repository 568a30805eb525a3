/**
 * The WebGPU backend against the cpu backend. Here and in CI it runs on Mesa's software renderer (OpenGL ES,
 * llvmpipe); .ci/run installs Mesa and sets LSTM_REQUIRE_WEBGPU=1, so there a missing adapter fails the test
 * instead of skipping it.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/engine/backend';
import { describeAdapter, isSoftwareAdapter } from '../../src/engine/webgpu';
import { weightList } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { TrainableModel } from '../../src/training/train-graph';
import { lstmSequenceDevice } from '../../src/training/lstm-op-device';
import { evaluateStream, train } from '../../src/training/trainer';
import { tempDir, useBackend } from '../helpers';
import { adamSteps, maxAbsDiff, SMALL } from '../../src/training/backend-check';
import { tinyConfig, tinyCorpus } from '../training/fixtures';

describe('webgpu backend', function () {
  this.timeout(240_000);
  let device = '';

  before(async function () {
    try {
      const sel = await selectBackend({ preferred: 'webgpu' });
      if (sel.name !== 'webgpu') throw new Error(sel.attempts[0].reason);
      device = sel.device ?? '';
    } catch (e) {
      const why = `no webgpu backend here: ${(e as Error).message}`;
      if (process.env.LSTM_REQUIRE_WEBGPU) throw new Error(`${why} (LSTM_REQUIRE_WEBGPU is set)`);
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });
  after(() => useBackend('cpu'));

  it('names the adapter and tells software renderers from GPUs', () => {
    assert.ok(device.length > 0);
    const fake = (d: string) => ({ info: { device: d, description: '' }, features: new Set<string>(), limits: {}, requestDevice: async () => ({}) });
    assert.ok(isSoftwareAdapter(fake('llvmpipe (LLVM 15.0.6, 256 bits)')));
    assert.ok(isSoftwareAdapter({ ...fake('x'), info: { isFallbackAdapter: true } }));
    assert.ok(!isSoftwareAdapter(fake('NVIDIA H100 80GB HBM3')));
    assert.equal(describeAdapter({ ...fake('NVIDIA H100'), info: { vendor: 'nvidia', device: 'NVIDIA H100' } }), 'nvidia / NVIDIA H100');
  });

  it('trains like the cpu backend: losses and weights within 1e-4 after 3 Adam steps from the same weights', async () => {
    const w = initWeights(SMALL, 21);
    await useBackend('cpu');
    const cpu = await adamSteps('host', 3, w);
    await useBackend('webgpu');
    const gpu = await adamSteps('device', 3, w);
    assert.equal(tf.getBackend(), 'webgpu');
    assert.ok(maxAbsDiff(cpu.losses, gpu.losses) < 1e-4, `losses cpu ${cpu.losses} webgpu ${gpu.losses}`);
    const cw = weightList(cpu.weights);
    weightList(gpu.weights).forEach((a, i) => assert.ok(maxAbsDiff(a, cw[i]) < 1e-4, `weight ${i} differs by ${maxAbsDiff(a, cw[i])}`));
    for (let l = 0; l < SMALL.lstmUnits.length; l++) assert.ok(maxAbsDiff(cpu.states[l]!.h, gpu.states[l]!.h) < 1e-4, `carried state of layer ${l}`);
  });

  it('fused LSTM shaders give the tf-op layer: output, final state and gradients, with a mask and an initial state', async () => {
    await useBackend('webgpu');
    const [T, B, D, H] = [5, 3, 6, 8];
    const rnd = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 0.5);
    const x = tf.tensor2d(rnd(T * B * D, 1), [T * B, D]);
    const W = tf.tensor2d(rnd(D * 4 * H, 2), [D, 4 * H]);
    const U = tf.tensor2d(rnd(H * 4 * H, 3), [H, 4 * H]);
    const b = tf.tensor1d(rnd(4 * H, 4));
    const mask = tf.tensor2d(rnd(T * B * H, 5).map((v) => (v > -0.2 ? 1.25 : 0)), [T * B, H]);
    const initial = { h: tf.tensor2d(rnd(B * H, 6), [B, H]), c: tf.tensor2d(rnd(B * H, 7), [B, H]) };
    const runs = [];
    for (const fused of [false, true]) {
      const finals: tf.Tensor[] = [];
      const f = (xx: tf.Tensor, ww: tf.Tensor, uu: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(lstmSequenceDevice(xx as tf.Tensor2D, ww as tf.Tensor2D, uu as tf.Tensor2D, bb as tf.Tensor1D, { steps: T, batch: B, initial, mask, fused, onFinalState: (h, c) => finals.push(h, c) }), tf.reshape(tf.linspace(-1, 1, T * B * H), [T * B, H])));
      const { value, grads } = tf.valueAndGrads(f)([x, W, U, b]);
      runs.push({ value: (await value.data())[0], grads: await Promise.all(grads.map((g) => g.data())), finals: await Promise.all(finals.map((t) => t.data())) });
      tf.dispose([value, ...grads, ...finals]);
    }
    const [ops, fused] = runs;
    assert.ok(Math.abs(ops.value - fused.value) < 1e-5, `${ops.value} vs ${fused.value}`);
    ops.grads.forEach((g, i) => assert.ok(maxAbsDiff(g, fused.grads[i]) < 1e-5, `gradient ${i}: ${maxAbsDiff(g, fused.grads[i])}`));
    ops.finals.forEach((s, i) => assert.ok(maxAbsDiff(s, fused.finals[i]) < 1e-6, `final state ${i}`));
    tf.dispose([x, W, U, b, mask, initial.h, initial.c]);
  });

  it('evaluates (inference over a stream, state carried) like the cpu backend', async () => {
    const w = initWeights(SMALL, 22);
    const stream = new Uint8Array(400).map((_, i) => (i * 13 + (i >> 3)) % SMALL.vocabSize);
    await useBackend('cpu');
    const cpu = await evaluateStream(new TrainableModel(w, 1, 'host'), stream, 'carried-state', 4, 24);
    await useBackend('webgpu');
    const gpu = await evaluateStream(new TrainableModel(w, 1, 'device'), stream, 'carried-state', 4, 24);
    assert.equal(gpu.chars, cpu.chars);
    assert.ok(Math.abs(gpu.loss - cpu.loss) < 1e-4, `cpu ${cpu.loss} webgpu ${gpu.loss}`);
    assert.ok(Math.abs(gpu.accuracy - cpu.accuracy) < 1e-3);
  });

  it('runs the trainer end to end and writes a checkpoint that loads', async () => {
    const out = path.join(tempDir(), 'gpu-model');
    const logs: string[] = [];
    const summary = await train(
      tinyConfig(tinyCorpus(2), out, { backend: 'webgpu', epochs: 0.5, threads: 2, mode: 'carried-state', spec: { embeddingDim: 8, lstmUnits: [16, 16] } }),
      (e) => e.type === 'log' && logs.push(e.message),
    );
    assert.equal(summary.stoppedBy, 'completed');
    assert.ok(logs.some((l) => /using webgpu on/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /trains in one/.test(l)), 'threads fall back to one on a device backend');
    const ck = loadCheckpoint(out);
    assert.equal(ck.meta.training?.backend, 'webgpu');
    const last = ck.meta.training!.history[ck.meta.training!.history.length - 1];
    assert.ok(Number.isFinite(last.valLoss) && Number.isFinite(last.trainLoss), JSON.stringify(last));
    assert.ok(fs.existsSync(path.join(`${out}-latest`, 'optimizer.bin')));
  });
});
