import { strict as assert } from 'assert';
import { nearNames } from '../../src/lens/near-names';

/** The names flagged in `code`, as "name~near@line". */
const flagged = (code: string) => nearNames(code).map((n) => `${n.name}~${n.near}@${n.line}`);

describe('name slips (a name used once, one edit from a name used elsewhere)', () => {
  it('flags a transposition, a dropped, an added and a changed letter, with the name it looks like', () => {
    const uses = 'construct_scalar(a)\nconstruct_scalar(b)\n';
    assert.deepEqual(flagged(uses + 'x = cosntruct_scalar(c)\n'), ['cosntruct_scalar~construct_scalar@2']);
    assert.deepEqual(flagged(uses + 'x = constrct_scalar(c)\n'), ['constrct_scalar~construct_scalar@2']);
    assert.deepEqual(flagged(uses + 'x = construct_scalars(c)\n'.replace('scalars', 'sclalar')), ['construct_sclalar~construct_scalar@2']);
    assert.deepEqual(flagged(uses + 'x = construct_scalar(c) + construct_scalor(d)\n'), ['construct_scalor~construct_scalar@2']);
  });

  it('flags a misspelt keyword or builtin even where the right one is not used', () => {
    assert.deepEqual(flagged('def f(x):\n    retrun x\n'), ['retrun~return@1']);
    assert.deepEqual(flagged('prnit(1)\n'), ['prnit~print@0']);
  });

  it('leaves alone the edits people make on purpose', () => {
    const pairs = [
      'for path in paths:\n    use(path)\n', // a trailing s
      'arg1 = 1\narg1 += 1\narg2 = 2\n', // digits
      'get_x()\nget_x()\nget_y()\n', // a one-letter part
      'lstrip()\nlstrip()\nrstrip()\n', // another first letter
      'Node = make()\nNode()\nnode = 1\n', // case
      'key_file = 1\nkey_file += 1\nkeyfile = 2\n', // an underscore
      'def __getitem__(self):\n    pass\ndef __getitem__(self):\n    pass\ndef __setitem__(self):\n    pass\n', // dunders
      'isfile = 1\nisfile += 1\nos.path.isfle(p)\n', // another object's attribute
      'value = 1\nvalue += 1\nx = "valeu"  # valeu\n', // strings and comments
      'value = 1\nvalue += 1\nvaleu = 2\nvaleu += 1\n', // used twice: a name of its own
      'x = iter(y)\nitem = 1\n', // a builtin the file does not use twice counts only for a swap
      'def _ifconfig_getnode():\n    pass\ndef _ipconfig_getnode():\n    pass\nfor f in [_ifconfig_getnode]:\n    f()\n', // a definition
    ];
    for (const code of pairs)
      assert.deepEqual(
        flagged(code).filter((f) => !f.startsWith('item~')),
        [],
        code,
      );
  });

  it("flags a slip after self. (the file's own attribute) and at most one name a line", () => {
    const code = 'self.construct_scalar(a)\nself.construct_scalar(b)\nself.cosntruct_scalar(c) or self.construct_scalr(d)\n';
    assert.deepEqual(flagged(code), ['cosntruct_scalar~construct_scalar@2']);
  });
});
