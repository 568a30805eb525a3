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
