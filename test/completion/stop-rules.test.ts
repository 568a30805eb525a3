import { strict as assert } from 'assert';
import { MAX_INLINE_WHITESPACE, MAX_LEADING_WHITESPACE, stopAtWhitespaceRun } from '../../src/completion/stop-rules';

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
