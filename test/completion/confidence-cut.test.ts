import { strict as assert } from 'assert';
import { confidenceCut, endsAtTokenBoundary } from '../../src/completion/confidence-cut';

describe('confidence cut', () => {
  const opts = { threshold: 0.5, minChars: 2, boundary: 'any' as const };

  it('keeps the longest prefix whose probability (product) reaches the threshold', () => {
    assert.equal(confidenceCut('abcdef', [0.9, 0.9, 0.9, 0.5, 0.9, 0.9], undefined, opts), 3);
    assert.equal(confidenceCut('abcdef', [1, 1, 1, 1, 1, 1], undefined, opts), 6);
  });

  it('shows nothing when even the first characters are unlikely, or only one character is sure', () => {
    assert.equal(confidenceCut('abc', [0.4, 1, 1], undefined, opts), 0);
    assert.equal(confidenceCut('abc', [0.9, 0.3, 1], undefined, opts), 0);
  });

  it('prefers to end at a token boundary when one qualifies', () => {
    const prefer = { ...opts, boundary: 'prefer-token' as const };
    // "foo(bar" is likely, "foo(barb" is not: the cut backs off to "foo(".
    assert.equal(confidenceCut('foo(barbaz', [1, 1, 1, 1, 0.9, 0.9, 0.9, 0.3, 1, 1], undefined, prefer), 4);
    // No boundary inside: the name is kept whole-or-part rather than dropped.
    assert.equal(confidenceCut('abcdef', [1, 1, 1, 0.2, 1, 1], undefined, prefer), 3);
    // The search stopped before `next`: a name followed by "(" ends a token.
    assert.equal(confidenceCut('join', [1, 1, 1, 1], '(', prefer), 4);
    assert.equal(confidenceCut('join', [1, 1, 1, 1], 'e', prefer), 4);
  });

  it('token boundaries: between a name and punctuation or blanks, never inside a name or number', () => {
    assert.ok(endsAtTokenBoundary('foo(', 3, undefined));
    assert.ok(!endsAtTokenBoundary('foobar', 3, undefined));
    assert.ok(endsAtTokenBoundary('foo', 3, undefined));
    assert.ok(!endsAtTokenBoundary('foo', 3, 'd'));
    assert.ok(endsAtTokenBoundary('x = 1', 2, undefined));
  });
});
