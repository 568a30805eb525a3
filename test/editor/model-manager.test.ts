import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ModelManager, ActiveModel } from '../../src/editor/model-manager';
import { saveCheckpoint } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
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
    const m = new ModelManager({ log: () => undefined, warn: (w) => warnings.push(w), changed: (a) => changes.push(a) }, () => bundled);
    return { m, ws, warnings, changes };
  }

  it('loads a workspace model and serves one session per document', () => {
    const { m, ws, changes } = setup();
    assert.equal(m.load(ws, 'workspace')!.name, 'workspace-model');
    assert.equal(changes.length, 1);
    const a = m.session('a.py')!;
    assert.equal(m.session('a.py'), a);
    assert.notEqual(m.session('b.py'), a);
  });

  it('falls back to the bundled model with a clear warning when the checkpoint is broken', () => {
    const { m, ws, warnings } = setup();
    fs.truncateSync(path.join(ws, 'weights.bin'), 10);
    const active = m.load(ws, 'workspace')!;
    assert.equal(active.source, 'bundled');
    assert.equal(active.name, 'bundled-model');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /weights\.bin.*truncated.*bundled model instead/);
  });

  it('keeps serving the previous model when a new one fails and no bundled model exists', () => {
    const { ws } = setup();
    const warnings: string[] = [];
    const m = new ModelManager({ log: () => undefined, warn: (w) => warnings.push(w), changed: () => undefined }, () => undefined);
    m.load(ws, 'workspace');
    const s = m.session('x.py');
    m.load(path.join(ws, 'missing'), 'chosen');
    assert.equal(m.active!.name, 'workspace-model');
    assert.equal(m.session('x.py'), s);
    assert.match(warnings[0], /does not exist/);
  });
});
