import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startWorkerJob } from '../../src/util/worker-job';
import { tempDir } from '../helpers';

/** A worker script that does what its workerData says: reply, fail, throw, exit, or send chunks. */
function script(): string {
  const f = path.join(tempDir(), 'job.js');
  fs.writeFileSync(
    f,
    `const { parentPort, workerData: w } = require('worker_threads');
     if (w === 'reply') parentPort.postMessage({ type: 'log' }), parentPort.postMessage({ type: 'done', value: 42 });
     if (w === 'fail') parentPort.postMessage({ type: 'error', message: 'no such file' });
     if (w === 'throw') throw new Error('boom');
     if (w === 'exit') process.exit(3);
     if (w === 'chunks') { parentPort.postMessage({ type: 'done', value: 1 }); for (let i = 0; i < 3; i++) parentPort.postMessage({ type: 'more', last: i === 2 }); }
     if (w === 'hang') setInterval(() => {}, 1000);`,
  );
  return f;
}

type Msg = { type: 'log' | 'done' | 'error' | 'more'; value?: number; message?: string; last?: boolean };

describe('startWorkerJob: one lifecycle for worker jobs', () => {
  const f = script();
  const run = (data: string, more: (m: Msg) => void = () => undefined) =>
    startWorkerJob<Msg, number>({
      script: f,
      workerData: data,
      name: 'the test worker',
      onMessage: (m) => {
        if (m.type === 'done') return { result: m.value!, keep: data === 'chunks' };
        if (m.type === 'error') return { error: m.message! };
        if (m.type === 'more') {
          more(m);
          return m.last ? { end: true } : undefined;
        }
        return undefined;
      },
    });

  it('settles once with the accepted reply; fails with the reported error, the crash or the early exit, each named', async () => {
    assert.equal(await run('reply').done, 42);
    await assert.rejects(run('fail').done, /^Error: no such file$/);
    await assert.rejects(run('throw').done, /the test worker crashed: boom/);
    await assert.rejects(run('exit').done, /the test worker stopped \(code 3\) before it answered/);
  });

  it('a cancelled job resolves undefined and its worker ends', async () => {
    const job = run('hang');
    setTimeout(() => job.cancel(), 50);
    assert.equal(await job.done, undefined);
  });

  it('keeps a worker for more messages after its result, until the handler says the end', async () => {
    const chunks: Msg[] = [];
    let ended!: () => void;
    const allIn = new Promise<void>((r) => (ended = r));
    const job = run('chunks', (m) => (chunks.push(m), m.last && ended()));
    assert.equal(await job.done, 1);
    await allIn;
    assert.equal(chunks.length, 3);
  });
});
