import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { train } from '../../../src/training/loop/trainer';
import { TrainEvent, TrainHooks, latestDir } from '../../../src/training/loop/train-config';
import { loadCheckpoint, setServingCalibration } from '../../../src/model/checkpoint';
import { ModelWeights } from '../../../src/model/architecture';
import { keystrokeCheck } from '../../../src/replay/keystroke-check';
import { tinyCorpus, tinyConfig } from '../fixtures';
import { tempDir } from '../../helpers';

describe('trainer', function () {
  this.timeout(180_000);
  const data = tinyCorpus();

  it('a tiny model learns a tiny corpus and keeps the best checkpoint with its history', async () => {
    const out = path.join(tempDir(), 'ck');
    const s = await train(tinyConfig(data, out, { epochs: 12, evalEvery: 10 }));
    assert.equal(s.stoppedBy, 'completed');
    const first = s.history[0].valLoss;
    const best = Math.min(...s.history.map((h) => h.valLoss));
    assert.ok(best < 0.6 * first, `validation loss went from ${first} to ${best}`);
    const ck = loadCheckpoint(out);
    assert.equal(ck.meta.training!.bestValLoss, best);
    assert.equal(ck.meta.training!.history.length, s.history.length);
    assert.equal(ck.meta.training!.mode, 'windows');
    assert.ok(ck.meta.corpus!.validationFiles!.length >= 1);
    assert.ok(fs.existsSync(path.join(out, 'loss-curve.html')));
    assert.ok(fs.existsSync(path.join(latestDir(out), 'optimizer.bin')));
  });

  it('resume continues the loss curve with the optimizer state', async () => {
    const out = path.join(tempDir(), 'ck');
    const a = await train(tinyConfig(data, out, { epochs: 4, evalEvery: 5 }));
    const lastLoss = a.history[a.history.length - 1].trainLoss;
    const losses: number[] = [];
    const b = await train(tinyConfig(data, out, { epochs: 6, evalEvery: 5, resume: true }), (e: TrainEvent) => {
      if (e.type === 'batch') losses.push(e.loss);
    });
    assert.equal(b.steps, Math.round(6 * (a.steps / 4)));
    assert.ok(b.history.length > a.history.length);
    assert.deepEqual(b.history.slice(0, a.history.length), a.history);
    // The first resumed batches are near where training stopped, far below a fresh model's ~4.6 nats.
    assert.ok(losses[0] < lastLoss + 0.3, `first resumed loss ${losses[0]} vs last ${lastLoss}`);
  });

  for (const mode of ['carried-state', 'windows'] as const) {
    it(`resume in ${mode} mode is exact to the bit: the same losses as an uninterrupted run, dropout and all (issue 43)`, async () => {
      const cfg = (out: string, epochs: number, resume = false) =>
        tinyConfig(data, out, {
          epochs,
          evalEvery: 4,
          mode,
          resume,
          backend: 'cpu',
          spec: { embeddingDim: 8, lstmUnits: [24, 24], dropout: mode === 'windows' ? 0.1 : 0 },
        });
      const record = (losses: number[], logs: string[]) => (e: TrainEvent) =>
        e.type === 'batch' ? losses.push(e.loss) : e.type === 'log' && logs.push(e.message);
      const whole: number[] = [];
      await train(cfg(path.join(tempDir(), 'ck'), 2), record(whole, []));
      const out = path.join(tempDir(), 'ck');
      const first: number[] = [];
      const a = await train(cfg(out, 2), record(first, []), () => first.length >= 8);
      assert.equal(a.steps, 8);
      const rest: number[] = [];
      const logs: string[] = [];
      await train(cfg(out, 2, true), record(rest, logs));
      if (mode === 'carried-state')
        assert.ok(
          logs.some((l) => /resuming the carried state of 16 streams/.test(l)),
          logs.join('\n'),
        );
      const resumed = [...first, ...rest];
      assert.equal(resumed.length, whole.length);
      resumed.forEach((l, i) => assert.equal(l, whole[i], `batch ${i}: ${l} vs ${whole[i]}`));
    });
  }

  it('--val-data: validates on whole other folders and trains on every file of --data', async () => {
    const out = path.join(tempDir(), 'ck');
    const other = tinyCorpus(2);
    fs.renameSync(path.join(other, 'mod0.py'), path.join(other, 'other_project.py'));
    const events: TrainEvent[] = [];
    const s = await train(tinyConfig(data, out, { epochs: 1, valData: [other] }), (e) => events.push(e));
    const backendEvents = events.filter((e) => e.type === 'backend');
    assert.deepEqual(backendEvents, [{ type: 'backend', name: 'wasm' }], 'the backend arrives as one structured event');
    const corpusEvent = events.find((e) => e.type === 'corpus');
    assert.ok(corpusEvent && corpusEvent.type === 'corpus');
    assert.equal(corpusEvent.validationFiles, 2);
    const all = fs.readdirSync(data).reduce((n, f) => n + fs.readFileSync(path.join(data, f), 'utf8').length, 0);
    assert.equal(corpusEvent.trainChars, all, 'nothing of --data is held out');
    assert.deepEqual(loadCheckpoint(out).meta.corpus!.validationFiles!.sort(), ['mod1.py', 'other_project.py']);
    assert.ok(s.history.every((h) => Number.isFinite(h.valLoss)));
  });

  it('carried-state mode trains and is recorded in the checkpoint', async () => {
    const out = path.join(tempDir(), 'ck');
    const s = await train(tinyConfig(data, out, { epochs: 3, mode: 'carried-state' }));
    assert.equal(s.mode, 'carried-state');
    assert.equal(loadCheckpoint(out).meta.training!.mode, 'carried-state');
    assert.ok(s.history.every((h) => Number.isFinite(h.valLoss)));
  });

  it('cancel stops at the next batch and keeps the best checkpoint', async () => {
    const out = path.join(tempDir(), 'ck');
    let batches = 0;
    const s = await train(
      tinyConfig(data, out, { epochs: 50, evalEvery: 3 }),
      (e) => {
        if (e.type === 'batch') batches++;
      },
      () => batches >= 7,
    );
    assert.equal(s.stoppedBy, 'cancelled');
    assert.equal(s.steps, 7);
    const ck = loadCheckpoint(out);
    assert.equal(ck.meta.training!.bestValLoss, Math.min(...s.history.map((h) => h.valLoss)));
  });

  it('a time budget ends training cleanly', async () => {
    const out = path.join(tempDir(), 'ck');
    const s = await train(tinyConfig(data, out, { epochs: 1000, maxMinutes: 0.02 }));
    assert.equal(s.stoppedBy, 'time-budget');
    assert.ok(s.steps >= 1);
    assert.ok(loadCheckpoint(out).meta.training!.history.length >= 1);
  });

  it('writes a first checkpoint a few minutes in, without waiting for the end of a long epoch', async () => {
    const out = path.join(tempDir(), 'ck');
    const evalSteps: number[] = [];
    let lastStep = 0;
    let sawCheckpointMidEpoch = false;
    await train(tinyConfig(data, out, { epochs: 1, evalEvery: 1_000_000, firstCheckpointMinutes: 0.0005 }), (e) => {
      if (e.type === 'batch') lastStep = e.step;
      if (e.type === 'eval') evalSteps.push(lastStep);
      if (e.type === 'checkpoint' && evalSteps.length === 1 && fs.existsSync(path.join(out, 'meta.json'))) sawCheckpointMidEpoch = true;
    });
    // One early evaluation (after ~30 ms) and the usual one at the end of the run; no more.
    assert.equal(evalSteps.length, 2, JSON.stringify(evalSteps));
    assert.ok(evalSteps[0] < evalSteps[1]);
    assert.ok(sawCheckpointMidEpoch);
  });

  it('fine-tuning starts at the loss of the checkpoint it starts from', async () => {
    const base = path.join(tempDir(), 'base');
    await train(tinyConfig(data, base, { epochs: 10, evalEvery: 10 }));
    const baseVal = loadCheckpoint(base).meta.training!.bestValLoss!;
    const first: number[] = [];
    const s = await train(tinyConfig(data, path.join(tempDir(), 'ft'), { epochs: 1, from: base }), (e) => {
      if (e.type === 'batch') first.push(e.loss);
    });
    assert.ok(Math.abs(first[0] - baseVal) < 0.35, `first fine-tune batch ${first[0]} vs base validation ${baseVal}`);
    assert.equal(loadCheckpoint(s.out).meta.training!.fineTunedFrom, base);
  });

  it('an empty workspace is a clear error', async () => {
    const empty = tempDir();
    await assert.rejects(train(tinyConfig(empty, path.join(empty, 'ck'))), /no Python files in/);
  });
});

