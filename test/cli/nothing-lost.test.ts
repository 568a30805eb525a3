import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { tempDir, useBackend } from '../helpers';
import { tinyCorpus } from '../training/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const run = (args: string[], opts: { ulimitKB?: number; timeout?: number } = {}) =>
  opts.ulimitKB
    ? spawnSync('bash', ['-c', `ulimit -f ${opts.ulimitKB}; exec "$0" "$@"`, process.execPath, CLI, ...args], {
        encoding: 'utf8',
        timeout: opts.timeout ?? 60_000,
      })
    : spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: opts.timeout ?? 60_000 });

/** Issue 43: the hostile-user trial's failures, each as the CLI meets it. */
describe('nothing lost: short writes, interrupted saves, devices and crafted paths (issue 43)', function () {
  this.timeout(180_000);
  let design: string;

  before(async () => {
    await useBackend('cpu');
    design = path.join(tempDir(), 'design');
    saveCheckpoint(design, initWeights(makeSpec(), 2), { name: 'design' });
  });

  it('export under a file-size limit fails, names the file and the bytes written, and keeps the previous checkpoint (43.1)', () => {
    const out = path.join(tempDir(), 'X1');
    saveCheckpoint(out, initWeights(makeSpec({ embeddingDim: 4, lstmUnits: [8, 8] }), 1), { name: 'previous' });
    const r = run(['export', '--model', design, '--out', out], { ulimitKB: 2000 });
    assert.equal(r.status, 1, `export must fail: ${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^wrote /m);
    assert.match(r.stderr, /weights\.bin.*file-size limit\) after \d+ of \d+ bytes .*free in/);
    assert.equal(loadCheckpoint(out).meta.name, 'previous');
    assert.deepEqual(
      fs.readdirSync(path.dirname(out)).filter((n) => n !== 'X1'),
      [],
      'no X1.tmp or X1.bak left',
    );
  });

  it('a checkpoint left only as OUT.bak by a killed save is put back, and train refuses to replace it (43.2)', () => {
    const root = tempDir();
    const o = path.join(root, 'o');
    saveCheckpoint(`${o}.bak`, initWeights(makeSpec({ embeddingDim: 4, lstmUnits: [8, 8] }), 1), {
      name: 'o',
      training: { mode: 'windows', hyperParameters: {}, epochsDone: 3, history: [], bestValLoss: 1.5, wallSeconds: 1 },
    });
    const r = run(['train', '--data', tinyCorpus(1), '--out', o, '--epochs', '0.1', '--backend', 'cpu']);
    assert.equal(r.status, 2, `train must refuse: ${r.stderr}`);
    assert.match(r.stderr, /recovered .*o from .*o\.bak/);
    assert.match(r.stderr, /already holds a trained checkpoint/);
    assert.equal(loadCheckpoint(o).meta.name, 'o', 'the model is back in place');
    assert.ok(!fs.existsSync(`${o}.bak`));
  });

  for (const command of ['surprise', 'cells'] as const) {
    it(`${command} --file on a device or a pipe is refused at once (43.5)`, () => {
      const root = tempDir();
      const zero = path.join(root, 'zero.py');
      fs.symlinkSync('/dev/zero', zero);
      const files = [zero];
      if (spawnSync('mkfifo', [path.join(root, 'pipe.py')]).status === 0) files.push(path.join(root, 'pipe.py'));
      for (const f of files) {
        const args =
          command === 'surprise'
            ? ['surprise', '--model', design, '--file', f]
            : ['cells', '--model', design, '--html', path.join(root, 'h.html'), '--file', f];
        const t0 = Date.now();
        const r = run(args, { timeout: 20_000 });
        assert.equal(r.status, 1, `${path.basename(f)}: ${r.stderr}`);
        assert.match(r.stderr, /cannot be read as Python source \(unreadable\)/);
        assert.ok(Date.now() - t0 < 10_000, 'refused without reading');
      }
    });
  }

  it('a destination no save could write in fails before any work: train, export, analyze (43.3)', () => {
    const root = tempDir();
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'not a folder');
    const cases = [
      ['train', '--data', tinyCorpus(1), '--out', path.join(file, 'run'), '--epochs', '5', '--backend', 'cpu'],
      ['export', '--model', design, '--out', path.join(file, 'x')],
      ['analyze', '--model', design, '--data', tinyCorpus(1), '--out', path.join(file, 'report.html')],
    ];
    for (const args of cases) {
      const started = Date.now();
      const r = run(args);
      assert.equal(r.status, 1, `${args[0]} must fail: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /cannot write (checkpoints to|in) .*a-file.*a file stands where a folder is needed/, args[0]);
      assert.ok(Date.now() - started < 15_000, `${args[0]} refused after ${Date.now() - started} ms`);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'not a folder');
  });

  it('ship-model checks before it writes: a failed check leaves --out as it was (43.7)', () => {
    const root = tempDir();
    const out = path.join(root, 'models', 'python');
    saveCheckpoint(out, initWeights(makeSpec(), 3), { name: 'python' });
    fs.writeFileSync(path.join(out, 'MODEL_CARD.md'), 'card');
    const before = Object.fromEntries(fs.readdirSync(out).map((n) => [n, fs.readFileSync(path.join(out, n)).toString('base64')]));
    // A candidate whose held-out list names a path of the build machine: the script's own check refuses it.
    const ck = path.join(root, 'ck');
    saveCheckpoint(ck, initWeights(makeSpec(), 4), { name: 'ck', corpus: { roots: ['x'], files: 1, chars: 10, validationFiles: ['/tmp/build/a.py'] } });
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'ship-model.mjs'), ck, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /build-machine path.*unchanged/);
    const after = Object.fromEntries(fs.readdirSync(out).map((n) => [n, fs.readFileSync(path.join(out, n)).toString('base64')]));
    assert.deepEqual(after, before, '--out untouched');
    assert.deepEqual(
      fs.readdirSync(path.dirname(out)).filter((n) => n !== 'python'),
      [],
      'no staging folder left',
    );
    // A clean candidate ships, keeps the card, and loads.
    const good = path.join(root, 'good');
    saveCheckpoint(good, initWeights(makeSpec(), 5), { name: 'good' });
    const g = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'ship-model.mjs'), good, '--out', out, '--name', 'python'], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    assert.equal(fs.readFileSync(path.join(out, 'MODEL_CARD.md'), 'utf8'), 'card');
    assert.equal(loadCheckpoint(out).meta.weightsDtype, 'float16');
  });

  it('evaluate-and-ship refuses a tarball with a link, a path outside, or too much to unpack, before unpacking (43, minor)', () => {
    const root = tempDir();
    const script = path.join(ROOT, 'scripts', 'gpu', 'evaluate-and-ship.mjs');
    const ships = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('lstm-ship-')).length;
    const before = ships();
    // `model` a link to a checkpoint elsewhere.
    const linked = path.join(root, 'linked');
    fs.mkdirSync(linked);
    fs.symlinkSync(design, path.join(linked, 'model'));
    spawnSync('tar', ['-C', linked, '-czf', path.join(root, 'linked.tgz'), 'model']);
    let r = spawnSync(process.execPath, [script, path.join(root, 'linked.tgz'), '--data', root], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /holds model -> .*design, a link or special file: not unpacked/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a message, not a stack trace');
    // 2 GB of zeros compress to a few MB: the listing's sizes say so before anything is written.
    const big = path.join(root, 'big');
    fs.mkdirSync(path.join(big, 'model'), { recursive: true });
    const fd = fs.openSync(path.join(big, 'model', 'weights.bin'), 'w');
    fs.ftruncateSync(fd, 2 ** 31); // sparse: no disk used
    fs.closeSync(fd);
    spawnSync('tar', ['-C', big, '-czf', path.join(root, 'big.tgz'), '--sparse', 'model']);
    r = spawnSync(process.execPath, [script, path.join(root, 'big.tgz'), '--data', root], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /would unpack to more than 1024 MB: not unpacked/);
    assert.equal(ships(), before, 'no temp folder left behind');
  });
});
