import { strict as assert } from 'assert';
import { calibrateThreshold, chooseThreshold, ThresholdPoint } from '../../src/replay/threshold-calibration';
import { keystrokeCheck } from '../../src/replay/keystroke-check';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';

const p = (threshold: number, savings: number, acceptedShare: number): ThresholdPoint => ({ threshold, savings, acceptedShare });

describe('threshold calibration', () => {
  describe('chooseThreshold', () => {
    const cases: { name: string; points: ThresholdPoint[]; min: number; want: number }[] = [
      { name: 'the most saved among those right often enough', points: [p(0.3, 0.5, 0.3), p(0.4, 0.48, 0.4), p(0.5, 0.45, 0.5)], min: 0.38, want: 0.4 },
      { name: 'the bundled threshold when it is right often enough and saves most', points: [p(0.3, 0.5, 0.45), p(0.4, 0.48, 0.5)], min: 0.4, want: 0.3 },
      { name: 'ties in savings go to the surer threshold', points: [p(0.3, 0.5, 0.45), p(0.4, 0.5, 0.5)], min: 0.4, want: 0.4 },
      { name: 'none right often enough: the most often right', points: [p(0.3, 0.5, 0.2), p(0.4, 0.45, 0.3), p(0.5, 0.4, 0.29)], min: 0.4, want: 0.4 },
      { name: 'none right often enough, a tie: the one that saves more', points: [p(0.4, 0.45, 0.3), p(0.5, 0.4, 0.3)], min: 0.4, want: 0.4 },
      { name: 'a threshold that shows nothing (share 0) is never preferred', points: [p(0.3, 0.3, 0.4), p(0.6, 0, 0)], min: 0.3, want: 0.3 },
    ];
    for (const c of cases) it(c.name, () => assert.equal(chooseThreshold(c.points, c.min), c.want));
    it('refuses an empty list', () => assert.throws(() => chooseThreshold([], 0.4), /no thresholds/));
  });

  it("tries thresholds upwards from the start's, stops at the first right often enough, on the check's own text", async function () {
    this.timeout(60_000);
    const weights = initWeights(makeSpec({ embeddingDim: 16, lstmUnits: [32, 32] }), 7);
    // Repeated text: the cache makes suggestions, more of them at a low threshold than at a high one.
    const text = Array.from({ length: 30 }, (_, i) => `def handler_${i % 4}(request):\n    return respond(request, code=${i % 4})\n`).join('');
    const files = [
      { relative: 'a.py', text },
      { relative: 'b.py', text },
    ];
    const at = (threshold: number) => keystrokeCheck(weights, files, { threshold, maxChars: 400 });
    const [low, high] = [await at(0.05), await at(0.95)];
    assert.ok(low.savings > high.savings, `0.05 saves ${low.savings}, 0.95 saves ${high.savings}`);
    // A bar nothing reaches: every threshold from 0.05 is tried (not 0.01, below the start), the surest kept.
    const all = await calibrateThreshold(weights, files, { referenceAcceptedShare: 2, thresholds: [0.01, 0.05, 0.5, 0.95], from: 0.05, maxChars: 400 });
    assert.deepEqual(
      all.tried.map((t) => t.threshold),
      [0.05, 0.5, 0.95],
    );
    assert.equal(all.minAcceptedShare, 1.8);
    assert.equal(all.confidenceThreshold, chooseThreshold(all.tried, 1.8));
    // Each point is the keystroke check itself at that threshold (seed 1: the text the start model was checked on).
    assert.deepEqual([all.tried[0].savings, all.tried[0].acceptedShare], [low.savings, low.acceptedShare]);
    assert.ok(all.chars >= 300, `typed ${all.chars}`);
    // A bar the first threshold reaches: one replay, that threshold.
    const first = await calibrateThreshold(weights, files, { referenceAcceptedShare: 0, thresholds: [0.05, 0.5, 0.95], maxChars: 400 });
    assert.deepEqual(
      first.tried.map((t) => t.threshold),
      [0.05],
    );
    assert.equal(first.confidenceThreshold, 0.05);
  });
});
