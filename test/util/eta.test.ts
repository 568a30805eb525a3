import { strict as assert } from 'assert';
import { formatDuration, runProgress } from '../../src/util/eta';

describe('formatDuration', () => {
  it('shows minutes and seconds, hours and minutes, and ? for unknown', () => {
    assert.equal(formatDuration(187), '3m07s');
    assert.equal(formatDuration(3900), '1h05m');
    assert.equal(formatDuration(-4), '0m00s');
    assert.equal(formatDuration(null), '?');
    assert.equal(formatDuration(Infinity), '?');
  });
});

describe('runProgress', () => {
  const at = (etaSeconds: number | null, epoch = 0, batch = 10) => ({ epoch, batch, batchesPerEpoch: 100, etaSeconds });

  it("with a budget, the percentage and the time left come from the trainer's one estimate", () => {
    // 20 s into a 2-minute budget whose run will end 100 s from now: 17%, 1m40s.
    const p = runProgress(20_000, 120_000, at(100), 100_000);
    assert.equal(Math.round(p.frac * 100), 17);
    assert.equal(formatDuration(p.leftSeconds!), '1m40s');
    // Its passes done early (the trainer says 0 s left): 100% and nothing left, never 100% beside "1m05s left".
    const done = runProgress(55_000, 120_000, at(0, 99, 99), 100);
    assert.equal(done.frac, 1);
    assert.equal(done.leftSeconds, 0);
    // No estimate yet: the budget's own time.
    assert.equal(runProgress(30_000, 120_000, at(null), 100_000).leftSeconds, 90);
  });

  it('until stopped: the share of the passes done, no time left', () => {
    const p = runProgress(600_000, undefined, at(null, 2, 50), 10);
    assert.equal(p.frac, 0.25);
    assert.equal(p.leftSeconds, undefined);
  });
});
