/**
 * How surprising the model finds each character and each line of a file, given the text before it: the
 * surprise lens. With the completion cache mixed in (as the ghost text mixes it), a name the file or the
 * workspace already uses is not surprising the second time; a misspelt one stays surprising. Buggy lines are
 * measurably less natural to a language model (Ray et al., "On the 'Naturalness' of Buggy Code", ICSE 2016);
 * lens/typo-finder measures how well this finds typos.
 */
import { ModelWeights } from '../model/architecture';
import { LstmStepper, SERVING_PRECISION } from '../inference/lstm-stepper';
import { softmax } from '../inference/sampling';
import { encode, normalizeText } from '../model/vocab';
import { DEFAULT_CACHE_OPTIONS, DocumentCache } from '../completion/document-cache';
import { mixInto } from '../completion/cache-mixture';
import { TextIndex } from '../workspace-index/text-index';
import { charFeatures, FeatureTable } from './char-features';
import { nearNames } from './near-names';

/** What is mixed into the LSTM's prediction: nothing, the text before (the document), or also the other files. */
export type LensCache = 'off' | 'document' | 'workspace';

/** How a line's score is made from its characters' surprise (nats): the worst one, the worst two, their mean, or their sum. */
export type LineScoreRule = 'max' | 'top2' | 'mean' | 'sum';

export interface SurpriseOptions {
  cache: LensCache;
  /** Characters before a position the cache reads (the completion engine's context window). */
  contextChars: number;
  /** For the workspace cache: the index of the workspace and this file's key in it (never read). */
  workspace?: { index: TextIndex; key: string };
  /**
   * Score a character by its surprise beyond what the model expected there (surprise minus the entropy of the
   * prediction): a wrong letter where the model was sure stands out, the unforeseeable first letters of a new
   * name do not.
   */
  beyondExpected?: boolean;
  /**
   * Let the cache read the file's lines after the scored one too (the lens reads a whole file, not one being
   * typed): a name defined further down is then not surprising where it is first used.
   */
  readAfter?: boolean;
  /** Lines are scored by their code only: the text of strings and comments (prose, URLs, data) is left out. */
  codeOnly?: boolean;
  /**
   * Lines holding a name that looks like a slip of another (used once, one edit from a name used elsewhere:
   * lens/near-names) rank first, most surprising first among them.
   */
  nameSlips?: boolean;
}

/** The lens as the editor runs it: each choice raised the typo finder's hit rate on the tuning packages (docs/lab.md). */
export const DEFAULT_SURPRISE_OPTIONS: SurpriseOptions = {
  cache: 'document',
  contextChars: 4000,
  beyondExpected: true,
  readAfter: true,
  codeOnly: true,
  nameSlips: true,
};

export interface LineSurprise {
  /** 0-based line number. */
  line: number;
  text: string;
  /** The line's score under the rule it was ranked by (nats). */
  score: number;
  /** The position in the line of its most surprising character, and that character's surprise. */
  worstColumn: number;
  worstNats: number;
  /** A name in the line that looks like a slip of another name of the file (`nameSlips`), and that name. */
  slip?: { name: string; near: string; column: number };
}

/**
 * Scores characters one at a time. The model's state after every line start is what lets a caller rescore one
 * edited line (and a few after it) without reading the file again.
 */
export class SurpriseScorer {
  private readonly stepper: LstmStepper;
  private readonly logits: Float32Array;
  private readonly probs: Float64Array;

  constructor(
    weights: ModelWeights,
    readonly opts: SurpriseOptions = DEFAULT_SURPRISE_OPTIONS,
  ) {
    // The precision completions are served in: int16 products step a character in 0.045 ms against float32's 0.070
    // (bench:infer), which a 650-line file feels, and rank the same lines (docs/lab.md).
    this.stepper = new LstmStepper(weights, { precision: SERVING_PRECISION });
    this.logits = new Float32Array(weights.spec.vocabSize);
    this.probs = new Float64Array(weights.spec.vocabSize);
  }

  /**
   * Surprise (nats) of text[from, to) into `out` (indexed like the text), each character given all the text
   * before it; the model's state must be the one after text[0, from) (`state`, or the start of the file when
   * from = 0). The first character of a file has nothing before it and scores 0, as eval leaves it out.
   * `onLineStart(pos, state)` sees the state at every line start in [from, to).
   */
  score(text: string, from: number, to: number, out: Float32Array, state?: Float32Array, onLineStart?: (pos: number, state: Float32Array) => void): void {
    const codes = encode(text.slice(from, to));
    if (state) this.stepper.writeState(state);
    else if (from === 0) this.stepper.resetState();
    else throw new Error('scoring from inside a text needs the state there');
    const snapshot = onLineStart ? new Float32Array(this.stepper.stateSize) : undefined;
    for (let p = from; p < to; p++) {
      if (snapshot && (p === 0 || text[p - 1] === '\n')) onLineStart!(p, this.stepper.readState(snapshot));
      out[p] = p === 0 ? 0 : this.surpriseAt(text, p, codes[p - from]);
      this.stepper.step(codes[p - from]);
    }
  }

