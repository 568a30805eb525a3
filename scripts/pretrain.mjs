// npm run pretrain — the recipe of the first bundled model: trains on the standard library of this machine's Python
// and writes models/python-stdlib/ with its model card. (The model bundled now, models/python, was fine-tuned from
// it on a broader corpus: scripts/build-corpus.mjs, then train --from ... --val-data ...; see its card.) Resumable: run it again and it continues from
// runs/pretrain/python-stdlib-latest. Steps (each can be run alone):
//   node scripts/pretrain.mjs train [--max-minutes M]   train or resume (the hyper-parameters below)
//   node scripts/pretrain.mjs card [--note TEXT]        samples and the model card only (after finalize)
//   node scripts/pretrain.mjs finalize [--average N] [--note TEXT]
//                                                      copy the best checkpoint into models/ (float16 if the
//                                                      loss moves < 0.005 nats/char), evaluate, sample, write the card;
//                                                      --average N also measures the mean of the last N snapshots
//                                                      (runs/pretrain/snapshots) and ships it if it is lower
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
// The run's format is owned by src/training/loop/run-state.ts (bundled by npm run build).
const { batchesPerEpoch, positionAt, TRAINER_STATE_FILE } = createRequire(import.meta.url)('../dist/scripts/run-state.js');

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(repo, 'dist', 'cli.js');
const runDir = path.join(repo, 'runs', 'pretrain');
const best = path.join(runDir, 'python-stdlib');
const snapshotsDir = path.join(runDir, 'snapshots');
const modelDir = path.join(repo, 'models', 'python-stdlib');
const stdlib = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).stdout.trim();
const pyVersion = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();

/** Chosen after short comparison runs (see the model card): more, smaller updates win on 2 cores. */
export const HYPER = [
  '--threads',
  String(Math.min(2, os.cpus().length)),
  '--mode',
  'carried-state',
  '--batch-size',
  '64',
  '--seq-len',
  '128',
  '--lr',
  '2e-3',
  '--lr-schedule',
  'cosine',
  '--lr-min',
  '1e-4',
  '--epochs',
  '1.5',
  '--eval-every',
  '150',
  '--val-max-chars',
  '150000',
  '--seed',
  '1',
  '--no-tests',
];

function run(args, opts = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', opts.quiet ? 'pipe' : 'inherit'] });
  if (r.status !== 0) throw new Error(`lstm-complete ${args[0]} failed (${r.status}): ${r.stderr ?? ''}`);
  return r.stdout;
}

/**
 * A fresh clone has no run to resume: seed one from the shipped model (its weights, history and position, a new
 * optimizer), so the loss table and curve go on where they stopped instead of starting over.
 */
function seedFromShipped() {
  const meta = JSON.parse(fs.readFileSync(path.join(modelDir, 'meta.json'), 'utf8'));
  const t = meta.training;
  const bpe = batchesPerEpoch(meta);
  const step = Math.round(t.epochsDone * bpe);
  for (const dir of [best, `${best}-latest`]) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(modelDir, dir, { recursive: true });
  }
  const state = positionAt(step, bpe, t.history.at(-1)?.chars ?? 0, t.wallSeconds);
  fs.writeFileSync(path.join(`${best}-latest`, TRAINER_STATE_FILE), JSON.stringify(state));
  console.error(`pretrain: continuing the shipped model from epoch ${t.epochsDone.toFixed(3)} (step ${step}) with a fresh optimizer`);
}

function train(extra) {
  fs.mkdirSync(runDir, { recursive: true });
  // Continue this machine's run if there is one; otherwise the shipped model's (a later session on a fresh
  // clone); else start from scratch.
  if (!fs.existsSync(path.join(`${best}-latest`, 'meta.json')) && fs.existsSync(path.join(modelDir, 'meta.json'))) seedFromShipped();
  const resume = fs.existsSync(path.join(`${best}-latest`, 'meta.json')) ? ['--resume'] : [];
  const out = run(['train', '--data', stdlib, '--out', best, '--name', 'python-stdlib', '--snapshots', snapshotsDir, ...HYPER, ...resume, ...extra, '--json']);
  fs.writeFileSync(path.join(runDir, `summary-${Date.now()}.json`), out);
  console.log(out);
}

function evalJson(model) {
  return JSON.parse(
    run(['eval', '--model', model, '--data', stdlib, '--split', 'validation', '--json', '--exclude', '**/test/**', '--exclude', '**/tests/**'], {
      quiet: true,
    }),
  );
}

/** The last `n` snapshots of the run (one per evaluation, `epoch-E` folders), oldest first. */
function lastSnapshots(n) {
  if (!fs.existsSync(snapshotsDir)) return [];
  const epochOf = (d) => Number(d.slice('epoch-'.length));
  return fs
    .readdirSync(snapshotsDir)
    .filter((d) => /^epoch-[0-9.]+$/.test(d) && fs.existsSync(path.join(snapshotsDir, d, 'meta.json')))
    .sort((a, b) => epochOf(a) - epochOf(b))
    .slice(-n)
    .map((d) => path.join(snapshotsDir, d));
}

/**
 * The checkpoint to ship: the best validation checkpoint, or the mean of the last `averageN` snapshots when that
 * measures lower on the validation files (both figures go to the card).
 */
