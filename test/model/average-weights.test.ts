import { strict as assert } from 'assert';
import { makeSpec, weightList } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { averageWeights } from '../../src/model/average-weights';

const spec = makeSpec({ embeddingDim: 8, lstmUnits: [16, 12] });

describe('averageWeights', () => {
  it('is the element-wise mean of every weight array', () => {
    const sets = [initWeights(spec, 1), initWeights(spec, 2), initWeights(spec, 3)];
    const avg = weightList(averageWeights(sets));
    const lists = sets.map(weightList);
    assert.equal(avg.length, lists[0].length);
    avg.forEach((a, k) => {
      assert.equal(a.length, lists[0][k].length);
      for (let i = 0; i < a.length; i += 7) {
        const expected = (lists[0][k][i] + lists[1][k][i] + lists[2][k][i]) / 3;
        assert.ok(Math.abs(a[i] - expected) < 1e-6, `array ${k} index ${i}: ${a[i]} vs ${expected}`);
      }
    });
  });

  it('returns a copy equal to a single set, leaving the input untouched', () => {
    const w = initWeights(spec, 4);
    const before = weightList(w).map((a) => Float32Array.from(a));
    const avg = averageWeights([w]);
    weightList(avg).forEach((a, k) => {
      assert.deepEqual(a, before[k]);
      assert.notEqual(a, weightList(w)[k]);
    });
    assert.deepEqual(avg.spec, spec);
  });

  it('refuses weights of another architecture and an empty list', () => {
    const other = initWeights(makeSpec({ embeddingDim: 8, lstmUnits: [16, 16] }), 1);
    assert.throws(() => averageWeights([initWeights(spec, 1), other]), /weight set 2 has another architecture \(.*LSTM 16\+16/);
    assert.throws(() => averageWeights([]), /nothing to average/);
  });
});
