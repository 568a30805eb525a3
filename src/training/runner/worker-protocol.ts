/** Messages between a training worker and its caller. */
import { TrainConfig, TrainEvent, TrainSummary } from '../loop/train-config';

export type FromWorker = { type: 'event'; event: TrainEvent } | { type: 'done'; summary: TrainSummary } | { type: 'error'; message: string; stack?: string };

export interface WorkerInput {
  config: TrainConfig;
  /**
   * Int32Array over a SharedArrayBuffer: element 0 set to 1 asks the worker to stop at the next batch; element 1
   * is 1 while the user works in the editor (TrainHooks.editorBusy).
   */
  cancelFlag: SharedArrayBuffer;
}

/**
 * Routes one message from a training worker or process: events to onEvent, the end of the run to resolve or
 * reject. Returns true when the message ended the run.
 */
export function routeMessage(m: FromWorker, onEvent: (e: TrainEvent) => void, resolve: (s: TrainSummary) => void, reject: (e: Error) => void): boolean {
  if (m.type === 'event') {
    onEvent(m.event);
    return false;
  }
  if (m.type === 'done') resolve(m.summary);
  else reject(new Error(m.message));
  return true;
}