  /** Memo of the newline at or after the last position asked: one search per line, not one per character. */
  private newline = { text: '', from: 0, at: -1 };

  /**
   * Where the line after position p starts (0 when p is on the last line). Searched once per line: a search per
   * character scans the rest of a long line again at every character, quadratic in the line's length.
   */
  private nextLineStart(text: string, p: number): number {
    const m = this.newline;
    if (m.text !== text || p < m.from || (m.at >= 0 && p > m.at)) {
      m.text = text;
      m.from = p;
      m.at = text.indexOf('\n', p);
    }
    return m.at + 1;
  }

  private surpriseAt(text: string, p: number, code: number): number {
    const probs = softmax(this.stepper.logits(this.logits), 1, this.probs);
    if (this.opts.cache !== 'off') {
      const before = text.slice(Math.max(0, p - this.opts.contextChars), p);
      const nextLine = this.nextLineStart(text, p);
      const after = this.opts.readAfter && nextLine > 0 ? text.slice(nextLine, nextLine + this.opts.contextChars) : '';
      const ws = this.opts.cache === 'workspace' && this.opts.workspace ? { index: this.opts.workspace.index, exclude: this.opts.workspace.key } : undefined;
      mixInto(probs, new DocumentCache(before, after, DEFAULT_CACHE_OPTIONS, ws).predict(''));
    }
    const nats = -Math.log(Math.max(probs[code], 1e-12));
    if (!this.opts.beyondExpected) return nats;
    let entropy = 0;
    for (let i = 0; i < probs.length; i++) if (probs[i] > 0) entropy -= probs[i] * Math.log(probs[i]);
    return nats - entropy;
  }
}

/** Zeroes the surprise of characters inside strings and comments (their text is prose the lens does not judge). */
export function leaveOutProse(text: string, nats: Float32Array, from = 0, to = text.length, f: FeatureTable = charFeatures(text)): void {
  for (let i = from; i < to; i++) if (f['in-string'][i] || f['in-comment'][i]) nats[i] = 0;
}

/** Where each line starts (line i is text[starts[i], starts[i + 1] - 1), its newline excluded). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * A line's score from its characters' surprise: the characters of the line and its newline (a line that ends
 * too early is surprising there). Blank lines score NaN: they are never ranked.
 */
export function lineScore(
  text: string,
  nats: ArrayLike<number>,
  start: number,
  end: number,
  rule: LineScoreRule,
): { score: number; worstColumn: number; worstNats: number } {
  if (!text.slice(start, end).trim()) return { score: NaN, worstColumn: 0, worstNats: 0 };
  const last = Math.min(end + 1, text.length); // with the newline
  let sum = 0;
  let worst = -1;
  let second = -Infinity;
  let worstAt = start;
  for (let i = start; i < last; i++) {
    sum += nats[i];
    if (nats[i] > worst) {
      second = worst;
      worst = nats[i];
      worstAt = i;
    } else if (nats[i] > second) second = nats[i];
  }
  const score = rule === 'max' ? worst : rule === 'top2' ? worst + Math.max(0, second) : rule === 'sum' ? sum : sum / (last - start);
  return { score, worstColumn: worstAt - start, worstNats: worst };
}

/** Every line's score (NaN for blank lines). */
export function lineScores(text: string, nats: ArrayLike<number>, rule: LineScoreRule): LineSurprise[] {
  const starts = lineStarts(text);
  return starts.map((start, line) => {
    const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
    return { line, text: text.slice(start, end), ...lineScore(text, nats, start, end, rule) };
  });
}

/** Ranking: a line with a name slip first, then by score. */
export const bySurprise = (a: Pick<LineSurprise, 'score' | 'slip'>, b: Pick<LineSurprise, 'score' | 'slip'>): number =>
  Number(!!b.slip) - Number(!!a.slip) || b.score - a.score;

/** The `top` most surprising lines of a file, most surprising first. */
export function surprisingLines(
  weights: ModelWeights,
  raw: string,
  opts: SurpriseOptions & { rule?: LineScoreRule; top?: number } = DEFAULT_SURPRISE_OPTIONS,
): { lines: LineSurprise[]; ranked: LineSurprise[] } {
  const text = normalizeText(raw);
  const nats = new Float32Array(text.length);
  new SurpriseScorer(weights, opts).score(text, 0, text.length, nats);
  const features = charFeatures(text);
  if (opts.codeOnly) leaveOutProse(text, nats, 0, text.length, features);
  const lines = lineScores(text, nats, opts.rule ?? DEFAULT_LINE_RULE);
  if (opts.nameSlips) for (const n of nearNames(text, features)) lines[n.line].slip = { name: n.name, near: n.near, column: n.column };
  const ranked = lines.filter((l) => !Number.isNaN(l.score)).sort(bySurprise);
  return { lines, ranked: ranked.slice(0, opts.top ?? ranked.length) };
}

/** The line rule the lens ranks by (chosen on the tuning packages: docs/lab.md). */
export const DEFAULT_LINE_RULE: LineScoreRule = 'top2';
