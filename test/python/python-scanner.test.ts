import { strict as assert } from 'assert';
import { scanPython } from '../../src/python/python-scanner';

describe('python scanner', () => {
  it('ignores brackets in strings and comments', () => {
    const r = scanPython('f("(", \'[\', """{\n)""") # ) ] }\nx = [1]\n');
    assert.deepEqual(r.open, []);
    assert.deepEqual(r.unmatchedClosers, []);
    assert.deepEqual(
      r.pairs.map((p) => p.char),
      [')', ']'],
    );
  });
  it('reports open brackets and the string the text ends in', () => {
    const r = scanPython('call(a, [b, {c: "x');
    assert.deepEqual(
      r.open.map((b) => b.char),
      ['(', '[', '{'],
    );
    assert.deepEqual(r.inString, { quote: '"', start: 16 });
    assert.equal(scanPython('x = 1  # note (').inComment, true);
  });
  it('gives pair distances and depths', () => {
    const text = 'a(b[c], d)';
    const r = scanPython(text);
    assert.deepEqual(r.pairs, [
      { open: 3, close: 5, char: ']', depth: 2 },
      { open: 1, close: 9, char: ')', depth: 1 },
    ]);
  });
  it('records string spans with escapes and triple quotes', () => {
    const r = scanPython('s = "a\\"b"\nd = """doc\nstring"""\n');
    assert.deepEqual(
      r.strings.map((s) => [s.quote, s.length]),
      [
        ['"', 4],
        ['"""', 10],
      ],
    );
  });
  it('recovers from an unterminated single-quoted string at the line end', () => {
    const r = scanPython('x = "abc\ny = (1)\n');
    assert.equal(r.inString, null);
    assert.equal(r.pairs.length, 1);
  });
});
