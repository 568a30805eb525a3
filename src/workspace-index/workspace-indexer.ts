/**
 * Keeps the workspace's text index current for the completion cache: builds it in a worker thread (never on
 * the extension host's thread), replaces it when a build finishes, and rebuilds after saves (debounced), so
 * a completion always reads a whole index, old or new. No VS Code import: the editor passes the folders,
 * the limits and what to log.
 */
import { bundledScript } from '../util/worker-script';
import { startWorkerJob, WorkerJob } from '../util/worker-job';
import { TextIndex } from './text-index';
import { IndexReply, IndexRequest } from './index-protocol';

export interface IndexerHooks {
  log(line: string): void;
  /** Called with a one-line summary when the index changes (undefined: none). */
  changed(summary: string | undefined): void;
}

export class WorkspaceIndexer {
  private current: TextIndex | undefined;
  private job: WorkerJob<Extract<IndexReply, { type: 'done' }>> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly hooks: IndexerHooks,
    private readonly script = bundledScript('index-worker.js'),
  ) {}

  get index(): TextIndex | undefined {
    return this.current;
  }

  /** Builds a new index of `req.folders` (none: drops the index). Resolves when it is in place. */
  rebuild(req: IndexRequest | undefined): Promise<void> {
    this.cancel();
    const generation = ++this.generation;
    if (!req || !req.folders.length) {
      this.current = undefined;
      this.hooks.changed(undefined);
      return Promise.resolve();
    }
    let job: NonNullable<typeof this.job>;
    try {
      job = startWorkerJob<IndexReply, Extract<IndexReply, { type: 'done' }>>({
        script: this.script,
        workerData: req,
        name: 'the index worker',
        onMessage: (m) => (m.type === 'done' ? { result: m } : { error: m.message }),
      });
    } catch (e) {
      this.hooks.log(`workspace index failed: ${(e as Error).message}`);
      return Promise.resolve();
    }
    this.job = job;
    // A build asked for since this one (or a dispose) makes its answer stale: only the latest is applied or logged.
    return job.done
      .then(
        (m) => {
          if (!m || generation !== this.generation) return;
          this.current = TextIndex.fromParts(m.parts);
          const s = this.summary();
          this.hooks.log(`workspace index: ${s} in ${m.seconds.toFixed(1)} s`);
          this.hooks.changed(s);
        },
        (e: Error) => {
          if (generation === this.generation) this.hooks.log(`workspace index failed: ${e.message}`);
        },
      )
      .finally(() => {
        if (this.job === job) this.job = undefined;
      });
  }

  /** Rebuilds after `delayMs` unless asked again before (a burst of saves builds once). */
  schedule(req: () => IndexRequest | undefined, delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.rebuild(req());
    }, delayMs);
    this.timer.unref?.();
  }

  summary(): string {
    const i = this.current;
    return i ? `${i.files} files, ${(i.chars / 1e6).toFixed(2)} MB of text, ${(i.bytes / 1e6).toFixed(0)} MB in memory` : 'no workspace index';
  }

  private cancel(): void {
    this.job?.cancel();
    this.job = undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.generation++;
    this.cancel();
  }
}
