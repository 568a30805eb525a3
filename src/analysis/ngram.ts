/**
 * The baseline: a character n-gram model (orders 1..N, default N = 20) with interpolated Witten-Bell
 * smoothing over a uniform base distribution, trained on the same training text as the LSTM. Counts live in
 * open-addressing hash tables over typed arrays (64-bit keys from two 32-bit hashes), so millions of
 * contexts fit without one JS object each.
 */
import { Predictor } from './predictor';

class HashTable {
  readonly keysA: Uint32Array;
  readonly keysB: Uint32Array;
  readonly count: Uint32Array;
  readonly distinct: Uint32Array | undefined;
  readonly mask: number;
  used = 0;

  constructor(slots: number, withDistinct: boolean) {
    this.keysA = new Uint32Array(slots);
    this.keysB = new Uint32Array(slots);
    this.count = new Uint32Array(slots);
    this.distinct = withDistinct ? new Uint32Array(slots) : undefined;
    this.mask = slots - 1;
  }

  /** Slot of the key, or -1; with insert, the (possibly new) slot. */
  slot(a: number, b: number, insert: boolean): number {
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const ka = this.keysA[i];
      const kb = this.keysB[i];
      if (ka === a && kb === b) return i;
      if (ka === 0 && kb === 0) {
        if (!insert) return -1;
        if (this.used >= this.mask * 0.85) throw new Error('n-gram table is full; train on fewer characters or a lower order');
        this.keysA[i] = a;
        this.keysB[i] = b;
        this.used++;
        return i;
      }
      i = (i + 1) & this.mask;
    }
  }
}

const mixA = (h: number, x: number) => Math.imul(h ^ (x + 0x9e37), 0x01000193) >>> 0;
const mixB = (h: number, x: number) => (Math.imul(h, 0x5bd1e995) + x * 0x27d4eb2d + 0x165667b1) >>> 0 || 1;
const pairA = (a: number, c: number) => Math.imul(a ^ (c * 0x85ebca6b), 0xc2b2ae35) >>> 0;
const pairB = (b: number, c: number) => (Math.imul(b + c + 1, 0x27d4eb2f) >>> 0) || 1;

export interface NgramOptions {
  order?: number;
  vocabSize: number;
}

export class NgramModel {
  readonly order: number;
  readonly vocabSize: number;
  private contexts!: HashTable;
  private pairs!: HashTable;
  trainedChars = 0;

  constructor(opts: NgramOptions) {
    this.order = opts.order ?? 20;
    this.vocabSize = opts.vocabSize;
  }

  /** Counts every n-gram of order 1..N in the text (one stream; call once). */
  train(ids: Uint8Array): void {
    const n = ids.length;
    const expected = Math.max(1024, n * this.order);
    let slots = 1;
    while (slots < expected / 0.7) slots *= 2;
    this.contexts = new HashTable(slots, true);
    this.pairs = new HashTable(slots, false);
    const ha = new Uint32Array(this.order);
    const hb = new Uint32Array(this.order);
    for (let i = 0; i < n; i++) {
      this.contextHashes(ids, i, ha, hb);
      const c = ids[i];
      for (let L = 0; L < this.order && L <= i; L++) {
        const cs = this.contexts.slot(ha[L], hb[L], true);
        this.contexts.count[cs]++;
        const ps = this.pairs.slot(pairA(ha[L], c), pairB(hb[L], c), true);
        if (this.pairs.count[ps]++ === 0) this.contexts.distinct![cs]++;
      }
    }
    this.trainedChars = n;
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

  /** Interpolated Witten-Bell probability of one character after `history`. */
  probability(history: ArrayLike<number>, c: number, ha: Uint32Array, hb: Uint32Array): number {
    let p = 1 / this.vocabSize;
    this.contextHashes(history, history.length, ha, hb);
    for (let L = 0; L < this.order && L <= history.length; L++) {
      const cs = this.contexts.slot(ha[L], hb[L], false);
      if (cs < 0) break;
      const types = this.contexts.distinct![cs];
      const ps = this.pairs.slot(pairA(ha[L], c), pairB(hb[L], c), false);
      p = ((ps < 0 ? 0 : this.pairs.count[ps]) + types * p) / (this.contexts.count[cs] + types);
    }
    return p;
  }

  /** Interpolated Witten-Bell distribution of the next character after `history` (its last order-1 chars). */
  distribution(history: ArrayLike<number>, out: Float64Array, ha: Uint32Array, hb: Uint32Array): Float64Array {
    const V = this.vocabSize;
    out.fill(1 / V);
    this.contextHashes(history, history.length, ha, hb);
    for (let L = 0; L < this.order && L <= history.length; L++) {
      const cs = this.contexts.slot(ha[L], hb[L], false);
      if (cs < 0) break; // a longer context cannot have been seen either
      const total = this.contexts.count[cs];
      const types = this.contexts.distinct![cs];
      const denom = total + types;
      for (let c = 0; c < V; c++) {
        const ps = this.pairs.slot(pairA(ha[L], c), pairB(hb[L], c), false);
        const cnt = ps < 0 ? 0 : this.pairs.count[ps];
        out[c] = (cnt + types * out[c]) / denom;
      }
    }
    return out;
  }
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
