import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildCorpus, EmptyCorpusError, globMatcher, cleanText, declaredEncoding, describeSkips, readSourceFile } from '../../src/data/corpus';
import { spawnSync } from 'child_process';
import { tempDir } from '../helpers';

function write(root: string, rel: string, data: string | Buffer): void {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
}

describe('corpus', () => {
  it('keeps Python source and counts every skip by reason', () => {
    const root = tempDir();
    write(root, 'pkg/a.py', 'def a():  \r\n    return 1\t\r\n');
    write(root, 'pkg/b.py', 'x = "café"\n');
    write(root, 'README.md', '# not python\n');
    write(root, 'bin.py', Buffer.from([0x64, 0x65, 0x66, 0x00, 0x01, 0x02]));
    write(root, 'latin1.py', Buffer.from([0x78, 0x3d, 0x22, 0xe9, 0x22, 0x0a]));
    write(root, 'huge.py', 'x = 1\n'.repeat(50_000));
    write(root, '.venv/lib/x.py', 'x = 1\n');
    write(root, 'myenv/pyvenv.cfg', 'home = /usr\n');
    write(root, 'myenv/lib/y.py', 'y = 1\n');
    write(root, 'node_modules/z.py', 'z = 1\n');
    write(root, '.git/hooks/h.py', 'h = 1\n');
    write(root, 'pkg/__pycache__/a.py', 'c = 1\n');
    write(root, 'gen/out_pb2.py', 'g = 1\n');
    write(root, 'empty.py', '   \n');
    const c = buildCorpus([root], { maxFileBytes: 100_000, exclude: ['**/*_pb2.py'] });
    assert.deepEqual(c.files.map((f) => f.relative).sort(), ['pkg/a.py', 'pkg/b.py']);
    assert.equal(c.files.find((f) => f.relative === 'pkg/a.py')!.text, 'def a():\n    return 1\n');
    assert.deepEqual(c.report.skipped, { binary: 1, 'not-utf8': 1, 'too-large': 1, virtualenv: 2, 'skipped-dir': 3, excluded: 1, empty: 1 });
    assert.equal(c.report.unknownChars, 1); // the é
    assert.ok(Math.abs(c.report.unknownRate - 1 / c.report.chars) < 1e-12);
  });

  it('caps the total size and can leave out test folders', () => {
    const root = tempDir();
    for (let i = 0; i < 10; i++) write(root, `m${i}.py`, `x${i} = ${'1'.repeat(95)}\n`);
    write(root, 'tests/test_x.py', 'assert True\n');
    const capped = buildCorpus([root], { maxTotalChars: 350, includeTests: false });
    assert.equal(capped.files.length, 3);
    assert.equal(capped.report.skipped['total-cap'], 7);
    assert.equal(capped.report.skipped['skipped-dir'], 1);
  });

  it('explains an empty corpus instead of crashing', () => {
    const root = tempDir();
    write(root, 'notes.txt', 'hello');
    write(root, 'bin.py', Buffer.from([0, 1, 2]));
    assert.throws(
      () => buildCorpus([root]),
      (e: Error) => e instanceof EmptyCorpusError && /no Python files/.test(e.message) && /1 binary/.test(e.message),
    );
    assert.throws(() => buildCorpus([path.join(root, 'missing')]), /does not exist/);
  });

  it('matches globs and cleans text like the seed', () => {
    assert.ok(globMatcher('**/gen/*.py')('a/b/gen/x.py'));
    assert.ok(globMatcher('**/gen/*.py')('gen/x.py'));
    assert.ok(!globMatcher('gen/*.py')('gen/sub/x.py'));
    assert.ok(globMatcher('build/**')('build/a/b.py'));
    assert.ok(!globMatcher('a?c')('a/c'));
    assert.ok(globMatcher('x.[py]')('x.[py]'), 'brackets are literal characters');
    assert.equal(cleanText('a \t\r\nb  \rc'), 'a\nb\nc');
  });

  it('globs agree with the regular expression they replaced, and match in linear time (issue 43.8)', () => {
    // The reference: the translation to a regular expression used before (right, but exponential on some globs).
    const reference = (glob: string) => {
      let re = '';
      for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*') {
          if (glob[i + 1] === '*') {
            re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
            i += glob[i + 2] === '/' ? 2 : 1;
          } else re += '[^/]*';
        } else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return new RegExp(`^${re}$`);
    };
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = (parts: string[], len: number) => Array.from({ length: len }, () => parts[rand(parts.length)]).join('');
    for (let t = 0; t < 3000; t++) {
      const glob = pick(['a', 'b', '/', '*', '**', '**/', '?', '.'], 1 + rand(6));
      const text = pick(['a', 'b', '/', '.'], rand(8));
      assert.equal(globMatcher(glob)(text), reference(glob).test(text), `${glob} against ${text}`);
    }
    const t0 = Date.now();
    const deep = Array.from({ length: 26 }, (_, i) => `d${i}`).join('/') + '/y';
    assert.equal(globMatcher('**/'.repeat(14) + 'x')(deep), false);
    assert.equal(globMatcher('*a'.repeat(12) + '*b')('a'.repeat(60)), false);
    assert.equal(globMatcher('*a'.repeat(12) + '*b')('a'.repeat(60) + 'b'), true);
    assert.ok(Date.now() - t0 < 200, `pathological globs took ${Date.now() - t0} ms`);
  });

  it('a .py that is a device or a pipe is skipped as unreadable, not read (issue 43.5)', function () {
    const root = tempDir();
    write(root, 'ok.py', 'x = 1\n');
    fs.symlinkSync('/dev/zero', path.join(root, 'zero.py'));
    assert.deepEqual(readSourceFile(path.join(root, 'zero.py'), 1 << 20), { skip: 'unreadable' });
    if (spawnSync('mkfifo', [path.join(root, 'pipe.py')]).status === 0)
      assert.deepEqual(readSourceFile(path.join(root, 'pipe.py'), 1 << 20), { skip: 'unreadable' });
    write(root, 'big.py', 'x = 1\n'.repeat(1000));
    assert.deepEqual(readSourceFile(path.join(root, 'big.py'), 100), { skip: 'too-large' });
    assert.deepEqual(readSourceFile(path.join(root, 'ok.py'), 100), { text: 'x = 1\n' });
  });
});

