/**
 * Runs training in a worker thread so the caller (extension host, CLI progress display) stays responsive.
 * A crash or error in the worker rejects the returned promise; it never takes the caller down.
 */
import { SHARE_ENV, Worker } from 'worker_threads';
import { TrainConfig, TrainEvent, TrainSummary } from '../loop/train-config';
import { FromWorker, WorkerInput, routeMessage } from './worker-protocol';
import { findWorkerScript, WORKER_FILE } from '../../util/worker-script';

export { findWorkerScript, WORKER_FILE };

export interface TrainingJob {
  /** Resolves with the summary; rejects if training fails or the worker dies. */
  done: Promise<TrainSummary>;
  /** Asks the worker to stop after the current batch (the best checkpoint is kept). */
  cancel(): void;
  /** Ends the worker at once (e.g. on extension deactivation). */
  terminate(): Promise<void>;
  /** Tells the run whether the user is working in the editor (it then trains on fewer threads, if so planned). */
  setEditorBusy(busy: boolean): void;
}

export function startTraining(config: TrainConfig, onEvent: (e: TrainEvent) => void = () => undefined, workerScript = findWorkerScript()): TrainingJob {
  const cancelFlag = new SharedArrayBuffer(8);
  const input: WorkerInput = { config, cancelFlag };
  // SHARE_ENV: the worker sees and sets the real environment, which native libraries read (Mesa's
  // EGL_PLATFORM, set when Dawn is loaded); a worker's own copy of process.env never reaches them.
  const worker = new Worker(workerScript, { workerData: input, stdout: false, stderr: false, env: SHARE_ENV });
  let settled = false;
  const done = new Promise<TrainSummary>((resolve, reject) => {
    worker.on('message', (m: FromWorker) => {
      if (routeMessage(m, onEvent, resolve, reject)) {
        settled = true;
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      if (!settled) reject(new Error(`training worker crashed: ${e.message}`));
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`training worker exited unexpectedly (code ${code})`));
      settled = true;
    });
  });
  return {
    done,
    cancel: () => Atomics.store(new Int32Array(cancelFlag), 0, 1),
    setEditorBusy: (busy) => Atomics.store(new Int32Array(cancelFlag), 1, busy ? 1 : 0),
    terminate: async () => {
      await worker.terminate();
    },
  };
}
