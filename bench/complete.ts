/**
 * npm run bench:complete — keystrokes saved by the ghost text, against VS Code's word completion in the
 * same run, on code the bundled model never trained on. Runs `lstm-complete replay` (the extension's own
 * completion engine) on two sets, two replays at a time:
 *   unseen   Debian packages python3-click, python3-requests, python3-jinja2 (fetched, not installed, into
 *            --data-root by scripts/fetch-debian-packages.sh on first use); never used to choose settings
 *   stdlib   the bundled model's validation files of the standard library (held out from its training)
 * and, for comparison on the unseen set: the completion cache limited to the document, no cache at all, and
 * the decoding before the replay existed (one sample at temperature 0.2 to the end of the line, shown
 * whatever its probability; on a smaller budget, as it is slower).
 * --sweep T1,T2,...  instead replays the tuning set (python3-attr, python3-markdown) at each confidence
 *                    threshold and prints the curve (the defaults were chosen from it).
 * Prints a table on stderr and JSON on stdout. Options: --model DIR, --max-chars N, --edits N, --data-root DIR.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'max-chars': { type: 'string', default: '50000' },
    edits: { type: 'string', default: '200' },
    'data-root': { type: 'string', default: path.join(os.homedir(), '.cache', 'lstm-complete', 'eval') },
    sweep: { type: 'string' },
  },
});

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const UNSEEN = ['python3-click', 'python3-requests', 'python3-jinja2'];
const TUNING = ['python3-attr', 'python3-markdown'];
const dataRoot = values['data-root']!;

function ensurePackages(names: string[]): string[] {
  const missing = names.filter((n) => !fs.existsSync(path.join(dataRoot, n)));
  if (missing.length) {
    process.stderr.write(`fetching ${missing.join(', ')} into ${dataRoot}\n`);
    const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'fetch-debian-packages.sh'), dataRoot, ...missing], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`could not fetch ${missing.join(', ')} (apt-get download needs Debian's package lists)`);
  }
  return names.map((n) => path.join(dataRoot, n));
}

function stdlib(): string {
  const r = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('python3 is needed to find the standard library');
  return r.stdout.trim();
}

interface Run {
  name: string;
  args: string[];
}

function replay(run: Run): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const args = [
      CLI,
      'replay',
      '--json',
      '--max-chars',
      values['max-chars']!,
      '--edits',
      values.edits!,
      ...(values.model ? ['--model', values.model] : []),
      ...run.args,
    ];
    // Later flags win: a run may shrink its own budget.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve({ name: run.name, ...JSON.parse(out) }) : reject(new Error(`${run.name}: exit ${code}\n${err}`))));
  });
}

/** Runs at most two replays at once (the machine this is measured on has two cores). */
async function runAll(runs: Run[]): Promise<Record<string, unknown>[]> {
  const results: Record<string, unknown>[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const i = next++;
      process.stderr.write(`replay ${runs[i].name} ...\n`);
      results[i] = await replay(runs[i]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

interface Row {
  completer: string;
  user: string;
  figures: Record<string, number>;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function summary(r: Record<string, unknown>, variant: 'typing' | 'editing'): string[] {
  const rows = (r[variant] as { rows: Row[] }).rows;
  // Each model row against word completion under the same user.
  const base = (user: string) => rows.find((x) => x.completer !== 'model' && x.user === user)!.figures;
  return rows.map((x) => {
    const f = x.figures;
    const vs = x.completer === 'model' ? ` (${(f.savings / base(x.user).savings).toFixed(2)}x word completion)` : '';
    return `  ${variant.padEnd(8)} ${x.completer.padEnd(16)} ${x.user.padEnd(9)} savings ${pct(f.savings).padStart(6)}${vs.padEnd(26)} shown ${pct(f.shownRate).padStart(6)} accepted/shown ${pct(f.acceptedShare).padStart(6)} mean accepted ${f.meanAcceptedLength.toFixed(1).padStart(4)} p95 ${f.latencyP95Ms.toFixed(1)} ms`;
  });
}

async function main() {
  const t0 = Date.now();
  if (values.sweep) {
    const thresholds = values.sweep.split(',').map(Number);
    const data = ensurePackages(TUNING).flatMap((d) => ['--data', d]);
    const results = await runAll(thresholds.map((t) => ({ name: `threshold ${t}`, args: [...data, '--threshold', String(t)] })));
    const lines = [
      '| threshold | savings, Tab user | savings, word user | accepted of shown | shown | word completion (baseline) |',
      '|---|---|---|---|---|---|',
    ];
    thresholds.forEach((t, i) => {
      const rows = (results[i].typing as { rows: Row[] }).rows;
      const get = (c: string, u: string) => rows.find((x) => (c === 'model' ? x.completer === 'model' : x.completer !== 'model') && x.user === u)!.figures;
      const tab = get('model', 'tab');
      lines.push(
        `| ${t} | ${pct(tab.savings)} | ${pct(get('model', 'word').savings)} | ${pct(tab.acceptedShare)} | ${pct(tab.shownRate)} | ${pct(get('word', 'tab').savings)} |`,
      );
    });
    process.stderr.write(lines.join('\n') + '\n');
    process.stdout.write(JSON.stringify({ sweep: thresholds, data: TUNING, results, seconds: (Date.now() - t0) / 1000 }, null, 1) + '\n');
    return;
  }
  const unseen = ensurePackages(UNSEEN).flatMap((d) => ['--data', d]);
  const runs: Run[] = [
    { name: 'unseen packages', args: unseen },
    { name: 'stdlib validation', args: ['--data', stdlib(), '--split', 'validation'] },
    { name: 'unseen packages, cache: document only', args: [...unseen, '--cache', 'document'] },
    { name: 'unseen packages, cache: none (the LSTM alone)', args: [...unseen, '--cache', 'none'] },
    { name: 'unseen packages, sampled at T=0.2 (the decoding before)', args: [...unseen, '--temperature', '0.2', '--max-chars', '20000', '--edits', '50'] },
  ];
  const results = await runAll(runs);
  const lines: string[] = [`machine: ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, node ${process.version}`];
  for (const r of results) lines.push(`${r.name as string}:`, ...summary(r, 'typing'), ...summary(r, 'editing'));
  process.stderr.write(lines.join('\n') + '\n');
  process.stdout.write(JSON.stringify({ unseen: UNSEEN, results, seconds: (Date.now() - t0) / 1000 }, null, 1) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
