/**
 * The simulated users of a completion replay: what one keystroke buys each of them when a suggestion is
 * shown. The user is at offset `at` of `intended`, the text they will type; `lineSuffix` is the text
 * already after the cursor on its line.
 *
 * - The Tab user accepts a suggestion only when accepting it leaves exactly the text they meant: one
 *   keystroke for the whole suggestion; otherwise they type one character.
 * - The word user does the same when the whole suggestion is right, and otherwise accepts its correct
 *   leading words with VS Code's accept-next-word, one keystroke each, when that saves typing.
 */

import { closersConsumedBy, LexState } from './vscode-editor';
import { acceptNextWordPieces } from '../completion/accept-next-word';

export interface Suggestion {
  text: string;
  /** Characters after the cursor the suggestion replaces (auto-closed brackets it re-emits). */
  replaceSuffix: number;
  /** How long the answer took (ms), when a scripted completer states it; otherwise the replay measures it. */
  latencyMs?: number;
}

/** What a user does at one cursor position: `advance` characters of `intended` for `keystrokes` keys. */
export interface UserAction {
  advance: number;
  keystrokes: number;
  /** True when (part of) the suggestion was accepted. */
  accepted: boolean;
}

/** The ideal users (this file), and the realistic Tab user (realistic-user.ts). */
export type UserKind = 'tab' | 'word' | 'realistic';

const NO_LEX: LexState = { inString: null, inComment: false };

/** Where the ghost text's first part ends: the first character of `text` that is the line's next character. */
function firstReplaced(text: string, lineSuffix: string): number {
  const i = text.indexOf(lineSuffix[0]);
  return i < 0 ? text.length : i;
}

const typeOne: UserAction = { advance: 1, keystrokes: 1, accepted: false };

/**
 * Characters of `intended` that accepting the whole suggestion types, or 0 when accepting it would leave
 * text the user did not mean. A suggestion that replaces auto-closed characters after the cursor must end
 * the intended text and re-emit exactly those characters.
 */
export function wholeAcceptLength(s: Suggestion, intended: string, at: number, lineSuffix: string, pending = 0): number {
  if (pending > 0 && s.replaceSuffix <= pending) {
    // The suggestion replaces closers the editor auto-inserted (vscode-editor.ts): right when it types what the
    // user means and the closers it leaves are the ones the rest of the line overtypes.
    const n = s.text.length;
    if (!n || !intended.startsWith(s.text, at)) return 0;
    const before = intended.slice(intended.lastIndexOf('\n', at - 1) + 1, at + n);
    return closersConsumedBy(lineSuffix.slice(s.replaceSuffix, pending), intended.slice(at + n), before, NO_LEX) ? n : 0;
  }
  const k = s.text.length - s.replaceSuffix;
  if (k <= 0 || k > intended.length - at) return 0;
  if (s.replaceSuffix > 0) {
    return k === intended.length - at && s.text === intended.slice(at) + lineSuffix.slice(0, s.replaceSuffix) ? k : 0;
  }
  return intended.startsWith(s.text, at) ? k : 0;
}

/** `pending`: how many leading characters of `lineSuffix` are closers the editor auto-inserted. */
export type User = (s: Suggestion | undefined, intended: string, at: number, lineSuffix: string, pending?: number) => UserAction;

export const tabUser: User = (s, intended, at, lineSuffix, pending = 0) => {
  if (!s) return typeOne;
  const n = wholeAcceptLength(s, intended, at, lineSuffix, pending);
  return n > 0 ? { advance: n, keystrokes: 1, accepted: true } : typeOne;
};

export const wordUser: User = (s, intended, at, lineSuffix, pending = 0) => {
  if (!s) return typeOne;
  const whole = wholeAcceptLength(s, intended, at, lineSuffix, pending);
  if (whole > 0) return { advance: whole, keystrokes: 1, accepted: true };
  // Partial acceptance only over the ghost text's first part: up to the first character it replaces (VS Code's
  // Accept Next Word does not reach beyond a character already in the line).
  const inserted = s.replaceSuffix > 0 ? s.text.slice(0, firstReplaced(s.text, lineSuffix)) : s.text;
  let best: UserAction = typeOne;
  let chars = 0;
  let keys = 0;
  for (const seg of acceptNextWordPieces(inserted)) {
    if (!intended.startsWith(seg, at + chars)) break;
    chars += seg.length;
    keys++;
    if (chars - keys > 0 && chars - keys >= best.advance - best.keystrokes) best = { advance: chars, keystrokes: keys, accepted: true };
  }
  return best;
};

export const USERS: Record<Exclude<UserKind, 'realistic'>, User> = {
  tab: tabUser,
  word: wordUser,
};
