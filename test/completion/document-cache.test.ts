import { strict as assert } from 'assert';
import { DocumentCache, mixInto } from '../../src/completion/document-cache';

describe('document cache (what the document says comes next)', () => {
  const opts = { minOrder: 3, maxOrder: 32, fullOrder: 12, halfCount: 1, workspaceFactor: 1 };

  it('predicts from the longest earlier match of the context, counting what followed it', () => {
    const before = '\nself.widget_count = 0\nself.widget_name = "a"\nself.widget_count += 1\nself.widget_';
    const p = new DocumentCache(before, '', opts).predict('')!;
    // "\nself.widget_" occurs three times earlier (the characters before differ): followed by c, n, c.
    assert.equal(p.total, 3);
    assert.equal(p.counts.get('c'), 2);
    assert.equal(p.counts.get('n'), 1);
    assert.equal(p.order, '\nself.widget_'.length);
    assert.ok(Math.abs(p.weight - 3 / 4) < 1e-12, `${p.weight}`); // n/(n+1) = 3/4, and 13 characters >= fullOrder
  });

  it('takes the generated text as context and the text after the cursor as a source', () => {
    const c = new DocumentCache('x = 1\nres', '\nresult_value = compute()\n', opts);
    const p = c.predict('ult_v')!;
    assert.deepEqual([...p.counts], [['a', 1]]);
    // Never across the cursor: the context is not its own match.
    assert.equal(new DocumentCache('abcdef', '', opts).predict(''), undefined);
  });

  it('a short match weighs less than a long one; no match, no prediction', () => {
    // "abc" occurs once before, at the start, so no longer context matches: order 3, weight 1/2 * 3/12.
    const short = new DocumentCache('abc1 zzz abc', '', opts).predict('')!;
    assert.equal(short.order, 3);
    assert.deepEqual([...short.counts], [['1', 1]]);
    assert.ok(Math.abs(short.weight - 0.125) < 1e-12);
    assert.equal(new DocumentCache('qwerty uiop', '', opts).predict('xy'), undefined);
  });

  it('mixes into vocabulary probabilities and keeps them summing to 1', () => {
    const probs = Float64Array.from([0.5, 0.3, 0.2]);
    mixInto(probs, { counts: new Map([['b', 3], ['c', 1]]), total: 4, order: 12, weight: 0.5 }, (ch) => 'abc'.indexOf(ch));
    assert.deepEqual([...probs].map((x) => Math.round(x * 1000) / 1000), [0.25, 0.525, 0.225]);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });
});
