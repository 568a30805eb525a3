import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { checkOutputFolder, checkWritable, UnsafeOutputError } from '../../src/model/output-folder';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { tempDir, useBackend } from '../helpers';

const weights = () => initWeights(makeSpec({ embeddingDim: 4, lstmUnits: [8] }), 1);
const listing = (dir: string) => fs.readdirSync(dir).sort();

describe('checkpoint destinations: nothing lost', () => {
  before(() => useBackend('cpu')); // model.json's topology is built with tfjs-layers
  it('accepts a new folder, an empty one and an existing checkpoint; refuses a folder of other files', () => {
    const root = tempDir();
    checkOutputFolder(path.join(root, 'new'));
    fs.mkdirSync(path.join(root, 'empty'));
    checkOutputFolder(path.join(root, 'empty'));
    saveCheckpoint(path.join(root, 'ck'), weights());
    checkOutputFolder(path.join(root, 'ck'));
    fs.mkdirSync(path.join(root, 'project'));
    fs.writeFileSync(path.join(root, 'project', 'main.py'), 'print(1)\n');
    assert.throws(
      () => checkOutputFolder(path.join(root, 'project')),
      (e: Error) => e instanceof UnsafeOutputError && /main\.py/.test(e.message) && /--force/.test(e.message),
    );
    checkOutputFolder(path.join(root, 'project'), { force: true });
    fs.writeFileSync(path.join(root, 'file'), 'x');
    assert.throws(() => checkOutputFolder(path.join(root, 'file')), /is a file/);
    // The save's working names must not be a folder of the user's either.
    fs.mkdirSync(path.join(root, 'ck2.bak'));
    fs.writeFileSync(path.join(root, 'ck2.bak', 'notes.txt'), 'keep me');
    assert.throws(() => checkOutputFolder(path.join(root, 'ck2')), /ck2\.bak/);
  });

  it('saving into a folder with other files replaces only the checkpoint files, again and again', () => {
    const dir = path.join(tempDir(), 'mixed');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'notes.md'), 'mine');
    fs.writeFileSync(path.join(dir, 'sub', 'code.py'), 'x = 1\n');
    saveCheckpoint(dir, weights(), { name: 'first' });
    saveCheckpoint(dir, weights(), { name: 'second' });
    assert.deepEqual(listing(dir), ['.lstm-complete', 'meta.json', 'model.json', 'notes.md', 'sub', 'weights.bin']);
    assert.equal(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8'), 'mine');
    assert.equal(fs.readFileSync(path.join(dir, 'sub', 'code.py'), 'utf8'), 'x = 1\n');
    assert.equal(loadCheckpoint(dir).meta.name, 'second');
    assert.ok(!fs.existsSync(`${dir}.tmp`) && !fs.existsSync(`${dir}.bak`));
  });

  it("a save never removes a DIR.tmp or DIR.bak that holds the user's files", () => {
    const dir = path.join(tempDir(), 'ck');
    fs.mkdirSync(`${dir}.tmp`);
    fs.writeFileSync(path.join(`${dir}.tmp`, 'draft.py'), 'keep');
    assert.throws(() => saveCheckpoint(dir, weights()), /ck\.tmp holds files/);
    assert.equal(fs.readFileSync(path.join(`${dir}.tmp`, 'draft.py'), 'utf8'), 'keep');
  });

  it('a destination that cannot be written fails at once and names the folder', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'a-file'), 'x');
    assert.throws(
      () => checkWritable(path.join(root, 'a-file', 'out')),
      (e: Error) => /cannot write checkpoints to .*a-file\/out/.test(e.message),
    );
    assert.throws(() => checkWritable(path.join(root, 'out'), Number.MAX_SAFE_INTEGER), /MB free/);
    checkWritable(path.join(root, 'out'));
    assert.deepEqual(listing(root), ['a-file'], 'the check leaves nothing behind');
  });
});
