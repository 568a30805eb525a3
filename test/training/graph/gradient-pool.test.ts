import { strict as assert } from 'assert';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { GradientPool, shardBatch } from '../../../src/training/graph/gradient-pool';
import { TrainableModel } from '../../../src/training/graph/train-graph';
import { makeSpec } from '../../../src/model/architecture';
import { initWeights } from '../../../src/model/initializers';
import { makeBatch } from '../../../src/data/dataset';
import { encode } from '../../../src/model/vocab';
import { LstmState } from '../../../src/training/ops/lstm-op';
import { train } from '../../../src/training/loop/trainer';
import { loadCheckpoint } from '../../../src/model/checkpoint';
import { tempDir, useBackend } from '../../helpers';
import { tinyCorpus, tinyConfig } from '../fixtures';

describe('data-parallel gradients', function () {
  this.timeout(120_000);
  const text = encode('def f(x):\n    return [x * i for i in range(10)]\n'.repeat(40));

  it('splits a time-major batch by rows', () => {
    const b = makeBatch(text, [0, 10, 20, 30], 5);
    const s = shardBatch(b, 1, 3);
    for (let t = 0; t < 5; t++) assert.deepEqual([...s.inputs.subarray(t * 2, t * 2 + 2)], [b.inputs[t * 4 + 1], b.inputs[t * 4 + 2]]);
  });

  it('two workers give the gradients and carried states of one replica', async () => {
    await useBackend('wasm');
    const spec = makeSpec({ embeddingDim: 8, lstmUnits: [16, 12], dropout: 0 });
    const w = initWeights(spec, 4);
    const b = makeBatch(text, [0, 100, 200, 300, 400], 20);
    const states: (LstmState | undefined)[] = [];
    const model = new TrainableModel(w);
    let refStats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
    const ref = tf.variableGrads(() => {
      const r = model.loss(b.inputs, b.targets, b.steps, b.batch, { training: true, states });
      refStats = r.stats;
      return r.loss;
    }, model.variables);
    const pool = await GradientPool.create(2, spec, { backend: 'wasm' });
    try {
      const r = await pool.compute(model.weightArrays(), b, []);
      model.variables.forEach((v, i) => {
        const a = ref.grads[v.name].dataSync();
        let num = 0;
        let den = 0;
        a.forEach((x, j) => ((num += (x - r.grads[i][j]) ** 2), (den += x * x)));
        assert.ok(Math.sqrt(num / den) < 1e-5, `${v.name}: ${Math.sqrt(num / den)}`);
      });
      assert.ok(Math.abs(r.stats.crossEntropy - refStats.crossEntropy) < 1e-6);
      assert.ok(Math.abs(r.stats.accuracy - refStats.accuracy) < 1e-9);
      states.forEach((s, l) => s!.h.forEach((x, j) => assert.ok(Math.abs(x - r.states![l]!.h[j]) < 1e-5)));
      // On one of the two workers (the editor is busy): the same gradients.
      const one = await pool.compute(model.weightArrays(), b, [], 1);
      one.grads.forEach((g, i) => g.forEach((x, j) => assert.ok(Math.abs(x - r.grads[i][j]) < 1e-5 * (1 + Math.abs(x)))));
    } finally {
      await pool.dispose();
    }
    // Frozen layers: the workers return the gradients of the trained variables only, the replica's values.
    const frozen = await GradientPool.create(2, spec, { backend: 'wasm', frozenLayers: 1 });
    try {
      const r = await frozen.compute(model.weightArrays(), b, []);
      const trained = model.variables.slice(4);
      assert.equal(r.grads.length, trained.length);
      trained.forEach((v, i) => ref.grads[v.name].dataSync().forEach((x, j) => assert.ok(Math.abs(x - r.grads[i][j]) < 1e-5 * (1 + Math.abs(x)), v.name)));
    } finally {
      await frozen.dispose();
      model.dispose();
    }
  });

  it('the trainer learns with two gradient threads', async () => {
    const out = path.join(tempDir(), 'ck');
    const s = await train(tinyConfig(tinyCorpus(), out, { epochs: 8, evalEvery: 10, threads: 2, mode: 'carried-state' }));
    assert.equal(s.stoppedBy, 'completed');
    assert.ok(Math.min(...s.history.map((h) => h.valLoss)) < 0.75 * s.history[0].valLoss);
    assert.equal(loadCheckpoint(out).meta.training!.hyperParameters.threads, 2);
  });

  it('asks before each batch whether the editor is busy, when the run gives a thread back then', async () => {
    let asked = 0;
    const s = await train(tinyConfig(tinyCorpus(), path.join(tempDir(), 'ck'), { epochs: 1, threads: 2, threadsWhileBusy: 1 }), undefined, undefined, {
      editorBusy: () => (asked++, asked % 2 === 0),
    });
    assert.equal(s.stoppedBy, 'completed');
    assert.equal(asked, s.steps);
    assert.ok(s.bestValLoss! < s.history[0].valLoss + 1e-9);
  });
});
