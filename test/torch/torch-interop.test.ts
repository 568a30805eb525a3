/**
 * The PyTorch trainer (train/torch/) against the extension: the same vocabulary, the same next-character distribution
 * from the same weights, checkpoints both ways bit-exact, and a 2-process DistributedDataParallel run on the CPU whose
 * export imports, loads and completes. Needs a Python with PyTorch (Debian's python3-torch, or LSTM_TORCH_PYTHON);
 * skips saying so without one, and fails instead under LSTM_REQUIRE_TORCH=1 (.ci/run installs it).
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { weightList } from '../../src/model/architecture';
import { LstmStepper } from '../../src/inference/lstm-stepper';
import { VOCAB_CHARS, encode, normalizeText } from '../../src/model/vocab';
import { readTorchExport } from '../../src/model/torch-export';
import { tempDir } from '../helpers';

const root = path.join(__dirname, '..', '..');
const torchDir = path.join(root, 'train', 'torch');
const cli = path.join(root, 'dist', 'cli.js');
const bundled = path.join(root, 'models', 'python');
const stdlib = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).stdout.trim();

/** A Python that imports torch: LSTM_TORCH_PYTHON, else Debian's, else the one on PATH. */
function torchPython(): string | undefined {
  const candidates = [process.env.LSTM_TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  return candidates.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

/**
 * Runs Python in train/torch. Under coreutils' timeout, which kills the whole process group (a torchrun's workers
 * too) when a run outlives 5 minutes: the test then fails saying so, and leaves nothing running.
 */
function py(python: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('timeout', ['-s', 'KILL', '300', python, ...args], {
    cwd: torchDir,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: torchDir, ...env },
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, `${args.join(' ')}${r.status === 137 ? ' (killed: still running after 5 minutes)' : ''}:\n${r.stderr}`);
  return r;
}

/** `lstm-complete import-torch --from EXPORT --out CK`, which must succeed; returns CK. */
function importTorch(exportDir: string, out: string): string {
  const r = spawnSync(process.execPath, [cli, 'import-torch', '--from', exportDir, '--out', out, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

describe('PyTorch trainer interop (train/torch)', function () {
  this.timeout(600_000);
  const python = torchPython();
  before(function () {
    if (python) return;
    const why = 'no Python with PyTorch here (apt-get install python3-torch, or set LSTM_TORCH_PYTHON)';
    if (process.env.LSTM_REQUIRE_TORCH === '1') throw new Error(`LSTM_REQUIRE_TORCH=1 but ${why}`);
    console.log(`      skipped: ${why}`);
    this.skip();
  });

  it('uses the same vocabulary', () => {
    const r = py(python!, ['-c', 'import json; from lstm_torch.vocab import CHARS; print(json.dumps(CHARS))']);
    assert.deepEqual(JSON.parse(r.stdout), VOCAB_CHARS);
  });

  it('gives the next-character distribution of the extension stepper from the same weights (10,000 characters, max |Δ log p| ≤ 1e-4)', () => {
    const dir = tempDir();
    const text = normalizeText(fs.readFileSync(path.join(stdlib, 'gzip.py'), 'utf8')).slice(0, 10_001);
    fs.writeFileSync(path.join(dir, 'text.py'), text);
    const r = py(python!, ['-m', 'lstm_torch.score', '--checkpoint', bundled, '--text', path.join(dir, 'text.py'), '--logprobs', path.join(dir, 'lp.bin')]);
    const theirs = new Float32Array(new Uint8Array(fs.readFileSync(path.join(dir, 'lp.bin'))).buffer);
    const codes = encode(text);
    assert.equal(theirs.length, codes.length - 1);
    const ck = loadCheckpoint(bundled);
    const stepper = new LstmStepper(ck.weights, { precision: 'float32' });
    stepper.resetState();
    const logits = new Float32Array(ck.weights.spec.vocabSize);
    let worst = 0;
    let nats = 0;
    for (let t = 0; t + 1 < codes.length; t++) {
      stepper.step(codes[t]);
      stepper.logits(logits);
      let m = -Infinity;
      for (const v of logits) m = Math.max(m, v);
      let s = 0;
      for (const v of logits) s += Math.exp(v - m);
      const lp = logits[codes[t + 1]] - m - Math.log(s);
      nats -= lp;
      worst = Math.max(worst, Math.abs(lp - theirs[t]));
    }
    assert.ok(worst <= 1e-4, `max |Δ log p| ${worst}`);
    assert.ok(Math.abs(nats / (codes.length - 1) - JSON.parse(r.stdout).natsPerChar) < 1e-5, r.stdout);
  });

  it('fine-tunes the bundled model on PyTorch and says so in the checkpoint it imports to', () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    for (const f of ['shlex.py', 'sched.py', 'bisect.py']) fs.copyFileSync(path.join(stdlib, f), path.join(data, f));
    const run = path.join(dir, 'run');
    py(python!, [
      '-m',
      'lstm_torch.train',
      '--data',
      data,
      '--out',
      run,
      '--from',
      bundled,
      '--steps',
      '2',
      '--eval-every',
      '2',
      '--batch-size',
      '2',
      '--seq-len',
      '64',
    ]);
    const meta = loadCheckpoint(importTorch(path.join(run, 'best-export'), path.join(dir, 'ck'))).meta;
    assert.equal(meta.training!.fineTunedFrom, loadCheckpoint(bundled).meta.name);
    assert.match(meta.training!.backend!, /^pytorch .* \(1 processes, gloo, cpu\)$/);
    assert.deepEqual(meta.corpus!.validationFiles!.length, 1);
    // Resuming continues the step count from latest.pt.
    py(python!, [
      '-m',
      'lstm_torch.train',
      '--data',
      data,
      '--out',
      run,
      '--resume',
      '--steps',
      '4',
      '--eval-every',
      '2',
      '--batch-size',
      '2',
      '--seq-len',
      '64',
    ]);
    const step = py(python!, ['-c', `import torch; print(torch.load(${JSON.stringify(path.join(run, 'latest.pt'))})["step"])`]).stdout.trim();
    assert.equal(step, '4', 'the resumed run went on from step 2 to 4');
    // Where the run ended, exported and imported.
    py(python!, ['-m', 'lstm_torch.export', run, '--out', path.join(dir, 'latest-export')]);
    const latest = importTorch(path.join(dir, 'latest-export'), path.join(dir, 'ck-latest'));
    assert.equal(loadCheckpoint(latest).meta.training!.fineTunedFrom, loadCheckpoint(bundled).meta.name);
  });

  it('moves the bundled model into PyTorch and back bit-exact, through import-torch', () => {
    const dir = tempDir();
    const exp = path.join(dir, 'export');
    py(python!, [
      '-c',
      `from lstm_torch.checkpoint_io import read_checkpoint, write_export; m, _ = read_checkpoint(${JSON.stringify(bundled)}); write_export(m, ${JSON.stringify(exp)}, {})`,
    ]);
    const out = importTorch(exp, path.join(dir, 'ck'));
    const a = weightList(loadCheckpoint(bundled).weights);
    const b = weightList(loadCheckpoint(out).weights);
    a.forEach((w, i) =>
      assert.ok(Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)), `weight ${i}`),
    );
    // A changed byte is refused with the file named.
    const bin = path.join(exp, 'weights.bin');
    const bytes = fs.readFileSync(bin);
    bytes[100] ^= 1;
    fs.writeFileSync(bin, bytes);
    assert.throws(() => readTorchExport(exp), /weights\.bin: its checksum does not match export\.json/);
  });

  it('trains in 2 processes with DistributedDataParallel on the CPU from scratch, each on its own shard; the export loads and completes', () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    for (const f of ['gzip.py', 'uuid.py', 'mimetypes.py', 'shlex.py', 'sched.py', 'bisect.py', 'fnmatch.py', 'glob.py'])
      fs.copyFileSync(path.join(stdlib, f), path.join(data, f));
    const run = path.join(dir, 'run');
    const t0 = Date.now();
    const r = py(
      python!,
      [
        // torchrun, with PyTorch 1.13's launcher mended for Python 3.11 (lstm_torch/launch.py).
        ...['-m', 'lstm_torch.launch', '--standalone', '--nproc_per_node', '2', '-m', 'lstm_torch.train'],
        ...['--data', data, '--out', run, '--steps', '24', '--eval-every', '12', '--batch-size', '8', '--seq-len', '128'],
        ...['--validation-split', '0.25', '--threads', '1'],
      ],
      { OMP_NUM_THREADS: '1' },
    );
    // Lines from the two processes may share a line of the launcher's output: each event is one JSON object.
    const events = [...r.stderr.matchAll(/\{"rank"[^\n{}]*(?:\[[^\]]*\][^\n{}]*)?\}/g)].map((m) => JSON.parse(m[0]));
    const shards = events.filter((e) => e.event === 'shard');
    assert.deepEqual(shards.map((s) => s.rank).sort(), [0, 1]);
    assert.equal(shards[0].files.filter((f: string) => shards[1].files.includes(f)).length, 0, 'the ranks read different files');
    const exp = readTorchExport(path.join(run, 'best-export'));
    const history = exp.training!.history;
    assert.ok(exp.training!.bestValLoss! < history[0].valLoss, `validation ${history.map((h) => h.valLoss).join(' -> ')}`);
    assert.match(exp.training!.backend!, /DistributedDataParallel \(2 processes, gloo, cpu\)/);
    const ck = importTorch(path.join(run, 'best-export'), path.join(dir, 'ck'));
    const rep = spawnSync(
      process.execPath,
      [cli, 'replay', '--model', ck, '--data', data, '--split', 'validation', '--max-chars', '1500', '--edits', '0', '--json'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(rep.status, 0, rep.stderr);
    const replayed = JSON.parse(rep.stdout);
    const model = replayed.typing.rows.find((row: { completer: string; user: string }) => row.completer === 'model' && row.user === 'tab');
    assert.ok(
      replayed.typing.chars > 1000 && model.figures.shownRate > 0,
      `the replay typed its held-out files with the model: ${JSON.stringify(model.figures)}`,
    );
    console.log(
      `      2-process run: ${history.map((h) => h.valLoss.toFixed(3)).join(' -> ')} nats/char in ${((Date.now() - t0) / 1000).toFixed(0)} s; replay saved ${(model.figures.savings * 100).toFixed(1)}%`,
    );
  });
});
