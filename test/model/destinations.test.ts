/**
 * Destinations a user's files sit in (issue 31, items 2 and 3): each row was a file lost or changed before the
 * project's folders carried a marker, and now leaves every user file as it was.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { checkOutputFolder, UnsafeOutputError } from '../../src/model/output-folder';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { parseTrainArgs } from '../../src/cli/train';
import { UsageError } from '../../src/cli/args';
import { tempDir, useBackend } from '../helpers';

const weights = () => initWeights(makeSpec({ embeddingDim: 4, lstmUnits: [8] }), 1);

/** Every regular file under `root`, with its content: what must not change. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(root, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

describe('checkpoint destinations: user files named like the checkpoint are never lost', () => {
  before(() => useBackend('cpu'));

  // target: what is saved (OUT, or the trainer's resumable OUT-latest); force: the user's --force.
  const rows: { name: string; setup: (root: string, out: string) => void; force: boolean; target?: string }[] = [
    { name: 'a regular file named OUT.tmp', setup: (_r, out) => fs.writeFileSync(`${out}.tmp`, 'my notes'), force: false },
    { name: 'a regular file named OUT.bak', setup: (_r, out) => fs.writeFileSync(`${out}.bak`, 'my backup'), force: false },
    { name: 'a regular file named OUT-latest.bak', setup: (_r, out) => fs.writeFileSync(`${out}-latest.bak`, 'mine'), force: false, target: 'OUT-latest' },
    {
      name: "a folder holding only the user's meta.json",
      setup: (_r, out) => (fs.mkdirSync(out), fs.writeFileSync(path.join(out, 'meta.json'), '{"mine": true}')),
      force: true,
    },
    {
      name: "a folder holding only the user's model.json",
      setup: (_r, out) => (fs.mkdirSync(out), fs.writeFileSync(path.join(out, 'model.json'), '{"a keras model": 1}')),
      force: true,
    },
    {
      name: 'a folder holding only a download in progress (*.partial)',
      setup: (_r, out) => (fs.mkdirSync(out), fs.writeFileSync(path.join(out, 'ubuntu.iso.partial'), 'half an iso')),
      force: false,
    },
  ];

  for (const row of rows) {
    it(`${row.name}: refused or written beside, never removed or changed`, () => {
      const root = tempDir();
      const out = path.join(root, 'OUT');
      row.setup(root, out);
      const target = path.join(root, row.target ?? 'OUT');
      const before = snapshot(root);
      let saved = false;
      try {
        checkOutputFolder(target, { force: row.force });
        saveCheckpoint(target, weights(), { name: 'mine?' });
        saved = true;
      } catch (e) {
        assert.ok(e instanceof UnsafeOutputError || /not overwritten|holds files that are not a checkpoint|holds its own/.test(String(e)), String(e));
      }
      const after = snapshot(root);
      for (const [file, content] of Object.entries(before)) assert.equal(after[file], content, `${file} kept as it was`);
      if (saved) assert.equal(loadCheckpoint(target).meta.name, 'mine?');
    });
  }

  it('without --force, a folder of only *.partial files or a foreign meta.json is refused with its names', () => {
    const root = tempDir();
    const out = path.join(root, 'dl');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'ubuntu.iso.partial'), 'x');
    assert.throws(
      () => checkOutputFolder(out),
      (e: Error) => e instanceof UnsafeOutputError && /ubuntu\.iso\.partial/.test(e.message),
    );
    const meta = path.join(root, 'm');
    fs.mkdirSync(meta);
    fs.writeFileSync(path.join(meta, 'meta.json'), '{}');
    assert.throws(() => checkOutputFolder(meta), /meta\.json/);
    assert.throws(() => checkOutputFolder(meta, { force: true }), /holds its own meta\.json .*not overwritten even with --force/);
  });

  it("a crashed save's leftover OUT.tmp (the project's marker, no meta.json yet) is cleared by the next save", () => {
    const out = path.join(tempDir(), 'ck');
    saveCheckpoint(out, weights(), { name: 'first' });
    fs.mkdirSync(`${out}.tmp`);
    fs.writeFileSync(path.join(`${out}.tmp`, '.lstm-complete'), 'x');
    fs.writeFileSync(path.join(`${out}.tmp`, 'weights.bin'), 'half');
    saveCheckpoint(out, weights(), { name: 'second' });
    assert.equal(loadCheckpoint(out).meta.name, 'second');
    assert.ok(!fs.existsSync(`${out}.tmp`));
  });

  it('train without --from refuses to replace a trained checkpoint; --from, --resume or --force say what is meant', () => {
    const out = path.join(tempDir(), 'ck');
    saveCheckpoint(out, weights(), {
      name: 'blinker',
      training: { mode: 'windows', hyperParameters: {}, epochsDone: 3, history: [], bestValLoss: 1.449, wallSeconds: 60 },
    });
    const data = tempDir();
    assert.throws(
      () => parseTrainArgs(['--data', data, '--out', out]),
      (e: Error) => e instanceof UsageError && /already holds a trained checkpoint \("blinker", 3\.00 epochs, best validation 1\.449/.test(e.message),
    );
    parseTrainArgs(['--data', data, '--out', out, '--from', out]);
    parseTrainArgs(['--data', data, '--out', out, '--force']);
    const untrained = path.join(tempDir(), 'fresh');
    saveCheckpoint(untrained, weights());
    parseTrainArgs(['--data', data, '--out', untrained]);
  });

  it('a symlinked --out stays a link: the checkpoint is saved where it points', () => {
    const root = tempDir();
    const real = path.join(root, 'models', 'real');
    saveCheckpoint(real, weights(), { name: 'first' });
    const link = path.join(root, 'out');
    fs.symlinkSync(real, link);
    saveCheckpoint(link, weights(), { name: 'second' });
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.equal(loadCheckpoint(real).meta.name, 'second');
  });
});
