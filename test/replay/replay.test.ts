import { strict as assert } from 'assert';
import { CompletionSession, DEFAULT_COMPLETION_SETTINGS, complete } from '../../src/completion/complete';
import { GenerateOptions, GenerateResult } from '../../src/inference/session';
import { Completer, wordCompleter } from '../../src/replay/completers';
import { replay } from '../../src/replay/replay';
import { typedChars, typingTasks } from '../../src/replay/tasks';

/**
 * A model that knows the document: after any prefix it continues with the document's own next characters,
 * each with probability `prob`, except that `wrongAfter` characters into a suggestion it says "WRONG".
 */
class OracleSession implements CompletionSession {
  private fed = '';
  constructor(
    private readonly doc: string,
    private readonly prob = 1,
    private readonly wrongAfter = Infinity,
  ) {}
  resumePoint(): number {
    return this.fed.length;
  }
  feed(text: string) {
    this.fed = text;
    return { stepped: 0, resumedAt: text.length };
  }
  generate(opts: GenerateOptions): GenerateResult {
    const truth = this.doc.slice(this.fed.length);
    const script = truth.slice(0, this.wrongAfter) + (this.wrongAfter < truth.length ? 'WRONG\n' : '');
    let text = '';
    for (const ch of script) {
      if (text.length >= opts.maxChars) break;
      if (opts.stopBefore?.(text, ch)) return { text, probabilities: [...text].map(() => this.prob), stoppedBy: 'rule', next: ch };
      text += ch;
    }
    return { text, probabilities: [...text].map(() => this.prob), stoppedBy: 'length' };
  }
}

// Line by line unless a test asks for more (the editor's default is multi-line since 2026-12-08).
const settings = { ...DEFAULT_COMPLETION_SETTINGS, temperature: 0, multiline: false };
const oracle = (doc: string, prob?: number, wrongAfter?: number, multiline = false): Completer => {
  const s = new OracleSession(doc, prob, wrongAfter);
  return {
    name: 'oracle',
    async suggest(q) {
      const r = await complete(s, { prefix: q.prefix, lineSuffix: q.lineSuffix, settings: { ...settings, multiline } });
      return r.outcome === 'ok' ? { text: r.text, replaceSuffix: r.replaceSuffix } : undefined;
    },
  };
};

const DOC = 'import os\n\ndef main(argv):\n    root = os.getcwd()\n    return root\n';

