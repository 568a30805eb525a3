import { strict as assert } from 'assert';
import { analyzeLongRange, lineStarts } from '../../src/analysis/long-range';
import { Predictor } from '../../src/analysis/predictor';
import { encode, VOCAB_SIZE } from '../../src/model/vocab';

/** Knows the text: gives the true next character probability `p` (the rest spread evenly). */
class Oracle implements Predictor {
  readonly name = 'oracle';
  private pos = 0;
  private ids: Uint8Array = new Uint8Array(0);
  private fileIndex = -1;
  constructor(
    private readonly texts: string[],
    private readonly p = 0.9,
  ) {}
  reset(): void {
    // analyzeLongRange resets once per file, then again every 256 chars in the second pass.
    if (this.pos === 0 || this.pos >= this.ids.length || this.pos % 256 !== 0) {
      this.fileIndex = (this.fileIndex + 1) % this.texts.length;
      this.ids = encode(this.texts[this.fileIndex]);
      this.pos = 0;
    }
  }
  probabilities(): Float64Array {
    const out = new Float64Array(VOCAB_SIZE).fill((1 - this.p) / (VOCAB_SIZE - 1));
    if (this.pos < this.ids.length) out[this.ids[this.pos]] = this.p;
    return out;
  }
  probabilityOf(index: number): number {
    return this.probabilities()[index];
  }
  step(): void {
    this.pos++;
  }
  save(): unknown {
    return this.pos;
  }
  restore(s: unknown): void {
    this.pos = s as number;
  }
}

/** The oracle with one distribution buffer, overwritten by each call, as the LSTM predictor's is. */
class ReusingOracle extends Oracle {
  private readonly buffer = new Float64Array(VOCAB_SIZE);
  override probabilities(): Float64Array {
    this.buffer.set(super.probabilities());
    return this.buffer;
  }
}

/** Knows nothing: uniform. */
class Uniform implements Predictor {
  readonly name = 'uniform';
  reset(): void {}
  probabilities(): Float64Array {
    return new Float64Array(VOCAB_SIZE).fill(1 / VOCAB_SIZE);
  }
  probabilityOf(): number {
    return 1 / VOCAB_SIZE;
  }
  step(): void {}
  save(): unknown {
    return null;
  }
  restore(): void {}
}

describe('long-range metrics', () => {
  const bracket150 = 'x = f(' + 'a'.repeat(149) + ')\n';
  const doc = 'def f():\n    """Doc string here."""\n    return 1\n';
  const dedent = 'if x:\n    y = 1\nz = 2\n';
  const ignored = 'f("(")  # )\n';

  it('puts a bracket 150 characters back in the 101-200 bucket and ignores brackets in strings and comments', () => {
    const r = analyzeLongRange([bracket150, ignored], new Oracle([bracket150, ignored]));
    const b = r.brackets.byDistance;
    assert.deepEqual(
      b.map((x) => x.count),
      [1, 0, 0, 0, 1, 0, 0],
    ); // f("(") closes at distance 4; the 150
    assert.equal(b[4].top1, 1);
    assert.ok(Math.abs(b[4].meanProbability - 0.9) < 1e-12);
    const u = analyzeLongRange([bracket150], new Uniform());
    assert.ok(Math.abs(u.brackets.byDistance[4].meanProbability - 1 / VOCAB_SIZE) < 1e-12);
  });

  it('counts a docstring closing quote by kind and length', () => {
    const r = analyzeLongRange([doc], new Oracle([doc]));
    assert.deepEqual(
      r.strings.byLength.map((s) => [s.quote, s.bucket, s.count, s.top1]),
      [['"""', '11-50', 1, 1]],
    );
  });

  it('finds dedents and block openers for indentation', () => {
    const lines = [...lineStarts(dedent).values()];
    assert.deepEqual(lines, [
      { indent: '    ', dedent: false, depth: 1, openerDistance: 6 },
      { indent: '', dedent: true, depth: 0, openerDistance: -1 },
    ]);
    const r = analyzeLongRange([dedent], new Oracle([dedent]));
    assert.equal(r.indentation.overall.count, 2);
    assert.equal(r.indentation.overall.top1, 1, 'the oracle predicts every indentation exactly');
    assert.equal(r.indentation.dedent.count, 1);
    assert.equal(r.indentation.byOpenerDistance[0].count, 1);
    // The probability of each line's first character, taken before the greedy look-ahead overwrites the predictor's buffer.
    for (const predictor of [new Oracle([dedent]), new ReusingOracle([dedent])]) {
      const m = analyzeLongRange([dedent], predictor).indentation.overall.meanProbability;
      assert.ok(Math.abs(m - 0.9) < 1e-12, `${predictor.constructor.name}: ${m}`);
    }
  });

  it('reports loss by position and with the state reset every 256 characters', () => {
    const long = 'a = 1\n'.repeat(100);
    const r = analyzeLongRange([long], new Oracle([long]));
    assert.ok(Math.abs(r.context.carriedLoss + Math.log(0.9)) < 1e-9);
    assert.equal(r.context.lossByPosition[0].count, 100);
    assert.equal(r.chars, long.length);
  });
});
