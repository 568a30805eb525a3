/**
 * `lstm-complete cells`: which of the model's cells track Python's structure. Reads Python files with the
 * model and correlates every state value with per-character features (in a string, in a comment, bracket
 * depth, indentation, column, in a def signature, distance to the line end); prints the best cells per
 * feature, or writes one file's heatmap page (--html) coloured by those cells.
 */
import * as fs from 'fs';
import * as path from 'path';
import { COMMON_OPTIONS, parse, numberOpt, stringList, dataAndSplit, guardReportFiles, UsageError } from './args';
import { replaceFileDurably } from '../util/durable-write';
import { OptionRow, parserOptions, defaultOf, helpLines } from './option-table';
import { loadModelOrBundled } from '../model/model-store';
import { buildCorpus, readSourceFile } from '../data/corpus';
import { filesOfSplit } from '../data/dataset';
import { CellReport, cellName, cellTrace, studyCells, studyFile } from '../lens/cell-study';
import { heatmapSvg } from '../lens/heatmap-svg';
import { ModelWeights } from '../model/architecture';
import { normalizeText } from '../model/vocab';
import { CHAR_FEATURES, FEATURE_DESCRIPTIONS } from '../lens/char-features';
import { heatmapHtml } from '../lens/heatmap-html';
import { progressBar } from './progress';

const CELLS_OPTIONS: readonly OptionRow[] = [
  { flag: 'model', arg: 'DIR', help: 'checkpoint folder', defaultText: 'the bundled model' },
  { flag: 'data', arg: 'DIR', repeatable: true, help: 'folders of Python files to read (required unless --html with --file)' },
  { flag: 'split', arg: 'all|validation|train', help: "which of the checkpoint's files to read", default: 'all' },
  { flag: 'exclude', arg: 'GLOB', repeatable: true, help: 'leave out matching files' },
  { flag: 'max-chars', arg: 'N', help: 'characters read in all (files whole, in order, until reached)', default: 300_000 },
  { flag: 'top', arg: 'N', help: 'cells printed per feature', default: 3 },
  { flag: 'file', arg: 'FILE', help: 'with --html: the file to draw (default: the first file of --data)' },
  { flag: 'html', arg: 'FILE', help: "write the file's heatmap page (its best cell per feature, chosen on that file)" },
  {
    flag: 'svg',
    arg: 'DIR',
    help: "with --data and --file: one picture per feature (DIR/FEATURE.svg) of the file's first lines, coloured by the feature's best cell over --data",
  },
  { flag: 'svg-lines', arg: 'N', help: 'lines in each picture', default: 25 },
  { flag: 'force', help: 'let --html or --svg replace existing files' },
];

export const CELLS_HELP = `Usage: lstm-complete cells [--model DIR] --data DIR [--data DIR...] [--max-chars N] [--top N] [--json]
                           [--html FILE [--file F] [--force]] [--svg DIR --file F [--svg-lines N] [--force]]

Finds the cells of the model that track Python's structure (Karpathy, Johnson and Fei-Fei 2015): the model reads
each file from its start, and after every character each value of its state (h and c of every layer; "L1 c37" is
layer 1's cell 37) is correlated (Pearson r) with:
${Object.entries(FEATURE_DESCRIPTIONS)
  .map(([f, d]) => `  ${f.padEnd(17)} ${d}`)
  .join('\n')}

${helpLines(CELLS_OPTIONS)}`;

const OPTIONS = { ...COMMON_OPTIONS, ...parserOptions(CELLS_OPTIONS) };
const D = <T extends number | string | boolean>(flag: string) => defaultOf<T>(CELLS_OPTIONS, flag);

export function formatCells(r: CellReport): string {
  const lines = [`${r.chars} characters of ${r.files} files; ${r.seconds.toFixed(1)} s`, '', 'feature            best cells (Pearson r)'];
  for (const f of r.features)
    lines.push(`  ${f.feature.padEnd(17)} ${f.best.map((b) => `${cellName(b)} ${b.r >= 0 ? '+' : ''}${b.r.toFixed(3)}`).join('   ')}`);
  return lines.join('\n');
}

