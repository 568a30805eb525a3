import { strict as assert } from 'assert';
import { EditorSide } from '../../src/replay/editor-side';
import type { ReplayTask } from '../../src/replay/tasks';

/** Types intended[from..to) into `side` one character at a time; returns the extra keys VS Code made the user press. */
function typeRange(side: EditorSide, task: ReplayTask, from: number, to: number): number {
  let keys = 0;
  for (let at = from; at < to; at++) keys += side.typed(at, task.before + task.intended.slice(0, at));
  return keys;
}

describe("VS Code's side of a replay task", () => {
  const task: ReplayTask = { file: 'a.py', before: 'values = [1]\n', intended: 'y = values\nz = 1\n', after: '' };
  const enter = task.intended.indexOf('\n');

  it('the suggest widget opened by typing a name costs an Escape before Enter', () => {
    const side = new EditorSide(task);
    assert.equal(typeRange(side, task, 0, enter), 0);
    assert.equal(side.widgetItem(task.before + task.intended.slice(0, enter)), 'values');
    assert.equal(side.typed(enter, task.before + task.intended.slice(0, enter)), 1);
  });

  it('a suggestion taken with Tab leaves the widget shut (it opens only as keys are typed)', () => {
    const side = new EditorSide(task);
    typeRange(side, task, 0, 5);
    side.accepted(0, task.intended.slice(5, enter));
    assert.equal(side.widgetItem(task.before + task.intended.slice(0, enter)), undefined);
    assert.equal(side.typed(enter, task.before + task.intended.slice(0, enter)), 0);
    // Typing opens it again.
    const again: ReplayTask = { ...task, intended: 'y = values\nz = values\n' };
    const s2 = new EditorSide(again);
    typeRange(s2, again, 0, 5);
    s2.accepted(0, again.intended.slice(5, enter));
    const end = again.intended.length - 1;
    typeRange(s2, again, enter, end);
    assert.equal(s2.typed(end, again.before + again.intended.slice(0, end)), 1);
  });

  it('after a suggestion that spans lines, the cursor line is its last, indented as the suggestion indents it', () => {
    // The suggestion ends on a blank line indented 8: Enter there keeps 8, which the next line wants (no key).
    const t: ReplayTask = { file: 'b.py', before: 'def f(a):\n', intended: '    if a:\n        \n        b = 1\n', after: '' };
    const side = new EditorSide(t);
    side.accepted(0, 'if a:\n        ');
    const at = t.intended.indexOf('\n', 10);
    assert.equal(side.typed(at, t.before + t.intended.slice(0, at)), 0);
  });
});
