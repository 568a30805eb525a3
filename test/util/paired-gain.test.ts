import { strict as assert } from 'assert';
import { LineTally, pairedGain } from '../../src/util/paired-gain';
import { mulberry32 } from '../../src/util/rng';

/** `n` lines of 40 characters; the old model spends `old` keys a line, the new one `old - delta(i)`. */
function lines(n: number, old: (i: number) => number, delta: (i: number) => number): { before: LineTally[]; after: LineTally[] } {
  const before: LineTally[] = [];
  const after: LineTally[] = [];
  for (let i = 0; i < n; i++) {
    const k = old(i);
    before.push({ chars: 40, keystrokes: k });
    after.push({ chars: 40, keystrokes: k - delta(i) });
  }
  return { before, after };
}

describe('paired keystroke gain', () => {
  it('is the difference in keystrokes saved, and a constant gain has no spread', () => {
    const { before, after } = lines(
      100,
      () => 24,
      () => 2,
    );
    const g = pairedGain(before, after);
    assert.equal(g.chars, 4000);
    assert.ok(Math.abs(g.gain - 0.05) < 1e-12);
    assert.ok(Math.abs(g.low - 0.05) < 1e-12 && Math.abs(g.high - 0.05) < 1e-12);
    assert.equal(g.blocks, 20, '200 characters a block: five 40-character lines');
  });

  it('pairs line by line: hard and easy lines alike do not widen the range of a steady gain', () => {
    // The old model's keystrokes vary from 5 to 40 a line; the new one saves 1 key on every line.
    const rng = mulberry32(3);
    const { before, after } = lines(
      500,
      () => 5 + Math.floor(rng() * 35),
      () => 1,
    );
    const g = pairedGain(before, after);
    assert.ok(Math.abs(g.low - 0.025) < 1e-12, `a steady +2.5 points has no spread: low ${g.low}`);
  });

  it('a gain that is noise straddles zero; a real one clears it; a loss stays below it', () => {
    const rng = mulberry32(5);
    const noise = lines(
      500,
      () => 20,
      () => Math.floor(rng() * 7) - 3,
    ); // -3..+3 keys a line, mean 0
    const g0 = pairedGain(noise.before, noise.after);
    assert.ok(g0.low < 0 && g0.high > 0, `noise: ${g0.low} .. ${g0.high}`);
    const rng2 = mulberry32(5);
    const real = lines(
      500,
      () => 20,
      () => Math.floor(rng2() * 7) - 2,
    ); // mean +1 key a line: +2.5 points
    const g1 = pairedGain(real.before, real.after);
    assert.ok(g1.low > 0 && g1.gain > 0.02 && g1.gain < 0.03, `real: ${g1.gain} (${g1.low} .. ${g1.high})`);
    const rng3 = mulberry32(5);
    const worse = lines(
      500,
      () => 20,
      () => Math.floor(rng3() * 7) - 4,
    );
    assert.ok(pairedGain(worse.before, worse.after).high < 0);
  });

  it('the same lines give a narrower range the more of them are typed', () => {
    const make = (n: number) => {
      const rng = mulberry32(9);
      return lines(
        n,
        () => 20,
        () => Math.floor(rng() * 9) - 4,
      );
    };
    const short = make(50); // 2,000 characters
    const long = make(500); // 20,000 characters
    const w = (x: ReturnType<typeof pairedGain>) => x.high - x.low;
    assert.ok(w(pairedGain(long.before, long.after)) < w(pairedGain(short.before, short.after)) / 2);
  });

  it('refuses two replays of different text', () => {
    assert.throws(() => pairedGain([{ chars: 3, keystrokes: 1 }], [{ chars: 4, keystrokes: 1 }]), /same lines/);
    assert.throws(() => pairedGain([{ chars: 3, keystrokes: 1 }], []), /same lines/);
  });
});
