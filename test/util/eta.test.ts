import { strict as assert } from 'assert';
import { formatDuration } from '../../src/util/eta';

describe('formatDuration', () => {
  it('shows minutes and seconds, hours and minutes, and ? for unknown', () => {
    assert.equal(formatDuration(187), '3m07s');
    assert.equal(formatDuration(3900), '1h05m');
    assert.equal(formatDuration(-4), '0m00s');
    assert.equal(formatDuration(null), '?');
    assert.equal(formatDuration(Infinity), '?');
  });
});
