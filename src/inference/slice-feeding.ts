/**
 * Stepping a session to a text in small slices that yield to the event loop between them, so a long text never
 * holds the thread (the extension host's, or the completion worker's, where a newer request waits), and stopping
 * at the next slice when asked.
 */
import type { InferenceSession } from './session';

/** What slice feeding needs of a session. */
export type FeedableSession = Pick<InferenceSession, 'resumePoint' | 'feed'>;

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Characters stepped between yields while priming, in a completion request as at a resting cursor: ~5 ms a
 * slice on 2 cores, so the host thread is never held long. Measured on a 219 KB file, 12 jumps, with other work
 * on both cores: the longest stretch the event loop was blocked during a completion fell from p50 251-276 ms
 * (1,000-character slices) to 28-43 ms (64), the first completion's time unchanged within noise.
 */
export const PRIME_SLICE_CHARS = 64;

/** Moves the session to `text`, stepping at most `slice` characters between yields (snapshots: InferenceSession.feed). */
export async function feedInSlices(
  session: FeedableSession,
  text: string,
  slice: number,
  isCancelled: () => boolean,
  snapshotsFrom = 0,
): Promise<number | undefined> {
  let at = session.resumePoint(text);
  let stepped = 0;
  for (;;) {
    const end = Math.min(text.length, at + slice);
    stepped += session.feed(text.slice(0, end), snapshotsFrom).stepped;
    at = end;
    if (at >= text.length) return stepped;
    await yieldToEventLoop();
    if (isCancelled()) return undefined;
  }
}
