import { strict as assert } from 'assert';
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { spawn, spawnSync } from 'child_process';
import { lowerOwnAutogroup, lowerThisThreadPriority, TRAINING_NICE } from '../../src/util/thread-priority';

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

describe('lowerProcessPriority', () => {
  it("lowers every thread of a process, V8's helpers included, and the threads it starts afterwards", function () {
    if (process.platform !== 'linux') return this.skip();
    // In a child process (a training process), so this test's own process keeps its priority.
    const code = `
      require('tsx/cjs');
      const fs = require('fs');
      const { Worker } = require('worker_threads');
      const { lowerProcessPriority } = require(${JSON.stringify(require.resolve('../../src/util/thread-priority'))});
      const lowered = lowerProcessPriority();
      const w = new Worker('setTimeout(() => {}, 300)', { eval: true });
      setTimeout(() => {
        const nice = fs.readdirSync('/proc/self/task').map((t) => Number(fs.readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
        console.log(JSON.stringify({ lowered, nice }));
        w.terminate();
      }, 150);`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { lowered, nice } = JSON.parse(r.stdout) as { lowered: number; nice: number[] };
    assert.ok(lowered >= 4, `lowered ${lowered} threads`);
    assert.ok(nice.length > lowered, `a worker started afterwards adds threads (${nice.length} now)`);
    assert.deepEqual([...new Set(nice)], [TRAINING_NICE]);
    assert.equal(niceOf(process.pid), 0);
  });
});

describe('lowerProcessPriority on macOS and Windows', () => {
  it("lowers the process's own priority once (it covers every thread there)", function () {
    if (process.platform !== 'linux') return this.skip();
    // On Linux the same call lowers the main thread alone (its id is the process id): what the test can see here.
    const code = `
      require('tsx/cjs');
      const { lowerProcessPriority } = require(${JSON.stringify(require.resolve('../../src/util/thread-priority'))});
      const lowered = lowerProcessPriority(undefined, 'darwin');
      console.log(JSON.stringify({ lowered, nice: require('os').getPriority() }));`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { lowered: 1, nice: TRAINING_NICE });
    assert.equal(niceOf(process.pid), 0);
  });
});

describe('lowerOwnAutogroup', () => {
  /** Runs lowerOwnAutogroup in a child process; returns its answer and the group line the child then reads. */
  const inChild = (detached: boolean) =>
    new Promise<{ lowered: boolean; group: string }>((resolve, reject) => {
      const code = `
        require('tsx/cjs');
        const { lowerOwnAutogroup } = require(${JSON.stringify(require.resolve('../../src/util/thread-priority'))});
        const lowered = lowerOwnAutogroup();
        console.log(JSON.stringify({ lowered, group: require('fs').readFileSync('/proc/self/autogroup', 'utf8').trim() }));`;
      const child = spawn(process.execPath, ['-e', code], { detached, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
    });

  it('lowers the group of a process in a session of its own (a detached training process)', async function () {
    if (process.platform !== 'linux' || !fs.existsSync('/proc/self/autogroup')) return this.skip();
    const mine = fs.readFileSync('/proc/self/autogroup', 'utf8').trim();
    const { lowered, group } = await inChild(true);
    assert.equal(lowered, true);
    assert.match(group, new RegExp(`nice ${TRAINING_NICE}$`));
    assert.notEqual(group.split(' ')[0], mine.split(' ')[0], 'a group of its own');
    assert.equal(fs.readFileSync('/proc/self/autogroup', 'utf8').trim(), mine, "the parent's group is unchanged");
  });

  it("leaves a group it shares with its parent alone (lowering it would lower the editor's)", async function () {
    if (process.platform !== 'linux' || !fs.existsSync('/proc/self/autogroup')) return this.skip();
    const mine = fs.readFileSync('/proc/self/autogroup', 'utf8').trim();
    const { lowered, group } = await inChild(false);
    assert.equal(lowered, false);
    assert.equal(group, mine);
  });

  it('does nothing where there is no autogroup file', () => {
    assert.equal(lowerOwnAutogroup(TRAINING_NICE, '/nonexistent-proc'), false);
  });
});
