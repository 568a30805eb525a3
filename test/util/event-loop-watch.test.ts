import { strict as assert } from 'assert';
import { describeEventLoop, watchEventLoop } from '../../src/util/event-loop-watch';

describe('watchEventLoop', () => {
  it('times a stall of the event loop and says when it ended', async () => {
    const w = watchEventLoop();
    await new Promise((r) => setTimeout(r, 60));
    const until = Date.now() + 150;
    while (Date.now() < until); // a 150 ms stall
    await new Promise((r) => setTimeout(r, 60));
    const f = w.stop();
    assert.ok(f.max >= 120 && f.max < 1000, `max ${f.max} ms`);
    assert.ok(f.p50 < 50, `p50 ${f.p50} ms`);
    assert.equal(f.stalls.length, 1, JSON.stringify(f.stalls));
    assert.ok(f.stalls[0].ms >= 120, `stall ${f.stalls[0].ms} ms`);
    assert.match(f.stalls[0].at, /^\d\d:\d\d:\d\d\.\d{3}$/);
    assert.match(describeEventLoop(f), /^p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms; stalls \d+ ms at \d\d:/);
  });

  it('finds no stall in an idle stretch', async () => {
    const w = watchEventLoop();
    await new Promise((r) => setTimeout(r, 200));
    const f = w.stop();
    assert.deepEqual(f.stalls, []);
    assert.ok(!describeEventLoop(f).includes('stalls'));
  });
});
