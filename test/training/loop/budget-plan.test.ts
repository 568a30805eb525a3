import { strict as assert } from 'assert';
import { corpusRule, GAIN_FLOOR_BYTES, planRun, smallWorkspaceWarning, SMALL_CORPUS_CHARS } from '../../../src/training/loop/budget-plan';
import { learningRateAt } from '../../../src/training/loop/train-config';
import { runVerdict } from '../../../src/training/loop/run-verdict';
import { EpochRecord } from '../../../src/model/checkpoint';

describe('training budget planner', () => {
  it('fits a run to its minutes: cosine over the time, warm-up, about four checkpoints, all cores but one', () => {
    const p = planRun({ minutes: 4, cores: 8 });
    assert.equal(p.maxMinutes, 4);
    assert.equal(p.scheduleByTime, true);
    assert.equal(p.lrSchedule, 'cosine');
    assert.equal(p.evalEveryMinutes, 1);
    assert.equal(p.threads, 7);
    assert.ok(p.warmup > 0 && p.warmup < 0.2);
    // Checkpoints at most every 5 minutes, at least 30 s apart.
    assert.equal(planRun({ minutes: 60, cores: 2 }).evalEveryMinutes, 5);
    assert.equal(planRun({ minutes: 1, cores: 2 }).evalEveryMinutes, 0.5);
    // One core: still one thread; an explicit choice wins.
    assert.equal(planRun({ minutes: 2, cores: 1 }).threads, 1);
    assert.equal(planRun({ minutes: 2, cores: 16, threads: 3 }).threads, 3);
    assert.throws(() => planRun({ minutes: 0, cores: 2 }), /positive/);
  });

  it('until stopped: no deadline, a constant rate, checkpoints every 5 minutes', () => {
    const p = planRun({ minutes: undefined, cores: 4 });
    assert.equal(p.maxMinutes, undefined);
    assert.equal(p.lrSchedule, 'constant');
    assert.equal(p.scheduleByTime, false);
    assert.equal(p.evalEveryMinutes, 5);
    // Every core while the editor is idle, all but one while it is in use; a user's choice stands.
    assert.equal(p.threads, 4);
    assert.equal(p.threadsWhileBusy, 3);
    assert.deepEqual(
      [planRun({ minutes: undefined, cores: 4, threads: 2 }).threads, planRun({ minutes: undefined, cores: 4, threads: 2 }).threadsWhileBusy],
      [2, undefined],
    );
    assert.deepEqual([planRun({ minutes: undefined, cores: 1 }).threads, planRun({ minutes: undefined, cores: 1 }).threadsWhileBusy], [1, undefined]);
    // A budgeted run keeps one core for the editor all along.
    assert.equal(planRun({ minutes: 5, cores: 4 }).threadsWhileBusy, undefined);
  });

  it('the learning rate warms up, peaks, and decays to its floor at the end of the budget', () => {
    const cfg = { lr: 1e-3, lrSchedule: 'cosine' as const, warmup: 0.05 };
    assert.ok(learningRateAt(cfg, 0) < 1e-4);
    assert.ok(learningRateAt(cfg, 0.025) > 4e-4 && learningRateAt(cfg, 0.025) < 6e-4);
    assert.ok(Math.abs(learningRateAt(cfg, 0.05) - 1e-3) < 1e-12);
    assert.ok(Math.abs(learningRateAt(cfg, 0.525) - 5.5e-4) < 1e-9); // halfway through the decay: (lr + lr/10) / 2
    assert.ok(Math.abs(learningRateAt(cfg, 1) - 1e-4) < 1e-12);
    assert.ok(Math.abs(learningRateAt(cfg, 2) - 1e-4) < 1e-12); // past the budget: the floor
    assert.equal(learningRateAt({ lr: 1e-3 }, 0.5), 1e-3);
  });

  it('a small corpus holds out more text for the before/after check; a larger one is left alone', () => {
    const small = corpusRule(SMALL_CORPUS_CHARS - 1, 0.05);
    assert.equal(small.validationSplit, 0.2);
    assert.match(small.note!, /small workspace/);
    assert.equal(corpusRule(1000, 0.3).validationSplit, 0.3);
    assert.deepEqual(corpusRule(SMALL_CORPUS_CHARS, 0.05), { validationSplit: 0.05 });
  });
});

describe('small workspaces', () => {
  it('says how small, that the cache already uses the files, and asks', () => {
    assert.equal(
      smallWorkspaceWarning(12_345, 3),
      `This workspace has 3 Python files (12 KB). The completion cache already uses them: it completes the names and lines they repeat. A fine-tune on under ${GAIN_FLOOR_BYTES / 1000} KB rarely makes the ghost text type better; if it does not, the current model is kept. Train anyway?`,
    );
    assert.match(smallWorkspaceWarning(300, 1), /has 1 Python file \(1 KB\)/);
  });
});

