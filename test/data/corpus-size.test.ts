import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { corpusSize } from '../../src/data/corpus-size';
import { buildCorpus } from '../../src/data/corpus';
import { tempDir } from '../helpers';

function write(root: string, rel: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

describe('corpusSize', () => {
  const root = tempDir();
  write(root, 'pkg/a.py', 'x = 1\n'.repeat(100));
  write(root, 'pkg/b.py', 'def f():\n    return 2\n'.repeat(50));
  write(root, 'tests/test_a.py', 'assert True\n'.repeat(20));
  write(root, 'node_modules/m/c.py', 'y = 2\n'.repeat(1000));
  write(root, 'env2/pyvenv.cfg', 'home = /usr\n');
  write(root, 'env2/lib/d.py', 'z = 3\n'.repeat(1000));
  write(root, 'gen/e.py', 'w = 4\n'.repeat(1000));
  write(root, 'big.py', 'v = 5\n'.repeat(400));
  write(root, 'README.md', 'not python\n'.repeat(100));
  write(root, 'empty.py', '');

  it('counts the files a training corpus reads, by the same rules, without reading them', async () => {
    const opts = { exclude: ['gen/**'], maxFileBytes: 2000, includeTests: false };
    const size = await corpusSize([root], opts);
    const corpus = buildCorpus([root], opts);
    // ASCII text: bytes are characters.
    assert.deepEqual(size, { bytes: corpus.report.chars, files: corpus.report.files, atLeast: false });
    assert.equal(size.files, 2);
  });

  it('stops counting once the total reaches `enough`', async () => {
    const size = await corpusSize([root], { enough: 100 });
    assert.equal(size.atLeast, true);
    assert.ok(size.bytes >= 100 && size.files === 1, JSON.stringify(size));
  });

  it('a missing folder counts as empty', async () => {
    assert.deepEqual(await corpusSize([path.join(root, 'nope')]), { bytes: 0, files: 0, atLeast: false });
  });
});
