import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lockOutput, OutputLockedError } from '../../src/model/output-lock';
import { tempDir } from '../helpers';

/** A lock file as another process would leave it. */
const lockOf = (pid: number) => JSON.stringify({ lstmComplete: 'output-lock', pid, host: os.hostname(), started: '2026-12-04T00:00:00Z' });

describe('one writer per checkpoint destination (issue 31.6)', () => {
  it("a second run on a destination another live run holds is refused, naming that run; a dead run's lock is taken over", async () => {
    const out = path.join(tempDir(), 'ck');
    const other = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(`${out}.lock`, lockOf(other.pid!));
      assert.throws(
        () => lockOutput(out),
        (e: Error) => e instanceof OutputLockedError && new RegExp(`process ${other.pid} on .* started 2026-12-04`).test(e.message),
      );
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Its process is gone (killed): the lock is stale and this run takes it.
    const release = lockOutput(out);
    assert.equal(JSON.parse(fs.readFileSync(`${out}.lock`, 'utf8')).pid, process.pid);
    release();
    assert.ok(!fs.existsSync(`${out}.lock`), 'released at the end of the run');
  });

  it('a file named OUT.lock that lstm-complete did not write is left alone and the run refused', () => {
    const out = path.join(tempDir(), 'ck');
    fs.writeFileSync(`${out}.lock`, 'my own lock file');
    assert.throws(() => lockOutput(out), /was not written by lstm-complete/);
    assert.equal(fs.readFileSync(`${out}.lock`, 'utf8'), 'my own lock file');
  });

  it('two processes on one --out: the second is refused at once, naming the first', async () => {
    const out = path.join(tempDir(), 'ck');
    const release = lockOutput(out); // this process is the first run
    const code = `require(${JSON.stringify(path.resolve(__dirname, '../../src/model/output-lock.ts'))}).lockOutput(${JSON.stringify(out)})`;
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: path.resolve(__dirname, '../..') });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (status) => resolve({ status, stderr }));
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`another training run is writing .*process ${process.pid}`));
    release();
  });

  it('a link to OUT takes the lock of the folder it points to (issue 43.3)', () => {
    const root = tempDir();
    const out = path.join(root, 'o');
    fs.mkdirSync(out);
    fs.symlinkSync(out, path.join(root, 'L'));
    const release = lockOutput(out);
    // In another process this would be refused as a live run; in this one, the same folder's lock must be found.
    const code = `require(${JSON.stringify(path.resolve(__dirname, '../../src/model/output-lock.ts'))}).lockOutput(${JSON.stringify(path.join(root, 'L'))})`;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
    assert.notEqual(r.status, 0, 'the run on the link is refused');
    assert.match(r.stderr, /another training run is writing/);
    assert.ok(!fs.existsSync(path.join(root, 'L.lock')), 'no second lock beside the link');
    release();
  });

  it('a lock whose pid now belongs to another program (started later) is taken over (issue 43, minor)', function () {
    if (!fs.existsSync(`/proc/${process.pid}/stat`)) this.skip();
    const out = path.join(tempDir(), 'ck');
    // process.ppid is alive; a start time it never had says the run that wrote the lock is gone and the pid reused.
    fs.writeFileSync(`${out}.lock`, JSON.stringify({ ...JSON.parse(lockOf(process.ppid)), startTicks: '1' }));
    const release = lockOutput(out);
    assert.equal(JSON.parse(fs.readFileSync(`${out}.lock`, 'utf8')).pid, process.pid);
    release();
    // The same live pid with its true start time still holds the lock.
    const stat = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    fs.writeFileSync(`${out}.lock`, JSON.stringify({ ...JSON.parse(lockOf(process.ppid)), startTicks: ticks }));
    assert.throws(() => lockOutput(out), OutputLockedError);
  });
});
