import { strict as assert } from 'assert';
import { TextIndex } from '../../src/workspace-index/text-index';
import { DocumentCache } from '../../src/completion/document-cache';

describe('workspace text index', () => {
  const files = [
    { key: 'a.py', text: 'from shapes import Polygon\nshape = Polygon.regular(6)\n' },
    { key: 'b.py', text: 'def regular(n):\n    return Polygon.regular(n)\n' },
  ];

  it('finds every occurrence of a 6-character string, and no string across two files', () => {
    const idx = TextIndex.build(files);
    assert.equal(idx.files, 2);
    const ends = idx.occurrences('x = Polygon', 100)!;
    // "lygon" ... the last six characters "olygon" occur three times.
    assert.equal(ends.length, 3);
    for (const e of ends) assert.equal(idx.text.slice(e - 6, e), 'olygon');
    assert.deepEqual(idx.occurrences('n)\n\u0000de', 100), []);
    assert.deepEqual(idx.occurrences('abc', 100), []);
  });

  it('holds one placeholder for characters beyond Latin-1, keeping every position in place', () => {
    const idx = TextIndex.build([{ key: 'u.py', text: 's = "\u2603 snowman"  # \u{1F600}\nprint(s)\n' }]);
    assert.equal(idx.text, 's = "\u001a snowman"  # \u001a\u001a\nprint(s)\n\u0000');
    assert.deepEqual(idx.occurrences('print(', 10), [idx.text.indexOf('print(') + 6]);
  });

  it('gives up on a string more common than the limit', () => {
    const idx = TextIndex.build([{ key: 'c.py', text: 'aaaaaaaaaaaaaaaaaaaa' }]);
    assert.equal(idx.occurrences('aaaaaa', 5), undefined);
    assert.equal(idx.occurrences('aaaaaa', 100)!.length, 15);
  });

  it('leaves out files that do not fit the cap and knows where each file is', () => {
    const idx = TextIndex.build(files, files[0].text.length + 1);
    assert.equal(idx.files, 1);
    assert.deepEqual(idx.fileRange('a.py'), [0, files[0].text.length]);
    assert.equal(idx.fileRange('b.py'), undefined);
  });

  it('lets the cache complete a name that only another file of the workspace uses', () => {
    const idx = TextIndex.build(files);
    const before = 'import shapes\nsquare = Polygon.reg';
    assert.equal(new DocumentCache(before, '').predict(''), undefined);
    const p = new DocumentCache(before, '', undefined, { index: idx })!.predict('')!;
    // The longest match is a.py's "e = Polygon.reg" ("shape = ..."), longer than b.py's " Polygon.reg".
    assert.deepEqual([...p.counts], [['u', 1]]);
    assert.equal(p.order, 'e = Polygon.reg'.length);
    // The file being edited is not its own source.
    const self = new DocumentCache('x = Polygon.reg', '', undefined, { index: TextIndex.build([files[1]]), exclude: 'b.py' }).predict('');
    assert.equal(self, undefined);
  });
});
