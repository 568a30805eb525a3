#!/usr/bin/env node
/**
 * The CPU half of the device job (issue 29): evaluates what scripts/gpu/continue-on-device.sh returned against the
 * shipped model by the model card's rules, and ships it only if it wins:
 *   node scripts/gpu/evaluate-and-ship.mjs RESULT.tgz|CKPT [--data DIR] [--mixes 1,3] [--ship] [--json]
 * 1. the candidates: the checkpoint alone, and for each k in --mixes the element-wise mean of the shipped model
 *    once and the checkpoint k times (`lstm-complete average`);
 * 2. nats/char of each (and of the shipped model) on the tuning data: the by-package validation packages
 *    (python3-attr, python3-markdown) and the standard-library files the bundled models held out;
 * 3. the choice and the verdict (src/training/loop/ship-verdict.ts): the lowest tuning loss within the
 *    standard-library limit, a minimum gain, and keystrokes saved typing the tuning packages (the replay, the
 *    editor's defaults) that do not fall;
 * 4. reported only, never used to choose: the evaluation packages (python3-click, -requests, -jinja2), loss and the
 *    card's replay (20,000 typed characters, 100 editing sites, seed 1, workspace cache on and off, VS Code's word
 *    completion in the same runs);
 * 5. with --ship and a winning verdict: scripts/ship-model.mjs into models/python (float16; the held-out files of
 *    the model it replaces stay held out). The model card is then updated by hand from the printed table.
 * --data DIR holds the five packages (fetched there with scripts/fetch-debian-packages.sh when missing; outside the
 * repository; default $LSTM_COMPLETE_DATA or ../lstm-data). Run `npm run build` first. Takes ~15 minutes on 2 cores.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { shipVerdict } = createRequire(import.meta.url)(path.join(repo, 'dist/scripts/ship-verdict.js'));
const { shardIdsIn } = createRequire(import.meta.url)(path.join(repo, 'dist/scripts/corpus-shards.js'));
const cli = path.join(repo, 'dist/cli.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const usage = 'usage: node scripts/gpu/evaluate-and-ship.mjs RESULT.tgz|CKPT [--data DIR] [--mixes 1,3] [--ship] [--json]';
const input = args[0];
if (!input || input.startsWith('-') || !fs.existsSync(input)) {
  console.error(input && !input.startsWith('-') ? `${input}: no such file or folder\n${usage}` : usage);
  process.exit(2);
}
const mixes = String(opt('--mixes', '1,3')).split(',').filter(Boolean).map(Number);
if (mixes.some((k) => !Number.isInteger(k) || k < 1 || k > 9)) {
  console.error(`--mixes takes whole numbers 1-9 (copies of the checkpoint against one of the shipped model), got ${opt('--mixes')}`);
  process.exit(2);
}
const data = path.resolve(opt('--data', process.env.LSTM_COMPLETE_DATA || path.join(repo, '..', 'lstm-data')));
const log = (s) => console.error(s);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-ship-'));
const fail = (message) => {
  log(message);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
};
// A failure says what failed, in one line, and never leaves the temp folder behind.
process.on('uncaughtException', (e) => fail(`evaluate-and-ship: ${e.message}`));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** The most a device call's tarball may unpack to: a checkpoint, its resumable state and logs are a few tens of MB. */
const MAX_UNPACKED_BYTES = 1 << 30;
/**
 * Refuses a tarball before a byte of it is unpacked when a member is a link (a `model` link once led the evaluation
 * to a checkpoint elsewhere), names a path outside the folder, or the whole would unpack to more than the cap.
 */
function checkTarball(file) {
  const r = spawnSync('tar', ['-tzvf', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) fail(`${file} is not a readable .tgz: ${r.stderr.trim().split('\n')[0]}`);
  let total = 0;
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const m = /^(\S)\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) fail(`${file}: cannot read its listing (${line.slice(0, 80)})`);
    const [, type, size, name] = m;
    if (type !== '-' && type !== 'd') fail(`${file} holds ${name}, a link or special file: not unpacked`);
    if (name.startsWith('/') || name.split('/').includes('..')) fail(`${file} names ${name}, a path outside its folder: not unpacked`);
    total += Number(size);
    if (total > MAX_UNPACKED_BYTES) fail(`${file} would unpack to more than ${MAX_UNPACKED_BYTES >> 20} MB: not unpacked`);
  }
}