function chooseWeights(averageN) {
  const bestEval = evalJson(best);
  const snaps = averageN > 1 ? lastSnapshots(averageN) : [];
  if (snaps.length < 2) return { dir: best, f32: bestEval, bestEval, averaged: null };
  const avgDir = path.join(runDir, 'average-candidate');
  run(['average', ...snaps.flatMap((d) => ['--model', d]), '--out', avgDir, '--name', 'python-stdlib'], { quiet: true });
  const avgEval = evalJson(avgDir);
  const averaged = { snapshots: snaps.map((d) => path.basename(d)), eval: avgEval, shipped: avgEval.nats_per_char < bestEval.nats_per_char };
  console.error(
    `pretrain: best checkpoint ${bestEval.nats_per_char.toFixed(4)}, mean of ${snaps.length} snapshots ${avgEval.nats_per_char.toFixed(4)} nats/char`,
  );
  return averaged.shipped ? { dir: avgDir, f32: avgEval, bestEval, averaged } : { dir: best, f32: bestEval, bestEval, averaged };
}

function finalize(averageN) {
  const { dir: chosen, f32, bestEval, averaged } = chooseWeights(averageN);
  const tmp = path.join(runDir, 'float16-candidate');
  run(['export', '--model', chosen, '--out', tmp, '--float16'], { quiet: true });
  const f16 = evalJson(tmp);
  const useF16 = Math.abs(f16.nats_per_char - f32.nats_per_char) <= 0.005;
  fs.rmSync(modelDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(modelDir), { recursive: true });
  fs.cpSync(useF16 ? tmp : chosen, modelDir, { recursive: true });
  for (const f of fs.readdirSync(modelDir)) if (!['model.json', 'weights.bin', 'meta.json'].includes(f)) fs.rmSync(path.join(modelDir, f), { recursive: true });
  fs.copyFileSync(path.join(best, 'loss-curve.svg'), path.join(modelDir, 'loss-curve.svg'));
  // A shipped file names no build machine's paths (weightsSha256 covers weights.bin only, so this is safe).
  const metaFile = path.join(modelDir, 'meta.json');
  const shipped = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  if (shipped.corpus?.roots)
    shipped.corpus.roots = shipped.corpus.roots.map((r) =>
      r === stdlib ? `<the standard library of ${pyVersion}: sysconfig.get_paths()['stdlib']>` : path.basename(r),
    );
  fs.writeFileSync(metaFile, JSON.stringify(shipped, null, 2));
  const final = useF16 ? f16 : f32; // the shipped copy is byte-identical to the one measured
  fs.writeFileSync(path.join(runDir, 'finalize.json'), JSON.stringify({ pyVersion, stdlib, f32, f16, useF16, final, bestEval, averaged }, null, 2));
  card();
}

/** Samples from the shipped model with the commands the card names, then the card itself. */
function card() {
  const stats = JSON.parse(fs.readFileSync(path.join(runDir, 'finalize.json'), 'utf8'));
  const rel = path.relative(repo, modelDir);
  const samples = [];
  for (const start of ['def ', 'class ', 'import ']) {
    for (const t of [0.2, 0.5, 1.0]) {
      const args = ['generate', '--model', rel, '--chars', '300', '--temperature', String(t), '--start', start, '--seed', '42'];
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
      samples.push({
        start,
        t,
        command: `lstm-complete ${args.map((a) => (/\s/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ')}`,
        text: r.stdout.trimEnd(),
      });
    }
  }
  const notes = process.argv.slice(3).filter((a, i, all) => all[i - 1] === '--note');
  const meta = JSON.parse(fs.readFileSync(path.join(modelDir, 'meta.json'), 'utf8'));
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const full = {
    pyVersion: stats.pyVersion,
    stdlib: stats.stdlib,
    f32: stats.f32,
    f16: stats.f16,
    useF16: stats.useF16,
    final: stats.final,
    bestEval: stats.bestEval,
    averaged: stats.averaged,
    samples,
    meta,
    notes,
    machine,
  };
  fs.writeFileSync(path.join(runDir, 'finalize.json'), JSON.stringify(full, null, 2));
  spawnSync(process.execPath, [path.join(repo, 'scripts', 'model-card.mjs'), path.join(runDir, 'finalize.json'), path.join(modelDir, 'MODEL_CARD.md')], {
    stdio: 'inherit',
  });
  console.log(`bundled model: ${stats.final.nats_per_char.toFixed(4)} nats/char on ${stats.final.chars} validation chars (float16: ${stats.useF16})`);
}

const argv = process.argv.slice(2);
const [cmd, ...rest] = !argv.length || argv[0].startsWith('--') ? ['train', ...argv] : argv;
if (cmd === 'train') train(rest);
else if (cmd === 'finalize') {
  const i = rest.indexOf('--average');
  const n = i < 0 ? 1 : Number(rest[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error('pretrain finalize: --average N needs a whole number of snapshots (1 = the best checkpoint only)');
    process.exit(2);
  }
  finalize(n);
} else if (cmd === 'card') card();
else {
  console.error('usage: node scripts/pretrain.mjs [train [--max-minutes M] | finalize [--average N] | card] [--note TEXT]');
  process.exitCode = 2;
}
