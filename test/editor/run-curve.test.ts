import { strict as assert } from 'assert';
import { RunCurve, TRAIN_POINT_MS } from '../../src/editor/run-curve';

describe('RunCurve (the live training chart)', () => {
  it('shows the first batch at once, then one point per TRAIN_POINT_MS averaging the batches in it', () => {
    const c = new RunCurve();
    assert.equal(c.empty, true);
    assert.equal(c.addBatch(300, 2.0), true, 'the first batch is a point: the chart is not empty in the first seconds');
    assert.equal(c.addBatch(800, 1.8), false);
    assert.equal(c.addBatch(800 + TRAIN_POINT_MS - 1, 1.6), false);
    assert.equal(c.addBatch(800 + TRAIN_POINT_MS, 1.4), true);
    const [train] = c.series();
    assert.deepEqual(
      train.points.map(([m, l]) => [Math.round(m * 60_000), Math.round(l * 100) / 100]),
      [
        [300, 2.0],
        [2800, 1.6],
      ],
    );
    assert.equal(c.addBatch(5000, NaN), false, 'a non-finite loss is not drawn');
  });

  it('keeps validation points as they come, and a bounded number of training points over a long run', () => {
    const c = new RunCurve();
    c.addValidation(0, 1.2);
    c.addValidation(60_000, 1.1);
    for (let i = 0; i < 2000; i++) c.addBatch(i * TRAIN_POINT_MS, 1 + 1 / (i + 1));
    const [train, validation] = c.series();
    assert.deepEqual(validation.points, [
      [0, 1.2],
      [1, 1.1],
    ]);
    assert.ok(train.points.length <= 600 && train.points.length >= 300, `${train.points.length} points`);
    // Merged, not dropped: still from the start of the run to its end, still falling.
    assert.ok(train.points[0][0] < 1 && train.points.at(-1)![0] > 60, JSON.stringify([train.points[0], train.points.at(-1)]));
    assert.ok(train.points[0][1] > train.points.at(-1)![1]);
    c.reset();
    assert.equal(c.empty, true);
  });

  it('draws minutes on the x axis, a line for training and dots for validation', () => {
    const c = new RunCurve();
    c.addBatch(0, 2);
    c.addBatch(TRAIN_POINT_MS, 1.5);
    c.addValidation(TRAIN_POINT_MS, 1.7);
    const svg = c.svg('Training');
    assert.match(svg, />minutes</);
    assert.doesNotMatch(svg, /epoch|nats/);
    assert.match(svg, /: loss, lower is better</);
    // It scales down in a narrow view (VS Code's side split) instead of losing its axis to the edge.
    assert.match(svg, /<svg [^>]*viewBox="0 0 640 360"/);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 1);
    assert.equal((svg.match(/<circle[^>]*r="4"/g) ?? []).length, 1);
  });
});
