/**
 * The baseline: a character n-gram model (contexts of 0..N−1 characters) with interpolated modified
 * Kneser-Ney smoothing (Chen & Goodman 1998), trained on the same training text as the LSTM.
 *
 * Why Kneser-Ney: the lab's earlier Witten-Bell model got worse as its order grew (a context seen once gives
 * half its mass to the one character that followed it), which made the LSTM's lead partly an artefact of a
 * weak baseline. Discounting each count by D1/D2/D3+ (estimated per order from the counts of counts) leaves
 * a rare long context little say, so a higher order is no worse than a lower one; lower orders count how
 * many different contexts a character followed (continuation counts), not how often.
 *
 * Counts live in open-addressing hash tables over typed arrays (64-bit keys from two 32-bit hashes of the
 * context and its length) that grow as they fill, so millions of contexts fit without one JS object each.
 */
import { Predictor } from './predictor';

/** A hash table from 64-bit keys to a few 32-bit counters. */
class CountTable {
  keysA: Uint32Array;
  keysB: Uint32Array;
  values: Uint32Array[];
  private mask: number;
  used = 0;

  constructor(
    private readonly fields: number,
    slots = 1 << 16,
  ) {
    this.keysA = new Uint32Array(slots);
    this.keysB = new Uint32Array(slots);
    this.values = Array.from({ length: fields }, () => new Uint32Array(slots));
    this.mask = slots - 1;
  }

  /** Slot of the key, or -1 (valid until the next insert). */
  find(a: number, b: number): number {
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      if (this.keysA[i] === a && this.keysB[i] === b) return i;
      if (this.keysA[i] === 0 && this.keysB[i] === 0) return -1;
    }
  }

  /** Slot of the key, inserted with zero counters if new (valid until the next insert). */
  insert(a: number, b: number): number {
    if (this.used >= this.mask * 0.7) this.grow();
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      if (this.keysA[i] === a && this.keysB[i] === b) return i;
      if (this.keysA[i] === 0 && this.keysB[i] === 0) {
        this.keysA[i] = a;
        this.keysB[i] = b;
        this.used++;
        return i;
      }
    }
  }

  private grow(): void {
    const old = { a: this.keysA, b: this.keysB, v: this.values };
    const slots = old.a.length * 2;
    if (slots > 2 ** 30) throw new Error('n-gram table is full; train on fewer characters or a lower order');
    this.keysA = new Uint32Array(slots);
    this.keysB = new Uint32Array(slots);
    this.values = Array.from({ length: this.fields }, () => new Uint32Array(slots));
    this.mask = slots - 1;
    for (let j = 0; j < old.a.length; j++) {
      if (old.a[j] === 0 && old.b[j] === 0) continue;
      let i = (old.a[j] ^ Math.imul(old.b[j], 0x9e3779b1)) & this.mask;
      while (this.keysA[i] !== 0 || this.keysB[i] !== 0) i = (i + 1) & this.mask;
      this.keysA[i] = old.a[j];
      this.keysB[i] = old.b[j];
      for (let f = 0; f < this.fields; f++) this.values[f][i] = old.v[f][j];
    }
  }

  get bytes(): number {
    return this.keysA.byteLength * (2 + this.fields);
  }
}

const mixA = (h: number, x: number) => Math.imul(h ^ (x + 0x9e37), 0x01000193) >>> 0;
const mixB = (h: number, x: number) => (Math.imul(h, 0x5bd1e995) + x * 0x27d4eb2d + 0x165667b1) >>> 0 || 1;
const pairA = (a: number, c: number) => Math.imul(a ^ (c * 0x85ebca6b), 0xc2b2ae35) >>> 0;
const pairB = (b: number, c: number) => Math.imul(b + c + 1, 0x27d4eb2f) >>> 0 || 1;