const shipped = path.join(tmp, 'shipped');
fs.cpSync(path.join(repo, 'models/python'), shipped, { recursive: true });

function run(argv, what) {
  const r = spawnSync(process.execPath, [cli, ...argv, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    log(r.stderr.trim().split('\n').slice(-5).join('\n'));
    throw new Error(`${what} failed (exit ${r.status})`);
  }
  return JSON.parse(r.stdout);
}

// 1. The checkpoint: a device call's tarball (its model/) or a folder.
let ckpt = path.resolve(input);
if (fs.statSync(input).isFile()) {
  checkTarball(input);
  const r = spawnSync('tar', ['-C', tmp, '-xzf', input, '--no-same-owner', '--no-same-permissions'], { stdio: 'inherit' });
  ckpt = path.join(tmp, 'model');
  if (r.status !== 0 || !fs.existsSync(path.join(ckpt, 'meta.json'))) {
    fail(`${input} holds no model/: that device call's run did not beat the checkpoint it started from (see its log.txt)`);
  }
}

// 2. The data: five whole packages never trained on, and the standard-library files held out.
const TUNING = ['python3-attr', 'python3-markdown'];
const EVALUATION = ['python3-click', 'python3-requests', 'python3-jinja2'];
const missing = [...TUNING, ...EVALUATION].filter((p) => !fs.existsSync(path.join(data, p)));
if (missing.length) {
  log(`fetching ${missing.join(' ')} into ${data}`);
  const r = spawnSync('bash', [path.join(repo, 'scripts/fetch-debian-packages.sh'), data, ...missing], { stdio: 'inherit' });
  if (r.status !== 0) fail(`could not fetch ${missing.join(' ')}`);
}
const stdlib = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).stdout.trim();
const stdlibVal = path.join(tmp, 'stdlib-validation');
for (const rel of JSON.parse(fs.readFileSync(path.join(shipped, 'meta.json'), 'utf8')).corpus?.validationFiles ?? []) {
  // Paths read from a file stay inside their folder: a crafted `../../x` once made this copy write outside tmp.
  if (typeof rel !== 'string' || !rel || path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..'))
    fail(`the shipped meta.json names ${JSON.stringify(rel)} as a held-out file: not a path inside the standard library`);
  const from = path.join(stdlib, rel);
  if (fs.existsSync(from) && fs.statSync(from).isFile()) fs.cpSync(from, path.join(stdlibVal, rel));
}
if (!fs.existsSync(stdlibVal)) {
  log(`none of the shipped model's held-out standard-library files is under ${stdlib}`);
  process.exit(1);
}
const dataArgs = (pkgs) => pkgs.flatMap((p) => ['--data', path.join(data, p)]);

// 3. Candidates and their tuning figures.
const candidates = [{ name: 'checkpoint alone', dir: ckpt }];
for (const k of mixes) {
  const dir = path.join(tmp, `mix-${k}`);
  // The last --model gives the mix its history and corpus: the checkpoint's.
  try {
    run(['average', '--model', shipped, ...Array(k).fill(['--model', ckpt]).flat(), '--out', dir, '--name', 'python'], `average 1:${k}`);
  } catch (e) {
    log(`no mean 1:${k}: ${e.message} (a model of another size cannot be averaged with the shipped one)`);
    continue;
  }
  candidates.push({ name: `mean shipped 1 : checkpoint ${k}`, dir });
}
const loss = (dir, a) => run(['eval', '--model', dir, ...a], `eval ${dir}`).nats_per_char;
const figures = (m) => {
  m.tuning = loss(m.dir, dataArgs(TUNING));
  m.stdlib = loss(m.dir, ['--data', stdlibVal]);
  log(`${m.name}: tuning ${m.tuning.toFixed(4)}, standard library ${m.stdlib.toFixed(4)} nats/char`);
  return m;
};
const base = figures({ name: 'shipped', dir: shipped });
candidates.forEach(figures);

// Keystrokes saved typing the tuning packages, as the editor runs (cache on, int16): paired, same text and seed.
const replayTab = (dir, pkgs, extra) => {
  const r = run(['replay', '--model', dir, ...dataArgs(pkgs), ...extra], `replay ${dir}`);
  const tab = (part, completer) => part?.rows.find((x) => x.completer === completer && x.user === 'tab')?.figures;
  return {
    typing: tab(r.typing, 'model'),
    editing: tab(r.editing, 'model'),
    wordTyping: tab(r.typing, 'word completion'),
    wordEditing: tab(r.editing, 'word completion'),
  };
};
const TUNING_REPLAY = ['--max-chars', '8000', '--edits', '0', '--seed', '3'];
const first = shipVerdict(base, candidates);
if (first.chosen) {
  base.keystrokes = replayTab(shipped, TUNING, TUNING_REPLAY).typing.savings;
  first.chosen.keystrokes = replayTab(first.chosen.dir, TUNING, TUNING_REPLAY).typing.savings;
}
const verdict = shipVerdict(base, candidates);
verdict.reasons.forEach((r) => log(`verdict: ${r}`));

// 4. Reported only: the evaluation packages.
const report = { verdict, shipped: base, candidates };
const chosen = verdict.chosen;
if (chosen && !args.includes('--no-evaluation')) {
  for (const m of [base, chosen]) {
    m.evaluation = { loss: loss(m.dir, dataArgs(EVALUATION)) };
    for (const cache of ['workspace', 'none'])
      m.evaluation[`replay_${cache}`] = replayTab(m.dir, EVALUATION, ['--max-chars', '20000', '--edits', '100', '--seed', '1', '--cache', cache]);
  }
  const pct = (f) => (f ? `${(f.savings * 100).toFixed(1)}%` : '-');
  const row = (m) => {
    const w = m.evaluation.replay_workspace,
      n = m.evaluation.replay_none;
    return `| ${m.name} | ${m.tuning.toFixed(4)} | ${m.stdlib.toFixed(4)} | ${m.evaluation.loss.toFixed(4)} | ${pct(w.typing)} / ${pct(w.editing)} | ${pct(n.typing)} / ${pct(n.editing)} | ${pct(w.wordTyping)} / ${pct(w.wordEditing)} |`;
  };
  console.error(
    [
      '',
      '| model | tuning nats/char | standard library | evaluation packages | saved, cache on (typing / editing) | cache off | word completion |',
      '|---|---|---|---|---|---|---|',
      row(base),
      row(chosen),
    ].join('\n'),
  );
}

// 5. Ship.
if (args.includes('--ship') && verdict.ship) {
  const head = spawnSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || 'an unknown commit';
  const note = opt(
    '--corpus-note',
    'scripts/build-corpus.mjs (scripts/corpus-packages.txt; MANIFEST.tsv): the standard library less its held-out files and the listed Debian packages',
  );
  const r = spawnSync(
    process.execPath,
    [
      path.join(repo, 'scripts/ship-model.mjs'),
      chosen.dir,
      '--out',
      path.join(repo, 'models/python'),
      '--name',
      'python',
      '--held-out-from',
      shipped,
      '--held-out-name',
      'the previous models/python',
      '--fine-tuned-from',
      `models/python as shipped at ${head}, continued on the GPU (scripts/gpu/continue-on-device.sh)`,
      '--corpus-note',
      note,
    ],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  report.shippedTo = 'models/python';
  // The shard the run read (its corpus roots end in the shard's id: continue-on-device.sh) joins the shipped model's
  // ledger, so the next call's pick-shard.mjs goes on to the next one.
  const roots = JSON.stringify(JSON.parse(fs.readFileSync(path.join(ckpt, 'meta.json'), 'utf8')).corpus?.roots ?? []);
  const ids = [...new Set(shardIdsIn(roots))];
  const day = new Date().toISOString().slice(0, 10);
  if (ids.length) fs.appendFileSync(path.join(repo, 'models/python/SHARDS-READ'), ids.map((id) => `shard ${id} ${day}\n`).join(''));
  if (ids.length) log(`models/python/SHARDS-READ: read ${ids.join(', ')}`);
  log(`shipped ${chosen.name} as models/python: update models/python/MODEL_CARD.md from the table above`);
} else if (args.includes('--ship')) {
  log('not shipped: the verdict kept the shipped model');
}
const strip = (m) => ({ ...m, dir: undefined });
if (args.includes('--json'))
  console.log(
    JSON.stringify({ ...report, shipped: strip(base), candidates: candidates.map(strip), verdict: { ...verdict, chosen: chosen && strip(chosen) } }, null, 2),
  );
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(0);
