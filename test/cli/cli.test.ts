import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { saveCheckpoint, setServingCalibration } from '../../src/model/checkpoint';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { tempDir, useBackend } from '../helpers';
import { tinyCorpus } from '../training/fixtures';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('lstm-complete CLI', function () {
  this.timeout(120_000);
  let model: string;
  before(async () => {
    await useBackend('cpu');
    model = path.join(tempDir(), 'ck');
    saveCheckpoint(model, initWeights(makeSpec(), 1), { name: 'test-design-model' });
  });

  it('generate prints the start string and exactly N generated characters', () => {
    const r = run(['generate', '--model', model, '--chars', '300', '--temperature', '0.5', '--start', 'def ', '--seed', '7']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'def ' + r.stdout.slice(4));
    assert.equal(r.stdout.length, 4 + 300 + 1);
    assert.equal(run(['generate', '--model', model, '--chars', '300', '--temperature', '0.5', '--start', 'def ', '--seed', '7']).stdout, r.stdout);
    const j = JSON.parse(run(['generate', '--model', model, '--chars', '20', '--json', '--seed', '1']).stdout);
    assert.equal(j.chars, 20);
    assert.equal(j.seed, 1);
  });

  it('every command prints its own usage for --help and -h, exit 0, even with other flags around it', () => {
    for (const c of [
      'generate',
      'train',
      'eval',
      'export',
      'analyze',
      'average',
      'replay',
      'cells',
      'surprise',
      'import-torch',
      'import-keras',
      'export-keras',
    ]) {
      for (const args of [
        [c, '--help'],
        [c, '--data', 'nowhere', '-h'],
      ]) {
        const r = run(args);
        assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.ok(r.stdout.startsWith(`Usage: lstm-complete ${c} `), `${args.join(' ')}: ${r.stdout.slice(0, 80)}`);
      }
    }
  });

  it('exits 2 on bad arguments and 1 on failures, with the reason on stderr', () => {
    // The limits are the editor's too (one set: src/inference/generation-limits.ts), and --help states them.
    assert.match(run(['generate', '--help']).stdout, /1 to 100000[\s\S]*0 to 2/);
    for (const args of [
      ['generate', '--chars', 'many'],
      ['generate', '--temperature', '-1'],
      ['generate', '--temperature', '2.5'],
      ['generate', '--chars', '100001'],
      ['generate', '--nope'],
      ['train', '--out', 'x'],
      ['frobnicate'],
    ]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
    }
    const missing = run(['generate', '--model', path.join(tempDir(), 'none')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /checkpoint folder does not exist/);
  });

  it('train --json and eval --json produce machine-readable summaries on stdout', () => {
    const data = tinyCorpus(3);
    const out = path.join(tempDir(), 'tiny');
    const t = run([
      'train',
      '--data',
      data,
      '--out',
      out,
      '--units',
      '16',
      '--embedding-dim',
      '8',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--seq-len',
      '32',
      '--lr',
      '0.01',
      '--backend',
      'wasm',
      '--json',
    ]);
    assert.equal(t.status, 0, t.stderr);
    const s = JSON.parse(t.stdout);
    assert.equal(s.stoppedBy, 'completed');
    assert.ok(Number.isFinite(s.bestValLoss));
    assert.match(t.stderr, /backend: using wasm/);
    const e = run(['eval', '--model', out, '--data', data, '--split', 'validation', '--json']);
    assert.equal(e.status, 0, e.stderr);
    const r = JSON.parse(e.stdout);
    assert.deepEqual(
      Object.keys(r)
        .filter((k) => ['chars', 'nats_per_char', 'bits_per_char', 'accuracy'].includes(k))
        .sort(),
      ['accuracy', 'bits_per_char', 'chars', 'nats_per_char'],
    );
    assert.ok(Math.abs(r.bits_per_char - r.nats_per_char / Math.LN2) < 1e-9);
    assert.ok(r.chars > 0 && r.files >= 1);
  });

  it('replay --json reports the model and the word-completion baseline for both users and both variants', () => {
    const data = tinyCorpus(3);
    const r = run(['replay', '--model', model, '--data', data, '--max-chars', '600', '--file-chars', '300', '--edits', '4', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.ok(j.typing.chars > 0 && j.typing.chars <= 600, `${j.typing.chars}`);
    assert.equal(j.editing.tasks, 4);
    for (const variant of [j.typing, j.editing]) {
      assert.deepEqual(
        variant.rows.map((x: { completer: string; user: string }) => `${x.completer}/${x.user}`),
        ['model/tab', 'model/word', 'model/realistic', 'word completion/tab', 'word completion/word', 'word completion/realistic'],
      );
      for (const x of variant.rows)
        for (const k of ['savings', 'shownRate', 'acceptedShare', 'firstCharAccuracy'])
          assert.ok(x.figures[k] >= 0 && x.figures[k] <= 1, `${k} ${x.figures[k]}`);
    }
    // The corpus repeats its names (func_0_1, func_0_2, ...): word completion saves keystrokes on it.
    assert.ok(j.typing.rows[3].figures.savings > 0);
    assert.deepEqual(j.realistic, { keyIntervalMs: 200, editorOverheadMs: 75, acceptProbability: 0.85, wordByWord: true });
    assert.equal(j.editor, 'vscode', 'the replay types in VS Code as shipped unless told otherwise');
    assert.equal(j.widget, 'extension');
    assert.equal(j.settings.temperature, 0);
    const table = run(['replay', '--model', model, '--data', data, '--max-chars', '400', '--edits', '0', '--show', '3']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /word completion\s+tab/);
    // Even an untrained model completes the names this corpus repeats (document words and cache).
    assert.match(table.stdout, /suggestions the Tab user accepted[^\n]*\n  the line so far +added by Tab\n(  .* {3}\S.*\n){1,3}/);
    assert.match(table.stdout, /^savings: keystrokes saved/m, 'the table says what its columns mean');
    for (const bad of [
      ['replay'],
      ['replay', '--data', data, '--threshold', '2'],
      ['replay', '--data', data, '--boundary', 'x'],
      ['replay', '--data', data, '--max-chars', 'lots'],
    ]) {
      assert.equal(run(bad).status, 2, bad.join(' '));
    }
  });

  it('replay --write-tasks writes the typing tasks it replayed, text and all, for a real editor to type', () => {
    const data = tinyCorpus(3);
    const file = path.join(tempDir('tasks-'), 'tasks.json');
    const r = run(['replay', '--model', model, '--data', data, '--max-chars', '500', '--file-chars', '250', '--edits', '0', '--json', '--write-tasks', file]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const tasks = JSON.parse(fs.readFileSync(file, 'utf8')).typing as { file: string; before: string; intended: string; typedChars: number }[];
    assert.equal(tasks.length, j.typing.tasks);
    assert.equal(
      tasks.reduce((s, t) => s + t.typedChars, 0),
      j.typing.chars,
    );
    for (const t of tasks) {
      // Each task is a cut of its file: the text above, then the typed text, at a line start.
      assert.ok(fs.readFileSync(t.file, 'utf8').startsWith(t.before + t.intended), t.file);
      assert.ok(t.before === '' || t.before.endsWith('\n'));
      assert.ok(t.intended.length >= t.typedChars && t.typedChars > 0);
    }
  });

  it('replay serves a model at its calibrated threshold unless --threshold is given; --cache off is --cache none', () => {
    const data = tinyCorpus(2);
    const calibrated = path.join(tempDir(), 'calibrated');
    saveCheckpoint(calibrated, initWeights(makeSpec({ embeddingDim: 8, lstmUnits: [16] }), 2));
    setServingCalibration(calibrated, { confidenceThreshold: 0.45, minAcceptedShare: 0.3, chars: 100, tried: [] });
    const settings = (extra: string[]) => {
      const r = run(['replay', '--model', calibrated, '--data', data, '--max-chars', '100', '--edits', '0', '--json', ...extra]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout).settings;
    };
    assert.equal(settings([]).confidenceThreshold, 0.45);
    assert.equal(settings(['--threshold', '0.3']).confidenceThreshold, 0.3);
    assert.equal(settings(['--cache', 'off']).cache, 'off');
    assert.equal(settings(['--cache', 'none']).cache, 'off');
    const e = run(['eval', '--model', calibrated, '--data', data, '--cache', 'off', '--json']);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).cache, 'none');
  });

  it('cells --json names a cell per feature; --html writes a heatmap page and never replaces a file without --force', () => {
    const data = tinyCorpus(2);
    const r = run(['cells', '--model', model, '--data', data, '--max-chars', '3000', '--top', '2', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.chars, 3000);
    assert.deepEqual(
      j.features.map((f: { feature: string }) => f.feature),
      ['in-string', 'in-comment', 'bracket-depth', 'indent', 'column', 'in-def-signature', 'to-line-end'],
    );
    for (const f of j.features) {
      assert.equal(f.best.length, 2);
      for (const b of f.best) assert.ok(Math.abs(b.r) <= 1 && ['h', 'c'].includes(b.kind) && b.unit < 256 && b.layer < 2, JSON.stringify(b));
    }
    const html = path.join(tempDir(), 'cells.html');
    const h = run(['cells', '--model', model, '--html', html, '--file', path.join(data, 'mod0.py'), '--max-chars', '2000']);
    assert.equal(h.status, 0, h.stderr);
    assert.match(fs.readFileSync(html, 'utf8'), /bracket-depth: L\d [hc]\d+ \(r = /);
    fs.writeFileSync(html, 'mine');
    assert.equal(run(['cells', '--model', model, '--html', html, '--file', path.join(data, 'mod0.py')]).status, 2);
    assert.equal(fs.readFileSync(html, 'utf8'), 'mine');
    assert.equal(run(['cells', '--model', model]).status, 2, 'no --data');
    const svg = path.join(tempDir(), 'pictures');
    const p = run(['cells', '--model', model, '--data', data, '--max-chars', '2000', '--file', path.join(data, 'mod1.py'), '--svg', svg, '--svg-lines', '5']);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(fs.readdirSync(svg).length, 7);
    const picture = fs.readFileSync(path.join(svg, 'indent.svg'), 'utf8');
    assert.match(picture, /^<svg[\s\S]*indent: L\d [hc]\d+ \(r = [\s\S]*def func_1_0\(x, y\):/);
    assert.equal((picture.match(/<text x=/g) ?? []).length, 1 + 4, 'the caption and the 4 non-blank lines of the first 5');
    assert.equal(run(['cells', '--model', model, '--file', path.join(data, 'mod1.py'), '--svg', svg]).status, 2, '--svg needs --data');
  });

  it('surprise --file lists lines by surprise; --typos reports the typo finder; either is required', () => {
    const data = tinyCorpus(2);
    const file = path.join(data, 'mod0.py');
    const r = run(['surprise', '--model', model, '--file', file, '--top', '4', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.lines.length, 4);
    for (let i = 1; i < 4; i++) assert.ok(j.lines[i - 1].score >= j.lines[i].score);
    const t = run(['surprise', '--model', model, '--data', data, '--typos', '6', '--per-file', '3', '--json']);
    assert.equal(t.status, 0, t.stderr);
    const s = JSON.parse(t.stdout);
    assert.equal(s.typos, 6);
    assert.equal(s.files, 2);
    assert.ok(s.top5pct >= 0 && s.top5pct <= 1 && s.results.every((x: { rank: number; lines: number }) => x.rank >= 1 && x.rank <= x.lines));
    assert.equal(run(['surprise', '--model', model]).status, 2);
    assert.equal(run(['surprise', '--model', model, '--file', file, '--typos', '3']).status, 2);
    assert.equal(run(['surprise', '--model', model, '--file', file, '--cache', 'workspace']).status, 2, 'workspace needs --data');
    const none = run(['surprise', '--model', model, '--file', file, '--top', '4', '--cache', 'none', '--json']);
    assert.equal(none.status, 0, none.stderr);
    assert.deepEqual(
      JSON.parse(run(['surprise', '--model', model, '--file', file, '--top', '4', '--cache', 'off', '--json']).stdout),
      JSON.parse(none.stdout),
      '"none" is "off"',
    );
  });

  it('writing commands never delete files they did not write, and an unwritable --out fails at once', () => {
    const project = tinyCorpus(2);
    fs.writeFileSync(path.join(project, 'notes.txt'), 'my notes');
    const before = fs.readdirSync(project).sort();
    const refused = [
      ['train', '--data', project, '--out', project, '--epochs', '0.01'],
      ['export', '--model', model, '--out', project],
      ['average', '--model', model, '--model', model, '--out', project],
    ];
    for (const args of refused) {
      const r = run(args);
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /not a checkpoint.*--force/);
      assert.deepEqual(fs.readdirSync(project).sort(), before, `${args[0]} left the folder as it was`);
    }
    const forced = run(['export', '--model', model, '--out', project, '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    for (const f of before) assert.ok(fs.existsSync(path.join(project, f)), f);
    assert.equal(fs.readFileSync(path.join(project, 'notes.txt'), 'utf8'), 'my notes');
    assert.equal(run(['eval', '--model', project, '--data', project, '--max-chars', '200']).status, 0);
    // An --out below a file can never be written: train says so before reading the corpus.
    const t0 = Date.now();
    const bad = run(['train', '--data', project, '--out', path.join(project, 'notes.txt', 'ck'), '--epochs', '1', '--backend', 'cpu']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /cannot write checkpoints to .*notes\.txt\/ck/);
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('eval says which files it did not score and why', () => {
    const dir = tinyCorpus(1);
    fs.writeFileSync(path.join(dir, 'blob.py'), Buffer.from([0, 1, 2, 255, 0, 7, 0, 0]));
    const r = run(['eval', '--model', model, '--data', dir, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).skipped, { binary: 1 });
    assert.match(r.stderr, /skipped: 1 binary/);
  });

  it('analyze --out never replaces an existing report or its sibling .json without --force', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'report.json'), 'my data');
    const r = run(['analyze', '--model', model, '--data', tinyCorpus(1), '--out', path.join(dir, 'report.html'), '--samples', '0', '--ngram-train-chars', '0']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /would replace .*report\.json; add --force/);
    assert.equal(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'), 'my data');
  });

  it('train --snapshots keeps each evaluation; average writes their mean, which evaluates', () => {
    const data = tinyCorpus(3);
    const root = tempDir();
    const snaps = path.join(root, 'snaps');
    const t = run([
      'train',
      '--data',
      data,
      '--out',
      path.join(root, 'tiny'),
      '--units',
      '16',
      '--embedding-dim',
      '8',
      '--epochs',
      '1',
      '--batch-size',
      '4',
      '--seq-len',
      '32',
      '--lr',
      '0.01',
      '--eval-every',
      '2',
      '--snapshots',
      snaps,
      '--backend',
      'wasm',
      '--json',
    ]);
    assert.equal(t.status, 0, t.stderr);
    const s = JSON.parse(t.stdout);
    const names = fs.readdirSync(snaps).sort();
    assert.equal(names.length, s.history.length, `one snapshot per evaluation: ${names}`);
    assert.ok(names.length >= 2, `the tiny run evaluated ${names.length} times`);
    const epochs = names.map((n) => Number(n.slice('epoch-'.length))).sort((x, y) => x - y);
    s.history.forEach((h: { epoch: number }, i: number) =>
      assert.ok(Math.abs(epochs[i] - h.epoch) < 6e-4, `snapshot ${epochs[i]} vs evaluation at ${h.epoch}`),
    );
    const avgDir = path.join(root, 'avg');
    const a = run(['average', '--model', path.join(snaps, names[0]), '--model', path.join(snaps, names[1]), '--out', avgDir, '--json']);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).averaged.length, 2);
    const meta = JSON.parse(fs.readFileSync(path.join(avgDir, 'meta.json'), 'utf8'));
    assert.deepEqual(
      meta.averagedFrom.map((x: { epochsDone: number }) => x.epochsDone.toFixed(4)),
      names.slice(0, 2).map((n) => n.slice('epoch-'.length)),
    );
    const e = run(['eval', '--model', avgDir, '--data', data, '--split', 'validation', '--json']);
    assert.equal(e.status, 0, e.stderr);
    assert.ok(Number.isFinite(JSON.parse(e.stdout).nats_per_char));
    assert.equal(run(['average', '--model', avgDir, '--out', path.join(root, 'x')]).status, 2, 'one checkpoint is not an average');
    const broken = run(['average', '--model', avgDir, '--model', path.join(root, 'missing'), '--out', path.join(root, 'y')]);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /checkpoint folder does not exist/);
    assert.ok(!fs.existsSync(path.join(root, 'y')));
  });
});