describe('completion replay', () => {
  it('a model that always knows the rest of the line costs two keystrokes a line (Tab, Enter)', async () => {
    const tasks = typingTasks([{ relative: 'doc.py', text: DOC }]);
    const [tab] = await replay(tasks, [oracle(DOC)], { editor: 'plain', users: ['tab'] });
    const lines = DOC.split('\n').slice(0, -1);
    const keystrokes = lines.reduce((k, l) => k + (l.trim() ? 2 : 1), 0);
    assert.equal(tab.figures.chars, typedChars(tasks[0]));
    assert.equal(tab.figures.keystrokes, keystrokes);
    assert.equal(tab.figures.savings, Math.round((1 - keystrokes / tab.figures.chars) * 1e4) / 1e4);
    assert.equal(tab.figures.acceptedShare, 1);
    assert.equal(tab.figures.firstCharAccuracy, 1);
  });

  it('multi-line: a model that knows the rest of a block takes it in one Tab, up to a blank line or a dedent', async () => {
    const tasks = typingTasks([{ relative: 'doc.py', text: DOC }]);
    const [tab] = await replay(tasks, [oracle(DOC, 1, Infinity, true)], { editor: 'plain', users: ['tab'] });
    // "import os" stops before the blank line (a completion never starts with a line break, nor ends with one): Tab,
    // Enter, Enter. "def main(argv):" with its whole body (the file's end): Tab, Enter.
    assert.equal(tab.figures.keystrokes, 5);
    assert.equal(tab.figures.accepted, 2);
    // In VS Code as shipped the same: the body brings its own indentation, and the last Enter's is what comes next.
    const [vscode] = await replay(tasks, [oracle(DOC, 1, Infinity, true)], { editor: 'vscode', users: ['tab'] });
    assert.equal(vscode.figures.keystrokes, 5);
  });

  it('files keystrokes line by line: two completers on the same tasks have the same lines, and the lines add up', async () => {
    const tasks = typingTasks([{ relative: 'doc.py', text: DOC }]);
    const [o, w] = await replay(tasks, [oracle(DOC), wordCompleter()], { users: ['tab'], lines: true });
    for (const row of [o, w]) {
      assert.equal(
        row.lines!.reduce((k, l) => k + l.keystrokes, 0),
        row.figures.keystrokes,
      );
      assert.equal(
        row.lines!.reduce((c, l) => c + l.chars, 0),
        row.figures.chars,
      );
    }
    assert.deepEqual(
      o.lines!.map((l) => l.chars),
      w.lines!.map((l) => l.chars),
    );
    // The oracle's Tab and Enter, line by line (the blank line: Enter alone), in the plain editor.
    const [plain] = await replay(tasks, [oracle(DOC)], { editor: 'plain', users: ['tab'], lines: true });
    assert.deepEqual(
      plain.lines!.map((l) => l.keystrokes),
      DOC.split('\n').map((l, i, all) => (i === all.length - 1 ? 0 : l.trim() ? 2 : 1)),
    );
    const [none] = await replay(tasks, [oracle(DOC)], { users: ['tab'] });
    assert.equal(none.lines, undefined, 'only when asked');
  });

  it("in VS Code as shipped: typing costs the keys VS Code's auto-indent and auto-closing leave to fix", async () => {
    // Nothing shown: every character is typed. The line after `    y = [1]` is auto-indented one level too deep
    // (one Backspace); `f(` left its `)` after the cursor at Enter (one key to clear it).
    for (const [doc, extra] of [
      ['x = f(a)\nif x:\n    y = [1]\nz = 2\n', 1],
      ['x = f(\n    a)\n', 1],
      ['def g():\n    return 1\n', 0],
    ] as const) {
      const tasks = typingTasks([{ relative: 'doc.py', text: doc }]);
      const [plain] = await replay(tasks, [oracle(doc, 0.3)], { editor: 'plain', users: ['tab'] });
      const [vscode] = await replay(tasks, [oracle(doc, 0.3)], { editor: 'vscode', users: ['tab'] });
      assert.equal(plain.figures.keystrokes, typedChars(tasks[0]), doc);
      assert.equal(vscode.figures.keystrokes, typedChars(tasks[0]) + extra, doc);
    }
  });

  it('a model that is never sure enough shows nothing and saves nothing', async () => {
    const tasks = typingTasks([{ relative: 'doc.py', text: DOC }]);
    const [tab] = await replay(tasks, [oracle(DOC, 0.3)], { editor: 'plain', users: ['tab'] });
    assert.equal(tab.figures.shownRate, 0);
    assert.equal(tab.figures.savings, 0);
  });

  it('a suggestion right for 11 characters only: known keystrokes for the Tab and the word user', async () => {
    const doc = 'alpha_value = beta_value + gamma\n';
    const tasks = typingTasks([{ relative: 'doc.py', text: doc }]);
    const [tab, word] = await replay(tasks, [oracle(doc, 1, 11)], { editor: 'plain', users: ['tab', 'word'] });
    // Tab: wrong until only "ue + gamma" (10 characters) is left: 22 typed, 1 Tab, 1 Enter.
    assert.equal(tab.figures.keystrokes, 24);
    assert.equal(tab.figures.accepted, 1);
    // Word (VS Code's Accept Next Word pieces): "a" typed ("alpha_valueWRONG" is one wrong word), "lpha_value" taken,
    // " " and "= " taken (" beta_valWRONG"), "beta_value" and " " taken ("beta_value +WRONG"), "+ gamma" right as a
    // whole (Tab), Enter: 8 keystrokes.
    assert.equal(word.figures.keystrokes, 8);
    assert.equal(word.figures.accepted, 4);
    assert.equal(word.figures.chars, doc.length);
  });

  it('word completion on a hand-made document saves exactly the rest of each repeated word', async () => {
    const doc = 'counter = 0\ncounter = counter + 1\n';
    const tasks = typingTasks([{ relative: 'doc.py', text: doc }]);
    const [tab] = await replay(tasks, [wordCompleter()], { editor: 'plain', users: ['tab'] });
    // "counter" is typed in full the first time; at the "c" of each later occurrence the rest, "ounter", is
    // offered and accepted: 2 keystrokes for 7 characters, twice.
    assert.equal(tab.figures.chars, doc.length);
    assert.equal(tab.figures.keystrokes, doc.length - 2 * (7 - 2));
    assert.equal(tab.figures.accepted, 2);
  });
});
