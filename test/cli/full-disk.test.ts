import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { tempDir, useBackend } from '../helpers';
import { tinyCorpus } from '../training/fixtures';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/**
 * The full-disk trial: a small tmpfs (mounting needs root; skipped where it is refused) holding a checkpoint
 * and a notes file, filled to a few KB of free space. Every writing command aimed at it must fail with a
 * message that says so, before training starts, and leave the old checkpoint loadable, the notes intact
 * and no half-written folder behind.
 */
describe('a full disk loses nothing', function () {
  this.timeout(120_000);
  let mount: string | undefined;

  before(async function () {
    await useBackend('cpu');
    const dir = tempDir();
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status !== 0) this.skip(); // not root, or no mount here
    mount = dir;
  });

  after(() => {
    if (mount) spawnSync('umount', [mount]);
  });

  it('train, export and average fail with a clear message and keep the old checkpoint and the other files', () => {
    const small = makeSpec({ embeddingDim: 4, lstmUnits: [8, 8] });
    const old = path.join(mount!, 'ck');
    saveCheckpoint(old, initWeights(small, 1), { name: 'old-small' });
    fs.writeFileSync(path.join(mount!, 'notes.txt'), 'my notes');
    // Fill the disk to within a few KB.
    const fd = fs.openSync(path.join(mount!, 'filler'), 'w');
    try {
      const chunk = Buffer.alloc(4096);
      for (;;) fs.writeSync(fd, chunk);
    } catch {
      /* ENOSPC: full */
    } finally {
      fs.closeSync(fd);
    }
    fs.truncateSync(path.join(mount!, 'filler'), Math.max(0, fs.statSync(path.join(mount!, 'filler')).size - 16 * 1024));
    const design = path.join(tempDir(), 'design');
    saveCheckpoint(design, initWeights(makeSpec(), 2), { name: 'design' });
    const before = fs.readdirSync(mount!).sort();
    const attempts = [
      ['train', '--data', tinyCorpus(1), '--out', old, '--epochs', '1', '--backend', 'cpu'],
      ['export', '--model', design, '--out', old],
      ['average', '--model', design, '--model', design, '--out', old],
    ];
    for (const args of attempts) {
      const t0 = Date.now();
      const r = run(args);
      assert.equal(r.status, 1, `${args[0]} should fail: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /no space left|MB free/, `${args[0]}: ${r.stderr}`);
      assert.ok(Date.now() - t0 < 10_000, `${args[0]} failed within 10 s`);
      assert.deepEqual(fs.readdirSync(mount!).sort(), before, `${args[0]} left no half-written folder`);
      assert.equal(loadCheckpoint(old).meta.name, 'old-small', `${args[0]} kept the old checkpoint`);
      assert.equal(fs.readFileSync(path.join(mount!, 'notes.txt'), 'utf8'), 'my notes');
    }
  });
});
