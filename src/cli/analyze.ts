/**
 * `lstm-complete analyze`: the long-range dependency study of a checkpoint on Python files, against a
 * character n-gram baseline: brackets by distance, indentation, closing quotes, loss by position, carried vs
 * reset state, and the parse rate of generated samples. Writes a self-contained HTML report (--out x.html,
 * with x.json beside it) and prints a summary, or the whole report with --json.
 */
import { COMMON_OPTIONS, parse, numberOpt, stringList, dataAndSplit, guardReportFiles } from './args';
import { replaceFileDurably } from '../util/durable-write';
import { loadModelOrBundled } from '../model/model-store';
import { LongRangeReport } from '../analysis/long-range';
import { runAnalysis } from '../analysis/run-analysis';
import { reportHtml, FullReport } from '../analysis/report-html';

export const ANALYZE_HELP = `Usage: lstm-complete analyze [--model DIR] --data DIR [--data DIR...] [--split all|validation|train]
                             [--max-chars N] [--ngram-order N] [--ngram-train-chars N] [--samples N]
                             [--sample-chars N] [--out report.html [--force]] [--json]

Measures what the model remembers, with the LSTM state carried through each file, against an n-gram
baseline (interpolated modified Kneser-Ney, --ngram-order N, default 12, up to 32) trained on the checkpoint's training
files (--ngram-train-chars, default 2000000; 0 leaves it out):
closing brackets by distance to their opener, indentation at line starts, closing quotes by string length,
loss by position in the file and with the state reset every 256 characters, and the share of generated
samples (--samples per temperature 0.2, 0.5, 1.0; 0 leaves it out) that parse as Python.
--out x.html writes x.html and x.json; if either exists it is refused (before the analysis runs) unless --force.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  data: { type: 'string', multiple: true },
  split: { type: 'string' },
  'max-chars': { type: 'string' },
  'ngram-order': { type: 'string' },
  'ngram-train-chars': { type: 'string' },
  samples: { type: 'string' },
  'sample-chars': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  exclude: { type: 'string', multiple: true },
} as const;

const pct = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');

export function formatReport(r: FullReport): string {
  const both: [string, LongRangeReport][] = [['LSTM', r.lstm], ...(r.ngram ? ([[`${r.ngram.order}-gram`, r.ngram]] as [string, LongRangeReport][]) : [])];
  const lines = [
    `${r.lstm.chars} chars in ${r.lstm.files} files (${r.split}); ${r.seconds.toFixed(0)} s`,
    '',
    `closing brackets by distance: count | top-1 ${both.map((b) => b[0]).join(' / ')} | mean p(correct) | wrong type`,
  ];
  r.lstm.brackets.byDistance.forEach((b, i) => {
    lines.push(
      `  ${b.bucket.padEnd(8)} ${String(b.count).padStart(7)} | ${both.map(([, m]) => pct(m.brackets.byDistance[i].top1).padStart(6)).join(' / ')} | ${both.map(([, m]) => m.brackets.byDistance[i].meanProbability.toFixed(3)).join(' / ')} | ${both.map(([, m]) => pct(m.brackets.byDistance[i].wrongType)).join(' / ')}`,
    );
  });
  lines.push(
    '',
    `indentation at line starts (greedy): ${both.map(([n, m]) => `${n} ${pct(m.indentation.overall.top1)} (dedents ${pct(m.indentation.dedent.top1)})`).join(', ')} of ${r.lstm.indentation.overall.count} lines`,
  );
  lines.push('', 'closing quotes by kind and string length: count | top-1');
  for (const s of r.lstm.strings.byLength) {
    const other = r.ngram?.strings.byLength.find((x) => x.quote === s.quote && x.bucket === s.bucket);
    lines.push(`  ${s.quote.padEnd(4)} ${s.bucket.padEnd(8)} ${String(s.count).padStart(6)} | ${pct(s.top1)}${other ? ` / ${pct(other.top1)}` : ''}`);
  }
  lines.push(
    '',
    ...both.map(
      ([n, m]) =>
        `loss ${n}: carried ${m.context.carriedLoss.toFixed(4)} nats/char, reset every 256 chars ${m.context.resetEvery256Loss.toFixed(4)}; by position ${m.context.lossByPosition
          .filter((_, i) => i % 4 === 0)
          .map((p) => `${p.start}: ${p.loss.toFixed(2)}`)
          .join(', ')}`,
    ),
  );
  if (r.validity)
    lines.push('', `samples that parse: ${r.validity.map((v) => `T=${v.temperature} ${pct(v.parseRate)} (${JSON.stringify(v.errors)})`).join('; ')}`);
  return lines.join('\n');
}

export async function runAnalyze(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  const { data, split } = dataAndSplit(v);
  const out = v.out as string | undefined;
  const base = out?.replace(/\.(html|json)$/, '');
  // Both files are named by --out; neither may silently replace a file of the user's (checked before the minutes
  // the analysis takes).
  if (base) guardReportFiles(v, [`${base}.html`, `${base}.json`], '--out');
  const opt = (name: string, min: number, max = Infinity) => (v[name] === undefined ? undefined : numberOpt(v, name, 0, { min, max, integer: true }));
  const ck = loadModelOrBundled(v.model as string | undefined);
  const report = await runAnalysis(ck, {
    data,
    split,
    exclude: stringList(v, 'exclude'),
    maxChars: opt('max-chars', 1),
    ngramOrder: opt('ngram-order', 1, 32),
    ngramTrainChars: opt('ngram-train-chars', 0),
    samples: opt('samples', 0),
    sampleChars: opt('sample-chars', 10),
    log: v.verbose ? (l) => process.stderr.write(l + '\n') : undefined,
  });
  if (base) {
    replaceFileDurably(`${base}.json`, JSON.stringify(report, null, 2));
    replaceFileDurably(`${base}.html`, reportHtml(report));
    process.stderr.write(`wrote ${base}.html and ${base}.json\n`);
  }
  process.stdout.write((v.json ? JSON.stringify(report) : formatReport(report)) + '\n');
  return 0;
}
