/**
 * How a completion is decoded, said once: a search for the most likely continuation, cut to what is likely to be
 * exactly right (the default), or a sample at a temperature, shown whatever its probability (for a user who wants
 * variety). The settings' temperature chooses; nothing else in the engine asks what the temperature is.
 */
import type { BoundaryRule, LengthRule } from './confidence-cut';

export type CacheSource = 'off' | 'document' | 'workspace';

export type DecodingMode =
  | {
      kind: 'search';
      /** The probability the shown suggestion must have of being exactly right. */
      threshold: number;
      minChars: number;
      boundary: BoundaryRule;
      length: LengthRule;
      /** Document words considered as completions of the name being typed (0 = none). */
      wordCandidates: number;
      /** What the text itself says comes next, mixed into the LSTM's (document-cache.ts). */
      cache: CacheSource;
    }
  | { kind: 'sample'; temperature: number; topK?: number };

/** The settings' decoding fields, as CompletionSettings holds them (the user's settings are flat). */
export interface DecodingSettings {
  temperature: number;
  topK?: number;
  confidenceThreshold: number;
  minChars: number;
  boundary: BoundaryRule;
  length: LengthRule;
  wordCandidates: number;
  cache: CacheSource;
}

export function decodingMode(s: DecodingSettings): DecodingMode {
  if (s.temperature === 0) {
    return {
      kind: 'search',
      threshold: s.confidenceThreshold,
      minChars: s.minChars,
      boundary: s.boundary,
      length: s.length,
      wordCandidates: s.wordCandidates,
      cache: s.cache,
    };
  }
  return { kind: 'sample', temperature: s.temperature, ...(s.topK !== undefined ? { topK: s.topK } : {}) };
}
