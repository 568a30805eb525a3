/**
 * Priming, in one place: moving a session to a resting cursor (primeAt), and priming a whole document or the
 * lines on screen ahead of the cursor (primeDocument): the passes that leave a line-start state snapshot at every line
 * of a document, so that a completion anywhere in it resumes from the snapshot at the start of its line and steps
 * only that line's characters. Lines whose context starts at the same place share one pass (it keeps a snapshot
 * at each of them); the passes run nearest the cursor first, in slices that yield, and stop when something newer
 * needs the session. Snapshots are keyed by the text they summarise, so after an edit the passes whose context
 * holds no edited text find their snapshots still there and cost nothing; the others step again.
 */
import { CompletionSession } from './complete';
import { contextStart, contextStartAt } from './context-window';
import { feedInSlices, PRIME_SLICE_CHARS } from '../inference/slice-feeding';
import { normalizeText } from '../model/vocab';

export interface PrimePass {
  /** Where the context of the pass's lines starts (document offset). */
  start: number;
  /** Offset of the first line start the pass keeps a snapshot at. */
  first: number;
  /** Offset of the last line start it keeps a snapshot at (the pass feeds text[start, last)). */
  last: number;
}

/** A range of lines (0-based, both included): the lines on screen. */
export interface LineRange {
  first: number;
  last: number;
}

/**
 * The passes for every line start of `text` (LF line endings), or for the starts of the lines in `lines` only,
 * in document order: consecutive lines whose context (contextStartAt) starts at the same offset form one pass.
 */
export function planPasses(text: string, contextChars: number, lines?: LineRange): PrimePass[] {
  const passes: PrimePass[] = [];
  for (let ls = 0, line = 0; ls <= text.length && (!lines || line <= lines.last); line++) {
    if (!lines || line >= lines.first) {
      const start = contextStartAt(text, ls, contextChars);
      const p = passes[passes.length - 1];
      if (p && p.start === start) p.last = ls;
      else passes.push({ start, first: ls, last: ls });
    }
    const nl = text.indexOf('\n', ls);
    if (nl < 0) break;
    ls = nl + 1;
  }
  return passes;
}

/** The passes ordered by distance from `cursor` (the one holding it first, then outwards). */
export function nearestFirst(passes: PrimePass[], cursor: number): PrimePass[] {
  const distance = (p: PrimePass) => (cursor < p.first ? p.first - cursor : cursor > p.last ? cursor - p.last : 0);
  return [...passes].sort((a, b) => distance(a) - distance(b));
}

export interface DocumentPrimeOptions {
  contextChars: number;
  /** Checked between slices: true stops the priming (a completion or a newer document text took over). */
  isCancelled: () => boolean;
  /** Most line-start snapshots to keep for this document (a pass that would go beyond them is not run). */
  maxSnapshots: number;
  sliceChars?: number;
  /** Only the lines on screen (their starts), not the whole document. */
  lines?: LineRange;
}

export interface DocumentPrimeResult {
  /** Characters stepped (0 when every snapshot was already there). */
  stepped: number;
  /** Passes run or found done, of all the document needs (within maxSnapshots). */
  passesDone: number;
  passes: number;
  cancelled: boolean;
}

/** Runs the passes of `text` nearest `cursor` first, until done, cancelled or out of snapshots. */
export async function primeDocument(session: CompletionSession, text: string, cursor: number, opts: DocumentPrimeOptions): Promise<DocumentPrimeResult> {
  const passes = nearestFirst(planPasses(text, opts.contextChars, opts.lines), cursor);
  let stepped = 0;
  let passesDone = 0;
  let snapshots = 0;
  for (const p of passes) {
    const lines = countLines(text, p.first, p.last);
    if (snapshots + lines > opts.maxSnapshots) break;
    snapshots += lines;
    const n = await feedInSlices(session, text.slice(p.start, p.last), opts.sliceChars ?? PRIME_SLICE_CHARS, opts.isCancelled, p.first - p.start);
    if (n === undefined) return { stepped, passesDone, passes: passes.length, cancelled: true };
    stepped += n;
    passesDone++;
  }
  return { stepped, passesDone, passes: passes.length, cancelled: false };
}

/** Line starts in [first, last] (both line starts). */
function countLines(text: string, first: number, last: number): number {
  let n = 1;
  for (let i = text.indexOf('\n', first); i >= 0 && i < last; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Moves a document's session to the text a completion at the end of `rawPrefix` would read, in small slices
 * that yield to the event loop, so that the first completion after the cursor jumps there costs only the
 * characters typed since. The editor calls it when the cursor comes to rest somewhere new; `isCancelled`
 * stops it at the next slice (a completion request or a newer jump takes over the session). Resolves to the
 * characters stepped, or undefined when cancelled.
 */
export function primeAt(
  session: CompletionSession,
  rawPrefix: string,
  contextChars: number,
  isCancelled: () => boolean,
  sliceChars = PRIME_SLICE_CHARS,
): Promise<number | undefined> {
  const prefix = normalizeText(rawPrefix);
  return feedInSlices(session, prefix.slice(contextStart(prefix, contextChars)), sliceChars, isCancelled);
}
