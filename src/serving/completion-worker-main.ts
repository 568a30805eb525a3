/**
 * Entry point of the completion worker (dist/completion-worker.js). It owns what a completion needs — the
 * model's stepper, one inference session per document, the line-start state snapshots they share, the workspace
 * index — and runs the completion engine and decides what to prime from what the host reports (a document's text,
 * a resting cursor, the lines on screen). Requests interleave: each yields
 * between slices of stepping, so a newer one runs meanwhile, and a prime stops for a completion that arrives; the
 * documents the host sends are primed whole while nothing else runs (primeDocument), nearest the cursor first.
 */
import { parentPort, workerData } from 'worker_threads';
import { complete } from '../completion/complete';
import { primeAt, primeDocument } from '../completion/document-primer';
import { TextIndex } from '../workspace-index/text-index';
import { LstmStepper, SERVING_PRECISION } from '../inference/lstm-stepper';
import { SessionPool } from '../inference/session-pool';
import { InferenceSession } from '../inference/session';
import { normalizeText } from '../model/vocab';
import { CANCELLED_UP_TO, FromWorker, GENERATION_CANCELLED_UP_TO, ToWorker } from './completion-protocol';
import { mulberry32 } from '../util/rng';
import { servingSettings } from './model-threshold';
import { sampleContext } from '../inference/generation-limits';

const shared = new Int32Array(workerData.shared as SharedArrayBuffer);
const port = parentPort!;
let stepper: LstmStepper | undefined;
/** The confidence threshold calibrated for the served model (undefined: the settings' own). */
let modelThreshold: number | undefined;
let pool: SessionPool | undefined;
let index: TextIndex | undefined;
let stateMB = 64;
/** Completions in progress: a prime that arrives meanwhile is refused (it would move their session). */
let active = 0;
/** Per document: bumped by each completion and each prime, so a stale prime stops at its next slice. */
const generation = new Map<string, number>();
/** Documents to prime whole, the most recently sent last. */
type DocumentEntry = Extract<ToWorker, { type: 'document' }> & { normalized?: string; done?: boolean };
const documents = new Map<string, DocumentEntry>();
/** Documents remembered (their text), so a new model primes them again; the oldest is forgotten first. */
const MAX_DOCUMENTS = 8;
let documentPriming = false;
let idleTimer: NodeJS.Timeout | undefined;
/** Quiet time after a request before whole-document priming resumes. */
const IDLE_MS = 150;

const post = (m: FromWorker) => port.postMessage(m);
const bump = (key: string) => {
  const g = (generation.get(key) ?? 0) + 1;
  generation.set(key, g);
  return g;
};

function makePool(s: LstmStepper): SessionPool {
  return new SessionPool(s, 8, Math.max(16, Math.floor((stateMB * 1e6) / (s.stateSize * 4))));
}

async function onComplete(m: Extract<ToWorker, { type: 'complete' }>, received: number): Promise<void> {
  bump(m.key);
  const session = pool?.get(m.key);
  if (!session) return post({ type: 'completed', id: m.id, result: undefined, workerMs: performance.now() - received });
  active++;
  try {
    const { excludeFromIndex, ...request } = m.request;
    const result = await complete(session, {
      ...request,
      settings: servingSettings(request.settings, modelThreshold),
      workspace: index && { index, exclude: excludeFromIndex },
      isCancelled: () => Atomics.load(shared, CANCELLED_UP_TO) >= m.id,
    });
    post({ type: 'completed', id: m.id, result, workerMs: performance.now() - received });
  } finally {
    active--;
  }
}

async function onPrime(m: Extract<ToWorker, { type: 'prime' }>): Promise<void> {
  const session = pool?.get(m.key);
  if (!session || active > 0) return post({ type: 'primed', id: m.id, stepped: undefined });
  const gen = bump(m.key);
  const stepped = await primeAt(session, m.prefix, m.contextChars, () => generation.get(m.key) !== gen || active > 0);
  post({ type: 'primed', id: m.id, stepped });
}

/** A session of its own for background priming, sharing the snapshots, so the document's session keeps its state at the cursor. */
const primingSession = (p: SessionPool) => new InferenceSession(p.stepper, { cache: p.cache });
/** Snapshots one document's priming may fill: three quarters; the rest keep other documents' recent ones. */
const documentSnapshots = (p: SessionPool) => Math.floor(p.cache.maxEntries * 0.75);

/** Most lines primed for one screen (a very tall editor or a folded range still costs a bounded pass). */
const MAX_VISIBLE_LINES = 400;

/**
 * The lines on screen: the passes that leave a snapshot at each of their starts, nearest the last first, in a
 * session of their own that shares the snapshots (the document's session keeps its state at the cursor).
 */
