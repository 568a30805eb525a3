/**
 * The completion engine, free of VS Code: feeds the text before the cursor to a document's inference
 * session (in slices, yielding between them, so a long document never holds up a newer request in the completion
 * worker, where this runs), decodes a
 * continuation under the stop rules, and post-processes it against the rest of the line.
 *
 * Two paths, by the decoding mode (decoding-mode.ts): a search for the most likely continuation that shows only
 * the part of it likely to be exactly right (confidence-cut.ts; the default), or a sample at a temperature, as a
 * user who wants variety asks, shown whatever its probability.
 */
import { InferenceSession } from '../inference/session';
import { feedInSlices, PRIME_SLICE_CHARS } from '../inference/slice-feeding';
import { Rng, mulberry32 } from '../util/rng';
import { scanPython } from '../python/python-scanner';
import { makeStopRule } from './stop-rules';
import { applyFilters } from './filters';
import { CompletionOutcome, isRejection, meanProbability } from './filters/filter';
import { midWord } from './filters/mid-word';
import { suffixOverlap } from './filters/suffix-overlap';
import { contextStart } from './context-window';
import { BoundaryRule, confidenceCut, LengthRule } from './confidence-cut';
import { AFTER_CURSOR_CHARS, BEFORE_CURSOR_CHARS, bestWordCandidate } from './word-candidates';
import { DEFAULT_CACHE_OPTIONS, DocumentCache, WorkspaceSource } from './document-cache';
import { mixInto } from './cache-mixture';
import { normalizeText } from '../model/vocab';
import { CacheSource, DecodingMode, decodingMode } from './decoding-mode';

export type { CacheSource, DecodingMode };
export { decodingMode };

export interface CompletionSettings {
  temperature: number;
  maxCompletionChars: number;
  multiline: boolean;
  contextChars: number;
  /** Mean probability a completion inside a string must reach to be shown. */
  minConfidence: number;
  /** Search mode (temperature 0): the probability a suggestion must have of being exactly right to be shown. */
  confidenceThreshold: number;
  /** Search mode (temperature 0): shortest suggestion shown (accepting costs a keystroke, so 1 character saves none). */
  minChars: number;
  /** Search mode (temperature 0): whether the cut may end in the middle of a name when a whole-token cut qualifies. */
  boundary: BoundaryRule;
  /** Search mode (temperature 0): which qualifying length is shown. */
  length: LengthRule;
  /** Search mode (temperature 0): document words considered as completions of the name being typed (0 = none). */
  wordCandidates: number;
  /** Weight of the LSTM against the document's word counts in a candidate word's probability. */
  wordModelWeight: number;
  /**
   * Search mode (temperature 0): mix what the text itself says comes next (document-cache.ts) into the LSTM's: off, the
   * document only, or the document and the workspace index the request carries.
   */
  cache: CacheSource;
  topK?: number;
}

/**
 * The defaults were chosen by the completion replay (docs/completion-quality.md): on the tuning packages, with the
 * workspace cache and its fitted gate, the gain rule, and a threshold low enough to save the most keystrokes without
 * lowering the share of shown suggestions accepted. 0.27 since the cache compares 128 characters (2026-12-07):
 * that made suggestions surer, and 0.27 turns it into keystrokes at the accepted share 0.3 had before. Multi-line
 * since 2026-12-08: with those matches a copied block can pass the cut across a line end, +0.1 to +0.4 points for the
 * realistic user at the same accepted share.
 */
export const DEFAULT_COMPLETION_SETTINGS: CompletionSettings = {
  temperature: 0,
  maxCompletionChars: 120,
  multiline: true,
  contextChars: 4000,
  minConfidence: 0.4,
  confidenceThreshold: 0.27,
  minChars: 2,
  boundary: 'prefer-token',
  length: 'gain',
  wordCandidates: 3,
  wordModelWeight: 0.3,
  cache: 'workspace',
};

export interface CompletionRequest {
  /** Text of the document before the cursor. */
  prefix: string;
  /** Text after the cursor up to the end of its line. */
  lineSuffix: string;
  /** Text after the cursor (its names are completion candidates too); optional. */
  after?: string;
  /** The workspace's indexed text, for the cache (used when settings.cache is 'workspace'). */
  workspace?: WorkspaceSource;
  settings: CompletionSettings;
  isCancelled?: () => boolean;
  rng?: Rng;
  /** Characters stepped between yields to the event loop while priming. */
  sliceChars?: number;
}

export type { CompletionOutcome };

export interface CompletionResult {
  outcome: CompletionOutcome;
  text: string;
  /** Characters after the cursor the completion replaces (auto-closed brackets it re-emits). */
  replaceSuffix: number;
  /** Characters stepped to reach the cursor (0 when the state cache had them). */
  stepped: number;
  meanProbability: number;
}

/** What the engine needs of a session (a scripted fake in tests, an InferenceSession in the editor). */
export type CompletionSession = Pick<InferenceSession, 'resumePoint' | 'feed' | 'generate'> & Partial<Pick<InferenceSession, 'score'>>;

interface PathContext {
  prefix: string;
  stop: ReturnType<typeof makeStopRule>;
  isCancelled: () => boolean;
}

