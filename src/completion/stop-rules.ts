/**
 * Code-aware rules that end a completion, each a small pure function of the text so far. A rule returns
 * true to stop before the next character. Rules are combined by makeStopRule from the settings.
 */
import { CLOSERS, OPENERS } from '../python/python-scanner';

export interface StopContext {
  /** Indentation (spaces/tabs) of the line the cursor is on, up to the first non-blank. */
  startIndent: string;
  /** Brackets open before the cursor (innermost last), from scanPython(prefix).open. */
  openBrackets: string[];
  /** The quote of the string the cursor is inside (from scanPython(prefix).inString), if any. */
  inString?: string;
}

export interface StopOptions {
  multiline: boolean;
  maxChars: number;
}

/** Single-line mode: end at the end of the current line. */
export const stopAtLineEnd = (_generated: string, next: string): boolean => next === '\n';

/** Multi-line mode: end at a blank line. */
export const stopAtBlankLine = (generated: string, next: string): boolean => next === '\n' && (generated.endsWith('\n') || generated.length === 0);

/**
 * Multi-line mode: end when a new line starts with less indentation than the line the completion started
 * on (the block is over). Checked when the first non-blank character of a new line arrives.
 */
export function stopAtDedent(ctx: StopContext): (generated: string, next: string) => boolean {
  return (generated, next) => {
    if (next === ' ' || next === '\t' || next === '\n') return false;
    const nl = generated.lastIndexOf('\n');
    if (nl < 0) return false;
    const indent = generated.slice(nl + 1);
    if (!/^[ \t]*$/.test(indent)) return false;
    return indent.length < ctx.startIndent.length;
  };
}

/**
 * Never emit a closing bracket that closes nothing (or the wrong opener), counting brackets opened before
 * the cursor and in the completion so far. Brackets inside strings and comments do not count, and inside a
 * string a closer never stops: it may close an f-string's `{` (which the scanner leaves as string text), and
 * is text otherwise.
 */
export function stopAtUnbalancedCloser(ctx: StopContext): (generated: string, next: string) => boolean {
  return (generated, next) => {
    if (!(next in CLOSERS)) return false;
    const stack = [...ctx.openBrackets];
    let quote = ctx.inString;
    let comment = false;
    for (let i = 0; i < generated.length; i++) {
      const c = generated[i];
      if (comment) comment = c !== '\n';
      else if (quote) {
        if (c === '\\') i++;
        else if (generated.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = undefined;
        } else if (c === '\n' && quote.length === 1) quote = undefined;
      } else if (c === '#') comment = true;
      else if (c === '"' || c === "'") {
        quote = generated.startsWith(c + c + c, i) ? c + c + c : c;
        i += quote.length - 1;
      } else if (c in OPENERS) stack.push(c);
      else if (c in CLOSERS) stack.pop();
    }
    if (quote || comment) return false;
    return stack[stack.length - 1] !== CLOSERS[next];
  };
}

/** Longest run of spaces/tabs kept after text on a line (aligned comments use fewer). */
export const MAX_INLINE_WHITESPACE = 16;
/** Longest indentation kept at a line start (deep continuation lines stay well under it). */
export const MAX_LEADING_WHITESPACE = 80;

/**
 * End a completion that runs away into whitespace: at low temperature the model can fall into a loop of
 * spaces after some text (e.g. "is not None, None," then hundreds of spaces). Python never needs a run of
 * more than MAX_INLINE_WHITESPACE blanks inside a line, or MAX_LEADING_WHITESPACE at its start.
 */
export const stopAtWhitespaceRun = (generated: string, next: string): boolean => {
  if (next !== ' ' && next !== '\t') return false;
  let run = 0;
  let i = generated.length - 1;
  while (i >= 0 && (generated[i] === ' ' || generated[i] === '\t')) {
    run++;
    i--;
  }
  const atLineStart = i < 0 || generated[i] === '\n';
  // With nothing generated on this line yet, the run continues the indentation before the cursor; the
  // completion context does not see it, so only the generated part counts (a conservative choice).
  return run >= (atLineStart ? MAX_LEADING_WHITESPACE : MAX_INLINE_WHITESPACE);
};

export function makeStopRule(ctx: StopContext, opts: StopOptions): (generated: string, next: string) => boolean {
  const rules = [stopAtUnbalancedCloser(ctx), stopAtWhitespaceRun];
  if (opts.multiline) rules.push(stopAtBlankLine, stopAtDedent(ctx));
  else rules.push(stopAtLineEnd);
  return (generated, next) => generated.length >= opts.maxChars || rules.some((r) => r(generated, next));
}
