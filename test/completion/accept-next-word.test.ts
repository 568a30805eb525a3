import { strict as assert } from 'assert';
import { acceptNextWordLength, acceptNextWordPieces } from '../../src/completion/accept-next-word';

// The pieces were checked against VS Code 1.139 in the ghost-text table (npm run test:ghost-table), which presses
// Ctrl+Right in the real editor and compares where the cursor lands with acceptNextWordLength.
describe('Accept Next Word (VS Code 1.139)', () => {
  it('takes a leading word whole, and only up to the next word otherwise', () => {
    assert.equal(acceptNextWordLength('stream, Loader'), 6);
    assert.equal(acceptNextWordLength(', Loader'), 2);
    assert.equal(acceptNextWordLength('.join'), 1);
    assert.equal(acceptNextWordLength('):'), 2);
  });

  it('never takes past the end of the first run of blanks', () => {
    // The word starts at 1 and the blank run ends there too: one blank.
    assert.equal(acceptNextWordLength(' for x'), 1);
    // The blank run ends (at 2) before the word (at 3): the operator and its blank.
    assert.equal(acceptNextWordLength('* 2'), 2);
    assert.deepEqual(acceptNextWordPieces('x * 2 for x'), ['x', ' ', '* ', '2', ' ', 'for', ' ', 'x']);
  });

  it('keeps numbers with a decimal point and names with underscores and digits whole', () => {
    assert.deepEqual(acceptNextWordPieces('-1.5e3)'), ['-1.5e3', ')']);
    assert.deepEqual(acceptNextWordPieces('_private2 = x'), ['_private2', ' ', '= ', 'x']);
  });

  it("takes a line break with the next line's indentation, then its first word", () => {
    assert.deepEqual(acceptNextWordPieces('a,\n        b)'), ['a', ',\n        ', 'b', ')']);
    assert.deepEqual(acceptNextWordPieces('  '), ['  ']);
  });

  it('cuts any text into pieces that join back to it', () => {
    for (const t of ['path.join(root, x)', "d['key'] = {'a': 1}", '"""Return."""', 'if x:\n    return y\n']) {
      const pieces = acceptNextWordPieces(t);
      assert.equal(pieces.join(''), t);
      assert.ok(pieces.every((p) => p.length > 0));
    }
  });
});
