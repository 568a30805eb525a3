/**
 * Reads and checks a checkpoint off the extension host's thread, in a short-lived worker, and hands back its
 * weights in shared memory. On the host's thread, reading, hashing and decoding the bundled model took ~20 ms on an
 * idle core and 50-90 ms while a training run went (the host's CPU profile in the UI test), and posting the
 * weights to the completion worker as a copy another ~20 ms: a stall the user feels when a run switches models.
 * Shared, the weights pass to the completion worker, and to a new one after a crash, without a copy (no one
 * writes to them once loaded). Where the worker script is missing (running from sources without a build), the
 * checkpoint is loaded on the calling thread.
 */
import { Checkpoint, loadCheckpoint } from '../model/checkpoint';
import { ModelWeights, weightList, weightsFromList } from '../model/architecture';
import { findWorkerScript } from '../util/worker-script';
import { startWorkerJob } from '../util/worker-job';

export const CHECKPOINT_WORKER_FILE = 'checkpoint-worker.js';

export type LoaderReply = { ok: true; checkpoint: Checkpoint } | { ok: false; message: string };

/** The same weights, every array moved into one SharedArrayBuffer. */
export function shareWeights(w: ModelWeights): ModelWeights {
  const arrays = weightList(w);
  const buffer = new SharedArrayBuffer(arrays.reduce((n, a) => n + a.byteLength, 0));
  let offset = 0;
  const share = (a: Float32Array) => {
    const s = new Float32Array(buffer, offset, a.length);
    s.set(a);
    offset += a.byteLength;
    return s;
  };
  return weightsFromList(w.spec, arrays.map(share));
}

/** The reader's script, or false when there is none (running from sources without a build). */
function readerScript(): string | false {
  try {
    return findWorkerScript(CHECKPOINT_WORKER_FILE);
  } catch {
    return false;
  }
}

/** Loads `dir` as loadCheckpoint does (the same checks, the same errors), in a worker thread (`script` false: here). */
export function loadCheckpointOffThread(dir: string, script: string | false = readerScript()): Promise<Checkpoint> {
  if (!script) return Promise.resolve().then(() => loadCheckpoint(dir));
  const job = startWorkerJob<LoaderReply, Checkpoint>({
    script,
    workerData: { dir },
    name: `the checkpoint reader of ${dir}`,
    onMessage: (m) => (m.ok ? { result: m.checkpoint } : { error: m.message }),
  });
  // Never cancelled, so it resolves with a checkpoint or rejects.
  return job.done as Promise<Checkpoint>;
}
