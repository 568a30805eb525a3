import { strict as assert } from 'assert';
import { RealisticTabUser, REALISTIC_USER } from '../../src/replay/realistic-user';
import { Completer } from '../../src/replay/completers';
import { replay } from '../../src/replay/replay';
import { typingTasks } from '../../src/replay/tasks';

const always = () => 0; // an rng whose draws always accept
const never = () => 0.99; // ... never accept (at p = 0.85)

describe('realistic user', () => {
  const intended = 'return value\n';
  it('takes a right suggestion on screen in time, as the ideal Tab user does', () => {
    const u = new RealisticTabUser(always);
    const r = u.step({ text: 'urn value', replaceSuffix: 0 }, 10, intended, 3, '');
    assert.deepEqual(r.action, { advance: 9, keystrokes: 1, accepted: true });
  });

  it("does not see an answer that comes after the next key (engine time plus the editor's)", () => {
    const u = new RealisticTabUser(always);
    const late = REALISTIC_USER.keyIntervalMs - REALISTIC_USER.editorOverheadMs + 1;
    const r = u.step({ text: 'urn value', replaceSuffix: 0 }, late, intended, 3, '');
    assert.equal(r.seen, undefined);
    assert.deepEqual(r.action, { advance: 1, keystrokes: 1, accepted: false });
    const onTime = u.step({ text: 'rn value', replaceSuffix: 0 }, late - 1, intended, 4, '');
    assert.equal(onTime.action.accepted, true);
  });

  it('keeps the ghost text on screen while the keys typed match it, when the next answer is late', () => {
    const u = new RealisticTabUser(never);
    const first = u.step({ text: 'urn value', replaceSuffix: 0 }, 5, intended, 3, '');
    assert.equal(first.passedOver, true, 'a right suggestion let pass');
    // The next answer is late: the user still sees "rn value", the same ghost typed through.
    const u2 = new RealisticTabUser(always, { ...REALISTIC_USER, wordByWord: false });
    u2.step({ text: 'urn vaLUE', replaceSuffix: 0 }, 5, intended, 3, ''); // wrong: typed one character
    const through = u2.step(undefined, 500, intended, 4, '');
    assert.deepEqual(through.seen, { text: 'rn vaLUE', replaceSuffix: 0 });
    assert.equal(through.action.accepted, false, 'still wrong');
    // A typed character that does not match the ghost text clears it.
    const u3 = new RealisticTabUser(always);
    u3.step({ text: 'xyz', replaceSuffix: 0 }, 5, intended, 3, '');
    assert.equal(u3.step(undefined, 500, intended, 4, '').seen, undefined);
  });

  it('takes the right leading words of a suggestion wrong as a whole, one key each (Accept Next Word)', () => {
    const r = new RealisticTabUser(always).step({ text: 'urn vaLUE', replaceSuffix: 0 }, 5, intended, 3, '');
    // `urn` and the blank after it, one key each (VS Code takes a blank before a word on its own).
    assert.deepEqual(r.action, { advance: 4, keystrokes: 2, accepted: true });
    const tabOnly = new RealisticTabUser(always, { ...REALISTIC_USER, wordByWord: false }).step({ text: 'urn vaLUE', replaceSuffix: 0 }, 5, intended, 3, '');
    assert.equal(tabOnly.action.accepted, false);
  });

  it('in a replay: with p = 1 and instant answers it saves what the ideal Tab user saves; late answers save nothing', async () => {
    const DOC = 'import os\n\ndef main(argv):\n    root = os.getcwd()\n    return root\n';
    const tasks = typingTasks([{ relative: 'doc.py', text: DOC }]);
    // Knows the rest of the line, and says how long it took.
    const oracle = (latencyMs: number): Completer => ({
      name: 'oracle',
      async suggest(q) {
        const rest = DOC.slice(q.prefix.length);
        const line = rest.slice(0, rest.indexOf('\n'));
        return line ? { text: line, replaceSuffix: 0, latencyMs } : undefined;
      },
    });
    const opts = (acceptProbability: number) => ({ realistic: { ...REALISTIC_USER, acceptProbability } });
    const [tab, real] = await replay(tasks, [oracle(1)], { editor: 'plain', users: ['tab', 'realistic'], ...opts(1) });
    assert.equal(real.figures.keystrokes, tab.figures.keystrokes);
    const [late] = await replay(tasks, [oracle(1000)], { editor: 'plain', users: ['realistic'], ...opts(1) });
    assert.equal(late.figures.savings, 0);
    assert.equal(late.figures.shown, 0);
    // Attention below 1: fewer saved than the ideal user, more than none; the same seed, the same figure.
    const [half] = await replay(tasks, [oracle(1)], { editor: 'plain', users: ['realistic'], ...opts(0.5), seed: 3 });
    const [again] = await replay(tasks, [oracle(1)], { editor: 'plain', users: ['realistic'], ...opts(0.5), seed: 3 });
    assert.ok(half.figures.savings < tab.figures.savings && half.figures.savings > 0, `${half.figures.savings} vs ${tab.figures.savings}`);
    assert.deepEqual(again.figures, half.figures);
  });
});
