import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { makeSpec, weightList } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { saveCheckpoint, loadCheckpoint, CheckpointError, setServingCalibration, setRunOutcome } from '../../src/model/checkpoint';
import { tempDir, useBackend } from '../helpers';

const spec = makeSpec({ embeddingDim: 8, lstmUnits: [16, 12] });

describe('checkpoint', () => {
  before(() => useBackend('cpu'));

  it('round-trips weights and meta exactly', () => {
    const dir = path.join(tempDir(), 'ckpt');
    const w = initWeights(spec, 3);
    saveCheckpoint(dir, w, { name: 'tiny' });
    for (const f of ['model.json', 'weights.bin', 'meta.json']) assert.ok(fs.existsSync(path.join(dir, f)), f);
    const ck = loadCheckpoint(dir);
    assert.equal(ck.meta.name, 'tiny');
    assert.deepEqual(ck.meta.spec, spec);
    const a = weightList(w);
    const b = weightList(ck.weights);
    a.forEach((arr, i) => assert.deepEqual(b[i], arr));
  });

  it('stores float16 weights within half precision', () => {
    const dir = path.join(tempDir(), 'ckpt16');
    const w = initWeights(spec, 4);
    saveCheckpoint(dir, w, { float16: true });
    const ck = loadCheckpoint(dir);
    assert.equal(ck.meta.weightsDtype, 'float16');
    const a = weightList(w);
    const b = weightList(ck.weights);
    a.forEach((arr, i) => arr.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= Math.abs(v) * 1e-3 + 1e-7)));
  });

  it('replaces an existing checkpoint and leaves no temp folders', () => {
    const root = tempDir();
    const dir = path.join(root, 'ck');
    saveCheckpoint(dir, initWeights(spec, 1), { name: 'first' });
    saveCheckpoint(dir, initWeights(spec, 2), { name: 'second' });
    assert.equal(loadCheckpoint(dir).meta.name, 'second');
    assert.deepEqual(fs.readdirSync(root), ['ck']);
  });

  it('recovers the previous checkpoint when a write was interrupted after the old one moved aside', () => {
    const root = tempDir();
    const dir = path.join(root, 'ck');
    saveCheckpoint(dir, initWeights(spec, 1), { name: 'old' });
    // Simulate a crash between the two renames: old moved to .bak, new still in .tmp.
    fs.renameSync(dir, `${dir}.bak`);
    fs.mkdirSync(`${dir}.tmp`);
    const ck = loadCheckpoint(dir);
    assert.equal(ck.meta.name, 'old');
    assert.equal(ck.recoveredFrom, `${dir}.bak`);
  });

  it('names the file and the problem for missing, truncated and foreign checkpoints', () => {
    const root = tempDir();
    assert.throws(
      () => loadCheckpoint(path.join(root, 'nope')),
      (e: Error) => e instanceof CheckpointError && /does not exist/.test(e.message),
    );

    const dir = path.join(root, 'ck');
    saveCheckpoint(dir, initWeights(spec, 1));
    const bin = path.join(dir, 'weights.bin');
    fs.truncateSync(bin, 100);
    assert.throws(
      () => loadCheckpoint(dir),
      (e: Error) => e.message.includes(bin) && /truncated/.test(e.message),
    );

    saveCheckpoint(dir, initWeights(spec, 1));
    const buf = fs.readFileSync(bin);
    buf[10] ^= 0xff;
    fs.writeFileSync(bin, buf);
    assert.throws(() => loadCheckpoint(dir), /checksum/);

    saveCheckpoint(dir, initWeights(spec, 1));
    const metaFile = path.join(dir, 'meta.json');
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    meta.vocab.chars[40] = '€';
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    assert.throws(
      () => loadCheckpoint(dir),
      (e: Error) => e.message.includes(metaFile) && /vocabulary mismatch/.test(e.message),
    );

    fs.writeFileSync(metaFile, '{"format": "something-else"}');
    assert.throws(() => loadCheckpoint(dir), /not an lstm-complete checkpoint/);
    fs.writeFileSync(metaFile, '{"form');
    assert.throws(() => loadCheckpoint(dir), /not valid JSON/);

    saveCheckpoint(dir, initWeights(spec, 1));
    fs.rmSync(path.join(dir, 'model.json'));
    assert.throws(
      () => loadCheckpoint(dir),
      (e: Error) => e.message.includes('model.json') && /missing/.test(e.message),
    );
  });

  it("records a workspace run's outcome beside its calibration, the weights untouched", () => {
    const dir = path.join(tempDir(), 'outcome');
    saveCheckpoint(dir, initWeights(spec, 6));
    const calibration = { confidenceThreshold: 0.35, minAcceptedShare: 0.36, chars: 2000, tried: [] };
    setServingCalibration(dir, calibration);
    setRunOutcome(dir, { switched: false, keysGained: -1.2 });
    const ck = loadCheckpoint(dir);
    assert.deepEqual(ck.meta.outcome, { switched: false, keysGained: -1.2 });
    assert.deepEqual(ck.meta.serving, calibration, 'one update keeps the other');
  });

  it('records a serving calibration in meta.json without touching the weights, and refuses a threshold out of range', () => {
    const dir = path.join(tempDir(), 'calibrated');
    saveCheckpoint(dir, initWeights(spec, 5));
    const before = fs.readFileSync(path.join(dir, 'weights.bin'));
    const calibration = { confidenceThreshold: 0.5, minAcceptedShare: 0.36, chars: 2000, tried: [{ threshold: 0.5, savings: 0.4, acceptedShare: 0.45 }] };
    setServingCalibration(dir, calibration);
    const ck = loadCheckpoint(dir);
    assert.deepEqual(ck.meta.serving, calibration);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'weights.bin')), before);
    assert.ok(!fs.existsSync(path.join(dir, 'meta.json.partial')));
    const metaFile = path.join(dir, 'meta.json');
    for (const bad of [0, 1.5, '0.5', null]) {
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
      meta.serving = { ...calibration, confidenceThreshold: bad };
      fs.writeFileSync(metaFile, JSON.stringify(meta));
      assert.throws(
        () => loadCheckpoint(dir),
        (e: Error) => e.message.includes(metaFile) && /serving\.confidenceThreshold/.test(e.message),
        String(bad),
      );
    }
  });
});
