import { strict as assert } from 'assert';
import * as path from 'path';
import { batchesPerEpoch, positionAt, readRun, restartPeakLr, TRAINER_STATE_FILE } from '../../../src/training/loop/run-state';
import { train } from '../../../src/training/loop/trainer';
import { learningRateAt, latestDir } from '../../../src/training/loop/train-config';
import { loadCheckpoint } from '../../../src/model/checkpoint';
import { tinyConfig, tinyCorpus } from '../fixtures';
import { tempDir } from '../../helpers';
import { parseTrainArgs } from '../../../src/cli/train';
import * as fs from 'fs';
import { spawnSync } from 'child_process';

describe('run state (the resumable run format)', function () {
  this.timeout(120_000);

  it('a run writes its position with the batches per epoch it counted, and readRun gives back all a resume needs', async () => {
    const out = path.join(tempDir(), 'ck');
    const s = await train(tinyConfig(tinyCorpus(3), out, { epochs: 1.5, mode: 'carried-state', evalEvery: 5 }));
    const r = readRun(latestDir(out));
    assert.ok(r.position && r.optimizer && r.carried, 'position, optimizer state and carried state');
    assert.equal(r.position.step, s.steps);
    const meta = loadCheckpoint(latestDir(out)).meta;
    assert.equal(batchesPerEpoch(meta, r.position), Math.round(s.steps / s.epochs), 'as the trainer counted');
    const { batchesPerEpoch: recorded, ...old } = r.position;
    assert.equal(batchesPerEpoch(meta, old), recorded, 'a file written before the field existed: derived the same way');
    assert.ok(fs.existsSync(path.join(latestDir(out), TRAINER_STATE_FILE)));
  });

  it('positionAt and the warm-restart learning rate', () => {
    assert.deepEqual(positionAt(23, 10, 500, 7), { epoch: 2, batch: 3, step: 23, charsSeen: 500, wallSeconds: 7, batchesPerEpoch: 10 });
    // The nominal peak puts the trainer's cosine (over `total` epochs, no warm-up) at `restart` at epoch `at`.
    const [at, total, restart, lrMin] = [13.75, 15, 4e-4, 3e-5];
    const lr = restartPeakLr(at, total, restart, lrMin);
    assert.ok(Math.abs(learningRateAt({ lr, lrSchedule: 'cosine', lrMin }, at / total) - restart) < 1e-12);
  });

  it('a corrupted trainer state names its file and says what to do', async () => {
    const out = path.join(tempDir(), 'ck');
    await train(tinyConfig(tinyCorpus(2), out, { epochs: 0.5, evalEvery: 5 }));
    fs.writeFileSync(path.join(latestDir(out), TRAINER_STATE_FILE), '{"step": 3');
    assert.throws(
      () => readRun(latestDir(out)),
      (e: Error) => e.message.includes(TRAINER_STATE_FILE) && /not valid JSON .*resume from another run or start a new one/.test(e.message),
    );
  });

  it('resume side files that are devices, pipes or too large are refused at once, naming the file (issue 43.4)', async function () {
    const out = path.join(tempDir(), 'ck');
    await train(tinyConfig(tinyCorpus(2), out, { epochs: 0.5, evalEvery: 5 }));
    const latest = latestDir(out);
    const cases: [string, () => void, RegExp][] = [
      ['optimizer.bin', () => fs.symlinkSync('/dev/zero', path.join(latest, 'optimizer.bin')), /not a regular file/],
      ['optimizer.bin', () => fs.writeFileSync(path.join(latest, 'optimizer.bin'), Buffer.alloc(16 << 20)), /more than the \d+ it may hold/],
      [TRAINER_STATE_FILE, () => spawnSync('mkfifo', [path.join(latest, TRAINER_STATE_FILE)]), /not a regular file/],
    ];
    for (const [name, make, why] of cases) {
      const keep = fs.readFileSync(path.join(latest, name));
      fs.rmSync(path.join(latest, name));
      make();
      if (!fs.existsSync(path.join(latest, name))) continue; // no mkfifo here
      const t0 = Date.now();
      assert.throws(
        () => readRun(latest),
        (e: Error) => e.message.includes(name) && why.test(e.message) && /resume from another run/.test(e.message),
        name,
      );
      assert.ok(Date.now() - t0 < 2000, `${name}: refused without reading`);
      fs.rmSync(path.join(latest, name));
      fs.writeFileSync(path.join(latest, name), keep);
    }
    assert.ok(readRun(latest).optimizer, 'the restored files read again');
  });

  it('a save killed mid-rename resumes from one generation: weights and position together (issue 43, minor)', async () => {
    const out = path.join(tempDir(), 'ck');
    await train(tinyConfig(tinyCorpus(2), out, { epochs: 0.5, evalEvery: 5 }));
    const latest = latestDir(out);
    const whole = readRun(latest);
    // As writeInPlace leaves it killed before its last rename: every NAME.prev is the previous generation, and the
    // new weights.bin and trainer-state.json are in place while meta.json is still the old one.
    for (const n of fs.readdirSync(latest)) if (!n.startsWith('.')) fs.copyFileSync(path.join(latest, n), path.join(latest, `${n}.prev`));
    fs.writeFileSync(path.join(latest, 'weights.bin'), Buffer.alloc(fs.statSync(path.join(latest, 'weights.bin')).size, 1));
    fs.writeFileSync(path.join(latest, TRAINER_STATE_FILE), JSON.stringify({ ...whole.position, step: whole.position!.step + 20 }));
    const r = readRun(latest);
    assert.match(r.recoveredFrom ?? '', /\.prev$/);
    assert.equal(r.position!.step, whole.position!.step, 'the position of the generation whose weights were loaded');
    assert.deepEqual(r.weights.denseBias, whole.weights.denseBias);
  });

  it("--resume at another batch shape is refused, naming the run's own; the CLI takes the run's shape when none is given", async () => {
    const out = path.join(tempDir(), 'ck');
    const corpus = tinyCorpus(2);
    const first = tinyConfig(corpus, out, { epochs: 0.5, evalEvery: 5, mode: 'carried-state' });
    await train(first);
    await assert.rejects(
      train({ ...first, resume: true, epochs: 1, batchSize: first.batchSize * 2 }),
      new RegExp(`a run of batch ${first.batchSize} × seq ${first.seqLen} \\(carried-state\\).*resume with --batch-size ${first.batchSize}`),
    );
    const { config } = parseTrainArgs(['--data', corpus, '--out', out, '--resume']);
    assert.deepEqual([config.batchSize, config.seqLen, config.mode], [first.batchSize, first.seqLen, 'carried-state']);
  });
});
