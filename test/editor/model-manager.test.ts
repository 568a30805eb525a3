import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ModelManager, ActiveModel } from '../../src/editor/model-manager';
import { loadCheckpoint, saveCheckpoint, setServingCalibration } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec, ModelWeights } from '../../src/model/architecture';
import { tempDir, useBackend } from '../helpers';

describe('model manager', () => {
  before(() => useBackend('cpu'));
  const spec = makeSpec({ embeddingDim: 8, lstmUnits: [16] });

  function setup() {
    const root = tempDir();
    const bundled = path.join(root, 'bundled');
    const ws = path.join(root, 'ws');
    saveCheckpoint(bundled, initWeights(spec, 1), { name: 'bundled-model' });
    saveCheckpoint(ws, initWeights(spec, 2), { name: 'workspace-model' });
    const warnings: string[] = [];
    const changes: (ActiveModel | undefined)[] = [];
    const served: ModelWeights[] = [];
    const thresholds: (number | undefined)[] = [];
    const m = new ModelManager(
      {
        log: () => undefined,
        warn: (w) => warnings.push(w),
        changed: (a) => changes.push(a),
        serve: (w, t) => {
          served.push(w);
          thresholds.push(t);
        },
      },
      () => bundled,
    );
    return { m, ws, warnings, changes, served, thresholds };
  }

  it('loads a workspace model and hands its weights to what serves completions', async () => {
    const { m, ws, changes, served } = setup();
    assert.equal((await m.load(ws, 'workspace'))!.name, 'workspace-model');
    assert.equal(changes.length, 1);
    assert.equal(served.length, 1);
    assert.deepEqual(served[0].denseBias, initWeights(spec, 2).denseBias);
  });

  it('hands on the confidence threshold calibrated for the model, and none for a model without one', async () => {
    const { m, ws, thresholds } = setup();
    await m.load(undefined, 'bundled');
    setServingCalibration(ws, { confidenceThreshold: 0.45, minAcceptedShare: 0.4, chars: 2000, tried: [] });
    assert.equal((await m.load(ws, 'workspace'))!.confidenceThreshold, 0.45);
    assert.deepEqual(thresholds, [undefined, 0.45]);
  });

  it('falls back to the bundled model with a clear warning when the checkpoint is broken', async () => {
    const { m, ws, warnings } = setup();
    fs.truncateSync(path.join(ws, 'weights.bin'), 10);
    const active = (await m.load(ws, 'workspace'))!;
    assert.equal(active.source, 'bundled');
    assert.equal(active.name, 'bundled-model');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /weights\.bin.*truncated.*bundled model instead/);
  });

  it('keeps serving the previous model when a new one fails and no bundled model exists', async () => {
    const { ws } = setup();
    const warnings: string[] = [];
    const served: ModelWeights[] = [];
    const m = new ModelManager(
      { log: () => undefined, warn: (w) => warnings.push(w), changed: () => undefined, serve: (w) => served.push(w) },
      () => undefined,
    );
    await m.load(ws, 'workspace');
    await m.load(path.join(ws, 'missing'), 'chosen');
    assert.equal(m.active!.name, 'workspace-model');
    assert.equal(served.length, 1, 'the failed load served nothing new');
    assert.match(warnings[0], /does not exist/);
  });

  it('serves the last model asked for when loads overlap (a slow first load does not win)', async () => {
    const { ws } = setup();
    const served: string[] = [];
    const slowFirst = async (dir: string) => {
      if (dir.endsWith('bundled')) await new Promise((r) => setTimeout(r, 100));
      return loadCheckpoint(dir);
    };
    const root = path.dirname(ws);
    const m = new ModelManager(
      { log: () => undefined, warn: () => undefined, changed: () => undefined, serve: (w) => served.push(w === undefined ? '' : 'served') },
      () => path.join(root, 'bundled'),
      slowFirst,
    );
    const loads = [m.load(undefined, 'bundled'), m.load(ws, 'workspace')];
    await m.settled();
    assert.equal(m.active?.name, 'workspace-model', 'settled() waits for the last load');
    const [first, second] = await Promise.all(loads);
    assert.equal(m.active!.name, 'workspace-model');
    assert.equal(first!.name, 'workspace-model', 'the slow load reports what serves');
    assert.equal(second!.name, 'workspace-model');
    assert.equal(served.length, 1, 'the stale load served nothing');
  });

  it('lets commands wait for a load at most a while: one that never ends does not hold them', async () => {
    const { ws } = setup();
    const m = new ModelManager(
      { log: () => undefined, warn: () => undefined, changed: () => undefined, serve: () => undefined },
      () => undefined,
      (dir) => (dir.endsWith('hung') ? new Promise(() => undefined) : Promise.resolve(loadCheckpoint(dir))),
    );
    void m.load(path.join(ws, 'hung'), 'chosen');
    const t0 = Date.now();
    await m.settled(150);
    assert.ok(Date.now() - t0 < 1000, 'settled() gave up waiting');
    await m.load(ws, 'workspace');
    assert.equal(m.active?.name, 'workspace-model', 'a later load still serves');
  });
});
