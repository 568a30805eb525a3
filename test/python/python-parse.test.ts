import { strict as assert } from 'assert';
import { loadPythonParser, checkPython, indentationErrors, cutAtLogicalLine } from '../../src/python/python-parse';

describe('python parse check (tree-sitter in wasm)', () => {
  it('accepts valid Python and names what is wrong with invalid Python', async () => {
    const p = await loadPythonParser();
    assert.deepEqual(checkPython(p, 'def f(x):\n    return [x, (1, 2)]\n'), { ok: true, errors: [] });
    assert.deepEqual(checkPython(p, 'def f(x:\n    return x\n').errors, ['unclosed-bracket']);
    assert.deepEqual(checkPython(p, 'x = f(1))\n').errors, ['unmatched-closer']);
    assert.deepEqual(checkPython(p, 'x = """abc\n').errors, ['unterminated-string']);
    assert.deepEqual(checkPython(p, 'def f():\nreturn 1\n').errors, ['bad-indentation']);
    assert.deepEqual(checkPython(p, 'x = 1 +* 2\n').errors, ['bad-token']);
  });

  it('checks indentation as Python does', () => {
    assert.equal(indentationErrors('if a:\n    b = 1\n    if c:\n        d()\ne = 2\n'), 0);
    assert.equal(indentationErrors('a = 1\n    b = 2\n'), 1); // unexpected indent
    assert.equal(indentationErrors('if a:\n        b = 1\n    c = 2\n'), 1); // dedent to a level never opened
    assert.equal(indentationErrors('x = f(\n        1,\n)\n'), 0); // inside brackets
  });

  it('cuts a sample at its last complete logical line', () => {
    assert.equal(cutAtLogicalLine('a = 1\nb = f(\n    2,\n'), 'a = 1\n');
    assert.equal(cutAtLogicalLine('a = 1\nb = 2\nc ='), 'a = 1\nb = 2\n');
  });
});
