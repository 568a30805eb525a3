/**
 * One writer per checkpoint destination: a training run holds OUT.lock (beside OUT) while it writes OUT and
 * OUT-latest. Two runs on one --out (or two editor windows on one workspace, which share a storage folder) once
 * interleaved their saves until one died with ENOTEMPTY and its work was lost; now the second is refused at once,
 * with a message that names the first. A lock whose process is gone (a killed run) is taken over; a file named
 * OUT.lock that the project did not write is left alone and the run refused.
 */
import * as fs from 'fs';
import * as os from 'os';

interface LockInfo {
  lstmComplete: 'output-lock';
  pid: number;
  host: string;
  started: string;
}

export class OutputLockedError extends Error {
  override name = 'OutputLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return info?.lstmComplete === 'output-lock' && Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes OUT.lock for this process; returns the release function. Throws OutputLockedError when another run holds it. */
export function lockOutput(out: string): () => void {
  const file = `${out}.lock`;
  const mine: LockInfo = { lstmComplete: 'output-lock', pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify(mine));
      fs.closeSync(fd);
      return () => {
        if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readLock(file);
    if (!held) throw new OutputLockedError(`${file} exists and was not written by lstm-complete: move it, or choose another --out`);
    // Another host's lock cannot be checked (a shared disk): it stands until its owner removes it. This process's
    // own pid is a run that ended without releasing (a worker thread terminated mid-run): runs in one process are
    // already one at a time (the editor's training controller), so it is taken over.
    if (held.host !== mine.host || (alive(held.pid) && held.pid !== process.pid)) {
      throw new OutputLockedError(
        `another training run is writing ${out} (process ${held.pid} on ${held.host}, started ${held.started}); wait for it or stop it, or choose another --out`,
      );
    }
    fs.rmSync(file, { force: true }); // its run is gone (killed): take the lock over
  }
  throw new OutputLockedError(`could not take ${file}`);
}
