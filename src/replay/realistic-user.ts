/**
 * A realistic Tab user, beside the ideal one (users.ts), whose figures every decision used to follow: the ideal
 * user reads every suggestion at once, always takes a right one, and every suggestion is on screen before the next
 * key. This one differs in three ways, each a parameter:
 *
 * - **Time.** It types at a steady pace, one key every `keyIntervalMs` (200 ms: 60 words a minute of five
 *   characters; code is typed no faster than prose). A suggestion counts only if it is on screen before the next
 *   key: the engine's time for it plus the editor's own (`editorOverheadMs`, 75 ms: in the UI test on an idle
 *   2-core machine, keystroke to visible ghost text took p50 81 ms while the provider took p50 3 ms; the rest is VS
 *   Code's scheduling, the transport to the worker and rendering).
 * - **What stays on screen.** VS Code keeps a ghost text while the keys typed match it, so a late answer does not
 *   hide the suggestion from the key before when the user typed its first character.
 * - **Attention.** A right suggestion on screen is taken with probability `acceptProbability` (0.85: in word
 *   prediction, users took 78-94% of the right suggestions shown, Trnka et al. 2009); otherwise the user types on
 *   and may take it a key later.
 */
import { Suggestion, UserAction, wholeAcceptLength, wordUser } from './users';
import { Rng } from '../util/rng';

export interface RealisticUserOptions {
  keyIntervalMs: number;
  editorOverheadMs: number;
  acceptProbability: number;
  /** Also takes the right leading words of a suggestion that is not right as a whole (VS Code's Accept Next Word). */
  wordByWord?: boolean;
}

export const REALISTIC_USER: RealisticUserOptions = { keyIntervalMs: 200, editorOverheadMs: 75, acceptProbability: 0.85, wordByWord: true };

/** What is on screen at a cursor position, and what the user does there. */
export interface RealisticStep {
  /** The suggestion the user sees (a fresh one in time, or the previous one typed through), if any. */
  seen: Suggestion | undefined;
  action: UserAction;
  /** A right suggestion was on screen and the user let it pass. */
  passedOver: boolean;
}

/**
 * One realistic Tab user through one task: call `step` at each cursor position with the fresh suggestion and the
 * time it took, in order. Stateful: it remembers the ghost text on screen.
 */
export class RealisticTabUser {
  /** The ghost text on screen and the offset where it starts. */
  private onScreen: { s: Suggestion; at: number } | undefined;

  constructor(
    private readonly rng: Rng,
    private readonly opts: RealisticUserOptions = REALISTIC_USER,
  ) {}

  step(fresh: Suggestion | undefined, latencyMs: number, intended: string, at: number, lineSuffix: string, pending = 0): RealisticStep {
    const inTime = latencyMs + this.opts.editorOverheadMs <= this.opts.keyIntervalMs;
    const seen = inTime ? fresh : this.typedThrough(intended, at);
    const n = seen ? wholeAcceptLength(seen, intended, at, lineSuffix, pending) : 0;
    // Whole with Tab, else its right leading words with Accept Next Word (one key each) when that saves keys.
    const right: UserAction | undefined =
      n > 0 ? { advance: n, keystrokes: 1, accepted: true } : this.opts.wordByWord && seen ? wordUser(seen, intended, at, lineSuffix, pending) : undefined;
    let action: UserAction = { advance: 1, keystrokes: 1, accepted: false };
    let passedOver = false;
    if (right?.accepted) {
      if (this.rng() < this.opts.acceptProbability) action = right;
      else passedOver = true;
    }
    // Accepted: the ghost text is gone. Typed one character: what is on screen moves with the cursor.
    this.onScreen = action.accepted || !seen ? undefined : { s: seen, at };
    return { seen, action, passedOver };
  }

  /** The ghost text from the previous position, less the character just typed, if that character was its first. */
  private typedThrough(intended: string, at: number): Suggestion | undefined {
    const prev = this.onScreen;
    if (!prev || prev.at !== at - 1 || prev.s.replaceSuffix > 0 || prev.s.text.length < 2 || prev.s.text[0] !== intended[at - 1]) return undefined;
    return { text: prev.s.text.slice(1), replaceSuffix: 0 };
  }
}
