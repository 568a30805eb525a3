/**
 * The extension host's side of the completion worker: posts the model, the workspace index and each request,
 * and resolves each request with the worker's answer. Cancelling a request raises a shared counter the worker
 * reads between LSTM steps, so it stops at once without a message round trip. A worker that dies is started
 * again on the next request, with the model and index it had; the requests it held resolve to undefined.
 * No VS Code import: the editor passes what to log.
 */
import { bundledScript } from '../util/worker-script';
import { Worker } from 'worker_threads';
import { CompletionResult } from '../completion/complete';
import { IndexParts } from '../workspace-index/text-index';
import { ModelWeights } from '../model/architecture';
import { CANCELLED_UP_TO, FromWorker, GENERATION_CANCELLED_UP_TO, PostedRequest, SHARED_SLOTS, ToWorker } from './completion-protocol';

export interface CompletionClientHooks {
  log(line: string): void;
  /** A document sent with document() is primed whole (or as far as the memory setting allows). */
  documentPrimed?(info: Extract<FromWorker, { type: 'documentPrimed' }>): void;
}

type Pending = (m: FromWorker | undefined) => void;

/** Workers in a row that may stop before answering before the client gives up (a broken install, not a crash). */
const MAX_FAILED_STARTS = 3;
/** Documents kept while no model has arrived yet (those open at activation). */
const MAX_EARLY_DOCUMENTS = 4;

export class CompletionClient {
  private worker: Worker | undefined;
  private readonly shared = new Int32Array(new SharedArrayBuffer(SHARED_SLOTS * 4));
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private weights: ModelWeights | undefined;
  /** The served model's calibrated confidence threshold (its meta.json's serving), if it has one. */
  private threshold: number | undefined;
  private index: IndexParts | undefined;
  /** Documents reported before the first model arrived (it loads off this thread): primed once it does. */
  private readonly early = new Map<string, Extract<ToWorker, { type: 'document' }>>();
  private stateMB: number | undefined;
  private disposed = false;
  /** Workers in a row that stopped before answering anything: after MAX_FAILED_STARTS, no more are started. */
  private failedStarts = 0;
  /** Workers started, the first included (a diagnostic: more than one means one died). */
  starts = 0;

  constructor(
    private readonly hooks: CompletionClientHooks,
    private readonly script = bundledScript('completion-worker.js'),
  ) {}

  /**
   * The model completions use from now on (every document's cached states are dropped), and the confidence
   * threshold calibrated for it (used unless the request says the user set one).
   */
  setModel(weights: ModelWeights, confidenceThreshold?: number): void {
    this.weights = weights;
    this.threshold = confidenceThreshold;
    this.failedStarts = 0; // a new model is a new chance
    // A worker that starts now gets the model as it starts (ensureWorker), so the first completion waits for nothing.
    if (this.worker) this.send({ type: 'model', weights, confidenceThreshold });
    else if (!this.disposed) this.ensureWorker();
    for (const d of this.early.values()) this.send(d);
    this.early.clear();
  }

  /** The workspace index the cache reads (undefined: none). Its arrays are shared, not copied, when they live in a SharedArrayBuffer. */
  setIndex(parts: IndexParts | undefined): void {
    this.index = parts;
    if (this.worker) this.send({ type: 'index', parts });
  }

  /** Memory for the line-start snapshots of all documents together (MB). */
  setStateMemory(stateMB: number): void {
    if (stateMB === this.stateMB) return;
    this.stateMB = stateMB;
    if (this.worker) this.send({ type: 'limits', stateMB });
  }

  /** A document's text and cursor offset: the worker primes it whole in the background, nearest the cursor first. */
  document(key: string, text: string, cursor: number, contextChars: number): void {
    const m = { type: 'document' as const, key, text, cursor, contextChars };
    if (this.weights) return this.send(m);
    this.early.delete(key); // the latest last; only the few most recent are kept
    this.early.set(key, m);
    if (this.early.size > MAX_EARLY_DOCUMENTS) this.early.delete(this.early.keys().next().value as string);
  }

  get hasModel(): boolean {
    return this.weights !== undefined;
  }

  /**
   * Resolves to the engine's result and the worker's own time for it (the rest of the wait is the hop), or undefined
   * when there is no model or the worker failed.
   */
  async complete(key: string, request: PostedRequest, signal?: AbortSignal): Promise<(CompletionResult & { workerMs?: number }) | undefined> {
    const m = await this.cancellable(CANCELLED_UP_TO, signal, (id) => ({ type: 'complete', id, key, request }));
    return m?.type === 'completed' && m.result ? { ...m.result, workerMs: m.workerMs } : undefined;
  }

