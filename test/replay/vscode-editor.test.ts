import { strict as assert } from 'assert';
import {
  AutoClosedLine,
  autoIndentAfter,
  closersConsumedBy,
  DocumentWords,
  indentKeys,
  indentUnit,
  LexState,
  suggestWidgetItem,
} from '../../src/replay/vscode-editor';

/** The suggest widget's item at the end of `text`, the document's words taken from the text before the last name. */
function widget(text: string, lex?: LexState): string | undefined {
  const words = new DocumentWords();
  words.addThrough(text);
  return suggestWidgetItem(text, words, lex);
}

const CODE = { inString: null, inComment: false };

/** Types `keys` into an empty line of VS Code's model; returns the closers left after the cursor. */
function typeLine(keys: string): string {
  const line = new AutoClosedLine();
  let before = '';
  let quote: string | null = null;
  for (const ch of keys) {
    line.type(ch, before, { inString: quote, inComment: false });
    if (ch === '"' || ch === "'") quote = quote === ch ? null : (quote ?? ch);
    before += ch;
  }
  return line.pending;
}

describe('VS Code as shipped, as the replay models it', () => {
  it('auto-closes brackets and quotes where VS Code does, and overtypes its own closers', () => {
    const rows: [string, string][] = [
      ['def f(', ')'],
      ['def f(a, b)', ''],
      ['x = [d[', ']]'],
      ["d['", "']"],
      ["d['k'", ']'],
      ["f'{", "}'"],
      ["name'", ''], // after a name character a quote opens nothing
      ['"""', '"'], // the third quote opens a new pair after the empty string
    ];
    for (const [keys, pending] of rows) assert.equal(typeLine(keys), pending, keys);
    // Before a character that is not a blank or a closer, nothing is auto-closed.
    const line = new AutoClosedLine();
    line.pending = 'x';
    line.type('(', 'f', CODE);
    assert.equal(line.pending, 'x');
    // In a string, a quote is text; in a comment, ' is too.
    const inString = new AutoClosedLine();
    inString.type('"', "'", { inString: "'", inComment: false });
    assert.equal(inString.pending, '');
  });

  it('Enter costs a key to clear closers left on the line; accepting a suggestion removes the ones it replaced', () => {
    const line = new AutoClosedLine();
    line.pending = '))';
    line.accept(1);
    assert.equal(line.pending, ')');
    assert.equal(line.enter(), 1);
    assert.equal(line.pending, '');
    assert.equal(line.enter(), 0);
  });

  it('closersConsumedBy: the closers left are the ones the rest of the line overtypes', () => {
    assert.equal(closersConsumedBy(')', 'x):', 'def f(', CODE), true);
    assert.equal(closersConsumedBy(')', ':', 'def f(a)', CODE), false);
    assert.equal(closersConsumedBy("')", "rb') as f:", "open(p, '", CODE), true);
    assert.equal(closersConsumedBy('', 'anything', '', CODE), true);
  });

  it('auto-indent: the line above, one level more after a block line or an opener; fixing it costs a key a level', () => {
    assert.equal(indentUnit('def f():\n  x = 1\n  if x:\n    y\n'), 2);
    assert.equal(indentUnit('def f():\n    return 1\n'), 4);
    assert.equal(autoIndentAfter('    if x:', 4, 4), 8);
    assert.equal(autoIndentAfter('    x = f(', 4, 4), 8);
    assert.equal(autoIndentAfter('    return x', 4, 4), 4);
    assert.equal(autoIndentAfter('', 8, 4), 8); // a blank line keeps what it was given
    assert.equal(indentKeys(8, 4, 4), 1);
    assert.equal(indentKeys(8, 0, 4), 2);
    assert.equal(indentKeys(4, 8, 4), 1);
    assert.equal(indentKeys(4, 4, 4), 0);
    assert.equal(indentKeys(4, 13, 4), 3); // two tab stops, then a space
  });

  it('the suggest widget: open after a name words of the document start with, selecting the first by case then label', () => {
    assert.equal(widget('result = 1\nreturn res'), 'result');
    assert.equal(widget('x = 1\nreturn res'), undefined);
    assert.equal(widget('result = 1\nreturn result'), 'result'); // the same word elsewhere is an item
    assert.equal(widget('result = 1\nreturn result)'), undefined);
    assert.equal(widget('r1 = 1\nx = 1'), undefined);
    assert.equal(widget("result = 1\nx = 'res", { inString: "'", inComment: false }), undefined);
    // What VS Code 1.139 showed for `dep` with both words in the file: dependencies first, then dependency.
    assert.equal(widget('dependency = 1\ndependencies = 2\nx = dep'), 'dependencies');
    assert.equal(widget('Dependency = 1\ndependency = 2\nx = Dep'), 'Dependency');
    assert.equal(widget('Flag = 1\nf = 2\nx = F'), 'f'); // any case, shortest first
  });
});
