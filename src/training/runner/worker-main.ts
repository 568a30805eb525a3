/** Entry point of the training worker thread (bundled to dist/training-worker.js). */
import { parentPort, workerData } from 'worker_threads';
import { replayHooks } from './replay-hooks';
import { train } from '../loop/trainer';
import { FromWorker, WorkerInput } from './worker-protocol';
import { lowerThisThreadPriority } from '../../util/thread-priority';

const input = workerData as WorkerInput;
const flag = new Int32Array(input.cancelFlag);
const post = (m: FromWorker) => parentPort!.postMessage(m);
if (input.config.lowPriority) lowerThisThreadPriority();

train(
  input.config,
  (event) => post({ type: 'event', event }),
  () => Atomics.load(flag, 0) === 1,
  { ...replayHooks, editorBusy: () => Atomics.load(flag, 1) === 1 },
).then(
  (summary) => post({ type: 'done', summary }),
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined }),
);
