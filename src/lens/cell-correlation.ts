/**
 * Pearson correlations between every value of the LSTM's state and every per-character feature, accumulated
 * one character at a time (sums in float64), so a study of any length holds only the sums: units × features
 * products, not the states.
 */

export interface CellCorrelation {
  /** Index in the state vector (LstmStepper.readState's layout). */
  index: number;
  r: number;
}

export class CorrelationAccumulator {
  private n = 0;
  private readonly sx: Float64Array;
  private readonly sxx: Float64Array;
  private readonly sy: Float64Array;
  private readonly syy: Float64Array;
  private readonly sxy: Float64Array; // [feature, unit]

  constructor(
    readonly units: number,
    readonly features: number,
  ) {
    this.sx = new Float64Array(units);
    this.sxx = new Float64Array(units);
    this.sy = new Float64Array(features);
    this.syy = new Float64Array(features);
    this.sxy = new Float64Array(units * features);
  }

  get count(): number {
    return this.n;
  }

  /** One observation: the state's values and the features' values at the same character. */
  add(state: ArrayLike<number>, feature: ArrayLike<number>): void {
    const U = this.units;
    this.n++;
    for (let u = 0; u < U; u++) {
      const x = state[u];
      this.sx[u] += x;
      this.sxx[u] += x * x;
    }
    for (let f = 0; f < this.features; f++) {
      const y = feature[f];
      this.sy[f] += y;
      this.syy[f] += y * y;
      if (y === 0) continue;
      const row = f * U;
      for (let u = 0; u < U; u++) this.sxy[row + u] += state[u] * y;
    }
  }

  /** r of every unit with feature f (0 where either side never varied). */
  correlations(f: number): Float64Array {
    const U = this.units;
    const n = this.n;
    const out = new Float64Array(U);
    const vy = n * this.syy[f] - this.sy[f] * this.sy[f];
    if (n < 2 || vy <= 0) return out;
    for (let u = 0; u < U; u++) {
      const vx = n * this.sxx[u] - this.sx[u] * this.sx[u];
      if (vx <= 1e-12 * n * n) continue;
      out[u] = (n * this.sxy[f * U + u] - this.sx[u] * this.sy[f]) / Math.sqrt(vx * vy);
    }
    return out;
  }

  /** The `top` units with the largest |r| for feature f, best first. */
  best(f: number, top = 3): CellCorrelation[] {
    const r = this.correlations(f);
    return Array.from(r, (v, index) => ({ index, r: v }))
      .sort((a, b) => Math.abs(b.r) - Math.abs(a.r))
      .slice(0, top);
  }
}
