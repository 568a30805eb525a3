/**
 * Lowers the calling thread's CPU scheduling priority, so the training threads of an editor run give way to the
 * completion worker and the extension host when they compete for the cores: with two cores, a training run at
 * normal priority doubled the keystroke → ghost text time. One thread alone can be lowered on Linux only (its id
 * comes from /proc/thread-self, and setpriority on it changes that thread alone); on macOS and Windows
 * lowerProcessPriority lowers a whole training process instead. Raising one's own nice value needs no privilege.
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
 * On Linux each thread is lowered (setpriority on a thread id changes that thread alone); on macOS and Windows the
 * process's priority (Windows: its priority class, below normal for nice 10) covers all its threads, so the process
 * is lowered once. Returns how many threads were lowered on Linux, 1 when the whole process was, 0 on failure.
 */
export function lowerProcessPriority(nice = TRAINING_NICE, platform: NodeJS.Platform = process.platform): number {
  if (platform !== 'linux') {
    try {
      os.setPriority(process.pid, nice);
      return 1;
    } catch {
      return 0;
    }
  }
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

/**
 * Lowers this process's scheduling group, when it has one of its own. With Linux's autogroup (on by default in
 * most desktop kernels) the CPU is shared fairly between sessions' groups first and by nice value only inside a
 * group: a training process left in the editor's session, at nice 10, still took half a core from a browser or
 * a workbench in another session while it rendered the ghost text (UI test: keystroke → ghost text 1.2x-1.5x
 * idle, against 0.55x-1.07x with the group lowered). Started in a session of its own (process-client starts it
 * detached) and its group lowered, the run only takes what no one else wants. Only a group this process does not
 * share with its parent is changed: lowering a shared group would lower the editor too. Returns true when the
 * group was lowered.
 */
export function lowerOwnAutogroup(nice = TRAINING_NICE, proc = '/proc'): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const group = (pid: string) => /^(\S+)/.exec(fs.readFileSync(`${proc}/${pid}/autogroup`, 'utf8'))?.[1];
    const own = group('self');
    if (!own || own === group(String(process.ppid))) return false;
    fs.writeFileSync(`${proc}/self/autogroup`, String(nice));
    return true;
  } catch {
    return false; // no autogroup (kernel without it, or /proc not mounted): nice values alone apply
  }
}
