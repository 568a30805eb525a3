import { strict as assert } from 'assert';
import { gate, GATE_WEIGHTS, gateFeatures, mixInto, mixtureWeight } from '../../src/completion/cache-mixture';
import { CachePrediction } from '../../src/completion/document-cache';

describe('cache mixture (how much the cache weighs against the LSTM)', () => {
  const pred = (counts: [string, number][], order: number, fromDocument = true, name = 0): CachePrediction => {
    const m = new Map(counts);
    const [top, topCount] = [...m].sort((a, b) => b[1] - a[1])[0];
    return { counts: m, total: counts.reduce((s, c) => s + c[1], 0), order, top, topCount, fromDocument, name };
  };
  const abc = (ch: string) => 'abc'.indexOf(ch);

  it('computes the gate by hand: σ(θ·x) over the documented features', () => {
    const p = pred(
      [
        ['b', 3],
        ['c', 1],
      ],
      12,
    );
    const x = gateFeatures(p, 0.3, 0.5);
    const l12 = Math.log(12);
    const l5 = Math.log(5);
    assert.deepEqual(x, [1, l12, l5, 0.75, 0, Math.log(0.3), Math.log(0.5), 1, l12 * l5, 0, 0]);
    // A match that covers the whole name being typed (here 10 characters of a name, matched over 12).
    const named = gateFeatures(
      pred(
        [
          ['b', 3],
          ['c', 1],
        ],
        12,
        true,
        10,
      ),
      0.3,
      0.5,
    );
    assert.deepEqual(named.slice(9), [1, Math.log(11)]);
    // A name longer than the match is not covered.
    assert.deepEqual(gateFeatures(pred([['b', 1]], 5, true, 8), 0.3, 0.5).slice(9), [0, 0]);
    const z = GATE_WEIGHTS.reduce((s, t, i) => s + t * x[i], 0);
    assert.ok(Math.abs(gate(x) - 1 / (1 + Math.exp(-z))) < 1e-15);
    // mixtureWeight reads p_lstm(top) and max p_lstm from the distribution itself.
    assert.equal(mixtureWeight(p, [0.5, 0.3, 0.2], abc), gate(x));
  });

  it('mixes into vocabulary probabilities, keeping them summing to 1', () => {
    const p = pred(
      [
        ['b', 3],
        ['c', 1],
      ],
      12,
    );
    const probs = Float64Array.from([0.5, 0.3, 0.2]);
    const w = mixInto(probs, p, abc);
    assert.ok(w > 0 && w < 1);
    const expected = [0.5 * (1 - w), 0.3 * (1 - w) + 0.75 * w, 0.2 * (1 - w) + 0.25 * w];
    expected.forEach((e, i) => assert.ok(Math.abs(probs[i] - e) < 1e-12));
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.equal(mixInto(probs, undefined, abc), 0);
  });

  it('trusts a long match seen often with one continuation more than a short, ambiguous or workspace-only one', () => {
    const lstm = [0.6, 0.2, 0.2];
    const strong = mixtureWeight(pred([['b', 4]], 40), lstm, abc);
    assert.ok(strong > 0.8, `${strong}`);
    assert.ok(mixtureWeight(pred([['b', 1]], 4), lstm, abc) < strong - 0.3);
    assert.ok(
      mixtureWeight(
        pred(
          [
            ['b', 2],
            ['c', 2],
          ],
          40,
        ),
        lstm,
        abc,
      ) < strong,
    );
    assert.ok(mixtureWeight(pred([['b', 4]], 40, false), lstm, abc) < strong);
  });

  it('trusts a copy more the longer it has gone on: a 100-character match over a 32-character one', () => {
    // Matches run to 128 characters (document-cache.ts) so that a repeated line or block earns the weight that lets
    // a suggestion reach its end.
    const lstm = [0.6, 0.2, 0.2];
    const long = mixtureWeight(pred([['b', 1]], 100), lstm, abc);
    assert.ok(long > 0.85, `${long}`);
    assert.ok(long > mixtureWeight(pred([['b', 1]], 32), lstm, abc) + 0.1);
  });
});
