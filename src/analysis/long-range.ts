/**
 * Long-range dependency metrics for a character model on Python files, state carried through each file:
 * closing brackets by distance to their opener, indentation at line starts, closing quotes by string length,
 * and loss by position in the file (how much the carried state helps). Pure: any Predictor works.
 */
import { encode, charToIndex } from '../model/vocab';
import { scanPython, logicalLines, CLOSERS } from '../python/python-scanner';
import { Predictor } from './predictor';

export const DISTANCE_BUCKETS: readonly [number, number][] = [
  [1, 10],
  [11, 20],
  [21, 50],
  [51, 100],
  [101, 200],
  [201, 500],
  [501, Infinity],
];
export const STRING_BUCKETS: readonly [number, number][] = [
  [0, 10],
  [11, 50],
  [51, 200],
  [201, Infinity],
];
export const POSITION_BUCKET = 100;
export const MAX_POSITION = 2000;

export interface Tally {
  count: number;
  /** Mean probability the model gave the true character(s). */
  meanProbability: number;
  /** Share where the model's most likely character was the true one. */
  top1: number;
}

export interface BracketBucket extends Tally {
  bucket: string;
  /** Share where the most likely character was a closer of another type. */
  wrongType: number;
}

export interface LongRangeReport {
  model: string;
  files: number;
  chars: number;
  brackets: { byDistance: BracketBucket[]; byDepth: (Tally & { depth: number })[] };
  indentation: { overall: Tally; byDepth: (Tally & { depth: number })[]; dedent: Tally; sameOrIndent: Tally; byOpenerDistance: (Tally & { bucket: string })[] };
  strings: { byLength: (Tally & { bucket: string; quote: string })[] };
  context: {
    /** Mean loss (nats/char) at positions [start, start + POSITION_BUCKET) of a file. */
    lossByPosition: { start: number; loss: number; count: number }[];
    carriedLoss: number;
    resetEvery256Loss: number;
  };
}

class Acc {
  n = 0;
  p = 0;
  top = 0;
  wrong = 0;
  add(p: number, top1: boolean, wrong = false): void {
    this.n++;
    this.p += p;
    if (top1) this.top++;
    if (wrong) this.wrong++;
  }
  tally(): Tally {
    return { count: this.n, meanProbability: this.n ? this.p / this.n : NaN, top1: this.n ? this.top / this.n : NaN };
  }
}

const label = ([a, b]: readonly [number, number]) => (b === Infinity ? `>${a - 1}` : `${a}-${b}`);
const bucketOf = (buckets: readonly [number, number][], v: number) => buckets.findIndex(([a, b]) => v >= a && v <= b);

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

const SPACE = charToIndex(' ');
const TAB = charToIndex('\t');
const CLOSER_INDICES = new Set(Object.keys(CLOSERS).map(charToIndex));

interface LineInfo {
  indent: string;
  dedent: boolean;
  depth: number;
  openerDistance: number;
}

