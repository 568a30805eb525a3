import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { WorkspaceStorage, HISTORY_KEEP } from '../../src/editor/storage';
import { tempDir } from '../helpers';

describe('workspace storage', () => {
  it('keeps one folder per workspace and the last few models in history', () => {
    const root = tempDir();
    const a = new WorkspaceStorage(root, ['/ws/a']);
    const b = new WorkspaceStorage(root, ['/ws/b']);
    assert.notEqual(a.root, b.root);
    assert.equal(new WorkspaceStorage(root, ['/ws/a']).root, a.root);
    assert.equal(a.hasCurrent(), false);
    assert.equal(a.archiveCurrent(), undefined);
    fs.mkdirSync(a.current, { recursive: true });
    fs.writeFileSync(path.join(a.current, 'meta.json'), '{}');
    assert.equal(a.hasCurrent(), true);
    for (let i = 0; i < HISTORY_KEEP + 2; i++) a.archiveCurrent(new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
    const h = a.history();
    assert.equal(h.length, HISTORY_KEEP);
    assert.match(path.basename(h[0]), /T00-00-06/, 'newest first');
    assert.ok(fs.existsSync(path.join(h[0], 'meta.json')));
  });

  it("a run's model the switch rule did not keep goes to history, and the workspace model from before is current again", () => {
    const a = new WorkspaceStorage(tempDir(), ['/ws/a']);
    fs.mkdirSync(a.current, { recursive: true });
    fs.writeFileSync(path.join(a.current, 'meta.json'), '"before"');
    const archived = a.archiveCurrent(new Date(Date.UTC(2026, 0, 1)));
    fs.writeFileSync(path.join(a.current, 'meta.json'), '"the run"');
    const unused = a.rejectCurrent(archived, new Date(Date.UTC(2026, 0, 2)))!;
    assert.match(path.basename(unused), /not-used$/);
    assert.equal(fs.readFileSync(path.join(unused, 'meta.json'), 'utf8'), '"the run"');
    assert.equal(fs.readFileSync(path.join(a.current, 'meta.json'), 'utf8'), '"before"');
    assert.ok(a.history().includes(unused), 'still listed for Choose Checkpoint');
    // No workspace model before the run (it fine-tuned the bundled one): nothing is current afterwards.
    const b = new WorkspaceStorage(tempDir(), ['/ws/b']);
    fs.mkdirSync(b.current, { recursive: true });
    fs.writeFileSync(path.join(b.current, 'meta.json'), '"the run"');
    b.rejectCurrent(undefined);
    assert.equal(b.hasCurrent(), false);
  });

  it('on a full disk, archiving and restoring fail with the reason and leave no half-copied model (issue 43)', () => {
    const a = new WorkspaceStorage(tempDir(), ['/ws/a']);
    fs.mkdirSync(a.current, { recursive: true });
    fs.writeFileSync(path.join(a.current, 'meta.json'), '"run"');
    fs.writeFileSync(path.join(a.current, 'weights.bin'), Buffer.alloc(50_000, 7));
    const fsModule = require('fs') as { writeSync: typeof fs.writeSync }; // eslint-disable-line @typescript-eslint/no-require-imports
    const real = fsModule.writeSync;
    const full = () => {
      let left = 20_000;
      fsModule.writeSync = ((fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number) => {
        if (left <= 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        const n = real(fd, buf, off ?? 0, Math.min(len ?? buf.length, left), pos);
        left -= n;
        return n;
      }) as typeof fs.writeSync;
    };
    try {
      full();
      assert.throws(() => a.archiveCurrent(new Date(Date.UTC(2026, 0, 1))), /no space left/);
      fsModule.writeSync = real;
      assert.deepEqual(a.history(), [], 'no broken history entry');
      assert.deepEqual(fs.readdirSync(a.historyDir), []);
      const archived = a.archiveCurrent(new Date(Date.UTC(2026, 0, 2)))!;
      fs.writeFileSync(path.join(a.current, 'meta.json'), '"rejected"');
      full();
      assert.throws(() => a.rejectCurrent(archived, new Date(Date.UTC(2026, 0, 3))), /no space left/);
      fsModule.writeSync = real;
      assert.equal(fs.readFileSync(path.join(a.current, 'meta.json'), 'utf8'), '"rejected"', 'nothing moved: current is still there');
      assert.equal(fs.readFileSync(path.join(archived, 'meta.json'), 'utf8'), '"run"', 'the archived model is whole');
      a.rejectCurrent(archived, new Date(Date.UTC(2026, 0, 4)));
      assert.equal(fs.readFileSync(path.join(a.current, 'meta.json'), 'utf8'), '"run"');
    } finally {
      fsModule.writeSync = real;
    }
  });
});
