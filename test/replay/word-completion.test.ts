import { strict as assert } from 'assert';
import { EarlierWords, suggestInDocument } from '../../src/replay/word-completion';
import { partialIdentifier, WordIndex } from '../../src/completion/document-words';

describe('word completion baseline', () => {
  it('finds the identifier being typed, not a number', () => {
    assert.equal(partialIdentifier('x = self.val'), 'val');
    assert.equal(partialIdentifier('x = _priv'), '_priv');
    assert.equal(partialIdentifier('x = 0x1f'), '');
    assert.equal(partialIdentifier('x = foo('), '');
    assert.equal(partialIdentifier('name2'), 'name2');
  });

  it('suggests the most frequent longer word with the prefix; ties go to the one seen last', () => {
    const idx = new WordIndex();
    idx.add('import os\nvalue = values + value\nvalid = 1\n');
    assert.equal(idx.suggest('val'), 'value'); // value x2, values x1, valid x1
    assert.equal(idx.suggest('vali'), 'valid');
    assert.equal(idx.suggest('value'), 'values'); // only longer words complete
    assert.equal(idx.suggest('zzz'), undefined);
    assert.equal(idx.suggest(''), undefined);
    const tie = new WordIndex();
    tie.add('alpha alpine');
    assert.equal(tie.suggest('al'), 'alpine');
  });

  it('in a typed document offers only words that ended before the cursor', () => {
    const doc = 'counter = 0\ncounter += 1\nprint(cou';
    const w = new EarlierWords();
    // Type the document one character at a time, as the replay does.
    const seen: (string | undefined)[] = [];
    for (let i = 1; i <= doc.length; i++) seen.push(w.suggest(doc.slice(0, i)));
    assert.equal(seen[0], undefined, 'nothing is known before the first word ends');
    assert.equal(seen[doc.length - 1], 'nter');
    // While "counter" is first typed, the word itself is not yet known.
    assert.equal(seen['counte'.length - 1], undefined);
  });

  it('with text after the cursor, words anywhere in the document count', () => {
    assert.equal(suggestInDocument('x = re', '\nresult = 1\nresult += 2\n'), 'sult');
    assert.equal(suggestInDocument('x = ', 'result'), undefined);
  });
});
