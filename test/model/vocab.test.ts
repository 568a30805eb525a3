import { strict as assert } from 'assert';
import { encode, decode, normalizeText, VOCAB_SIZE, UNKNOWN_INDEX, vocabMismatch, vocabDescriptor, charToIndex } from '../../src/model/vocab';

describe('vocab', () => {
  it('has tab, newline, printable ASCII and one unknown symbol', () => {
    assert.equal(VOCAB_SIZE, 2 + 95 + 1);
    assert.equal(decode(encode('\tdef f(x):\n    return x ~ 1\n')), '\tdef f(x):\n    return x ~ 1\n');
  });
  it('maps anything else to the unknown symbol', () => {
    const e = encode('é→\u0007');
    assert.deepEqual([...e], [UNKNOWN_INDEX, UNKNOWN_INDEX, UNKNOWN_INDEX]);
    assert.equal(charToIndex('😀'), UNKNOWN_INDEX);
  });
  it('normalises CRLF and CR to LF', () => {
    assert.equal(normalizeText('a\r\nb\rc\n'), 'a\nb\nc\n');
  });
  it('detects a foreign vocabulary', () => {
    assert.equal(vocabMismatch(vocabDescriptor()), undefined);
    const other = vocabDescriptor();
    other.chars[5] = 'x';
    assert.match(vocabMismatch(other)!, /differs at index 5/);
    assert.match(vocabMismatch({ chars: ['a'] })!, /1 symbols/);
    assert.match(vocabMismatch(undefined)!, /no vocabulary/);
  });
});
