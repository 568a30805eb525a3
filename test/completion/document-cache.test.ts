import { strict as assert } from 'assert';
import { DocumentCache } from '../../src/completion/document-cache';

describe('document cache (what the document says comes next)', () => {
  const opts = { minOrder: 3, maxOrder: 32 };

  it('predicts from the longest earlier match of the context, counting what followed it', () => {
    const before = '\nself.widget_count = 0\nself.widget_name = "a"\nself.widget_count += 1\nself.widget_';
    const p = new DocumentCache(before, '', opts).predict('')!;
    // "\nself.widget_" occurs three times earlier (the characters before differ): followed by c, n, c.
    assert.equal(p.total, 3);
    assert.equal(p.counts.get('c'), 2);
    assert.equal(p.counts.get('n'), 1);
    assert.equal(p.order, '\nself.widget_'.length);
    assert.deepEqual([p.top, p.topCount, p.fromDocument], ['c', 2, true]);
  });

  it('takes the generated text as context and the text after the cursor as a source', () => {
    const c = new DocumentCache('x = 1\nres', '\nresult_value = compute()\n', opts);
    const p = c.predict('ult_v')!;
    assert.deepEqual([...p.counts], [['a', 1]]);
    // Never across the cursor: the context is not its own match.
    assert.equal(new DocumentCache('abcdef', '', opts).predict(''), undefined);
  });

  it('no match, no prediction; a short match is found when no longer one is', () => {
    // "abc" occurs once before, at the start, so no longer context matches.
    const short = new DocumentCache('abc1 zzz abc', '', opts).predict('')!;
    assert.equal(short.order, 3);
    assert.deepEqual([...short.counts], [['1', 1]]);
    assert.equal(new DocumentCache('qwerty uiop', '', opts).predict('xy'), undefined);
  });
});
