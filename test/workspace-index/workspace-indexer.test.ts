import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { WorkspaceIndexer } from '../../src/workspace-index/workspace-indexer';
import { tinyCorpus } from '../training/fixtures';
import { tempDir } from '../helpers';

const SCRIPT = path.join(__dirname, '..', '..', 'dist', 'index-worker.js');

describe('workspace indexer', function () {
  this.timeout(60_000);

  it('indexes the workspace in a worker while this thread keeps running, and drops it on request', async () => {
    assert.ok(fs.existsSync(SCRIPT), 'run npm run build first');
    const data = tinyCorpus(3);
    fs.mkdirSync(path.join(data, '.venv'));
    fs.writeFileSync(path.join(data, '.venv', 'skip.py'), 'never_indexed_name = 1\n');
    const seen: (string | undefined)[] = [];
    const ix = new WorkspaceIndexer({ log: () => {}, changed: (s) => seen.push(s) }, SCRIPT);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await ix.rebuild({ folders: [data], exclude: [], maxChars: 1e6 });
    clearInterval(timer);
    assert.equal(ix.index!.files, 3);
    assert.ok(ticks > 0, 'the event loop ran during the build');
    assert.ok(ix.index!.text.includes('def func_2_59(x, y)'));
    assert.ok(!ix.index!.text.includes('never_indexed_name'), 'virtual environments are skipped as in training');
    assert.match(seen[0]!, /^3 files/);
    await ix.rebuild(undefined);
    assert.equal(ix.index, undefined);
    ix.dispose();
  });

  it('an empty or missing folder gives an empty index, not an error', async () => {
    const ix = new WorkspaceIndexer({ log: () => {}, changed: () => {} }, SCRIPT);
    await ix.rebuild({ folders: [tempDir()], exclude: [], maxChars: 1e6 });
    assert.equal(ix.index!.files, 0);
    ix.dispose();
  });

  it('a burst of scheduled rebuilds builds once', async () => {
    const data = tinyCorpus(2);
    let builds = 0;
    const ix = new WorkspaceIndexer({ log: () => {}, changed: () => builds++ }, SCRIPT);
    for (let i = 0; i < 5; i++) ix.schedule(() => ({ folders: [data], exclude: [], maxChars: 1e6 }), 50);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(builds, 1);
    assert.equal(ix.index!.files, 2);
    ix.dispose();
  });
});