export async function runCells(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  const html = v.html as string | undefined;
  const file = v.file as string | undefined;
  const svg = v.svg as string | undefined;
  if (file && !html && !svg) throw new UsageError('--file draws a heatmap: give --html FILE or --svg DIR too');
  if (svg && (!file || !stringList(v, 'data').length)) throw new UsageError('--svg DIR draws --file with the cells found on --data: give both');
  if (!html && !stringList(v, 'data').length) throw new UsageError('--data DIR is required');
  if (html) guardReportFiles(v, [html], '--html');
  if (svg)
    guardReportFiles(
      v,
      CHAR_FEATURES.map((f) => path.join(svg, `${f}.svg`)),
      '--svg',
    );
  const maxChars = numberOpt(v, 'max-chars', D<number>('max-chars'), { min: 1, integer: true });
  const top = numberOpt(v, 'top', D<number>('top'), { min: 1, max: 100, integer: true });
  const ck = loadModelOrBundled(v.model as string | undefined);

  if (html) {
    const source = file ? readOne(file) : firstFile(v, ck.meta.corpus?.validationFiles, ck.dir);
    const cells = studyFile(ck.weights, source.text, { maxChars, studyChars: maxChars });
    replaceFileDurably(html, heatmapHtml(cells, `${path.basename(source.name)}: what the LSTM's cells track`));
    process.stderr.write(`wrote ${html} (${cells.text.length} characters of ${source.name}; ${cells.report.seconds.toFixed(1)} s)\n`);
    process.stdout.write((v.json ? JSON.stringify({ file: source.name, html, ...cells.report }) : formatCells(cells.report)) + '\n');
    return 0;
  }

  const { data, split } = dataAndSplit(v);
  const files = filesOfSplit(
    buildCorpus(data, { exclude: stringList(v, 'exclude') }).files,
    ck.meta.corpus?.validationFiles,
    split,
    path.join(ck.dir, 'meta.json'),
  );
  const bar = progressBar(process.stderr, 'cells');
  const report = studyCells(ck.weights, files, { maxChars, top, onProgress: (d, t) => bar(d, t) });
  bar.done();
  if (svg) writePictures(ck.weights, report, readOne(file!), svg, numberOpt(v, 'svg-lines', D<number>('svg-lines'), { min: 1, max: 500, integer: true }));
  process.stdout.write((v.json ? JSON.stringify(report) : formatCells(report)) + '\n');
  return 0;
}

/** One SVG per feature: the file's first lines coloured by the feature's best cell (h as it is, c through tanh). */
function writePictures(weights: ModelWeights, report: CellReport, source: { name: string; text: string }, dir: string, lines: number): void {
  const text = normalizeText(source.text);
  const cells = report.features.map((f) => f.best[0]);
  const traces = cellTrace(weights, text, cells);
  report.features.forEach((f, k) => {
    const best = f.best[0];
    const values = best.kind === 'c' ? traces[k].map(Math.tanh) : traces[k];
    const caption = `${f.feature}: ${cellName(best)} (r = ${best.r.toFixed(2)} over ${report.chars} characters)`;
    replaceFileDurably(path.join(dir, `${f.feature}.svg`), heatmapSvg(text, values, caption, lines));
  });
  process.stderr.write(`wrote ${report.features.length} pictures of ${source.name} to ${dir}\n`);
}

function readOne(file: string): { name: string; text: string } {
  if (!fs.existsSync(file)) throw new UsageError(`--file ${file} does not exist`);
  const read = readSourceFile(file, 5 * 1024 * 1024);
  if ('skip' in read) throw new Error(`${file} cannot be read as Python source (${read.skip})`);
  return { name: file, text: read.text };
}

function firstFile(v: Record<string, unknown>, validation: string[] | undefined, dir: string): { name: string; text: string } {
  const { data, split } = dataAndSplit(v);
  const [f] = filesOfSplit(buildCorpus(data, { exclude: stringList(v, 'exclude') }).files, validation, split, path.join(dir, 'meta.json'));
  return { name: f.path, text: f.text };
}
