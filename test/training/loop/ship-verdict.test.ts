import { strict as assert } from 'assert';
import { shipVerdict, CARD_RULES } from '../../../src/training/loop/ship-verdict';

describe('ship verdict (the model card rules for replacing the bundled model)', () => {
  const shipped = { tuning: 1.1745, stdlib: 1.0094, keystrokes: 0.37 };

  it('ships the candidate with the lowest tuning loss among those within the standard-library limit', () => {
    const v = shipVerdict(shipped, [
      { name: 'alone', tuning: 1.02, stdlib: 1.03, keystrokes: 0.39 }, // best loss, but the standard library got worse
      { name: 'mix 1:1', tuning: 1.06, stdlib: 1.0, keystrokes: 0.38 },
      { name: 'mix 1:3', tuning: 1.09, stdlib: 0.99, keystrokes: 0.38 },
    ]);
    assert.equal(v.ship, true);
    assert.equal(v.chosen?.name, 'mix 1:1');
    assert.match(v.reasons[0], /alone: standard library 1\.0300 > limit 1\.0194/);
  });

  it('keeps the shipped model when the gain is below the minimum', () => {
    const v = shipVerdict(shipped, [{ name: 'c', tuning: shipped.tuning - CARD_RULES.minGain / 2, stdlib: 1.0, keystrokes: 0.4 }]);
    assert.equal(v.ship, false);
    assert.equal(v.chosen?.name, 'c');
    assert.match(v.reasons.at(-1)!, /the shipped model stays/);
  });

  it('keeps the shipped model when keystrokes saved fall beyond the slack, however much the loss fell', () => {
    const v = shipVerdict(shipped, [{ name: 'c', tuning: 1.0, stdlib: 0.95, keystrokes: shipped.keystrokes - 0.01 }]);
    assert.equal(v.ship, false);
    assert.match(v.reasons.at(-1)!, /keystrokes saved fell 37\.0% -> 36\.0%/);
    const within = shipVerdict(shipped, [{ name: 'c', tuning: 1.0, stdlib: 0.95, keystrokes: shipped.keystrokes - 0.004 }]);
    assert.equal(within.ship, true);
  });

  it('keeps the shipped model when no candidate is within the standard-library limit', () => {
    const v = shipVerdict(shipped, [{ name: 'c', tuning: 0.9, stdlib: 1.2 }]);
    assert.equal(v.ship, false);
    assert.equal(v.chosen, undefined);
  });

  it('decides on loss alone when keystrokes were not measured, and says so', () => {
    const v = shipVerdict({ tuning: 1.1, stdlib: 1.0 }, [{ name: 'c', tuning: 1.05, stdlib: 1.0 }]);
    assert.equal(v.ship, true);
    assert.match(v.reasons.at(-1)!, /decided on loss alone/);
  });
});
