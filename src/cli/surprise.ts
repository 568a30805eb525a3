/**
 * `lstm-complete surprise`: the surprise lens. With --file, the lines of a file the model finds most surprising
 * given the text around them (code that may be wrong); with --data and --typos N, the lens measured as a typo
 * finder: single-character typos injected into names, and how often the typo's line is among the most
 * surprising 5% of its file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { COMMON_OPTIONS, parse, numberOpt, stringList, choiceOpt, UsageError } from './args';
import { OptionRow, parserOptions, defaultOf, helpLines } from './option-table';
import { loadModelOrBundled } from '../model/model-store';
import { buildCorpus, readSourceFile } from '../data/corpus';
import { TextIndex } from '../workspace-index/text-index';
import { mulberry32 } from '../util/rng';
import { DEFAULT_LINE_RULE, DEFAULT_SURPRISE_OPTIONS, LensCache, LineScoreRule, SurpriseOptions, SurpriseScorer, surprisingLines } from '../lens/surprise';
import { TYPO_KINDS, TypoResult, TypoSummary, findTypos, summarizeTypos } from '../lens/typo-finder';
import { shuffled } from './replay';
import { progressBar } from './progress';

const SURPRISE_OPTIONS: readonly OptionRow[] = [
  { flag: 'model', arg: 'DIR', help: 'checkpoint folder', defaultText: 'the bundled model' },
  { flag: 'file', arg: 'FILE', help: 'list the most surprising lines of this file' },
  { flag: 'top', arg: 'N', help: 'lines listed', default: 10 },
  { flag: 'data', arg: 'DIR', repeatable: true, help: 'folders of Python files: the typo finder reads them (and the workspace cache indexes them)' },
  { flag: 'exclude', arg: 'GLOB', repeatable: true, help: 'leave out matching files' },
  { flag: 'typos', arg: 'N', help: 'typos to inject, one at a time, over the files of --data' },
  { flag: 'per-file', arg: 'N', help: 'typos per file (files in an order fixed by --seed)', default: 20 },
  { flag: 'seed', arg: 'S', help: 'the files, the typos and their places', default: 1 },
  {
    flag: 'cache',
    arg: 'off|document|workspace',
    help: 'what is mixed into the model: nothing, the file itself, or also the other files of --data',
    default: 'document',
  },
  { flag: 'rule', arg: 'max|top2|mean|sum', help: "a line's score from its characters'", default: DEFAULT_LINE_RULE },
  { flag: 'plain-surprise', help: "score characters by their surprise alone, not by how far it exceeds the prediction's entropy" },
  { flag: 'with-prose', help: 'score the text of strings and comments too' },
  { flag: 'before-only', help: 'the cache reads only the text before each character, as when typing' },
  { flag: 'no-name-slips', help: 'rank by surprise alone: lines with a name one edit from another name of the file do not come first' },
];

export const SURPRISE_HELP = `Usage: lstm-complete surprise [--model DIR] --file FILE [--top N] [--json]
       lstm-complete surprise [--model DIR] --data DIR [--data DIR...] --typos N [--per-file N] [--seed S] [--json]

The surprise lens: each character scored by how much more surprising it is to the model than the model expected
there (its surprise minus the entropy of the prediction, with the completion cache mixed in so the file's own names
are not surprising), each line by its two worst characters of code (strings' text and comments are left out);
lines with a name used once that is one edit from another name of the file (a slip such as cosntruct_scalar) first.
--file lists a file's most surprising lines. --typos N measures the lens as a typo finder: N single-character typos
(${TYPO_KINDS.join(', ')}) injected one at a time into names and keywords of the --data files, and how often the
typo's line is among the top 5% of its file's lines (the typo's line and the two after it are scored again).

${helpLines(SURPRISE_OPTIONS)}`;

const OPTIONS = { ...COMMON_OPTIONS, ...parserOptions(SURPRISE_OPTIONS) };
const D = <T extends number | string | boolean>(flag: string) => defaultOf<T>(SURPRISE_OPTIONS, flag);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function lensOptions(v: Record<string, unknown>): SurpriseOptions & { rule: LineScoreRule } {
  return {
    ...DEFAULT_SURPRISE_OPTIONS,
    // "none" is eval's and replay's word for "off" (the setting's): both are taken.
    cache: ((c) => (c === 'none' ? 'off' : c))(choiceOpt<LensCache | 'none'>(v, 'cache', ['off', 'none', 'document', 'workspace'], D<LensCache>('cache'))),
    rule: choiceOpt<LineScoreRule>(v, 'rule', ['max', 'top2', 'mean', 'sum'], DEFAULT_LINE_RULE),
    beyondExpected: !v['plain-surprise'],
    codeOnly: !v['with-prose'],
    readAfter: !v['before-only'],
    nameSlips: !v['no-name-slips'],
  };
}

export function formatTypos(s: TypoSummary): string {
  return [
    `${s.typos} typos in ${s.files} files`,
    `typo's line among the top 5% of its file's lines: ${pct(s.top5pct)} (clean lines flagged: ${pct(s.cleanFlagged)})`,
    `the most surprising line: ${pct(s.top1)}; top 10%: ${pct(s.top10pct)}; median rank: top ${pct(s.medianRankPct)}`,
    `by kind (top 5%): ${TYPO_KINDS.map((k) => `${k} ${pct(s.byKind[k].top5pct)} of ${s.byKind[k].typos}`).join(', ')}`,
  ].join('\n');
}

export async function runSurprise(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  const file = v.file as string | undefined;
  const data = stringList(v, 'data');
  if (!file && v.typos === undefined) throw new UsageError('give --file FILE (its surprising lines) or --data DIR --typos N (the typo finder)');
  if (file && v.typos !== undefined) throw new UsageError('--file and --typos are two uses: give one');
  const opts = lensOptions(v);
  if (opts.cache === 'workspace' && !data.length) throw new UsageError('--cache workspace indexes the --data folders: give --data DIR');
  const ck = loadModelOrBundled(v.model as string | undefined);
  const corpus = data.length ? buildCorpus(data, { exclude: stringList(v, 'exclude') }).files : [];
  const index = opts.cache === 'workspace' ? TextIndex.build(corpus.map((f) => ({ key: path.resolve(f.path), text: f.text }))) : undefined;

  if (file) {
    if (!fs.existsSync(file)) throw new UsageError(`--file ${file} does not exist`);
    const read = readSourceFile(file, 5 * 1024 * 1024);
    if ('skip' in read) throw new Error(`${file} cannot be read as Python source (${read.skip})`);
    const top = numberOpt(v, 'top', D<number>('top'), { min: 1, integer: true });
    const key = path.resolve(file);
    const { ranked } = surprisingLines(ck.weights, read.text, { ...opts, top, workspace: index && { index, key } });
    if (v.json) process.stdout.write(JSON.stringify({ file, rule: opts.rule, lines: ranked }) + '\n');
    else
      for (const l of ranked) {
        const slip = l.slip ? `   (${l.slip.name}: ${l.slip.near}?)` : '';
        process.stdout.write(`${String(l.line + 1).padStart(6)}  ${l.score.toFixed(2).padStart(6)}  ${l.text.trim().slice(0, 100)}${slip}\n`);
      }
    return 0;
  }

  if (!data.length) throw new UsageError('--typos needs --data DIR');
  const typos = numberOpt(v, 'typos', 0, { min: 1, integer: true });
  const perFile = numberOpt(v, 'per-file', D<number>('per-file'), { min: 1, integer: true });
  const seed = numberOpt(v, 'seed', D<number>('seed'), { min: 0, integer: true });
  const rng = mulberry32(seed);
  const scorer = new SurpriseScorer(ck.weights, opts);
  const results: TypoResult[] = [];
  const bar = progressBar(process.stderr, 'typos');
  const t0 = Date.now();
  for (const f of shuffled(corpus, seed)) {
    if (results.length >= typos) break;
    const lens = { ...opts, workspace: index && { index, key: path.resolve(f.path) }, perFile: Math.min(perFile, typos - results.length), rng };
    const found = findTypos(ck.weights, { key: f.relative, text: f.text }, lens, index ? new SurpriseScorer(ck.weights, lens) : scorer);
    results.push(...found);
    bar(results.length, typos);
  }
  bar.done();
  if (!results.length) throw new Error('no file of --data has 20 non-blank lines with names to misspell');
  const summary = summarizeTypos(results);
  const seconds = (Date.now() - t0) / 1000;
  if (v.json) process.stdout.write(JSON.stringify({ ...summary, seconds, options: { ...opts, seed, perFile }, results }) + '\n');
  else process.stdout.write(formatTypos(summary) + `\n(${seconds.toFixed(0)} s)\n`);
  return 0;
}