/** Context counters: the sum of its characters' counts, and how many characters have count 1, 2, 3 or more. */
const TOTAL = 0;
const N1 = 1;
const N2 = 2;
const N3 = 3;

export interface NgramOptions {
  order?: number;
  vocabSize: number;
}

export class NgramModel {
  readonly order: number;
  readonly vocabSize: number;
  private readonly contexts = new CountTable(4);
  /** (context, character) → its count: raw at the highest order, a continuation count below. */
  private readonly pairs = new CountTable(1);
  /** Counts of counts by order (index k = pairs with count k, k = 1..4), for the discounts. */
  private readonly countOfCounts: number[][];
  /** Discounts D1, D2, D3+ by order, set after training. */
  private discounts: number[][] = [];
  trainedChars = 0;

  constructor(opts: NgramOptions) {
    this.order = opts.order ?? 20;
    this.vocabSize = opts.vocabSize;
    this.countOfCounts = Array.from({ length: this.order }, () => [0, 0, 0, 0, 0]);
  }

  /**
   * Counts the text (one stream; call once). At each position the (context, character) pair of the longest
   * order gets its raw count; each shorter context's pair gains a continuation count only when the pair one
   * order up was new, so the walk down the orders stops at the first pair already seen.
   */
  train(ids: Uint8Array): void {
    const top = this.order - 1;
    const ha = new Uint32Array(this.order);
    const hb = new Uint32Array(this.order);
    for (let i = 0; i < ids.length; i++) {
      this.contextHashes(ids, i, ha, hb);
      const c = ids[i];
      for (let L = Math.min(top, i); L >= 0; L--) {
        const ps = this.pairs.insert(pairA(ha[L], c), pairB(hb[L], c));
        const before = this.pairs.values[0][ps]++;
        this.noteCount(L, before);
        const cs = this.contexts.insert(ha[L], hb[L]);
        const v = this.contexts.values;
        v[TOTAL][cs]++;
        if (before === 0) v[N1][cs]++;
        else if (before === 1) {
          v[N1][cs]--;
          v[N2][cs]++;
        } else if (before === 2) {
          v[N2][cs]--;
          v[N3][cs]++;
        }
        if (before > 0) break; // not a new pair: no shorter context gains a continuation
      }
    }
    this.trainedChars = ids.length;
    this.discounts = this.countOfCounts.map(estimateDiscounts);
  }

  private noteCount(L: number, before: number): void {
    const coc = this.countOfCounts[L];
    if (before >= 1 && before <= 4) coc[before]--;
    if (before + 1 <= 4) coc[before + 1]++;
  }

  /** Discounts D1, D2, D3+ for contexts of `length` characters. */
  discountsOf(length: number): number[] {
    return this.discounts[length];
  }

  /** Memory the tables hold, in bytes. */
  get bytes(): number {
    return this.contexts.bytes + this.pairs.bytes;
  }

  /** Hashes of the contexts of length 0..order-1 ending just before position i. */
  contextHashes(ids: ArrayLike<number>, i: number, ha: Uint32Array, hb: Uint32Array): void {
    let a = 0x811c9dc5;
    let b = 0x2545f491;
    ha[0] = a;
    hb[0] = b;
    for (let L = 1; L < this.order; L++) {
      if (i - L < 0) {
        ha[L] = hb[L] = 0;
        continue;
      }
      a = mixA(a, ids[i - L] + L * 131);
      b = mixB(b, ids[i - L]);
      ha[L] = a;
      hb[L] = b;
    }
  }

  /**
   * One order's step of the interpolation: P_L(c) = max(n(c) − D(n(c)), 0) / total + γ · P_{L−1}(c), with
   * γ = (D1·N1 + D2·N2 + D3·N3+) / total. Returns undefined for a context never seen.
   */
  private level(L: number, ha: Uint32Array, hb: Uint32Array): { cs: number; gamma: number; total: number; d: number[] } | undefined {
    const cs = this.contexts.find(ha[L], hb[L]);
    if (cs < 0) return undefined;
    const v = this.contexts.values;
    const total = v[TOTAL][cs];
    const d = this.discounts[L];
    return { cs, total, d, gamma: (d[0] * v[N1][cs] + d[1] * v[N2][cs] + d[2] * v[N3][cs]) / total };
  }

