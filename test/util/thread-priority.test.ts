import { strict as assert } from 'assert';
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { lowerThisThreadPriority, TRAINING_NICE } from '../../src/util/thread-priority';

/** A thread's nice value, from /proc (field 19 of its stat line). */
const niceOf = (tid: number) => Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);

describe('lowerThisThreadPriority', () => {
  it('lowers the calling thread alone (a training worker), not the rest of the process', async function () {
    if (process.platform !== 'linux') {
      assert.equal(lowerThisThreadPriority(), false);
      return this.skip();
    }
    const code = `
      const { parentPort } = require('worker_threads');
      require('tsx/cjs');
      const { lowerThisThreadPriority } = require(${JSON.stringify(require.resolve('../../src/util/thread-priority'))});
      const ok = lowerThisThreadPriority();
      const tid = Number(require('fs').readlinkSync('/proc/thread-self').split('/').pop());
      parentPort.postMessage({ ok, tid });
      setTimeout(() => {}, 2000);`;
    const w = new Worker(code, { eval: true });
    try {
      const { ok, tid } = await new Promise<{ ok: boolean; tid: number }>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      assert.equal(ok, true);
      assert.equal(niceOf(tid), TRAINING_NICE);
      assert.equal(niceOf(process.pid), 0, 'the main thread keeps its priority');
    } finally {
      await w.terminate();
    }
  });
});
