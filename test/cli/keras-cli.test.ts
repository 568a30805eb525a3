import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec, weightList } from '../../src/model/architecture';
import { SEED_ALL_CHARS } from '../../src/model/keras/seed-vocab';
import { tempDir, useBackend } from '../helpers';
import { kerasV3File, kerasV3Tree, seedArrays, seedConfig } from '../model/keras/keras-fixtures';
import { importFolder, importKerasFile, VocabularyNeeded } from '../../src/editor/keras-file-import';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('lstm-complete import-keras / export-keras', function () {
  this.timeout(120_000);
  let root: string;
  let model: string;
  before(async () => {
    await useBackend('cpu');
    root = tempDir();
    model = path.join(root, 'ck');
    saveCheckpoint(model, initWeights(makeSpec({ embeddingDim: 16, lstmUnits: [32, 24] }), 4), { name: 'small' });
  });

  it('export then import gives the checkpoint back bit for bit, with where it came from in meta.json', () => {
    const file = path.join(root, 'small.keras');
    const e = run(['export-keras', '--model', model, '--out', file, '--json']);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).vocabulary, 97);
    const i = run(['import-keras', file, '--out', path.join(root, 'back'), '--json']);
    assert.equal(i.status, 0, i.stderr);
    const summary = JSON.parse(i.stdout);
    assert.equal(summary.format, 'keras3');
    assert.equal(summary.unreachable, 0);
    const [a, b] = [loadCheckpoint(model), loadCheckpoint(path.join(root, 'back'))];
    assert.equal(b.meta.importedFrom?.file, 'small.keras');
    assert.equal(b.meta.importedFrom?.sha256, summary.sha256);
    assert.equal(a.meta.weightsSha256, b.meta.weightsSha256, 'the same weights.bin, byte for byte');
    weightList(b.weights).forEach((w, k) => assert.deepEqual(w, weightList(a.weights)[k]));
  });

  it("takes the seed's vocabulary from its training text or as characters, and says which characters are lost", async () => {
    const vocab = SEED_ALL_CHARS.filter((c) => /[a-z \n():]/.test(c));
    const file = path.join(root, 'seed.keras');
    fs.writeFileSync(file, await kerasV3File(kerasV3Tree(seedArrays(vocab, 8, [8, 8])), seedConfig(vocab.length)));
    const asked = run(['import-keras', file, '--out', path.join(root, 'seed0')]);
    assert.equal(asked.status, 1);
    assert.match(asked.stderr, new RegExp(`knows ${vocab.length} characters.*--vocab-from data\\.txt`));
    const text = path.join(root, 'data.txt');
    fs.writeFileSync(text, 'def main():\n  pass\r\n' + 'abcdefghijklmnopqrstuvwxyz' + 'é✓');
    const fromText = run(['import-keras', file, '--out', path.join(root, 'seed1'), '--vocab-from', text]);
    assert.equal(fromText.status, 0, fromText.stderr);
    assert.match(fromText.stdout, new RegExp(`the seed's ${vocab.length} characters; ${97 - vocab.length} of our characters it never had are never suggested`));
    const given = run(['import-keras', file, '--out', path.join(root, 'seed2'), '--vocab', vocab.join('').replace('\n', '\\n'), '--json']);
    assert.equal(given.status, 0, given.stderr);
    assert.equal(loadCheckpoint(path.join(root, 'seed1')).meta.weightsSha256, loadCheckpoint(path.join(root, 'seed2')).meta.weightsSha256);
  });

  it('bad arguments exit 2 and a bad file exits 1, each saying why, writing nothing', () => {
    const file = path.join(root, 'x.keras');
    fs.writeFileSync(file, 'PK\u0003\u0004 not really a zip');
    const cases: [string[], number, RegExp][] = [
      [['import-keras', '--out', path.join(root, 'o1')], 2, /one FILE/],
      [['import-keras', file, '--out', path.join(root, 'o2'), '--vocab', 'ab', '--vocab-from', file], 2, /not both/],
      [['import-keras', file, '--out', path.join(root, 'o3'), '--vocab', 'aé'], 2, /--vocab: .*never keeps/],
      [['import-keras', file, '--out', path.join(root, 'o4')], 1, /x\.keras is not a readable zip archive/],
      [['export-keras', '--model', model, '--out', path.join(root, 'o5.h5')], 2, /must name a \.keras file/],
      [['export-keras', '--model', model, '--out', file], 2, /--out would replace .*x\.keras; add --force/],
      [['export-keras', '--model', path.join(root, 'none'), '--out', path.join(root, 'o6.keras')], 1, /does not exist/],
    ];
    for (const [args, status, re] of cases) {
      const r = run(args);
      assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    for (const o of ['o1', 'o2', 'o3', 'o4', 'o5.h5', 'o6.keras']) assert.ok(!fs.existsSync(path.join(root, o)), o);
  });

  it("the editor's import runs the CLI in its own process, once per file, and asks for the vocabulary when needed", async () => {
    const store = path.join(root, 'imported');
    const small = path.join(root, 'small.keras');
    if (!fs.existsSync(small)) assert.equal(run(['export-keras', '--model', model, '--out', small]).status, 0);
    const first = await importKerasFile(small, { root: store, cli: CLI });
    assert.equal(first.dir, importFolder(store, small));
    assert.match(path.basename(first.dir), /^small-[0-9a-f]{12}$/);
    assert.equal(first.summary?.format, 'keras3');
    const again = await importKerasFile(small, { root: store, cli: CLI });
    assert.equal(again.dir, first.dir);
    assert.equal(again.summary, undefined, 'the second import of the same file reuses the first');
    const seed = path.join(root, 'seed.keras');
    await assert.rejects(importKerasFile(seed, { root: store, cli: CLI }), VocabularyNeeded);
    const withText = await importKerasFile(seed, { root: store, cli: CLI, vocabFrom: path.join(root, 'data.txt') });
    assert.ok(fs.existsSync(path.join(withText.dir, 'meta.json')));
    const broken = path.join(root, 'x.keras');
    await assert.rejects(importKerasFile(broken, { root: store, cli: CLI }), /is not a readable zip archive/);
  });
});
