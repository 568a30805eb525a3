// npm run pretrain — trains the bundled model on the standard library of this machine's Python and writes
// models/python-stdlib/ with its model card. Resumable: run it again and it continues from
// runs/pretrain/python-stdlib-latest. Steps (each can be run alone):
//   node scripts/pretrain.mjs train [--max-minutes M]   train or resume (the hyper-parameters below)
//   node scripts/pretrain.mjs card [--note TEXT]        samples and the model card only (after finalize)
//   node scripts/pretrain.mjs finalize [--note TEXT]    copy the best checkpoint into models/ (float16 if the
//                                                      loss moves < 0.005 nats/char), evaluate, sample, write the card
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { batchesPerEpoch } from './warm-restart.mjs';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(repo, 'dist', 'cli.js');
const runDir = path.join(repo, 'runs', 'pretrain');
const best = path.join(runDir, 'python-stdlib');
const modelDir = path.join(repo, 'models', 'python-stdlib');
const stdlib = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).stdout.trim();
const pyVersion = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();

/** Chosen after short comparison runs (see the model card): more, smaller updates win on 2 cores. */
export const HYPER = ['--threads', String(Math.min(2, os.cpus().length)), '--mode', 'carried-state', '--batch-size', '64', '--seq-len', '128', '--lr', '2e-3', '--lr-schedule', 'cosine', '--lr-min', '1e-4', '--epochs', '1.5', '--eval-every', '150', '--val-max-chars', '150000', '--seed', '1', '--no-tests'];

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
  const state = { epoch: Math.floor(step / bpe), batch: step % bpe, step, charsSeen: t.history.at(-1)?.chars ?? 0, wallSeconds: t.wallSeconds };
  fs.writeFileSync(path.join(`${best}-latest`, 'trainer-state.json'), JSON.stringify(state));
  console.error(`pretrain: continuing the shipped model from epoch ${t.epochsDone.toFixed(3)} (step ${step}) with a fresh optimizer`);
}

function train(extra) {
  fs.mkdirSync(runDir, { recursive: true });
  // Continue this machine's run if there is one; otherwise the shipped model's (a later session on a fresh
  // clone); else start from scratch.
  if (!fs.existsSync(path.join(`${best}-latest`, 'meta.json')) && fs.existsSync(path.join(modelDir, 'meta.json'))) seedFromShipped();
  const resume = fs.existsSync(path.join(`${best}-latest`, 'meta.json')) ? ['--resume'] : [];
  const out = run(['train', '--data', stdlib, '--out', best, '--name', 'python-stdlib', ...HYPER, ...resume, ...extra, '--json']);
  fs.writeFileSync(path.join(runDir, `summary-${Date.now()}.json`), out);
  console.log(out);
}

function evalJson(model) {
  return JSON.parse(run(['eval', '--model', model, '--data', stdlib, '--split', 'validation', '--json', '--exclude', '**/test/**', '--exclude', '**/tests/**'], { quiet: true }));
}

function finalize() {
  const f32 = evalJson(best);
  const tmp = path.join(runDir, 'float16-candidate');
  run(['export', '--model', best, '--out', tmp, '--float16'], { quiet: true });
  const f16 = evalJson(tmp);
  const useF16 = Math.abs(f16.nats_per_char - f32.nats_per_char) <= 0.005;
  fs.rmSync(modelDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(modelDir), { recursive: true });
  fs.cpSync(useF16 ? tmp : best, modelDir, { recursive: true });
  for (const f of fs.readdirSync(modelDir)) if (!['model.json', 'weights.bin', 'meta.json'].includes(f)) fs.rmSync(path.join(modelDir, f), { recursive: true });
  fs.copyFileSync(path.join(best, 'loss-curve.svg'), path.join(modelDir, 'loss-curve.svg'));
  const final = useF16 ? f16 : f32; // the shipped copy is byte-identical to the one measured
  fs.writeFileSync(path.join(runDir, 'finalize.json'), JSON.stringify({ pyVersion, stdlib, f32, f16, useF16, final }, null, 2));
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
      samples.push({ start, t, command: `lstm-complete ${args.map((a) => (/\s/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ')}`, text: r.stdout.trimEnd() });
    }
  }
  const notes = process.argv.slice(3).filter((a, i, all) => all[i - 1] === '--note');
  const meta = JSON.parse(fs.readFileSync(path.join(modelDir, 'meta.json'), 'utf8'));
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const full = { pyVersion: stats.pyVersion, stdlib: stats.stdlib, f32: stats.f32, f16: stats.f16, useF16: stats.useF16, final: stats.final, samples, meta, notes, machine };
  fs.writeFileSync(path.join(runDir, 'finalize.json'), JSON.stringify(full, null, 2));
  spawnSync(process.execPath, [path.join(repo, 'scripts', 'model-card.mjs'), path.join(runDir, 'finalize.json'), path.join(modelDir, 'MODEL_CARD.md')], { stdio: 'inherit' });
  console.log(`bundled model: ${stats.final.nats_per_char.toFixed(4)} nats/char on ${stats.final.chars} validation chars (float16: ${stats.useF16})`);
}

const argv = process.argv.slice(2);
const [cmd, ...rest] = !argv.length || argv[0].startsWith('--') ? ['train', ...argv] : argv;
if (cmd === 'train') train(rest);
else if (cmd === 'finalize') finalize();
else if (cmd === 'card') card();
else {
  console.error('usage: node scripts/pretrain.mjs [train [--max-minutes M] | finalize | card] [--note TEXT]');
  process.exitCode = 2;
}
