import { strict as assert } from 'assert';
import { KeepLearningScheduler } from '../../../src/training/loop/keep-learning';

const MIN = 60_000;

describe('keep learning: when a background run may start', () => {
  const opts = { idleMinutes: 2, runMinutes: 1, minutesPerHour: 3 };

  it('waits for a save, then for the editor to be idle', () => {
    const k = new KeepLearningScheduler(opts);
    assert.match(k.due(10 * MIN).reason, /no Python file saved/);
    k.noteSave('/w/a.py', 10 * MIN);
    assert.equal(k.due(11 * MIN).start, false);
    k.noteActivity(11 * MIN); // still typing
    assert.match(k.due(12.5 * MIN).reason, /in use/);
    assert.equal(k.due(13 * MIN).start, true);
  });

  it('hands the changed files to the run and waits for new saves after it', () => {
    const k = new KeepLearningScheduler(opts);
    k.noteSave('/w/a.py', 0);
    k.noteSave('/w/b.py', 0);
    k.noteSave('/w/a.py', 0);
    assert.deepEqual(k.started(5 * MIN).sort(), ['/w/a.py', '/w/b.py']);
    assert.match(k.due(5.5 * MIN).reason, /in progress/);
    k.finished(6 * MIN);
    assert.match(k.due(9 * MIN).reason, /no Python file saved/);
  });

  it('never trains more than its minutes in any hour', () => {
    const k = new KeepLearningScheduler(opts);
    let t = 0;
    // Three one-minute runs fill the 3-minute hour...
    for (let i = 0; i < 3; i++) {
      k.noteSave('/w/a.py', t);
      t += 3 * MIN;
      assert.equal(k.due(t).start, true, `run ${i + 1}`);
      k.started(t);
      t += MIN;
      k.finished(t);
    }
    k.noteSave('/w/a.py', t);
    t += 3 * MIN;
    assert.equal(k.minutesInLastHour(t), 3);
    assert.match(k.due(t).reason, /3\.0 of 3 training minutes used this hour/);
    // ...until the first of them is more than an hour old.
    assert.equal(k.due(3 * MIN + 60 * MIN + MIN).start, true);
  });
});
