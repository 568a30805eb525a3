/**
 * Messages between the extension host and the completion worker, which holds the model, one inference session
 * per document and the workspace index, so no LSTM step or cache scan ever runs on the host's thread.
 */
import { CompletionRequest, CompletionResult } from '../completion/complete';

/** Characters after the cursor a completion request carries (the engine reads no more of them). */
export { AFTER_CURSOR_CHARS } from '../completion/word-candidates';
/** The engine's settings and their defaults, as the editor's settings fill them in (the editor reads the engine only through serving). */
export { DEFAULT_COMPLETION_SETTINGS } from '../completion/complete';
export type { CacheSource, CompletionSettings, CompletionResult } from '../completion/complete';
/** The suggest widget's words, the model's first (the editor's completion provider lists them). */
export { nameBeforeCursor, widgetList, wordsStartingWith } from '../completion/suggest-words';
import { IndexParts } from '../workspace-index/text-index';
import { ModelWeights } from '../model/architecture';
import type { RequestedSettings } from './model-threshold';
export type { RequestedSettings, Threshold } from './model-threshold';

/** A completion request as it travels: the engine's request less what cannot be posted (callbacks, the index). */
export type PostedRequest = Omit<CompletionRequest, 'isCancelled' | 'workspace' | 'rng' | 'settings'> & {
  /** The threshold a value the user set, or 'calibrated': the model's own (model-threshold.ts). */
  settings: RequestedSettings;
  /** The edited file's path, left out of the workspace index's matches (its text is the document's). */
  excludeFromIndex?: string;
};

export type ToWorker =
  /** The model to serve, and the confidence threshold calibrated for it (its meta.json's serving), if any. */
  | { type: 'model'; weights: ModelWeights; confidenceThreshold?: number }
  | { type: 'index'; parts: IndexParts | undefined }
  | { type: 'complete'; id: number; key: string; request: PostedRequest }
  /** The cursor came to rest at the end of `prefix`: the document's session moves there in the background. */
  | { type: 'prime'; id: number; key: string; prefix: string; contextChars: number }
  /**
   * The lines on screen (0-based, both included) and the document's text up to the end of the last one: the worker
   * plans the passes that leave a snapshot at each of their starts and runs them in the background.
   */
  | { type: 'visible'; id: number; key: string; text: string; lines: { first: number; last: number }; contextChars: number }
  | { type: 'close'; key: string }
  /** A sample of the model (Generate Sample): made in chunks, so completions are served in between. */
  | { type: 'generate'; id: number; start: string; maxChars: number; temperature: number; seed: number }
  /** Memory for the line-start snapshots of every document together. */
  | { type: 'limits'; stateMB: number }
  /** A document's whole text (LF or CRLF) and cursor: primed in the background, nearest the cursor first. */
  | { type: 'document'; key: string; text: string; cursor: number; contextChars: number };

export type DocumentPrimed = Extract<FromWorker, { type: 'documentPrimed' }>;

export type FromWorker =
  /** `workerMs`: from the request's arrival in the worker to this answer (the rest of the host's wait is the hop). */
  | { type: 'completed'; id: number; result: CompletionResult | undefined; workerMs?: number }
  | { type: 'primed'; id: number; stepped: number | undefined }
  | { type: 'generated'; id: number; text: string | undefined; cancelled: boolean }
  | { type: 'failed'; id: number; message: string }
  /** A document's background priming finished (or went as far as the memory allows). */
  | { type: 'documentPrimed'; key: string; stepped: number; passesDone: number; passes: number; ms: number };

/**
 * Slots of the Int32Array over the SharedArrayBuffer both sides hold. The host cancels a request by raising
 * CANCELLED_UP_TO to its id (requests are numbered in order and VS Code cancels the older one first), and the
 * worker reads it between steps, without waiting for a message.
 */
export const CANCELLED_UP_TO = 0;
/** The same for samples, which run alongside completions: cancelling a completion must not end a sample. */
export const GENERATION_CANCELLED_UP_TO = 1;
export const SHARED_SLOTS = 2;
