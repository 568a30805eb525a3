/** The stop rules, each on its own as a table (the golden fixtures in complete.test.ts test them together). */
import { strict as assert } from 'assert';
import {
  MAX_INLINE_WHITESPACE,
  MAX_LEADING_WHITESPACE,
  makeStopRule,
  stopAtBlankLine,
  stopAtDedent,
  stopAtLineEnd,
  stopAtUnbalancedCloser,
  stopAtWhitespaceRun,
} from '../../src/completion/stop-rules';

type Row = [generated: string, next: string, stops: boolean, why: string];
function table(rule: (generated: string, next: string) => boolean, rows: Row[]) {
  for (const [generated, next, stops, why] of rows)
    assert.equal(rule(generated, next), stops, `${why}: ${JSON.stringify(generated)} + ${JSON.stringify(next)}`);
}

describe('stop rules, one at a time', () => {
  it('stopAtDedent: a new line with less indentation than the starting line ends the block', () => {
    table(stopAtDedent({ startIndent: '    ', openBrackets: [] }), [
      ['x = 1\n', 'y', true, 'text at column 0 under a 4-space line'],
      ['x = 1\n  ', 'y', true, 'two spaces is still a dedent'],
      ['x = 1\n    ', 'y', false, 'same indentation continues the block'],
      ['x = 1\n        ', 'y', false, 'deeper is inside the block'],
      ['x = 1\n', ' ', false, 'indentation still arriving'],
      ['x = 1\n', '\n', false, 'a blank line is not a dedent'],
      ['x = 1', 'y', false, 'no new line yet'],
    ]);
  });

  it('stopAtUnbalancedCloser: never a closer that closes nothing or the wrong opener', () => {
    table(stopAtUnbalancedCloser({ startIndent: '', openBrackets: ['('] }), [
      ['x', ')', false, 'closes the ( before the cursor'],
      ['x', ']', true, 'wrong type for the ( before the cursor'],
      ['x)', ')', true, 'the ( is already closed'],
      ['[1', ']', false, 'closes its own ['],
      ['[1]', ')', false, 'then the outer ('],
      ['', 'a', false, 'not a closer'],
    ]);
    table(stopAtUnbalancedCloser({ startIndent: '', openBrackets: [] }), [['foo', ')', true, 'nothing open']]);
  });

  it("stopAtUnbalancedCloser: brackets in strings and comments do not count; inside a string a closer never stops (an f-string's {)", () => {
    table(stopAtUnbalancedCloser({ startIndent: '', openBrackets: [], inString: "'" }), [
      ['name', '}', false, "closes the f-string's { before the cursor"],
      ["x'", ')', true, 'the string is closed: nothing open'],
      ['a\\', ')', false, 'an escape is still string text'],
    ]);
    table(stopAtUnbalancedCloser({ startIndent: '', openBrackets: ['('] }), [
      ['"(" + x', ')', false, 'the ( inside the string opened nothing'],
      ['"a', ')', false, 'text inside a string the completion opened'],
      ["'''a", ']', false, 'inside a triple-quoted string'],
      ['x  # (', ')', false, 'in a comment'],
      ['x)  # c\n', ')', true, 'the comment ended with its line'],
    ]);
  });

  it('stopAtLineEnd and stopAtBlankLine', () => {
    table(stopAtLineEnd, [
      ['x = 1', '\n', true, 'single-line mode ends at the line end'],
      ['x = 1', ' ', false, 'anything else goes on'],
    ]);
    table(stopAtBlankLine, [
      ['x = 1\n', '\n', true, 'a second newline makes a blank line'],
      ['', '\n', true, 'a completion starting with a blank line'],
      ['x = 1', '\n', false, 'one newline'],
    ]);
  });

  it('makeStopRule: the length cap, and the mode picks line end or blank line / dedent', () => {
    const ctx = { startIndent: '    ', openBrackets: [] };
    const single = makeStopRule(ctx, { multiline: false, maxChars: 5 });
    const multi = makeStopRule(ctx, { multiline: true, maxChars: 100 });
    table(single, [
      ['abcde', 'f', true, 'at maxChars'],
      ['ab', '\n', true, 'line end in single-line mode'],
      ['ab', ')', true, 'unbalanced closer in either mode'],
    ]);
    table(multi, [
      ['ab', '\n', false, 'a newline is fine in multi-line mode'],
      ['ab\n', '\n', true, 'a blank line ends it'],
      ['ab\n', 'c', true, 'a dedent ends it'],
      ['ab\n    ', 'c', false, 'same block'],
    ]);
  });
});

describe('stopAtWhitespaceRun', () => {
  const inline = (n: number) => 'x = 1' + ' '.repeat(n);
  it('lets a run inside a line grow to the limit, then stops before the next blank', () => {
    assert.equal(stopAtWhitespaceRun(inline(MAX_INLINE_WHITESPACE - 1), ' '), false);
    assert.equal(stopAtWhitespaceRun(inline(MAX_INLINE_WHITESPACE), ' '), true);
    assert.equal(stopAtWhitespaceRun(inline(MAX_INLINE_WHITESPACE), '\t'), true);
  });
  it('never stops text after the run, only more blanks', () => {
    assert.equal(stopAtWhitespaceRun(inline(MAX_INLINE_WHITESPACE + 5), '#'), false);
    assert.equal(stopAtWhitespaceRun(inline(MAX_INLINE_WHITESPACE + 5), '\n'), false);
  });
  it('counts tabs and spaces together', () => {
    assert.equal(stopAtWhitespaceRun('y' + '\t '.repeat(MAX_INLINE_WHITESPACE / 2), ' '), true);
  });
  it('allows deep indentation at a line start up to its own, larger limit', () => {
    const lead = (n: number) => 'foo(a,\n' + ' '.repeat(n);
    assert.equal(stopAtWhitespaceRun(lead(40), ' '), false);
    assert.equal(stopAtWhitespaceRun(lead(MAX_LEADING_WHITESPACE - 1), ' '), false);
    assert.equal(stopAtWhitespaceRun(lead(MAX_LEADING_WHITESPACE), ' '), true);
    assert.equal(stopAtWhitespaceRun(' '.repeat(MAX_LEADING_WHITESPACE), ' '), true);
  });
});
