/**
 * Each completion rule on its own, as a table (the golden fixtures in complete.test.ts test them together):
 * the stop rules, the post-processing of a completion against the rest of the line, and the context window.
 */
import { strict as assert } from 'assert';
import { makeStopRule, stopAtBlankLine, stopAtDedent, stopAtLineEnd, stopAtUnbalancedCloser } from '../../src/completion/stop-rules';
import { contextStart, MIN_CONTEXT_CHARS } from '../../src/completion/context-window';

type Row = [generated: string, next: string, stops: boolean, why: string];
function table(rule: (generated: string, next: string) => boolean, rows: Row[]) {
  for (const [generated, next, stops, why] of rows)
    assert.equal(rule(generated, next), stops, `${why}: ${JSON.stringify(generated)} + ${JSON.stringify(next)}`);
}

describe('completion rules, one at a time', () => {
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

  it('contextStart: short documents from 0; long ones from a line start that stays put while typing', () => {
    assert.equal(contextStart('x'.repeat(500), 1000), 0);
    const line = 'value = compute(alpha, beta)\n'; // 29 characters
    const doc = line.repeat(200); // 5,800 characters
    const s = contextStart(doc, 2000, 1024);
    assert.ok(
      doc.length - s <= 2000 && doc.length - s > 2000 - 1024 - line.length,
      `between contextChars less a block and contextChars kept: ${doc.length - s}`,
    );
    assert.equal(doc[s - 1], '\n', 'starts at a line start');
    for (const typed of ['v', 'va', 'val', 'valu = 1']) assert.equal(contextStart(doc + typed, 2000, 1024), s, `unchanged after typing ${typed}`);
    assert.ok(contextStart(doc + 'x'.repeat(1100), 2000, 1024) > s, 'moves on by a block once the text grows past it');
  });

  it('contextStart: from the latest top-level definition at least MIN_CONTEXT_CHARS back, fixed by the code, not the offsets', () => {
    const fn = (i: number) => `def handler_${i}(request):\n` + Array.from({ length: 8 }, (_, j) => `    value_${j} = compute(request, ${j})\n`).join('');
    const doc = Array.from({ length: 30 }, (_, i) => fn(i)).join(''); // ~9 KB, a definition every ~300 characters
    const s = contextStart(doc, 4000);
    assert.ok(doc.startsWith('def handler_', s), `starts at a definition: ${JSON.stringify(doc.slice(s, s + 20))}`);
    assert.ok(doc.length - s >= MIN_CONTEXT_CHARS, 'at least MIN_CONTEXT_CHARS back');
    assert.ok(doc.length - s < MIN_CONTEXT_CHARS + fn(0).length + 30, 'the latest such definition');
    for (const typed of ['    v', '    val', '    value = 1\n']) assert.equal(contextStart(doc + typed, 4000), s, `unchanged after typing ${typed}`);
    const grown = doc + fn(30) + fn(31);
    assert.ok(contextStart(grown, 4000) > s, 'moves to a later definition once the cursor is far enough past it');
    // An edit above the context's start moves its offset, not the text the state reads.
    const edited = '# a new first line\n' + doc;
    assert.equal(edited.slice(contextStart(edited, 4000)), doc.slice(s));
    // A definition nearer than MIN_CONTEXT_CHARS is not a start; a short file with none starts at 0.
    assert.equal(contextStart('x = 1\n'.repeat(50) + 'def f():\n    return 1\n', 4000), 0);
    // Inside a class longer than the context, the latest method at least MIN_CONTEXT_CHARS back; a long stretch with
    // no definition at all falls back to the window rule.
    const cls = 'class Big:\n' + Array.from({ length: 300 }, (_, i) => `    def m_${i}(self):\n        return ${i}\n`).join('');
    const c = contextStart(cls, 2000, 1024);
    assert.ok(cls.startsWith('    def m_', c) && cls.length - c >= MIN_CONTEXT_CHARS && cls.length - c < MIN_CONTEXT_CHARS + 40, `a method: ${cls.length - c}`);
    const flat = 'class Big:\n' + Array.from({ length: 300 }, (_, i) => `    m_${i} = compute(${i})\n`).join('');
    const f = contextStart(flat, 2000, 1024);
    assert.ok(flat.length - f <= 2000 && flat.length - f > 2000 - 1024 - 40, `the window rule: ${flat.length - f}`);
  });
});