describe('trainer: learning from a few saved files (keep learning)', function () {
  this.timeout(120_000);
  const data = tinyCorpus(8);

  it('trains on the saved files with some of the others mixed in, validates on the usual split, refuses held-out files', async () => {
    const whole: TrainEvent[] = [];
    const first = await train(tinyConfig(data, path.join(tempDir(), 'whole'), { epochs: 0.1 }), (e) => whole.push(e));
    const validation = loadCheckpoint(first.out).meta.corpus!.validationFiles!;
    const all = fs.readdirSync(data).filter((f) => f.endsWith('.py'));
    const trainable = all.filter((f) => !validation.includes(f));
    const saved = path.join(data, trainable[0]);
    const events: TrainEvent[] = [];
    await train(tinyConfig(data, path.join(tempDir(), 'focus'), { epochs: 0.1, focusFiles: [saved] }), (e) => events.push(e));
    const corpus = (evs: TrainEvent[]) => evs.find((e): e is Extract<TrainEvent, { type: 'corpus' }> => e.type === 'corpus')!;
    const size = fs.readFileSync(saved, 'utf8').length;
    // The saved file plus about three times its text (the files are the same size: three others), not all of them.
    assert.equal(corpus(events).trainChars, 4 * size);
    assert.ok(corpus(whole).trainChars > 4 * size);
    assert.equal(corpus(events).valChars, corpus(whole).valChars);
    assert.ok(events.some((e) => e.type === 'log' && /learning from the saved files: 4 files/.test(e.message)));
    await assert.rejects(
      train(tinyConfig(data, path.join(tempDir(), 'held'), { epochs: 0.1, focusFiles: [path.join(data, validation[0])] })),
      /none of the 1 file\(s\) to learn from is a training file/,
    );
  });
});

