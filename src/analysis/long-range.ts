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

export function analyzeLongRange(texts: string[], predictor: Predictor, opts: { maxChars?: number } = {}): LongRangeReport {
  const byDist = DISTANCE_BUCKETS.map(() => new Acc());
  const byDepthB = new Map<number, Acc>();
  const indentAll = new Acc();
  const indentDepth = new Map<number, Acc>();
  const dedent = new Acc();
  const notDedent = new Acc();
  const openerBuckets = DISTANCE_BUCKETS.map(() => new Acc());
  const strAcc = new Map<string, Acc>();
  const posLoss = new Float64Array(MAX_POSITION / POSITION_BUCKET);
  const posCount = new Float64Array(MAX_POSITION / POSITION_BUCKET);
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
      const top = p ? argmax(p) : -1;
      const loss = -Math.log(Math.max(pTruth, 1e-30));
      carried += loss;
      chars++;
      if (i < MAX_POSITION) {
        posLoss[Math.floor(i / POSITION_BUCKET)] += loss;
        posCount[Math.floor(i / POSITION_BUCKET)]++;
      }
      if (!p) {
        predictor.step(truth);
        continue;
      }
      if (pair) {
        const b = bucketOf(DISTANCE_BUCKETS, pair.close - pair.open);
        byDist[b].add(p[truth], top === truth, top !== truth && CLOSER_INDICES.has(top));
        if (!byDepthB.has(pair.depth)) byDepthB.set(pair.depth, new Acc());
        byDepthB.get(pair.depth)!.add(p[truth], top === truth);
      }
      if (q) {
        const key = `${q.quote}|${bucketOf(STRING_BUCKETS, q.length)}`;
        if (!strAcc.has(key)) strAcc.set(key, new Acc());
        strAcc.get(key)!.add(p[truth], top === truth);
      }
      if (line) {
        // Greedy indentation: take the most likely character while it is a space or tab.
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
        const ok = predicted === line.indent;
        const pr = p[truth]; // probability of the line's first character
        indentAll.add(pr, ok);
        if (!indentDepth.has(line.depth)) indentDepth.set(line.depth, new Acc());
        indentDepth.get(line.depth)!.add(pr, ok);
        (line.dedent ? dedent : notDedent).add(pr, ok);
        if (line.openerDistance > 0) openerBuckets[bucketOf(DISTANCE_BUCKETS, line.openerDistance)].add(pr, ok);
      }
      predictor.step(truth);
    }
  }

  // The same text with the state reset every 256 characters.
  let reset = 0;
  let n = 0;
  for (const text of used) {
    const ids = encode(text);
    for (let i = 0; i < ids.length && n < chars; i++) {
      if (i % 256 === 0) predictor.reset();
      reset -= Math.log(Math.max(predictor.probabilityOf(ids[i]), 1e-30));
      predictor.step(ids[i]);
      n++;
    }
  }

  return {
    model: predictor.name,
    files,
    chars,
    brackets: {
      byDistance: byDist.map((a, i) => ({ bucket: label(DISTANCE_BUCKETS[i]), ...a.tally(), wrongType: a.n ? a.wrong / a.n : NaN })),
      byDepth: [...byDepthB.entries()].sort((a, b) => a[0] - b[0]).map(([depth, a]) => ({ depth, ...a.tally() })),
    },
    indentation: {
      overall: indentAll.tally(),
      byDepth: [...indentDepth.entries()].sort((a, b) => a[0] - b[0]).map(([depth, a]) => ({ depth, ...a.tally() })),
      dedent: dedent.tally(),
      sameOrIndent: notDedent.tally(),
      byOpenerDistance: openerBuckets.map((a, i) => ({ bucket: label(DISTANCE_BUCKETS[i]), ...a.tally() })),
    },
    strings: {
      byLength: [...strAcc.entries()].sort().map(([k, a]) => {
        const [quote, b] = k.split('|');
        return { quote, bucket: label(STRING_BUCKETS[+b]), ...a.tally() };
      }),
    },
    context: {
      lossByPosition: Array.from(posLoss, (l, i) => ({ start: i * POSITION_BUCKET, loss: posCount[i] ? l / posCount[i] : NaN, count: posCount[i] })),
      carriedLoss: carried / Math.max(chars, 1),
      resetEvery256Loss: reset / Math.max(n, 1),
    },
  };
}
