import { strict as assert } from 'assert';
import { NgramModel, NgramPredictor } from '../../src/analysis/ngram';
import { encode, VOCAB_SIZE, charToIndex } from '../../src/model/vocab';

describe('n-gram baseline', () => {
  it('gives proper distributions that sharpen with context', () => {
    const m = new NgramModel({ order: 6, vocabSize: VOCAB_SIZE });
    m.train(encode('def foo(x):\n    return x\n'.repeat(50)));
    const p = new NgramPredictor(m);
    for (const c of encode('def fo')) p.step(c);
    const d = p.probabilities();
    assert.ok(Math.abs(d.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(d[charToIndex('o')] > 0.9);
    p.reset();
    const u = p.probabilities(); // no context: unigram-like
    assert.ok(u[charToIndex('o')] < 0.5);
    assert.ok(u.every((x) => x > 0), 'smoothing leaves no zero');
  });

  it('matches Witten-Bell by hand on a tiny text', () => {
    // Text "abab", order 2. Unigram level: total 4, types 2; P1(a) = (2 + 2/V) / 6.
    const m = new NgramModel({ order: 2, vocabSize: VOCAB_SIZE });
    m.train(encode('abab'));
    const p = new NgramPredictor(m);
    const V = VOCAB_SIZE;
    const a = charToIndex('a');
    const p1a = (2 + 2 / V) / 6;
    assert.ok(Math.abs(p.probabilities()[a] - p1a) < 1e-12);
    // After "b": context "b" seen once (followed by a): P2(a|b) = (1 + 1 * P1(a)) / 2.
    p.step(charToIndex('b'));
    assert.ok(Math.abs(p.probabilities()[a] - (1 + p1a) / 2) < 1e-12);
  });
});

describe('n-gram single-character probability', () => {
  it('equals the full distribution at that character', () => {
    const m = new NgramModel({ order: 8, vocabSize: VOCAB_SIZE });
    m.train(encode('for i in range(10):\n    print(i)\n'.repeat(20)));
    const p = new NgramPredictor(m);
    for (const c of encode('for i in ran')) {
      const full = p.probabilities();
      assert.ok(Math.abs(full[c] - p.probabilityOf(c)) < 1e-12);
      p.step(c);
    }
  });
});
