import { strict as assert } from 'assert';
import { keystrokeWords, progressWords } from '../../../src/training/runner/progress-words';

const batch = (etaSeconds: number | null, epoch = 0, b = 10) => ({ epoch, batch: b, batchesPerEpoch: 100, etaSeconds });

describe('what a run says while it goes (progress-words.ts)', () => {
  it('says the loss fell, never "better", when a keystroke check decides at the end', () => {
    const w = progressWords({ elapsedMs: 60_000, budgetMs: 120_000, batch: batch(60), epochs: 3, startLoss: 1, bestLoss: 0.86, keystrokeCheck: true });
    assert.equal(w.message, 'held-out loss −14% so far; the typing check at the end decides · 1m00s left');
    assert.doesNotMatch(w.message, /better/);
    const bg = progressWords({ elapsedMs: 60_000, budgetMs: 120_000, batch: batch(60), epochs: 3, startLoss: 1, bestLoss: 0.95, keystrokeCheck: false });
    assert.equal(bg.message, 'predicts held-out code 5.0% better so far · 1m00s left');
  });

  it('says "learning" until the loss has fallen', () => {
    for (const best of [undefined, 1, 1.2]) {
      assert.match(
        progressWords({ elapsedMs: 1000, budgetMs: 60_000, batch: batch(59), epochs: 1, startLoss: 1, bestLoss: best, keystrokeCheck: true }).message,
        /^learning · /,
      );
    }
  });

  it("the status bar's percentage and the notification's time left come from one figure", () => {
    // 40 s in, the trainer says 20 s left (its passes end early): 67% and 0m20s, not 33% and 1m20s.
    const w = progressWords({ elapsedMs: 40_000, budgetMs: 120_000, batch: batch(20), epochs: 1, keystrokeCheck: true, backend: 'wasm' });
    assert.equal(w.status, '$(sync~spin) LSTM 67% · wasm');
    assert.match(w.message, /0m20s left$/);
    const open = progressWords({ elapsedMs: 90_000, batch: batch(null, 1, 50), epochs: 4, keystrokeCheck: false });
    assert.equal(open.status, '$(sync~spin) LSTM 1m30s');
    assert.match(open.message, /1m30s so far · stop it when you like$/);
    assert.equal(open.frac, 150 / 400);
  });

  it("the keystroke check's lines", () => {
    assert.equal(keystrokeWords('start', 0.471), "the current model's ghost text saves 47% of keystrokes on held-out files; now learning");
    assert.equal(keystrokeWords('best', 0.5), "the new model's ghost text saves 50% of keystrokes on held-out files");
  });
});