describe('trainer: a fine-tune must beat its start', function () {
  this.timeout(180_000);
  const data = tinyCorpus();

  it('measures the start first; a run that cannot beat it leaves --out alone', async () => {
    const base = path.join(tempDir(), 'base');
    await train(tinyConfig(data, base, { epochs: 12, evalEvery: 10 }));
    // A learning rate of 0 leaves the weights as they were: every evaluation ties the start, none beats it.
    const out = path.join(tempDir(), 'ft');
    const events: TrainEvent[] = [];
    const s = await train(tinyConfig(data, out, { epochs: 3, evalEvery: 2, from: base, mustBeatStart: true, lr: 0 }), (e) => events.push(e));
    const start = events.find((e) => e.type === 'start');
    assert.ok(start && start.type === 'start' && Number.isFinite(start.valLoss));
    assert.equal(s.startValLoss, start.valLoss);
    assert.ok(events.filter((e) => e.type === 'eval').length >= 2);
    assert.equal(events.filter((e) => e.type === 'checkpoint').length, 0);
    assert.equal(s.improved, false);
    assert.ok(!fs.existsSync(out), 'nothing written to --out');
  });

  it('a run that beats the start writes --out, and only weights better than the start', async () => {
    const base = path.join(tempDir(), 'base');
    await train(tinyConfig(data, base, { epochs: 2, evalEvery: 10 }));
    const out = path.join(tempDir(), 'ft');
    const s = await train(tinyConfig(data, out, { epochs: 10, evalEvery: 5, from: base, mustBeatStart: true }));
    assert.equal(s.improved, true);
    assert.ok(s.bestValLoss! < s.startValLoss!, `${s.bestValLoss} vs start ${s.startValLoss}`);
    assert.equal(loadCheckpoint(out).meta.training!.bestValLoss, s.bestValLoss);
  });

  it('with the keystroke check, replays typing the validation files with the start and with the best checkpoint', async () => {
    const base = path.join(tempDir(), 'base');
    await train(tinyConfig(data, base, { epochs: 1, evalEvery: 10 }));
    const out = path.join(tempDir(), 'ft');
    const events: TrainEvent[] = [];
    const seen: { weights: ModelWeights; files: string[] }[] = [];
    const hooks = {
      keystrokes: async (weights: ModelWeights, files: { relative: string; text: string }[]) => {
        seen.push({ weights, files: files.map((f) => f.relative) });
        return keystrokeCheck(weights, files, { maxChars: 600 });
      },
    };
    const s = await train(
      tinyConfig(data, out, { epochs: 12, evalEvery: 6, from: base, mustBeatStart: true, keystrokeCheck: true }),
      (e) => events.push(e),
      () => false,
      hooks,
    );
    const keys = events.filter((e): e is Extract<TrainEvent, { type: 'keystrokes' }> => e.type === 'keystrokes');
    assert.deepEqual(
      keys.map((k) => k.model),
      ['start', 'best'],
    );
    assert.equal(s.startKeystrokeSavings, keys[0].savings);
    assert.equal(s.keystrokeSavings, keys[1].savings);
    // The validation files, typed with the weights the run started from and then with the ones it wrote.
    assert.deepEqual(seen[0].files, loadCheckpoint(out).meta.corpus!.validationFiles);
    assert.deepEqual(Array.from(seen[0].weights.embedding.slice(0, 8)), Array.from(loadCheckpoint(base).weights.embedding.slice(0, 8)));
    assert.deepEqual(Array.from(seen[1].weights.embedding.slice(0, 8)), Array.from(loadCheckpoint(out).weights.embedding.slice(0, 8)));
    assert.ok(keys[0].chars >= 500, `typed ${keys[0].chars}`);
    assert.ok(s.keystrokeSavings! > s.startKeystrokeSavings!, `saved ${s.startKeystrokeSavings} -> ${s.keystrokeSavings}`);
    // Without the flag (keep learning's background runs), no replay runs.
    seen.length = 0;
    await train(tinyConfig(data, path.join(tempDir(), 'ft2'), { epochs: 1, evalEvery: 10, from: base, mustBeatStart: true }), undefined, undefined, hooks);
    assert.equal(seen.length, 0);
  });

  it("calibrates the new model's threshold from the start's, stores it in meta.json, and reports the chosen point as its check", async () => {
    const base = path.join(tempDir(), 'base');
    await train(tinyConfig(data, base, { epochs: 1, evalEvery: 10 }));
    setServingCalibration(base, { confidenceThreshold: 0.4, minAcceptedShare: 0, chars: 0, tried: [] });
    const out = path.join(tempDir(), 'ft');
    const thresholds: (number | undefined)[] = [];
    const asked: { referenceAcceptedShare: number; from?: number }[] = [];
    const hooks: TrainHooks = {
      keystrokes: async (_w, _f, opts) => {
        thresholds.push(opts?.threshold);
        return { savings: 0.2, chars: 500, acceptedShare: 0.5 };
      },
      calibrate: {
        replays: 3,
        run: async (_w, _f, opts) => {
          asked.push(opts);
          return {
            confidenceThreshold: 0.45,
            minAcceptedShare: 0.45,
            chars: 480,
            tried: [
              { threshold: 0.4, savings: 0.33, acceptedShare: 0.3 },
              { threshold: 0.45, savings: 0.31, acceptedShare: 0.46 },
            ],
          };
        },
      },
    };
    const events: TrainEvent[] = [];
    const s = await train(
      tinyConfig(data, out, { epochs: 12, evalEvery: 6, from: base, mustBeatStart: true, keystrokeCheck: true }),
      (e) => events.push(e),
      undefined,
      hooks,
    );
    assert.equal(s.improved, true);
    // The start types at its own calibrated threshold (as the editor serves it); the search starts there.
    assert.deepEqual(thresholds, [0.4]);
    assert.deepEqual(asked, [{ referenceAcceptedShare: 0.5, from: 0.4 }]);
    assert.equal(s.startThreshold, 0.4);
    assert.equal(s.threshold, 0.45);
    assert.equal(s.keystrokeSavings, 0.31);
    assert.equal(s.acceptedShare, 0.46);
    const best = events.find((e): e is Extract<TrainEvent, { type: 'keystrokes' }> => e.type === 'keystrokes' && e.model === 'best');
    assert.deepEqual([best?.savings, best?.chars, best?.threshold], [0.31, 480, 0.45]);
    assert.equal(loadCheckpoint(out).meta.serving!.confidenceThreshold, 0.45);
    // A threshold the user set is the one both models type at, and nothing is calibrated.
    thresholds.length = asked.length = 0;
    const out2 = path.join(tempDir(), 'ft2');
    const s2 = await train(
      tinyConfig(data, out2, { epochs: 12, evalEvery: 6, from: base, mustBeatStart: true, keystrokeCheck: true, servingThreshold: 0.35 }),
      undefined,
      undefined,
      hooks,
    );
    assert.equal(s2.improved, true);
    assert.deepEqual(thresholds, [0.35, 0.35]);
    assert.deepEqual(asked, []);
    assert.equal(loadCheckpoint(out2).meta.serving, undefined);
  });
});
