import { strict as assert } from 'assert';
import { sampleIndex, softmax, argmax } from '../../src/inference/sampling';
import { mulberry32 } from '../../src/util/rng';

describe('sampling', () => {
  const logits = [1, 3, 2, 0.5];
  it('temperature 0 is greedy', () => {
    assert.equal(sampleIndex(logits, { temperature: 0 }, mulberry32(1)), 1);
    assert.equal(sampleIndex(logits, { temperature: 0, exclude: [1] }, mulberry32(1)), 2);
  });
  it('is reproducible from a seed and follows the distribution', () => {
    const counts = [0, 0, 0, 0];
    const rng = mulberry32(123);
    for (let i = 0; i < 20000; i++) counts[sampleIndex(logits, { temperature: 1 }, rng)]++;
    const p = softmax(logits);
    counts.forEach((c, i) => assert.ok(Math.abs(c / 20000 - p[i]) < 0.015, `index ${i}`));
    const draw = (seed: number) => {
      const r = mulberry32(seed);
      return Array.from({ length: 20 }, () => sampleIndex(logits, { temperature: 1 }, r));
    };
    assert.deepEqual(draw(5), draw(5));
    assert.notDeepEqual(draw(5), draw(6));
  });
  it('top-k keeps only the k most likely', () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 500; i++) assert.ok([1, 2].includes(sampleIndex(logits, { temperature: 2, topK: 2 }, rng)));
  });
  it('low temperature sharpens, high temperature flattens', () => {
    assert.ok(softmax(logits, 0.5)[1] > softmax(logits, 1)[1]);
    assert.ok(softmax(logits, 2)[1] < softmax(logits, 1)[1]);
    assert.equal(argmax(softmax(logits, 5)), 1);
  });
  it('rejects a negative temperature', () => {
    assert.throws(() => sampleIndex(logits, { temperature: -1 }, mulberry32(1)), RangeError);
  });
});
