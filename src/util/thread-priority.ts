/**
 * Lowers the calling thread's CPU scheduling priority, so the training threads of an editor run give way to the
 * completion worker and the extension host when they compete for the cores: with two cores, a training run at
 * normal priority doubled the keystroke → ghost text time. Linux only (a thread's own id comes from
 * /proc/thread-self, and setpriority on it changes that thread alone); elsewhere nothing changes. Raising one's own
 * nice value needs no privilege.
 */
import * as fs from 'fs';
import * as os from 'os';

/** nice 10: about a tenth of a core's share against a normal-priority thread that wants the same core. */
export const TRAINING_NICE = 10;

/** True when the calling thread's priority was lowered. */
export function lowerThisThreadPriority(nice = TRAINING_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lowers every thread of this process, V8's own helpers (garbage collection, compilation) included: they run at
 * the priority of the thread that created them, so in a process that only trains (training/runner/process-main)
 * lowering the threads that exist now and those the main thread starts later leaves nothing at normal priority.
 * Measured: with only the training threads lowered, four helper threads at nice 0 used ~25% of a core.
 * Returns how many threads were lowered.
 */
export function lowerProcessPriority(nice = TRAINING_NICE): number {
  if (process.platform !== 'linux') return 0;
  let lowered = 0;
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        os.setPriority(Number(tid), nice);
        lowered++;
      } catch {
        // a thread that has just ended
      }
    }
  } catch {
    return lowered;
  }
  return lowered;
}
