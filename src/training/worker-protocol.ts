/** Messages between a training worker and its caller. */
import { TrainConfig, TrainEvent, TrainSummary } from './trainer';

export type ToWorker = { type: 'cancel' };

export type FromWorker =
  | { type: 'event'; event: TrainEvent }
  | { type: 'done'; summary: TrainSummary }
  | { type: 'error'; message: string; stack?: string };

export interface WorkerInput {
  config: TrainConfig;
  /** Int32Array over a SharedArrayBuffer: element 0 set to 1 asks the worker to stop at the next batch. */
  cancelFlag: SharedArrayBuffer;
}