describe('run verdict (the switch rule, in words)', () => {
  const rec = (valLoss: number, valAccuracy: number): EpochRecord => ({
    epoch: 1,
    trainLoss: 1,
    valLoss,
    valAccuracy,
    learningRate: 1e-3,
    chars: 1,
    seconds: 1,
  });

  // A fine-tune that went from 1.37 to 0.89 nats/char.
  const won = { bestValLoss: 0.89, startValLoss: 1.37, startValAccuracy: 0.63, improved: true, stoppedBy: 'time-budget' as const };

  it("a run that beat the start switches and says by how much, in the user's words; the figures go to the report", () => {
    const v = runVerdict({ ...won, history: [rec(1.0, 0.7), rec(0.89, 0.76)] });
    assert.equal(v.switched, true);
    assert.equal(v.message, 'the new model predicts files it did not train on 35% better; completions use it now.');
    assert.equal(v.details, 'On files it did not train on: 1.370 → 0.890 nats/char (−35.0%), 63% → 76% of characters right.');
  });

  it('with the keystroke check, leads with the keys it saves: "types N fewer keys in 100"', () => {
    const v = runVerdict({ ...won, history: [rec(0.89, 0.76)], startKeystrokeSavings: 0.124, keystrokeSavings: 0.341 });
    assert.equal(v.keystrokesBefore, 0.124);
    assert.equal(v.keystrokesAfter, 0.341);
    assert.equal(v.message, 'the new model types 22 fewer keys in 100 on files it did not train on (keystrokes saved 12% → 34%); completions use it now.');
    assert.match(v.details, /63% → 76% of characters right, keystrokes saved 12\.4% → 34\.1%\.$/);
    assert.doesNotMatch(v.message, /nats|epoch/);
    // As many keys (a loss gain that typing does not show yet): says so, and what it does predict better.
    const same = runVerdict({ ...won, history: [rec(0.89, 0.76)], startKeystrokeSavings: 0.341, keystrokeSavings: 0.342 });
    assert.equal(same.switched, true);
    assert.match(same.message, /^the new model saves as many keystrokes on files it did not train on \(34%\) and predicts them 35% better/);
    // Only the start's figure (the new model's check did not run): no half a comparison.
    const half = runVerdict({ ...won, history: [rec(0.89, 0.76)], startKeystrokeSavings: 0.124 });
    assert.doesNotMatch(half.message + half.details, /keystrokes/);
  });

  it('a calibrated threshold is in the report, not in the notification', () => {
    const calibration = { confidenceThreshold: 0.5, minAcceptedShare: 0.4, chars: 2000, tried: [] };
    const v = runVerdict({ ...won, history: [rec(0.89, 0.76)], startKeystrokeSavings: 0.3, keystrokeSavings: 0.34, threshold: 0.5, calibration });
    assert.match(v.details, /at least 50% sure it is right \(calibrated for it; the old one: 27%\)/);
    assert.doesNotMatch(v.message, /sure|threshold/);
    assert.equal(v.thresholdAfter, 0.5);
  });

  it('a run that lowered the loss but types worse on the held-out files keeps the model, and says so plainly', () => {
    // The case that once switched: 1.202 -> 1.199 nats/char, keystrokes saved 56% -> 55%.
    const v = runVerdict({ ...won, bestValLoss: 0.89, history: [rec(0.89, 0.76)], startKeystrokeSavings: 0.56, keystrokeSavings: 0.55 });
    assert.equal(v.switched, false);
    assert.equal(v.message, 'kept the current model: the new one would type 1 more key in 100 on files it did not train on (keystrokes saved 56% → 55%).');
    assert.equal(v.keystrokesAfter, 0.55);
    assert.match(v.details, /1\.370 → 0\.890 nats\/char/);
  });

  it('a loss gain under 1% keeps the model even when keystrokes did not fall', () => {
    const v = runVerdict({ ...won, startValLoss: 1.202, bestValLoss: 1.199, history: [rec(1.199, 0.68)], startKeystrokeSavings: 0.56, keystrokeSavings: 0.56 });
    assert.equal(v.switched, false);
    assert.equal(v.message, 'kept the current model: the new one predicts files it did not train on only 0.2% better, too little to feel while typing.');
    assert.match(v.details, /1\.202 → 1\.199 nats\/char/);
    const enough = runVerdict({
      ...won,
      startValLoss: 1.2,
      bestValLoss: 1.18,
      history: [rec(1.18, 0.68)],
      startKeystrokeSavings: 0.56,
      keystrokeSavings: 0.56,
    });
    assert.equal(enough.switched, true);
  });

  it('with a paired check, switches only when the range of the keystroke gain lies above zero, and says the range', () => {
    const gain = (g: number, low: number, high: number) => ({ gain: g, low, high, chars: 20_000, blocks: 100, confidence: 0.9 });
    const base = { ...won, history: [rec(0.89, 0.76)], startKeystrokeSavings: 0.47 };
    const sure = runVerdict({ ...base, keystrokeSavings: 0.5, keystrokeGain: gain(0.03, 0.012, 0.047) });
    assert.equal(sure.switched, true);
    assert.equal(
      sure.message,
      'the new model types 3 fewer keys in 100 on files it did not train on (±1.8; keystrokes saved 47% → 50%, typing 20,000 characters); completions use it now.',
    );
    assert.match(sure.details, /Gain \+3\.0 points of keystrokes saved \(90% range \+1\.2 to \+4\.7 points\)\.$/);
    // The 2,000-character case: a small gain the check cannot tell from none keeps the model, and does not say "better".
    const close = runVerdict({ ...base, keystrokeSavings: 0.4725, keystrokeGain: gain(0.0025, -0.011, 0.016) });
    assert.equal(close.switched, false);
    assert.match(
      close.message,
      /^kept the current model: on files it did not train on the new one types as many keys in 100, ±1\.4: too close to tell it is better/,
    );
    assert.doesNotMatch(close.message, /better;|predicts/);
    // Surely worse: says it would type more.
    const worse = runVerdict({ ...base, keystrokeSavings: 0.45, keystrokeGain: gain(-0.02, -0.031, -0.009) });
    assert.equal(worse.switched, false);
    assert.match(worse.message, /^kept the current model: the new one would type 2 more keys in 100/);
    // A loss gain under 1% no longer decides alone when the keystrokes surely rose.
    const small = runVerdict({
      ...base,
      startValLoss: 1.202,
      bestValLoss: 1.199,
      history: [rec(1.199, 0.68)],
      keystrokeSavings: 0.5,
      keystrokeGain: gain(0.03, 0.01, 0.05),
    });
    assert.equal(small.switched, true);
  });

  it('a run that ended on its passes, not its time, says so in the report', () => {
    const v = runVerdict({ ...won, stoppedBy: 'completed', epochs: 100, history: [rec(0.89, 0.76)] });
    assert.match(v.details, /ended when it had made all 100 passes over the training text it was allowed \(training\.epochs\)\.$/);
    assert.doesNotMatch(runVerdict({ ...won, epochs: 3.2, history: [rec(0.89, 0.76)] }).details, /passes/);
  });

  it('a run that did not beat the start keeps the model and says why', () => {
    const v = runVerdict({ bestValLoss: 1.2, startValLoss: 1.2, improved: false, stoppedBy: 'time-budget', history: [rec(1.25, 0.6), rec(1.3, 0.6)] });
    assert.equal(v.switched, false);
    assert.equal(v.message, 'kept the current model: the new model did not predict files it did not train on better.');
    assert.match(v.details, /its best, 1\.250 nats\/char, did not beat the current model's 1\.200/);
    const early = runVerdict({ bestValLoss: 1.2, startValLoss: 1.2, improved: false, stoppedBy: 'cancelled', history: [] });
    assert.match(early.message, /stopped before it could check a new model/);
  });

  it('a model trained from scratch says so without a comparison', () => {
    const v = runVerdict({ bestValLoss: 1.5, improved: true, stoppedBy: 'time-budget', history: [rec(1.5, 0.6)] });
    assert.equal(v.switched, true);
    assert.equal(v.message, 'trained a new model on this workspace; completions use it now.');
    assert.equal(v.details, 'On files it did not train on: 1.500 nats/char, 60% of characters right.');
  });
});

describe('the workspace run plan', () => {
  it('one plan for the editor and the CLI: a fine-tune must beat its start and is checked in keystrokes; from scratch neither', () => {
    const fine = planRun({ minutes: 4, cores: 2, from: '/models/python' });
    assert.deepEqual([fine.mustBeatStart, fine.keystrokeCheck, fine.smallCorpusRule], [true, true, true]);
    const scratch = planRun({ minutes: 4, cores: 2 });
    assert.deepEqual([scratch.mustBeatStart, scratch.keystrokeCheck], [false, false]);
    // The editor asks for the keystroke figures of any run a user started, and none for background runs.
    assert.equal(planRun({ minutes: 4, cores: 2, keystrokes: true }).keystrokeCheck, true);
    assert.equal(planRun({ minutes: 4, cores: 2, from: '/m', keystrokes: false }).keystrokeCheck, false);
    assert.equal(planRun({ minutes: undefined, cores: 2, from: '/m' }).mustBeatStart, true, 'until stopped too');
  });
});
