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
});
