import { strict as assert } from 'assert';
import { confidenceCut, endsAtTokenBoundary, wordUserGain } from '../../src/completion/confidence-cut';

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

describe('the word-gain cut (a user who also takes right leading words)', () => {
  it('wordUserGain: whole when all right, else the right leading pieces a key each', () => {
    // Pieces "ab" and " cd" (ends 2 and 5); the first is sure, the second right half the time.
    const cumulative = [1, 1, 0.5, 0.5, 0.5];
    assert.equal(wordUserGain(cumulative, [2, 5], 1), 1); // "ab" with one key
    // Half the time all 5 with one key (4 saved), half the time "ab" with one key (1 saved).
    assert.equal(wordUserGain(cumulative, [2, 5], 2), 0.5 * 4 + 0.5 * 1);
  });

  it('shows past the threshold when the first word reaches it and the rest adds expected keys', () => {
    const text = 'value + other_name';
    const sure = confidenceCut(
      text,
      [...text].map((_, i) => (i < 5 ? 0.99 : 0.9)),
      '\n',
      { threshold: 0.3, minChars: 2, boundary: 'prefer-token', length: 'word-gain' },
    );
    assert.equal(sure, text.length);
    const gainOnly = confidenceCut(
      text,
      [...text].map((_, i) => (i < 5 ? 0.99 : 0.9)),
      '\n',
      { threshold: 0.3, minChars: 2, boundary: 'prefer-token', length: 'gain' },
    );
    assert.ok(gainOnly < text.length, `the Tab rule stops earlier (${gainOnly})`);
    // A first word under the threshold shows nothing.
    assert.equal(
      confidenceCut(
        text,
        [...text].map(() => 0.5),
        '\n',
        { threshold: 0.3, minChars: 2, boundary: 'prefer-token', length: 'word-gain' },
      ),
      0,
    );
  });
});
