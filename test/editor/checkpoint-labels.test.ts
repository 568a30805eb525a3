import { strict as assert } from 'assert';
import { historyLabel, outcomeWords } from '../../src/editor/checkpoint-labels';

describe('Choose Checkpoint labels (issue 44)', () => {
  it('a history folder reads as a date in words, and says whether its model was used', () => {
    assert.deepEqual(historyLabel('2026-12-07T02-42-57-897Z-not-used', 0), {
      when: '7 Dec 2026, 02:42',
      what: 'trained then, not used: it did not type better than the model before it',
    });
    assert.equal(historyLabel('2026-12-07T02-42-57-897Z', 0).what, 'the workspace model until a newer run replaced it');
    // In the machine's time zone: UTC+1 (offset -60) shows 03:42; UTC-5 the evening before.
    assert.equal(historyLabel('2026-12-07T02-42-57-897Z', -60).when, '7 Dec 2026, 03:42');
    assert.equal(historyLabel('2026-12-07T02-42-57-897Z', 300).when, '6 Dec 2026, 21:42');
    // A folder someone named themselves keeps its name.
    assert.deepEqual(historyLabel('my-model', 0), { when: 'my-model', what: 'an earlier workspace model' });
  });

  it("says what each model's run bought, from its meta.json", () => {
    assert.equal(outcomeWords({ switched: true, keysGained: 3.2 }), 'typed 3 fewer keys in 100 than the model before it');
    assert.equal(outcomeWords({ switched: false, keysGained: -1 }), 'typed 1 more key in 100 than the model before it (not used)');
    assert.equal(outcomeWords({ switched: false, keysGained: 0.2 }), 'typed as many keys as the model before it (not used)');
    assert.equal(outcomeWords({ switched: true }), 'used after its run');
    assert.equal(outcomeWords(undefined), undefined);
  });
});
