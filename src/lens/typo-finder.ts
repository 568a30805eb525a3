/**
 * The surprise lens measured as a typo finder: one single-character typo (two letters swapped, one deleted,
 * one inserted, one replaced) inside a name or keyword of a file, and where the typo's line ranks among the
 * file's lines by surprise. Only the typo's line and the two after it are scored again (from the model's state
 * at the line's start): a typo inside a name leaves brackets and strings as they were, so later lines change
 * little, and this makes a thousand typos cost seconds instead of a thousand files.
 */
import { ModelWeights } from '../model/architecture';
import { normalizeText } from '../model/vocab';
import { Rng } from '../util/rng';
import { charFeatures } from './char-features';
import { LineScoreRule, SurpriseOptions, SurpriseScorer, bySurprise, leaveOutProse, lineScore, lineStarts } from './surprise';
import { codeNames, nearNames } from './near-names';

export type TypoKind = 'swap' | 'delete' | 'insert' | 'replace';
export const TYPO_KINDS: readonly TypoKind[] = ['swap', 'delete', 'insert', 'replace'];

export interface Typo {
  kind: TypoKind;
  /** Position of the change in the original text. */
  pos: number;
  /** 0-based line of the change. */
  line: number;
  /** The whole text with the typo. */
  text: string;
  /** The name before and after, for the report. */
  before: string;
  after: string;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One typo of `kind` in one of the names (chosen with `rng`), or undefined when none can take it. */
export function injectTypo(text: string, names: [number, number][], kind: TypoKind, rng: Rng): Typo | undefined {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!names.length) return undefined;
    const [s, e] = names[Math.floor(rng() * names.length)];
    const name = text.slice(s, e);
    let typo: string | undefined;
    let at = s;
    if (kind === 'swap') {
      const i = Math.floor(rng() * (name.length - 1));
      if (name[i] !== name[i + 1]) typo = name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
      at = s + i;
    } else if (kind === 'delete') {
      const i = Math.floor(rng() * name.length);
      if (name.length >= 3) typo = name.slice(0, i) + name.slice(i + 1);
      at = s + i;
    } else if (kind === 'insert') {
      const i = 1 + Math.floor(rng() * (name.length - 1));
      typo = name.slice(0, i) + LETTERS[Math.floor(rng() * LETTERS.length)] + name.slice(i);
      at = s + i;
    } else {
      const i = Math.floor(rng() * name.length);
      const c = LETTERS[Math.floor(rng() * LETTERS.length)];
      if (c !== name[i].toLowerCase() && !(i === 0 && /\d/.test(c))) typo = name.slice(0, i) + c + name.slice(i + 1);
      at = s + i;
    }
    if (typo === undefined || typo === name) continue;
    let line = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    return { kind, pos: at, line, text: text.slice(0, s) + typo + text.slice(e), before: name, after: typo };
  }
  return undefined;
}

/** Only whether a line has a slip matters to the ranking. */
const SLIP = { name: '', near: '', column: 0 };

export interface TypoResult {
  file: string;
  typo: Omit<Typo, 'text'>;
  /** 1-based rank of the typo's line among the file's non-blank lines (1 = most surprising). */
  rank: number;
  lines: number;
}

export interface TypoFinderOptions extends SurpriseOptions {
  rule: LineScoreRule;
  /** Typos per file (each one alone, on the clean file). */
  perFile: number;
  /** Lines after the typo's line scored again. */
  linesAfter?: number;
  rng: Rng;
}

