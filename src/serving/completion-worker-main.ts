/**
 * Entry point of the completion worker (dist/completion-worker.js). It owns what a completion needs — the
 * model's stepper, one inference session per document with its line-start snapshots, the workspace index —
 * and runs the completion engine and the background priming the host asks for. Requests are served in the
 * order they come; priming yields between slices, so a completion request that arrives meanwhile stops it.
 */
import { parentPort, workerData } from 'worker_threads';
import { complete, primeAt } from '../completion/complete';
import { TextIndex } from '../adapt/text-index';
import { LstmStepper } from '../inference/lstm-stepper';
import { SessionPool } from '../inference/session-pool';
import { CANCELLED_UP_TO, FromWorker, ToWorker } from './completion-protocol';

const shared = new Int32Array(workerData.shared as SharedArrayBuffer);
const port = parentPort!;
let pool: SessionPool | undefined;
let index: TextIndex | undefined;
/** Completions in progress: a prime that arrives meanwhile is refused (it would move their session). */
let active = 0;
/** Per document: bumped by each completion and each prime, so a stale prime stops at its next slice. */
const generation = new Map<string, number>();

const post = (m: FromWorker) => port.postMessage(m);
const bump = (key: string) => {
  const g = (generation.get(key) ?? 0) + 1;
  generation.set(key, g);
  return g;
};

async function onComplete(m: Extract<ToWorker, { type: 'complete' }>): Promise<void> {
  bump(m.key);
  const session = pool?.get(m.key);
  if (!session) return post({ type: 'completed', id: m.id, result: undefined });
  active++;
  try {
    const { excludeFromIndex, ...request } = m.request;
    const result = await complete(session, {
      ...request,
      workspace: index && { index, exclude: excludeFromIndex },
      isCancelled: () => Atomics.load(shared, CANCELLED_UP_TO) >= m.id,
    });
    post({ type: 'completed', id: m.id, result });
  } finally {
    active--;
  }
}

async function onPrime(m: Extract<ToWorker, { type: 'prime' }>): Promise<void> {
  const session = pool?.get(m.key);
  if (!session || active > 0) return post({ type: 'primed', id: m.id, stepped: undefined });
  const gen = bump(m.key);
  const stepped = await primeAt(session, m.prefix, m.contextChars, () => generation.get(m.key) !== gen || active > 0, undefined, m.keepLastLines);
  post({ type: 'primed', id: m.id, stepped });
}

function handle(m: ToWorker): Promise<void> | void {
  switch (m.type) {
    case 'model':
      // A new model invalidates every cached state.
      if (pool) pool.replaceStepper(new LstmStepper(m.weights));
      else pool = new SessionPool(new LstmStepper(m.weights));
      return;
    case 'index':
      index = m.parts && TextIndex.fromParts(m.parts);
      return;
    case 'close':
      pool?.drop(m.key);
      generation.delete(m.key);
      return;
    case 'complete':
      return onComplete(m);
    case 'prime':
      return onPrime(m);
  }
}

port.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      await handle(m);
    } catch (e) {
      // A failed request answers with its message (id 0: a model or index that could not be taken); the worker
      // goes on serving the next ones.
      post({ type: 'failed', id: 'id' in m ? m.id : 0, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  })();
});
