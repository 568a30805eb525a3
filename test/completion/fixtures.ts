/**
 * Golden fixtures for the completion rules: `doc` marks the cursor with █ (text after it on the same line
 * is the line suffix); `model` is what the scripted model would generate; `expect` is the ghost text
 * (null = no completion) and, optionally, how many characters after the cursor it replaces.
 */
export interface Fixture {
  name: string;
  doc: string;
  model: string;
  multiline?: boolean;
  maxChars?: number;
  /** Probability the scripted model gives each character (default 0.9). */
  prob?: number;
  expect: string | null;
  replaceSuffix?: number;
  outcome?: string;
}

export const FIXTURES: Fixture[] = [
  { name: 'single line stops at the line end', doc: 'import os\nx = os.path.█', model: 'join(a, b)\nprint(x)\n', expect: 'join(a, b)' },
  { name: 'closes a bracket opened before the cursor', doc: 'total = sum(values, █', model: 'start=0)\n', expect: 'start=0)' },
  { name: 'never emits an unbalanced closer', doc: 'x = compute█', model: '(a)) + 1\n', expect: '(a)' },
  { name: 'a closer of the wrong type ends it', doc: 'items = [f(x█', model: ') for x in y]]\n', expect: ') for x in y]' },
  { name: 'replaces an auto-closed bracket instead of duplicating it', doc: 'print(█)', model: '"hello")\n', expect: '"hello")', replaceSuffix: 1 },
  { name: 'drops a completion that only repeats the text after the cursor', doc: 'foo(█bar)', model: 'bar)\n', expect: null, outcome: 'repeats-suffix' },
  { name: 'no completion in the middle of a word', doc: 'pri█nt(x)', model: 'nt(x)\n', expect: null, outcome: 'mid-word' },
  { name: 'at the end of a word it completes', doc: 'def pri█', model: 'nt_all(items):\n', expect: 'nt_all(items):' },
  { name: 'trailing whitespace is trimmed', doc: 'x = 1█', model: '  \n', expect: null, outcome: 'empty' },
  {
    name: 'multi-line stops at a dedent below the starting indent',
    doc: 'def f(x):\n    if x:\n        █',
    model: 'return 1\n    return 2\nprint(3)\n',
    multiline: true,
    expect: 'return 1',
  },
  {
    name: 'multi-line keeps a block at the same indent and stops at a blank line',
    doc: 'def f(x):\n    █',
    model: 'y = x + 1\n    return y\n\ndef g():\n',
    multiline: true,
    expect: 'y = x + 1\n    return y',
  },
  { name: 'multi-line honours maxCompletionChars', doc: 'x = █', model: 'abcdefghijklmnop\n', multiline: true, maxChars: 5, expect: 'abcde' },
  { name: 'unsure inside a string: nothing', doc: 'msg = "Hello, █', model: 'world"\n', prob: 0.1, expect: null, outcome: 'low-confidence' },
  { name: 'sure inside a string: completes', doc: 'msg = "Hello, █', model: 'world"\n', prob: 0.8, expect: 'world"' },
  { name: 'unsure in code is still shown', doc: 'x = █', model: 'foo(1)\n', prob: 0.1, expect: 'foo(1)' },
  { name: 'brackets inside strings before the cursor do not count', doc: 'f("(", █', model: 'x)\n', expect: 'x)' },
  {
    name: 'a runaway run of spaces ends the line instead of carrying on after it',
    doc: 'if value is █',
    model: 'not None, None,' + ' '.repeat(40) + 'None)\n',
    expect: 'not None, None,',
  },
  { name: 'aligned comment spacing is kept', doc: 'x = 1█', model: '        # one\n', expect: '        # one' },
  {
    name: 'multi-line: a runaway indent ends the completion',
    doc: 'def f():\n    █',
    model: 'return 1\n' + ' '.repeat(100) + 'x\n',
    multiline: true,
    maxChars: 200,
    expect: 'return 1',
  },
];

export function splitDoc(doc: string): { prefix: string; lineSuffix: string } {
  const at = doc.indexOf('█');
  const after = doc.slice(at + 1);
  const nl = after.indexOf('\n');
  return { prefix: doc.slice(0, at), lineSuffix: nl < 0 ? after : after.slice(0, nl) };
}
