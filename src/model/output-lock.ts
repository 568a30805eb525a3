/**
 * One writer per checkpoint destination: a training run holds OUT.lock (beside OUT) while it writes OUT and
 * OUT-latest. Two runs on one --out (or two editor windows on one workspace, which share a storage folder) once
 * interleaved their saves until one died with ENOTEMPTY and its work was lost; now the second is refused at once,
 * with a message that names the first. A lock is taken on the folder's real path, so a link to OUT takes OUT's
 * lock. A lock whose process is gone (a killed run, or its pid since reused by another program) is taken over; a file named
 * OUT.lock that the project did not write is left alone and the run refused.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readBoundedText } from '../util/bounded-read';

interface LockInfo {
  lstmComplete: 'output-lock';
  pid: number;
  host: string;
  started: string;
  /** When the process started (Linux: clock ticks after boot, /proc/PID/stat): tells a reused pid from the run. */
  startTicks?: string;
}

/** A process's start time where the system says it (Linux), so a lock naming a pid since reused is seen as stale. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces and parentheses, so count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * The folder a lock guards, by its real path: `--out o` and `--out L` (L a link to o) write the same folder and
 * must take the same lock. A folder not made yet is named by its parent's real path.
 */
export function lockPath(out: string): string {
  const abs = path.resolve(out);
  try {
    return `${fs.realpathSync(abs)}.lock`;
  } catch {
    try {
      return `${path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs))}.lock`;
    } catch {
      return `${abs}.lock`;
    }
  }
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
    const info = JSON.parse(readBoundedText(file, 64 * 1024)) as LockInfo;
    return info?.lstmComplete === 'output-lock' && Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes OUT.lock for this process; returns the release function. Throws OutputLockedError when another run holds it. */
export function lockOutput(out: string): () => void {
  const file = lockPath(out);
  const ticks = startTicks(process.pid);
  const mine: LockInfo = {
    lstmComplete: 'output-lock',
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    ...(ticks ? { startTicks: ticks } : {}),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeFileSync(fd, JSON.stringify(mine)); // writes every byte or throws (a full disk)
      } catch (e) {
        fs.rmSync(file, { force: true }); // an empty lock would read as a user's file and block every later run
        throw e;
      } finally {
        fs.closeSync(fd);
      }
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
    // A live pid whose start time differs from the lock's is another program that reused the pid: the run is gone.
    const sameProcess = alive(held.pid) && (!held.startTicks || startTicks(held.pid) === undefined || startTicks(held.pid) === held.startTicks);
    if (held.host !== mine.host || (sameProcess && held.pid !== process.pid)) {
      throw new OutputLockedError(
        `another training run is writing ${out} (process ${held.pid} on ${held.host}, started ${held.started}); wait for it or stop it, or choose another --out`,
      );
    }
    fs.rmSync(file, { force: true }); // its run is gone (killed): take the lock over
  }
  throw new OutputLockedError(`could not take ${file}`);
}
