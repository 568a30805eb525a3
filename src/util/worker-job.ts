/**
 * One lifecycle for a job in a worker thread, the same rules everywhere: the job settles once, with the reply
 * its handler accepts, the error its worker reports, or the reason it stopped (a crash names itself, an exit before
 * an answer says so); a cancelled job resolves undefined; the worker ends with the job unless the handler keeps it
 * for more messages (a heatmap's later chunks), and then ends when the handler says it is done.
 */
import { Worker, WorkerOptions } from 'worker_threads';

/** What a message means to the job: its result (the worker kept when `keep`), a failure, the end of a kept worker, or nothing yet. */
export type JobStep<R> = { result: R; keep?: boolean } | { error: string } | { end: true } | undefined;

export interface WorkerJobOptions<M, R> {
  script: string;
  workerData: unknown;
  /** Names the worker in errors: "the checkpoint reader", "the analysis worker". */
  name: string;
  onMessage(message: M): JobStep<R>;
  options?: Omit<WorkerOptions, 'workerData'>;
}

export interface WorkerJob<R> {
  /** The result; undefined when cancelled. Rejects with the worker's error, crash or early exit. */
  done: Promise<R | undefined>;
  /** Stops the worker; an unsettled job resolves undefined. */
  cancel(): void;
}

export function startWorkerJob<M, R>(o: WorkerJobOptions<M, R>): WorkerJob<R> {
  const worker = new Worker(o.script, { ...o.options, workerData: o.workerData });
  let settled = false;
  const settle = (f: () => void) => {
    if (!settled) f();
    settled = true;
  };
  let cancelled: () => void = () => undefined;
  const done = new Promise<R | undefined>((resolve, reject) => {
    cancelled = () => settle(() => resolve(undefined));
    worker.on('message', (m: M) => {
      let step: JobStep<R>;
      try {
        step = o.onMessage(m);
      } catch (e) {
        step = { error: e instanceof Error ? e.message : String(e) };
      }
      if (!step) return;
      if ('result' in step) {
        settle(() => resolve(step.result));
        if (!step.keep) void worker.terminate();
      } else if ('error' in step) {
        settle(() => reject(new Error(step.error)));
        void worker.terminate();
      } else void worker.terminate();
    });
    worker.on('error', (e) => settle(() => reject(new Error(`${o.name} crashed: ${e.message}`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`${o.name} stopped (code ${code}) before it answered`))));
  });
  return {
    done,
    cancel: () => {
      cancelled();
      void worker.terminate();
    },
  };
}
