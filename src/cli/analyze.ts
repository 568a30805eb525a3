/**
 * `lstm-complete analyze`: long-range dependency metrics of a checkpoint on Python files (brackets by
 * distance, indentation, closing quotes, loss by position, carried vs reset state). Prints a summary, or the
 * whole report with --json; --out writes the JSON report to a file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { COMMON_OPTIONS, parse, numberOpt, stringList, UsageError } from './args';
import { loadModelOrBundled } from '../model/model-store';
import { buildCorpus } from '../training/corpus';
import { analyzeLongRange, LongRangeReport } from '../analysis/long-range';
import { LstmPredictor } from '../analysis/predictor';

export const ANALYZE_HELP = `Usage: lstm-complete analyze [--model DIR] --data DIR [--split all|validation|train] [--max-chars N] [--out report.json] [--json]

Measures what the model remembers, with the LSTM state carried through each file:
closing brackets by distance to their opener, indentation at line starts, closing quotes by string length,
loss by position in the file, and loss with the state reset every 256 characters.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  data: { type: 'string', multiple: true },
  split: { type: 'string' },
  'max-chars': { type: 'string' },
  out: { type: 'string' },
  exclude: { type: 'string', multiple: true },
} as const;

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');

export function formatReport(r: LongRangeReport): string {
  const lines = [`${r.chars} chars in ${r.files} files (model: ${r.model})`, '', 'closing brackets by distance to the opener: count, top-1, mean p(correct), wrong type'];
  for (const b of r.brackets.byDistance) lines.push(`  ${b.bucket.padEnd(8)} ${String(b.count).padStart(7)}  ${pct(b.top1).padStart(6)}  ${b.meanProbability.toFixed(3)}  ${pct(b.wrongType)}`);
  lines.push('', `indentation at line starts (greedy): ${pct(r.indentation.overall.top1)} of ${r.indentation.overall.count}; dedents ${pct(r.indentation.dedent.top1)} of ${r.indentation.dedent.count}; others ${pct(r.indentation.sameOrIndent.top1)}`);
  lines.push('', 'closing quotes: kind, string length, count, top-1');
  for (const s of r.strings.byLength) lines.push(`  ${s.quote.padEnd(4)} ${s.bucket.padEnd(8)} ${String(s.count).padStart(7)}  ${pct(s.top1)}`);
  lines.push('', `loss: carried state ${r.context.carriedLoss.toFixed(4)} nats/char, reset every 256 chars ${r.context.resetEvery256Loss.toFixed(4)}`);
  lines.push(`loss by position: ${r.context.lossByPosition.filter((_, i) => i % 4 === 0).map((p) => `${p.start}: ${p.loss.toFixed(3)}`).join(', ')}`);
  return lines.join('\n');
}

export async function runAnalyze(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) {
    process.stdout.write(ANALYZE_HELP + '\n');
    return 0;
  }
  const data = stringList(v, 'data');
  if (!data.length) throw new UsageError('--data DIR is required');
  const split = (v.split as string | undefined) ?? 'all';
  if (!['all', 'validation', 'train'].includes(split)) throw new UsageError(`--split must be all, validation or train, got "${split}"`);
  const maxChars = v['max-chars'] === undefined ? undefined : numberOpt(v, 'max-chars', 0, { min: 1, integer: true });
  const ck = loadModelOrBundled(v.model as string | undefined);
  let files = buildCorpus(data, { exclude: stringList(v, 'exclude') }).files;
  if (split !== 'all') {
    const val = new Set(ck.meta.corpus?.validationFiles ?? []);
    if (!val.size) throw new UsageError(`${path.join(ck.dir, 'meta.json')} records no validation files; use --split all`);
    files = files.filter((f) => val.has(f.relative) === (split === 'validation'));
  }
  const t0 = Date.now();
  const report = { ...analyzeLongRange(files.map((f) => f.text), new LstmPredictor(ck.weights), { maxChars }), checkpoint: ck.dir, seconds: (Date.now() - t0) / 1000 };
  if (v.out) fs.writeFileSync(v.out as string, JSON.stringify(report, null, 2));
  process.stdout.write((v.json ? JSON.stringify(report) : formatReport(report)) + '\n');
  return 0;
}
