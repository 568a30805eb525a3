import { strict as assert } from 'assert';
import * as path from 'path';
import { startTraining, findWorkerScript } from '../../../src/training/runner/worker-client';
import { loadCheckpoint } from '../../../src/model/checkpoint';
import { tinyCorpus, tinyConfig } from '../fixtures';
import { tempDir } from '../../helpers';

describe('training worker', function () {
  this.timeout(120_000);

  it('trains off the main thread, which stays responsive, and can be cancelled', async () => {
    const data = tinyCorpus(4);
    const out = path.join(tempDir(), 'ck');
    let batches = 0;
    const job = startTraining(tinyConfig(data, out, { epochs: 200, evalEvery: 2 }), (e) => {
      if (e.type === 'batch' && ++batches === 5) job.cancel();
    });
    // The main thread keeps running timers while the worker trains.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const s = await job.done;
    clearInterval(timer);
    assert.equal(s.stoppedBy, 'cancelled');
    assert.ok(s.steps >= 5 && s.steps < 20, `stopped after ${s.steps} steps`);
    assert.ok(ticks > 5, `only ${ticks} timer ticks while training`);
    assert.ok(loadCheckpoint(out).meta.training!.history.length >= 1);
  });

  it('reports a failure in the worker instead of crashing the caller', async () => {
    const job = startTraining(tinyConfig('/nonexistent/folder', path.join(tempDir(), 'ck')));
    await assert.rejects(job.done, /does not exist/);
  });

  it('reports a worker that dies', async () => {
    const job = startTraining(tinyConfig(tinyCorpus(2), path.join(tempDir(), 'ck'), { epochs: 1000 }), undefined, findWorkerScript());
    setTimeout(() => void job.terminate(), 300);
    await assert.rejects(job.done, /exited unexpectedly|crashed/);
  });
});
