import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpointOffThread } from '../../src/serving/checkpoint-loader';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec, weightList } from '../../src/model/architecture';
import { tempDir, useBackend } from '../helpers';

describe('loadCheckpointOffThread', () => {
  before(() => useBackend('cpu'));
  const spec = makeSpec({ embeddingDim: 8, lstmUnits: [16, 16] });

  it('reads what loadCheckpoint reads, its weights in one shared buffer (posted on without a copy)', async () => {
    const dir = path.join(tempDir(), 'ck');
    saveCheckpoint(dir, initWeights(spec, 3), { name: 'shared' });
    const ck = await loadCheckpointOffThread(dir);
    const direct = loadCheckpoint(dir);
    assert.equal(ck.meta.name, 'shared');
    assert.deepEqual(ck.meta, direct.meta);
    weightList(ck.weights).forEach((a, i) => assert.deepEqual(a, weightList(direct.weights)[i]));
    assert.ok(
      weightList(ck.weights).every((a) => a.buffer instanceof SharedArrayBuffer && a.buffer === ck.weights.embedding.buffer),
      'every array in one SharedArrayBuffer',
    );
    assert.deepEqual(
      ck.weights.lstm.map((l) => [l.inputSize, l.units]),
      direct.weights.lstm.map((l) => [l.inputSize, l.units]),
    );
  });

  it('fails as loadCheckpoint fails: the same message, naming the file', async () => {
    const dir = path.join(tempDir(), 'ck');
    saveCheckpoint(dir, initWeights(spec, 3));
    fs.truncateSync(path.join(dir, 'weights.bin'), 10);
    const expected = (() => {
      try {
        loadCheckpoint(dir);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    assert.match(expected ?? '', /weights\.bin/);
    await assert.rejects(loadCheckpointOffThread(dir), (e: Error) => e.message === expected);
    await assert.rejects(loadCheckpointOffThread(path.join(dir, 'missing')), /does not exist/);
  });

  it('loads on the calling thread when the worker script is missing (running from sources)', async () => {
    const dir = path.join(tempDir(), 'ck');
    saveCheckpoint(dir, initWeights(spec, 4), { name: 'here' });
    assert.equal((await loadCheckpointOffThread(dir, false)).meta.name, 'here');
    await assert.rejects(loadCheckpointOffThread(path.join(dir, 'missing'), false), /does not exist/);
  });
});
