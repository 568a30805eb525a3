import { strict as assert } from 'assert';
import { scopeStart, wordsAroundCursor } from '../../src/completion/document-words';

describe("the document's words as candidates", () => {
  it('scopeStart: the def line of the function around the cursor, past nested blocks and a signature over two lines', () => {
    const text = 'import os\n\nclass A:\n    def f(self, tag,\n          other):\n        if tag:\n            x = 1\n        return t';
    assert.equal(text.slice(scopeStart(text, text.length)).split('\n')[0], '    def f(self, tag,');
    // A cursor on a blank line keeps the function its indentation is in; comments do not end it.
    const blank = 'def g():\n    a = 1\n# note\n\n    ';
    assert.equal(scopeStart(blank, blank.length), 0);
  });

  it('scopeStart: no function around top-level code, or around a block of top-level code', () => {
    const top = 'def g():\n    pass\n\nx = 1\nif x:\n    y = t';
    assert.equal(scopeStart(top, top.length), top.length);
    assert.equal(scopeStart('value = t', 9), 9);
  });

  it("names of the function around the cursor count more: its parameter beats the document's more frequent word", () => {
    const doc = 'text = 1\ntext = 2\ntext = 3\n\ndef f(tag):\n    if tag:\n        return t';
    const plain = wordsAroundCursor(doc, '');
    assert.equal(plain.partial, 't');
    assert.equal(plain.index.candidates('t', 1)[0].word, 'text');
    const scoped = wordsAroundCursor(doc, '', 2);
    assert.deepEqual(
      scoped.index.candidates('t', 2).map((c) => c.word),
      ['tag', 'text'],
    );
    // Two uses in scope count three each: 6 of 6 + 3 + 2 distinct (Witten-Bell's escape mass).
    assert.equal(scoped.index.candidates('t', 1)[0].share, 6 / 11);
    // No name being typed: nothing to complete, no words read.
    const none = wordsAroundCursor(doc + ' ', '');
    assert.equal(none.partial, '');
    assert.deepEqual(none.index.candidates('t', 3), []);
  });
});