/** Injects typos into a file one at a time and ranks each typo's line. Files under 20 non-blank lines are left out. */
export function findTypos(
  weights: ModelWeights,
  file: { key: string; text: string },
  opts: TypoFinderOptions,
  scorer = new SurpriseScorer(weights, opts),
): TypoResult[] {
  const text = normalizeText(file.text);
  const starts = lineStarts(text);
  const ends = starts.map((s, i) => (i + 1 < starts.length ? starts[i + 1] - 1 : text.length));
  const nats = new Float32Array(text.length);
  const states: Float32Array[] = [];
  scorer.score(text, 0, text.length, nats, undefined, (pos, state) => {
    states.push(state.slice());
  });
  const features = charFeatures(text);
  if (opts.codeOnly) leaveOutProse(text, nats, 0, text.length, features);
  const clean = starts.map((s, i) => lineScore(text, nats, s, ends[i], opts.rule).score);
  const ranked = clean.filter((x) => !Number.isNaN(x));
  if (ranked.length < 20) return [];
  const names = codeNames(text, features);
  const after = opts.linesAfter ?? 2;
  const out: TypoResult[] = [];
  for (let k = 0; k < opts.perFile; k++) {
    const kind = TYPO_KINDS[Math.floor(opts.rng() * TYPO_KINDS.length)];
    const typo = injectTypo(text, names, kind, opts.rng);
    if (!typo) continue;
    // Rescore the typo's line and a few after it, in the typo text's coordinates.
    const t = typo.text;
    const tStarts = lineStarts(t);
    const last = Math.min(typo.line + after, tStarts.length - 1);
    const to = last + 1 < tStarts.length ? tStarts[last + 1] : t.length;
    const tNats = new Float32Array(t.length);
    scorer.score(t, tStarts[typo.line], to, tNats, states[typo.line]);
    if (opts.codeOnly) leaveOutProse(t, tNats, tStarts[typo.line], to);
    const scores = clean.slice();
    for (let l = typo.line; l <= last; l++) {
      const end = l + 1 < tStarts.length ? tStarts[l + 1] - 1 : t.length;
      scores[l] = lineScore(t, tNats, tStarts[l], end, opts.rule).score;
    }
    // Name slips rank first (as the lens ranks them); found again on the typo's text, which the typo may change anywhere.
    const slips = new Set(opts.nameSlips ? nearNames(t).map((n) => n.line) : []);
    const key = (l: number) => ({ score: scores[l], slip: slips.has(l) ? SLIP : undefined });
    const mine = key(typo.line);
    let rank = 1;
    for (let l = 0; l < scores.length; l++) if (l !== typo.line && !Number.isNaN(scores[l]) && bySurprise(key(l), mine) <= 0) rank++;
    out.push({ file: file.key, typo: { kind: typo.kind, pos: typo.pos, line: typo.line, before: typo.before, after: typo.after }, rank, lines: ranked.length });
  }
  return out;
}

export interface TypoSummary {
  typos: number;
  files: number;
  /** Share of typos whose line is among the top 5% of its file's lines (at least the top line). */
  top5pct: number;
  top1: number;
  top10pct: number;
  /** Mean share of a file's clean lines that its top 5% flags. */
  cleanFlagged: number;
  medianRankPct: number;
  byKind: Record<TypoKind, { typos: number; top5pct: number }>;
}

/** The top `share` of a file's n lines: at least one line. */
export const topCount = (n: number, share: number): number => Math.max(1, Math.ceil(share * n));

export function summarizeTypos(results: TypoResult[]): TypoSummary {
  const n = results.length;
  const share = (pred: (r: TypoResult) => boolean, rs = results) => (rs.length ? rs.filter(pred).length / rs.length : 0);
  const pcts = results.map((r) => r.rank / r.lines).sort((a, b) => a - b);
  const byKind = Object.fromEntries(
    TYPO_KINDS.map((k) => {
      const rs = results.filter((r) => r.typo.kind === k);
      return [k, { typos: rs.length, top5pct: share((r) => r.rank <= topCount(r.lines, 0.05), rs) }];
    }),
  ) as TypoSummary['byKind'];
  return {
    typos: n,
    files: new Set(results.map((r) => r.file)).size,
    top5pct: share((r) => r.rank <= topCount(r.lines, 0.05)),
    top1: share((r) => r.rank === 1),
    top10pct: share((r) => r.rank <= topCount(r.lines, 0.1)),
    cleanFlagged: n ? results.reduce((s, r) => s + (topCount(r.lines, 0.05) - (r.rank <= topCount(r.lines, 0.05) ? 1 : 0)) / (r.lines - 1), 0) / n : 0,
    medianRankPct: n ? pcts[Math.floor(n / 2)] : 0,
    byKind,
  };
}
