/** Entry point of the training worker thread (bundled to dist/training-worker.js). */
import { parentPort, workerData } from 'worker_threads';
import { keystrokeCheck } from '../../replay/keystroke-check';
import { train } from '../loop/trainer';
import { FromWorker, WorkerInput } from './worker-protocol';

const input = workerData as WorkerInput;
const flag = new Int32Array(input.cancelFlag);
const post = (m: FromWorker) => parentPort!.postMessage(m);

train(
  input.config,
  (event) => post({ type: 'event', event }),
  () => Atomics.load(flag, 0) === 1,
  { keystrokes: keystrokeCheck, editorBusy: () => Atomics.load(flag, 1) === 1 },
).then(
  (summary) => post({ type: 'done', summary }),
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined }),
);