  private discounted(n: number, d: number[]): number {
    return n === 0 ? 0 : Math.max(0, n - d[Math.min(n, 3) - 1]);
  }

  /** Interpolated Kneser-Ney probability of one character after `history`. */
  probability(history: ArrayLike<number>, c: number, ha: Uint32Array, hb: Uint32Array): number {
    let p = 1 / this.vocabSize;
    this.contextHashes(history, history.length, ha, hb);
    for (let L = 0; L < this.order && L <= history.length; L++) {
      const lv = this.level(L, ha, hb);
      if (!lv) break; // a longer context cannot have been seen either
      const ps = this.pairs.find(pairA(ha[L], c), pairB(hb[L], c));
      p = this.discounted(ps < 0 ? 0 : this.pairs.values[0][ps], lv.d) / lv.total + lv.gamma * p;
    }
    return p;
  }

  /** Interpolated Kneser-Ney distribution of the next character after `history` (its last order−1 chars). */
  distribution(history: ArrayLike<number>, out: Float64Array, ha: Uint32Array, hb: Uint32Array): Float64Array {
    const V = this.vocabSize;
    out.fill(1 / V);
    this.contextHashes(history, history.length, ha, hb);
    for (let L = 0; L < this.order && L <= history.length; L++) {
      const lv = this.level(L, ha, hb);
      if (!lv) break;
      for (let c = 0; c < V; c++) {
        const ps = this.pairs.find(pairA(ha[L], c), pairB(hb[L], c));
        out[c] = this.discounted(ps < 0 ? 0 : this.pairs.values[0][ps], lv.d) / lv.total + lv.gamma * out[c];
      }
    }
    return out;
  }
}

/**
 * Chen & Goodman's estimates from the counts of counts n1..n4: Y = n1 / (n1 + 2·n2), D_k = k − (k+1)·Y·n_{k+1}/n_k,
 * each kept within (0, k]; 0.5 / 1 / 1.5 where an order has too few counts to estimate.
 */
export function estimateDiscounts(coc: number[]): number[] {
  const [, n1, n2, n3, n4] = coc;
  const fallback = [0.5, 1, 1.5];
  if (!n1 || !n2) return fallback;
  const y = n1 / (n1 + 2 * n2);
  const est = [1 - (2 * y * n2) / n1, n3 ? 2 - (3 * y * n3) / n2 : fallback[1], n3 && n4 ? 3 - (4 * y * n4) / n3 : fallback[2]];
  return est.map((d, k) => (Number.isFinite(d) && d > 0 ? Math.min(d, k + 1) : fallback[k]));
}

export class NgramPredictor implements Predictor {
  readonly name: string;
  private history: number[] = [];
  private readonly out: Float64Array;
  private readonly ha: Uint32Array;
  private readonly hb: Uint32Array;

  constructor(private readonly model: NgramModel) {
    this.name = `${model.order}-gram`;
    this.out = new Float64Array(model.vocabSize);
    this.ha = new Uint32Array(model.order);
    this.hb = new Uint32Array(model.order);
  }

  reset(): void {
    this.history = [];
  }

  probabilities(): Float64Array {
    return this.model.distribution(this.history, this.out, this.ha, this.hb);
  }

  probabilityOf(index: number): number {
    return this.model.probability(this.history, index, this.ha, this.hb);
  }

  step(index: number): void {
    this.history.push(index);
    if (this.history.length > this.model.order) this.history.shift();
  }

  save(): unknown {
    return [...this.history];
  }

  restore(state: unknown): void {
    this.history = [...(state as number[])];
  }
}