/** Logical line starts (not inside brackets or strings) of non-blank lines, with their indentation facts. */
export function lineStarts(text: string): Map<number, LineInfo> {
  const out = new Map<number, LineInfo>();
  const stack: { indent: number; pos: number }[] = []; // block openers: lines ending with ':'
  let prevIndent = 0;
  for (const { pos, text: line, indent } of logicalLines(text)) {
    while (stack.length && stack[stack.length - 1].indent >= indent.length) stack.pop();
    const opener = stack[stack.length - 1];
    if (pos > 0) out.set(pos, { indent, dedent: indent.length < prevIndent, depth: stack.length, openerDistance: opener ? pos - opener.pos : -1 });
    prevIndent = indent.length;
    if (/:\s*(#.*)?$/.test(line)) stack.push({ indent: indent.length, pos });
  }
  return out;
}

/** Greedy indentation after a line break: the most likely character while it is a space or a tab (state restored after). */
function greedyIndent(predictor: Predictor, p: Float64Array): string {
  const saved = predictor.save();
  let predicted = '';
  let probs = p;
  for (let k = 0; k < 64; k++) {
    const c = argmax(probs);
    if (c !== SPACE && c !== TAB) break;
    predicted += c === SPACE ? ' ' : '\t';
    predictor.step(c);
    probs = predictor.probabilities();
  }
  predictor.restore(saved);
  return predicted;
}

/** Mean loss over the first `chars` characters of the texts with the state reset every 256 characters. */
function resetEvery256Loss(predictor: Predictor, texts: string[], chars: number): number {
  let loss = 0;
  let n = 0;
  for (const text of texts) {
    const ids = encode(text);
    for (let i = 0; i < ids.length && n < chars; i++) {
      if (i % 256 === 0) predictor.reset();
      loss -= Math.log(Math.max(predictor.probabilityOf(ids[i]), 1e-30));
      predictor.step(ids[i]);
      n++;
    }
  }
  return loss / Math.max(n, 1);
}

const accIn = <K>(m: Map<K, Acc>, k: K): Acc => m.get(k) ?? (m.set(k, new Acc()), m.get(k)!);

/** The accumulators of every metric, and the report's sections from them. */
class Tallies {
  readonly byDist = DISTANCE_BUCKETS.map(() => new Acc());
  readonly byDepth = new Map<number, Acc>();
  readonly indentAll = new Acc();
  readonly indentDepth = new Map<number, Acc>();
  readonly dedent = new Acc();
  readonly notDedent = new Acc();
  readonly openerBuckets = DISTANCE_BUCKETS.map(() => new Acc());
  readonly strings = new Map<string, Acc>();
  readonly posLoss = new Float64Array(MAX_POSITION / POSITION_BUCKET);
  readonly posCount = new Float64Array(MAX_POSITION / POSITION_BUCKET);

  position(i: number, loss: number): void {
    if (i >= MAX_POSITION) return;
    this.posLoss[Math.floor(i / POSITION_BUCKET)] += loss;
    this.posCount[Math.floor(i / POSITION_BUCKET)]++;
  }

  bracket(pair: { open: number; close: number; depth: number }, pTruth: number, right: boolean, wrongCloser: boolean): void {
    this.byDist[bucketOf(DISTANCE_BUCKETS, pair.close - pair.open)].add(pTruth, right, wrongCloser);
    accIn(this.byDepth, pair.depth).add(pTruth, right);
  }

  quote(q: { quote: string; length: number }, pTruth: number, right: boolean): void {
    accIn(this.strings, `${q.quote}|${bucketOf(STRING_BUCKETS, q.length)}`).add(pTruth, right);
  }

  line(line: LineInfo, pFirst: number, ok: boolean): void {
    this.indentAll.add(pFirst, ok);
    accIn(this.indentDepth, line.depth).add(pFirst, ok);
    (line.dedent ? this.dedent : this.notDedent).add(pFirst, ok);
    if (line.openerDistance > 0) this.openerBuckets[bucketOf(DISTANCE_BUCKETS, line.openerDistance)].add(pFirst, ok);
  }

  sections(): Pick<LongRangeReport, 'brackets' | 'indentation' | 'strings'> & { lossByPosition: LongRangeReport['context']['lossByPosition'] } {
    const byKey = (m: Map<number, Acc>) => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([depth, a]) => ({ depth, ...a.tally() }));
    return {
      brackets: {
        byDistance: this.byDist.map((a, i) => ({ bucket: label(DISTANCE_BUCKETS[i]), ...a.tally(), wrongType: a.n ? a.wrong / a.n : NaN })),
        byDepth: byKey(this.byDepth),
      },
      indentation: {
        overall: this.indentAll.tally(),
        byDepth: byKey(this.indentDepth),
        dedent: this.dedent.tally(),
        sameOrIndent: this.notDedent.tally(),
        byOpenerDistance: this.openerBuckets.map((a, i) => ({ bucket: label(DISTANCE_BUCKETS[i]), ...a.tally() })),
      },
      strings: {
        byLength: [...this.strings.entries()].sort().map(([k, a]) => {
          const [quote, b] = k.split('|');
          return { quote, bucket: label(STRING_BUCKETS[+b]), ...a.tally() };
        }),
      },
      lossByPosition: Array.from(this.posLoss, (l, i) => ({
        start: i * POSITION_BUCKET,
        loss: this.posCount[i] ? l / this.posCount[i] : NaN,
        count: this.posCount[i],
      })),
    };
  }
}

export function analyzeLongRange(texts: string[], predictor: Predictor, opts: { maxChars?: number } = {}): LongRangeReport {
  const tallies = new Tallies();
  let carried = 0;
  let chars = 0;
  let files = 0;
  const max = opts.maxChars ?? Infinity;
  const used: string[] = [];

  for (const text of texts) {
    if (chars >= max) break;
    const ids = encode(text);
    if (ids.length < 2) continue;
    files++;
    used.push(text);
    const scan = scanPython(text);
    const closers = new Map(scan.pairs.map((p) => [p.close, p]));
    const quotes = new Map(scan.strings.map((s) => [s.closeStart, s]));
    const lines = lineStarts(text);
    predictor.reset();
    for (let i = 0; i < ids.length && chars < max; i++) {
      const truth = ids[i];
      const pair = closers.get(i);
      const q = quotes.get(i);
      const line = lines.get(i);
      // The whole distribution only where a metric looks at the model's top choice.
      const p = pair || q || line ? predictor.probabilities() : undefined;
      const pTruth = p ? p[truth] : predictor.probabilityOf(truth);
      const loss = -Math.log(Math.max(pTruth, 1e-30));
      carried += loss;
      chars++;
      tallies.position(i, loss);
      if (p) {
        const top = argmax(p);
        if (pair) tallies.bracket(pair, pTruth, top === truth, top !== truth && CLOSER_INDICES.has(top));
        if (q) tallies.quote(q, pTruth, top === truth);
        // p[truth] is the probability of the line's first character.
        if (line) tallies.line(line, pTruth, greedyIndent(predictor, p) === line.indent);
      }
      predictor.step(truth);
    }
  }
  const { lossByPosition, ...sections } = tallies.sections();
  return {
    model: predictor.name,
    files,
    chars,
    ...sections,
    context: { lossByPosition, carriedLoss: carried / Math.max(chars, 1), resetEvery256Loss: resetEvery256Loss(predictor, used, chars) },
  };
}