describe('source encodings (PEP 263) and the size cap', () => {
  it('decodes a file in the encoding its coding line declares; undeclared non-UTF-8 is skipped', () => {
    const root = tempDir();
    fs.writeFileSync(
      path.join(root, 'latin.py'),
      Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nname = "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]),
    );
    fs.writeFileSync(
      path.join(root, 'cp.py'),
      Buffer.concat([Buffer.from('#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nq = '), Buffer.from([0x93, 0x78, 0x94]), Buffer.from('\n')]),
    );
    fs.writeFileSync(path.join(root, 'bom.py'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# coding: utf-8-sig\nx = 1\n')]));
    fs.writeFileSync(path.join(root, 'undeclared.py'), Buffer.concat([Buffer.from('s = "'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    fs.writeFileSync(path.join(root, 'unknown.py'), Buffer.concat([Buffer.from('# coding: no-such-codec\ns = "'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    const c = buildCorpus([root]);
    const text = (n: string) => c.files.find((f) => f.relative === n)?.text;
    assert.match(text('latin.py')!, /name = "café"/);
    assert.match(text('cp.py')!, /q = \u201cx\u201d/);
    assert.equal(text('bom.py'), '# coding: utf-8-sig\nx = 1\n');
    assert.equal(text('undeclared.py'), undefined);
    assert.equal(c.report.skipped['not-utf8'], 2);
    assert.equal(declaredEncoding(Buffer.from('x = 1\n\n# coding: latin-1\n')), undefined, 'only the first two lines count');
  });

  it('names the size cap, and how to raise it, when files are over it', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'big.py'), 'x = 1\n'.repeat(400));
    fs.writeFileSync(path.join(root, 'small.py'), 'y = 2\n');
    const c = buildCorpus([root], { maxFileBytes: 1000 });
    assert.equal(c.report.skipped['too-large'], 1);
    assert.match(describeSkips(c.report), /1 too-large \(over 1 KB; raise the cap with --max-file-mb or lstmComplete\.training\.maxFileMB\)/);
  });
});
