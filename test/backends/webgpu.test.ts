/**
 * The WebGPU backend against the cpu backend. Here and in CI it runs on Mesa's software renderer (OpenGL ES,
 * llvmpipe); .ci/run installs Mesa and sets LSTM_REQUIRE_WEBGPU=1, so there a missing adapter fails the test
 * instead of skipping it.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backends/backend';
import { describeAdapter, isSoftwareAdapter, probeAdaptersQuietly } from '../../src/backends/webgpu';
import { weightList } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { TrainableModel } from '../../src/training/graph/train-graph';
import { lstmSequenceDevice, dropoutMask, DeviceLstmOptions } from '../../src/training/ops/lstm-op-device';
import { dropoutMaskWebGpu, rowsPerWorkgroup } from '../../src/training/ops/lstm-webgpu-sequence';
import { mulberry32 } from '../../src/util/rng';
import { gemm, GEMM_TILINGS, splitK } from '../../src/training/ops/gemm-webgpu';
import { train } from '../../src/training/loop/trainer';
import { evaluateStream } from '../../src/training/loop/evaluate-stream';
import { tempDir, useBackend } from '../helpers';
import { adamSteps, maxAbsDiff, SMALL } from '../../src/training/graph/backend-check';
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

  it('the quiet probe (dist/dawn-probe.js, a child process) finds the adapter this process uses', async () => {
    const found = await probeAdaptersQuietly();
    assert.ok(found && found.length > 0, `the probe found ${JSON.stringify(found)}`);
    assert.ok(
      found.some((f) => device.includes(f.adapter.info?.device ?? '\u0000')),
      `the probe's adapters ${JSON.stringify(found.map((f) => f.adapter.info?.device))} include ${device}`,
    );
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

  /** The layer's value, gradients and final state under each implementation, from the same inputs. */
  async function layerRuns(T: number, B: number, D: number, H: number, variants: Partial<DeviceLstmOptions>[]) {
    const rnd = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 0.5);
    const x = tf.tensor2d(rnd(T * B * D, 1), [T * B, D]);
    const W = tf.tensor2d(rnd(D * 4 * H, 2), [D, 4 * H]);
    const U = tf.tensor2d(
      rnd(H * 4 * H, 3).map((v) => v * Math.min(1, 8 / H)),
      [H, 4 * H],
    );
    const b = tf.tensor1d(rnd(4 * H, 4));
    const mask = tf.tensor2d(
      rnd(T * B * H, 5).map((v) => (v > -0.2 ? 1.25 : 0)),
      [T * B, H],
    );
    const initial = { h: tf.tensor2d(rnd(B * H, 6), [B, H]), c: tf.tensor2d(rnd(B * H, 7), [B, H]) };
    const weights = tf.reshape(tf.linspace(-1, 1, T * B * H), [T * B, H]);
    const runs = [];
    for (const v of variants) {
      const finals: tf.Tensor[] = [];
      const f = (xx: tf.Tensor, ww: tf.Tensor, uu: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(
          tf.mul(
            lstmSequenceDevice(xx as tf.Tensor2D, ww as tf.Tensor2D, uu as tf.Tensor2D, bb as tf.Tensor1D, {
              ...v,
              steps: T,
              batch: B,
              initial,
              mask,
              onFinalState: (h, c) => finals.push(h, c),
            }),
            weights,
          ),
        );
      const { value, grads } = tf.valueAndGrads(f)([x, W, U, b]);
      runs.push({
        value: (await value.data())[0],
        grads: await Promise.all(grads.map((g) => g.data())),
        finals: await Promise.all(finals.map((t) => t.data())),
      });
      tf.dispose([value, ...grads, ...finals]);
    }
    tf.dispose([x, W, U, b, mask, initial.h, initial.c, weights]);
    return runs;
  }

  function assertSameLayer(ops: Awaited<ReturnType<typeof layerRuns>>[number], other: typeof ops, what: string) {
    assert.ok(Math.abs(ops.value - other.value) < 1e-4 * Math.max(1, Math.abs(ops.value)), `${what}: ${ops.value} vs ${other.value}`);
    ops.grads.forEach((g, i) => {
      const scale = Array.from(g).reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      assert.ok(maxAbsDiff(g, other.grads[i]) < 1e-5 * scale, `${what}, gradient ${i}: ${maxAbsDiff(g, other.grads[i])}`);
    });
    ops.finals.forEach((s, i) => assert.ok(maxAbsDiff(s, other.finals[i]) < 1e-5, `${what}, final state ${i}`));
  }

  it('fused LSTM shaders (per step and whole sequence) give the tf-op layer: output, final state and gradients, with a mask and an initial state', async () => {
    await useBackend('webgpu');
    const [ops, step, sequence] = await layerRuns(5, 3, 6, 8, [{ fused: false }, { kernels: 'step' }, { kernels: 'sequence' }]);
    assertSameLayer(ops, step, 'step kernels');
    assertSameLayer(ops, sequence, 'sequence kernels');
  });

  it('whole-sequence shaders: several rows per workgroup with a partial last group, and more units than threads', async () => {
    await useBackend('webgpu');
    assert.equal(rowsPerWorkgroup(385, 8, 16384), 3);
    assert.equal(rowsPerWorkgroup(512, 6 * 256, 16384), 2, 'the backward pass at the design size fits 2 rows in 16 KB');
    assert.equal(rowsPerWorkgroup(512, 6 * 256, 4096), 0, 'none fit: the caller falls back to the step kernels');
    const [ops, sequence] = await layerRuns(3, 385, 4, 8, [{ fused: false }, { kernels: 'sequence' }]);
    assertSameLayer(ops, sequence, '385 rows');
    const [ops2, sequence2] = await layerRuns(2, 2, 3, 300, [{ fused: false }, { kernels: 'sequence' }]);
    assertSameLayer(ops2, sequence2, '300 units');
  });

  it('tiled matmul: every tiling equals tfjs matMul, with transposed operands, partial tiles and K split over workgroups', async () => {
    await useBackend('webgpu');
    const cases: [number, number, number, boolean, boolean][] = [
      [37, 53, 29, false, false],
      [130, 70, 3000, true, false],
      [65, 129, 17, false, true],
      [20, 9, 33, true, true],
    ];
    assert.ok(splitK(130, 70, 3000, GEMM_TILINGS['128x128x8x8x8']) > 1, 'the second case splits K');
    for (const [name, tiling] of Object.entries(GEMM_TILINGS)) {
      for (const [M, N, K, ta, tb] of cases) {
        const a = tf.randomNormal(ta ? [K, M] : [M, K], 0, 1, 'float32', 5) as tf.Tensor2D;
        const b = tf.randomNormal(tb ? [N, K] : [K, N], 0, 1, 'float32', 6) as tf.Tensor2D;
        const ref = await tf.matMul(a, b, ta, tb).data();
        const got = gemm(a, b, ta, tb, tiling);
        assert.deepEqual(got.shape, [M, N]);
        const d = maxAbsDiff(ref, await got.data());
        assert.ok(d < 1e-5 * K, `${name} ${M}x${N}x${K} transA ${ta} transB ${tb}: ${d}`);
        tf.dispose([a, b, got]);
      }
    }
  });

  it('draws the dropout mask on the GPU with the same values as the host generator, and moves the generator on as far', async () => {
    await useBackend('webgpu');
    const [rows, units, rate] = [37, 29, 0.1];
    const host = mulberry32(77);
    const gpuRng = mulberry32(77);
    const expected = await dropoutMask(rows, units, rate, host).data();
    const got = await dropoutMaskWebGpu(rows, units, rate, gpuRng.skip(rows * units)).data();
    assert.deepEqual(Array.from(got), Array.from(expected));
    assert.ok(expected.some((v) => v === 0) && expected.some((v) => v > 1), 'both dropped and kept values');
    assert.equal(gpuRng(), host(), 'the next draw agrees');
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
    assert.ok(
      logs.some((l) => /using webgpu on/.test(l)),
      logs.join('\n'),
    );
    assert.ok(
      logs.some((l) => /trains in one/.test(l)),
      'threads fall back to one on a device backend',
    );
    const ck = loadCheckpoint(out);
    assert.equal(ck.meta.training?.backend, 'webgpu');
    const last = ck.meta.training!.history[ck.meta.training!.history.length - 1];
    assert.ok(Number.isFinite(last.valLoss) && Number.isFinite(last.trainLoss), JSON.stringify(last));
    assert.ok(fs.existsSync(path.join(`${out}-latest`, 'optimizer.bin')));
  });
});