async function onVisible(m: Extract<ToWorker, { type: 'visible' }>): Promise<void> {
  if (!pool || active > 0) return post({ type: 'primed', id: m.id, stepped: undefined });
  const gen = bump(m.key);
  const text = normalizeText(m.text);
  const lines = { first: m.lines.first, last: Math.min(m.lines.last, m.lines.first + MAX_VISIBLE_LINES) };
  const r = await primeDocument(primingSession(pool), text, text.length, {
    contextChars: m.contextChars,
    maxSnapshots: documentSnapshots(pool),
    lines,
    isCancelled: () => generation.get(m.key) !== gen || active > 0,
  });
  post({ type: 'primed', id: m.id, stepped: r.cancelled ? undefined : r.stepped });
}

/** Characters of a sample made between yields (~25 ms): a completion request waits at most that long. */
const GENERATION_CHUNK = 256;

async function onGenerate(m: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  if (!stepper) return post({ type: 'generated', id: m.id, text: undefined, cancelled: false });
  const session = new InferenceSession(stepper);
  const rng = mulberry32(m.seed);
  const cancelled = () => Atomics.load(shared, GENERATION_CANCELLED_UP_TO) >= m.id;
  session.feed(sampleContext(m.start));
  let text = '';
  while (text.length < m.maxChars && !cancelled()) {
    text += session.generate({ maxChars: Math.min(GENERATION_CHUNK, m.maxChars - text.length), temperature: m.temperature, rng, advance: true }).text;
    await new Promise<void>((r) => setImmediate(r));
  }
  post({ type: 'generated', id: m.id, text, cancelled: text.length < m.maxChars });
}

/** Primes the most recently sent document not yet done; stops when a request takes over, to resume when idle. */
async function primeDocuments(): Promise<void> {
  if (documentPriming || active > 0 || !pool) return;
  const entry = [...documents.entries()].filter(([, d]) => !d.done).pop();
  if (!entry) return;
  const [key, doc] = entry;
  documentPriming = true;
  const gen = bump(key);
  const t0 = performance.now();
  try {
    doc.normalized ??= normalizeText(doc.text);
    const r = await primeDocument(primingSession(pool), doc.normalized, doc.cursor, {
      contextChars: doc.contextChars,
      maxSnapshots: documentSnapshots(pool),
      isCancelled: () => generation.get(key) !== gen || active > 0 || documents.get(key) !== doc,
    });
    if (r.cancelled) return;
    doc.done = true;
    post({ type: 'documentPrimed', key, stepped: r.stepped, passesDone: r.passesDone, passes: r.passes, ms: performance.now() - t0 });
  } finally {
    documentPriming = false;
    whenIdle();
  }
}

function whenIdle(): void {
  if (idleTimer) clearTimeout(idleTimer);
  if ([...documents.values()].some((d) => !d.done)) idleTimer = setTimeout(() => void primeDocuments(), IDLE_MS);
}

/** `received`: when the message arrived (performance.now), for the completion's timing. */
function handle(m: ToWorker, received: number): Promise<void> | void {
  switch (m.type) {
    case 'model':
      // A new model invalidates every cached state; the documents are primed again.
      stepper = new LstmStepper(m.weights, { precision: SERVING_PRECISION });
      modelThreshold = m.confidenceThreshold;
      pool = makePool(stepper);
      for (const d of documents.values()) d.done = false;
      return;
    case 'limits':
      if (m.stateMB === stateMB) return;
      stateMB = m.stateMB;
      if (stepper) pool = makePool(stepper);
      for (const d of documents.values()) d.done = false;
      return;
    case 'index':
      index = m.parts && TextIndex.fromParts(m.parts);
      return;
    case 'close':
      pool?.drop(m.key);
      generation.delete(m.key);
      documents.delete(m.key);
      return;
    case 'document':
      documents.delete(m.key); // re-inserted last: the most recent is primed first
      documents.set(m.key, m);
      if (documents.size > MAX_DOCUMENTS) documents.delete(documents.keys().next().value as string);
      return;
    case 'complete':
      return onComplete(m, received);
    case 'prime':
      return onPrime(m);
    case 'visible':
      return onVisible(m);
    case 'generate':
      return onGenerate(m);
  }
}

port.on('message', (m: ToWorker) => {
  const received = performance.now();
  void (async () => {
    try {
      await handle(m, received);
    } catch (e) {
      // A failed request answers with its message (id 0: a model or index that could not be taken); the worker
      // goes on serving the next ones.
      post({ type: 'failed', id: 'id' in m ? m.id : 0, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    } finally {
      whenIdle();
    }
  })();
});