type Found = { text: string; probabilities: number[] } | { outcome: 'cancelled' | 'low-confidence' };

/** Search: the most likely continuation (mixed with the cache), cut to what is likely exactly right, or a document word. */
function searchPath(session: CompletionSession, req: CompletionRequest, mode: Extract<DecodingMode, { kind: 'search' }>, ctx: PathContext): Found {
  const documentBefore = ctx.prefix.length > BEFORE_CURSOR_CHARS ? ctx.prefix.slice(-BEFORE_CURSOR_CHARS) : ctx.prefix;
  const cache =
    mode.cache !== 'off'
      ? new DocumentCache(
          documentBefore,
          (req.after ?? '').slice(0, AFTER_CURSOR_CHARS),
          DEFAULT_CACHE_OPTIONS,
          mode.cache === 'workspace' ? req.workspace : undefined,
        )
      : undefined;
  const g = session.generate({
    maxChars: req.settings.maxCompletionChars,
    temperature: 0, // greedy: the sampler's most likely character
    stopBefore: ctx.stop,
    isCancelled: ctx.isCancelled,
    // The word-gain cut may show more than the threshold allows as a whole: the search goes on to a tenth of it.
    minCumulativeProbability: mode.threshold * (mode.length === 'word-gain' ? 0.1 : 1),
    adjust: cache ? (generated, probs) => void mixInto(probs, cache.predict(generated)) : undefined,
  });
  if (g.stoppedBy === 'cancelled') return { outcome: 'cancelled' };
  const cut = confidenceCut(g.text, g.probabilities, g.next, {
    threshold: mode.threshold,
    minChars: mode.minChars,
    boundary: mode.boundary,
    length: mode.length,
  });
  let found = { text: g.text.slice(0, cut), probabilities: g.probabilities };
  if (session.score && mode.wordCandidates > 0) {
    const word = bestWordCandidate(session as Required<CompletionSession>, documentBefore, req.after ?? '', req.settings, {
      text: found.text,
      probabilities: g.probabilities.slice(0, cut),
    });
    if (word) found = word;
  }
  return found.text ? found : { outcome: 'low-confidence' };
}

/** Sample: one continuation at the temperature, shown whatever its probability. */
function samplePath(session: CompletionSession, req: CompletionRequest, mode: Extract<DecodingMode, { kind: 'sample' }>, ctx: PathContext): Found {
  const g = session.generate({
    maxChars: req.settings.maxCompletionChars,
    temperature: mode.temperature,
    topK: mode.topK,
    rng: req.rng ?? mulberry32(ctx.prefix.length),
    stopBefore: ctx.stop,
    isCancelled: ctx.isCancelled,
  });
  return g.stoppedBy === 'cancelled' ? { outcome: 'cancelled' } : { text: g.text, probabilities: g.probabilities };
}

export async function complete(session: CompletionSession, req: CompletionRequest): Promise<CompletionResult> {
  const none = (outcome: CompletionOutcome, stepped = 0): CompletionResult => ({ outcome, text: '', replaceSuffix: 0, stepped, meanProbability: 0 });
  const isCancelled = req.isCancelled ?? (() => false);
  const prefix = normalizeText(req.prefix);
  const lineStart = prefix.lastIndexOf('\n') + 1;
  const prefixLine = prefix.slice(lineStart);
  if (midWord(prefixLine, req.lineSuffix)) return none('mid-word');

  const text = prefix.slice(contextStart(prefix, req.settings.contextChars));
  const stepped = await feedInSlices(session, text, req.sliceChars ?? PRIME_SLICE_CHARS, isCancelled);
  if (stepped === undefined || isCancelled()) return none('cancelled');

  const scan = scanPython(text);
  // A string the cursor is in counts only if it starts on the cursor's line: the context window can start inside a
  // string (a docstring), which turns the scanner's view of everything after it inside out.
  const lineString = scan.inString && scan.inString.start >= text.length - prefixLine.length ? scan.inString.quote : undefined;
  const stop = makeStopRule(
    { startIndent: /^[ \t]*/.exec(prefixLine)![0], openBrackets: scan.open.map((b) => b.char), inString: lineString },
    { multiline: req.settings.multiline, maxChars: req.settings.maxCompletionChars },
  );
  const mode = decodingMode(req.settings);
  const found =
    mode.kind === 'search' ? searchPath(session, req, mode, { prefix, stop, isCancelled }) : samplePath(session, req, mode, { prefix, stop, isCancelled });
  if ('outcome' in found) return none(found.outcome, stepped);
  const { text: shown, probabilities } = found;
  const filtered = applyFilters(
    { text: shown, probabilities: probabilities.slice(0, shown.length) },
    { lineSuffix: req.lineSuffix, inString: Boolean(scan.inString), minConfidence: req.settings.minConfidence },
  );
  if (isRejection(filtered)) return { ...none(filtered.outcome, stepped), meanProbability: filtered.meanProbability ?? 0 };
  return {
    outcome: 'ok',
    text: filtered.text,
    // The closers an editor auto-inserted belong to the cursor's line: its text is context enough, and safe from a
    // window that starts inside a string.
    replaceSuffix: suffixOverlap(filtered.text, req.lineSuffix, prefixLine),
    stepped,
    meanProbability: meanProbability(filtered),
  };
}
