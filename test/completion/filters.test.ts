/** The post-processing filters, one table each (src/completion/filters/), and the pass that runs them in order. */
import { strict as assert } from 'assert';
import { FilterContext, Rejection, Suggestion, isRejection } from '../../src/completion/filters/filter';
import { applyFilters, SUGGESTION_FILTERS } from '../../src/completion/filters';
import { trimTrailingWhitespace } from '../../src/completion/filters/trailing-whitespace';
import { rejectEmpty } from '../../src/completion/filters/empty';
import { rejectRepeatedSuffix } from '../../src/completion/filters/repeats-suffix';
import { rejectUnsureInString } from '../../src/completion/filters/string-confidence';
import { suffixOverlap } from '../../src/completion/filters/suffix-overlap';
import { midWord } from '../../src/completion/filters/mid-word';

const ctx = (over: Partial<FilterContext> = {}): FilterContext => ({ lineSuffix: '', inString: false, minConfidence: 0.4, ...over });
const s = (text: string, p = 0.9): Suggestion => ({ text, probabilities: Array.from(text, () => p) });
/** What a filter made of a suggestion: its text, or "rejected: OUTCOME". */
const said = (r: Suggestion | Rejection) => (isRejection(r) ? `rejected: ${r.outcome}` : r.text);

describe('completion filters, one at a time', () => {
  it('trimTrailingWhitespace: cuts trailing blanks and their probabilities, keeps leading ones', () => {
    const rows: [string, string][] = [
      ['x = 1  \n\t', 'x = 1'],
      ['  x', '  x'],
      ['x', 'x'],
      [' \n', ''],
    ];
    for (const [text, want] of rows) {
      const out = trimTrailingWhitespace(s(text));
      assert.equal(out.text, want, JSON.stringify(text));
      assert.equal(out.probabilities.length, want.length);
    }
  });

  it('rejectEmpty: blanks only show nothing', () => {
    const rows: [string, string][] = [
      ['', 'rejected: empty'],
      ['   ', 'rejected: empty'],
      ['x', 'x'],
      [' )', ' )'],
    ];
    for (const [text, want] of rows) assert.equal(said(rejectEmpty(s(text))), want, JSON.stringify(text));
  });

  it('rejectRepeatedSuffix: nothing the rest of the line already holds', () => {
    const rows: [string, string, string][] = [
      ['foo', '  foo(bar)', 'rejected: repeats-suffix'],
      ['foo', 'bar', 'foo'],
      ['(x)', '(x)', 'rejected: repeats-suffix'],
      ['(x)', '', '(x)'],
    ];
    for (const [text, suffix, want] of rows) assert.equal(said(rejectRepeatedSuffix(s(text), ctx({ lineSuffix: suffix }))), want, `${text} | ${suffix}`);
  });

  it('rejectUnsureInString: inside a string, a mean probability under minConfidence shows nothing', () => {
    const rows: [boolean, number, string][] = [
      [true, 0.3, 'rejected: low-confidence'],
      [true, 0.5, 'hello'],
      [false, 0.1, 'hello'],
    ];
    for (const [inString, p, want] of rows) assert.equal(said(rejectUnsureInString(s('hello', p), ctx({ inString }))), want, `${inString} ${p}`);
    const r = rejectUnsureInString(s('ab', 0.2), ctx({ inString: true }));
    assert.ok(isRejection(r) && Math.abs(r.meanProbability! - 0.2) < 1e-12, 'the rejection says the mean');
  });

  it('suffixOverlap: replaces auto-inserted closers the completion also ends with', () => {
    const rows: [string, string, number][] = [
      ['print(x)', ')', 1],
      ["d['key']", "']", 2],
      ['f(a):', '):', 2],
      ['print(x', ')', 0],
      ['x', '', 0],
      ['call()', ')\n', 1],
    ];
    for (const [completion, suffix, n] of rows) assert.equal(suffixOverlap(completion, suffix), n, `${completion} | ${suffix}`);
  });

  it('suffixOverlap: replaces the auto-closers a completion closes, wherever it closes them (VS Code defaults)', () => {
    // [text before the cursor, completion, rest of the line, characters replaced, the line accepting it leaves]
    const rows: [string, string, string, number, string][] = [
      ['def compose_file(', 'stream, Loader=Loader):', ')', 1, 'def compose_file(stream, Loader=Loader):'],
      ['def compose_file(', 'stream, Loader', ')', 0, 'def compose_file(stream, Loader)'],
      ['x = foo(', 'a) + bar(b)', ')', 1, 'x = foo(a) + bar(b)'],
      ['x = foo(', 'bar(1), 2', ')', 0, 'x = foo(bar(1), 2)'],
      ["with open(path, '", "rb') as f:", "')", 2, "with open(path, 'rb') as f:"],
      ["with open(path, '", 'rb', "')", 0, "with open(path, 'rb')"],
      ["x = f'{", "name}: {value}'", "}'", 2, "x = f'{name}: {value}'"],
      ["x = f'{", 'name', "}'", 0, "x = f'{name}'"],
      ['    """', 'Return the value."""', '"""', 3, '    """Return the value."""'],
      ['x = [', 'a for a in b]  # the list', ']', 1, 'x = [a for a in b]  # the list'],
      ['print(', '"a)b")', ')', 1, 'print("a)b")'],
      ['print(', '"a)b', ')', 0, 'print("a)b)'],
      ['d = {', "'a': 1}", '}', 1, "d = {'a': 1}"],
      ['foo(', 'x)', ')  # note', 1, 'foo(x)  # note'],
      ['foo(', 'x', ', y)', 0, 'foo(x, y)'],
      ['total = add(', '1, 2)', ', 2)', 4, 'total = add(1, 2)'],
      ['raise E(f" ({cmd_', 'name!r}', '})', 1, 'raise E(f" ({cmd_name!r})'],
    ];
    for (const [before, completion, suffix, n, line] of rows) {
      const got = suffixOverlap(completion, suffix, before);
      assert.equal(got, n, `${before}|${suffix} + ${completion}`);
      assert.equal(before + completion + suffix.slice(got), line);
    }
  });

  it('midWord: only when a name continues after the cursor', () => {
    const rows: [string, string, boolean][] = [
      ['    pri', 'nt(x)', true],
      ['    pri', '(x)', false],
      ['    x = ', 'y', false],
      ['', 'x', false],
      ['x_1', '_y', true],
    ];
    for (const [before, after, want] of rows) assert.equal(midWord(before, after), want, `${before}|${after}`);
  });

  it('applyFilters: in order, the first rejection wins; trimming comes before the other checks', () => {
    assert.deepEqual(SUGGESTION_FILTERS.length, 4);
    assert.equal(said(applyFilters(s('foo  \n'), ctx({ lineSuffix: 'foo()' }))), 'rejected: repeats-suffix', 'trimmed, then found in the suffix');
    assert.equal(said(applyFilters(s(' \n'), ctx({ lineSuffix: 'x' }))), 'rejected: empty', 'empty before repeats-suffix');
    assert.equal(said(applyFilters(s('value)  ', 0.9), ctx({ inString: true }))), 'value)');
  });
});
