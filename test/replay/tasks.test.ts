import { strict as assert } from 'assert';
import { editingTasks, skipIndentation, typedChars, typedCharsByLine, typingTasks } from '../../src/replay/tasks';
import { windowChars } from '../../src/replay/keystroke-check';

const file = (relative: string, text: string) => ({ relative, text });
const SRC = 'def f(x):\n    if x:\n        return compute(x, key=1)\n    return None\n\n\nclass Thing(Base):\n    value = make_value(1, 2, 3)\n';

describe('replay tasks', () => {
  it("indentation after a newline is the editor's: skipped and not counted", () => {
    const t = { file: 'a', before: '', intended: 'if x:\n    y = 1\n', after: '' };
    assert.equal(typedChars(t), 'if x:\ny = 1\n'.length);
    assert.equal(skipIndentation(t, 6), 10);
    assert.equal(skipIndentation(t, 3), 3);
  });

  it('typing tasks stop at the character budget, at a line end', () => {
    const all = typingTasks([file('a', SRC), file('b', SRC)]);
    assert.equal(all.length, 2);
    const some = typingTasks([file('a', SRC), file('b', SRC)], { maxChars: typedChars(all[0]) + 20 });
    assert.equal(some.length, 2);
    assert.ok(some[1].intended.endsWith('\n') && SRC.startsWith(some[1].intended));
    assert.ok(typedChars(some[1]) <= 20);
  });

  it('with a per-file limit, each file is typed from a line chosen by the seed, the text above present', () => {
    const big = Array.from({ length: 200 }, (_, i) => `value_${i} = compute(${i})\n`).join('');
    const tasks = typingTasks([file('a', big), file('b', big)], { fileChars: 300, seed: 5 });
    assert.equal(tasks.length, 2);
    for (const t of tasks) {
      assert.equal(t.before + t.intended, big.slice(0, t.before.length + t.intended.length));
      assert.ok(t.before === '' || t.before.endsWith('\n'));
      assert.ok(typedChars(t) <= 300 && typedChars(t) > 250, `${typedChars(t)}`);
    }
    assert.notEqual(tasks[0].before.length, tasks[1].before.length);
    assert.deepEqual(typingTasks([file('a', big), file('b', big)], { fileChars: 300, seed: 5 }), tasks);
  });

  it("a held-out part of a file is typed below the file's head, which is never typed; lines are counted one by one", () => {
    const cut = SRC.indexOf('class');
    const [t] = typingTasks([{ relative: 'a.py#chars=45-200', text: SRC.slice(cut), before: SRC.slice(0, cut) }]);
    assert.equal(t.before, SRC.slice(0, cut));
    assert.equal(t.intended, SRC.slice(cut));
    assert.deepEqual(typedCharsByLine(t), ['class Thing(Base):\n'.length, 'value = make_value(1, 2, 3)\n'.length, 0]);
    assert.equal(
      typedCharsByLine(t).reduce((a, b) => a + b, 0),
      typedChars(t),
    );
  });

  it("the keystroke check's window spends its budget: short files whole, the rest shared by the long ones", () => {
    const f = (n: number) => file(`${n}.py`, 'x'.repeat(n));
    // 11 files, 10 short ones: an even share (20,000 / 11) would leave most of the budget unspent.
    const files = [...Array.from({ length: 10 }, () => f(500)), f(40_000)];
    assert.equal(windowChars(files, 20_000), 15_000);
    assert.equal(windowChars([f(1000), f(2000)], 20_000), Infinity, 'everything fits: whole files');
    assert.equal(windowChars([f(30_000), f(30_000)], 20_000), 10_000);
    assert.equal(
      windowChars(
        Array.from({ length: 100 }, () => f(5_000)),
        20_000,
      ),
      400,
      'never under 400',
    );
  });

  it('editing tasks cut a few tokens out of a line, reproducibly, in file order', () => {
    const files = [file('a', SRC), file('b', SRC.replace(/x/g, 'item'))];
    const tasks = editingTasks(files, 6, 3);
    assert.deepEqual(editingTasks(files, 6, 3), tasks);
    assert.ok(tasks.length >= 4, `${tasks.length} tasks`);
    for (const t of tasks) {
      const text = files.find((f) => f.relative === t.file)!.text;
      assert.equal(t.before + t.intended + t.after, text);
      assert.ok(t.intended.length > 0 && !t.intended.includes('\n'), JSON.stringify(t.intended));
    }
    const order = tasks.map((t) => `${t.file}:${String(t.before.length).padStart(6, '0')}`);
    assert.deepEqual(order, [...order].sort());
  });
});
