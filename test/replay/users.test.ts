import { strict as assert } from 'assert';
import { tabUser, wholeAcceptLength, wordUser } from '../../src/replay/users';

describe('replay users', () => {
  const intended = 'os.path.join(root, name)\n';

  it('the Tab user accepts only a suggestion that is exactly what comes next', () => {
    assert.deepEqual(tabUser({ text: 'path.join', replaceSuffix: 0 }, intended, 3, ''), { advance: 9, keystrokes: 1, accepted: true });
    assert.deepEqual(tabUser({ text: 'path.joint', replaceSuffix: 0 }, intended, 3, ''), { advance: 1, keystrokes: 1, accepted: false });
    assert.deepEqual(tabUser(undefined, intended, 3, ''), { advance: 1, keystrokes: 1, accepted: false });
    // Longer than what is left to type: wrong.
    assert.equal(wholeAcceptLength({ text: 'name)\nx', replaceSuffix: 0 }, intended, 19, ''), 0);
  });

  it('a suggestion that re-emits an auto-closed bracket must end the typed text with it', () => {
    // The user types `name` into `join(root, |)`; the suggestion `name)` replaces the `)` after the cursor.
    assert.equal(wholeAcceptLength({ text: 'name)', replaceSuffix: 1 }, 'name', 0, ')'), 4);
    assert.equal(wholeAcceptLength({ text: 'na)', replaceSuffix: 1 }, 'name', 0, ')'), 0);
  });

  it('the word user takes the correct leading words, one keystroke each, when that saves typing', () => {
    // "path.join(" is right, then the suggestion goes wrong: 4 segments, 10 characters.
    assert.deepEqual(wordUser({ text: 'path.join(dirname, x)', replaceSuffix: 0 }, intended, 3, ''), { advance: 10, keystrokes: 4, accepted: true });
    // All right: one Tab.
    assert.deepEqual(wordUser({ text: 'path.join', replaceSuffix: 0 }, intended, 3, ''), { advance: 9, keystrokes: 1, accepted: true });
    // Only a one-character word is right: accepting it saves nothing, so the user types.
    assert.deepEqual(wordUser({ text: '.x', replaceSuffix: 0 }, 'a.path', 1, ''), { advance: 1, keystrokes: 1, accepted: false });
    // VS Code takes a blank before a word on its own: ` = value ` (right up to `+`) is four keys: ` `, `= `, `value`, ` `.
    assert.deepEqual(wordUser({ text: ' = value + 1', replaceSuffix: 0 }, 'x = value - 1', 1, ''), { advance: 9, keystrokes: 4, accepted: true });
  });
});
