import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { weightList } from '../../../src/model/architecture';
import { initWeights } from '../../../src/model/initializers';
import { TrainableModel } from '../../../src/training/graph/train-graph';
import { evaluateStream } from '../../../src/training/loop/evaluate-stream';
import { useBackend } from '../../helpers';
import { adamSteps, maxAbsDiff, randomBatch, SMALL } from '../../../src/training/graph/backend-check';

describe('device-resident training graph', () => {
  before(() => useBackend('cpu'));

  it('gives the host graph loss and gradients, with dropout and a carried initial state', async () => {
    const w = initWeights(SMALL, 5);
    const [T, B] = [6, 3];
    const { inputs, targets } = randomBatch(T, B, SMALL.vocabSize, 1);
    const init = SMALL.lstmUnits.map((H, i) => ({
      h: new Float32Array(B * H).map((_, j) => Math.sin(j + i)),
      c: new Float32Array(B * H).map((_, j) => Math.cos(j * 2 + i)),
    }));
    const results = [];
    for (const residency of ['host', 'device'] as const) {
      const model = new TrainableModel(w, 4, residency);
      const states = init.map((s) => ({ h: s.h.slice(), c: s.c.slice() }));
      let r: ReturnType<TrainableModel['loss']> | undefined;
      const g = tf.variableGrads(() => (r = model.loss(inputs, targets, T, B, { training: true, states })).loss, model.variables);
      await r!.finish();
      results.push({ loss: (await g.value.data())[0], grads: await Promise.all(model.variables.map((v) => g.grads[v.name].data())), stats: r!.stats, states });
      tf.dispose([g.value, ...Object.values(g.grads)]);
      model.dispose();
    }
    const [host, device] = results;
    assert.ok(Math.abs(host.loss - device.loss) < 1e-5, `loss ${host.loss} vs ${device.loss}`);
    assert.ok(Math.abs(host.stats.crossEntropy - device.stats.crossEntropy) < 1e-5);
    assert.equal(device.stats.accuracy, host.stats.accuracy);
    assert.equal(device.stats.chars, T * B);
    host.grads.forEach((a, i) => assert.ok(maxAbsDiff(a, device.grads[i]) < 1e-5, `gradient ${i} differs by ${maxAbsDiff(a, device.grads[i])}`));
    for (let l = 0; l < SMALL.lstmUnits.length; l++) {
      assert.ok(maxAbsDiff(host.states[l].h, device.states[l].h) < 1e-6, `final h of layer ${l}`);
      assert.ok(maxAbsDiff(host.states[l].c, device.states[l].c) < 1e-6, `final c of layer ${l}`);
    }
  });

  it('trains like the host graph for several Adam steps and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const host = await adamSteps('host', 4);
    const device = await adamSteps('device', 4);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(maxAbsDiff(host.losses, device.losses) < 1e-5, `losses ${host.losses} vs ${device.losses}`);
    const hw = weightList(host.weights);
    weightList(device.weights).forEach((a, i) => assert.ok(maxAbsDiff(a, hw[i]) < 1e-5, `weight ${i}`));
    assert.ok(device.losses[3] < device.losses[0], 'the loss falls');
  });

  it('evaluates a stream like the host graph', async () => {
    const w = initWeights(SMALL, 6);
    const stream = new Uint8Array(500).map((_, i) => (i * 7) % SMALL.vocabSize);
    const host = await evaluateStream(new TrainableModel(w, 1, 'host'), stream, 'carried-state', 4, 16);
    const device = await evaluateStream(new TrainableModel(w, 1, 'device'), stream, 'carried-state', 4, 16);
    assert.ok(host.chars > 400);
    assert.equal(device.chars, host.chars);
    assert.ok(Math.abs(host.loss - device.loss) < 1e-5, `${host.loss} vs ${device.loss}`);
  });
});