  /** Moves a document's session to the end of `prefix` in the background; resolves to the characters stepped (undefined: stopped). */
  async prime(key: string, prefix: string, contextChars: number): Promise<number | undefined> {
    const m = await this.request({ type: 'prime', id: this.nextId++, key, prefix, contextChars });
    return m?.type === 'primed' ? m.stepped : undefined;
  }

  /**
   * The lines on screen and the text up to the end of the last one: the worker primes them in the background so a
   * click and a keystroke there resume from a line-start snapshot. Resolves to the characters stepped (undefined:
   * stopped by a completion or a newer request).
   */
  async visible(key: string, text: string, lines: { first: number; last: number }, contextChars: number): Promise<number | undefined> {
    const m = await this.request({ type: 'visible', id: this.nextId++, key, text, lines, contextChars });
    return m?.type === 'primed' ? m.stepped : undefined;
  }

  /**
   * A sample of the model after `start`, made in the worker in chunks (completions go on meanwhile). Resolves to the
   * text, shorter than maxChars when cancelled, or undefined without a model.
   */
  async generate(
    start: string,
    maxChars: number,
    temperature: number,
    seed: number,
    signal?: AbortSignal,
  ): Promise<{ text: string; cancelled: boolean } | undefined> {
    const m = await this.cancellable(GENERATION_CANCELLED_UP_TO, signal, (id) => ({ type: 'generate', id, start, maxChars, temperature, seed }));
    return m?.type === 'generated' && m.text !== undefined ? { text: m.text, cancelled: m.cancelled } : undefined;
  }

  /** The document closed: its session and snapshots go. */
  close(key: string): void {
    this.early.delete(key);
    if (this.worker) this.send({ type: 'close', key });
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.settleAll();
    if (w) void w.terminate();
  }

  /** A request that `signal` cancels, by raising the shared `slot` (every request of its kind up to its id) to its id. */
  private async cancellable(
    slot: number,
    signal: AbortSignal | undefined,
    message: (id: number) => Extract<ToWorker, { id: number }>,
  ): Promise<FromWorker | undefined> {
    const id = this.nextId++;
    const onAbort = () => {
      if (Atomics.load(this.shared, slot) < id) Atomics.store(this.shared, slot, id);
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort);
    try {
      return await this.request(message(id));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private request(m: Extract<ToWorker, { id: number }>): Promise<FromWorker | undefined> {
    if (!this.weights || this.disposed || this.failedStarts >= MAX_FAILED_STARTS) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.pending.set(m.id, resolve);
      this.send(m);
    });
  }

  private send(m: ToWorker): void {
    if (this.disposed) return;
    this.ensureWorker().postMessage(m);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { shared: this.shared.buffer } });
    this.starts++;
    let answered = false;
    worker.on('message', (m: FromWorker) => {
      answered = true;
      this.onMessage(m);
    });
    worker.on('error', (e) => this.hooks.log(`completion worker failed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failedStarts = answered ? 0 : this.failedStarts + 1;
      if (this.disposed) return this.settleAll();
      if (this.failedStarts >= MAX_FAILED_STARTS)
        this.hooks.log(
          `completion worker failed ${MAX_FAILED_STARTS} times in a row without answering (${this.script}); completions are off until a model is loaded again`,
        );
      else this.hooks.log(`completion worker stopped (exit code ${code}); it starts again with the next request`);
      this.settleAll();
    });
    // A worker that stops must not keep the process alive (tests, the CLI); the editor holds it while it runs.
    worker.unref();
    this.worker = worker;
    // A new worker starts bare: it gets the model and the index the last one had.
    if (this.stateMB !== undefined) worker.postMessage({ type: 'limits', stateMB: this.stateMB } satisfies ToWorker);
    if (this.weights) worker.postMessage({ type: 'model', weights: this.weights, confidenceThreshold: this.threshold } satisfies ToWorker);
    if (this.index) worker.postMessage({ type: 'index', parts: this.index } satisfies ToWorker);
    return worker;
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'documentPrimed') return this.hooks.documentPrimed?.(m);
    if (m.type === 'failed') this.hooks.log(`completion worker: request ${m.id} failed: ${m.message}`);
    const settle = this.pending.get(m.id);
    if (!settle) return;
    this.pending.delete(m.id);
    settle(m);
  }

  private settleAll(): void {
    for (const settle of this.pending.values()) settle(undefined);
    this.pending.clear();
  }
}
