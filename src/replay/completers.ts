/**
 * The completers a replay compares: the extension's own completion engine (complete(), with one inference
 * session per document as the inline provider keeps them) and VS Code's word completion as the baseline.
 */
import { complete, CompletionSettings } from '../completion/complete';
import { InferenceSession } from '../inference/session';
import { LstmStepper } from '../inference/lstm-stepper';
import { EarlierWords, suggestInDocument } from './word-completion';
import { Suggestion } from './users';
import { TextIndex } from '../workspace-index/text-index';

export interface CompletionQuery {
  file: string;
  /** Text of the document before the cursor. */
  prefix: string;
  /** Text after the cursor up to the end of its line. */
  lineSuffix: string;
  /** All text after the cursor. */
  after: string;
}

export interface Completer {
  name: string;
  suggest(q: CompletionQuery): Promise<Suggestion | undefined>;
  /** Shown as ghost text (VS Code's suggest widget can hide it). */
  inline?: boolean;
}

/** The inline provider's path: complete() on a per-document session (state cache included). */
export function modelCompleter(stepper: LstmStepper, settings: CompletionSettings, name = 'model', workspace?: TextIndex): Completer {
  let file: string | undefined;
  let session: InferenceSession | undefined;
  return {
    name,
    inline: true,
    async suggest(q) {
      if (q.file !== file || !session) {
        file = q.file;
        session = new InferenceSession(stepper);
      }
      const r = await complete(session, {
        prefix: q.prefix,
        lineSuffix: q.lineSuffix,
        after: q.after,
        settings,
        workspace: workspace && { index: workspace, exclude: q.file },
      });
      return r.outcome === 'ok' ? { text: r.text, replaceSuffix: r.replaceSuffix } : undefined;
    },
  };
}

/** VS Code's word-based suggestion: the most frequent document word extending the partial identifier. */
export function wordCompleter(name = 'word completion'): Completer {
  let file: string | undefined;
  let earlier = new EarlierWords();
  let lastPrefixLength = 0;
  return {
    name,
    async suggest(q) {
      let rest: string | undefined;
      if (q.after) rest = suggestInDocument(q.prefix, q.after);
      else {
        if (q.file !== file || q.prefix.length < lastPrefixLength) earlier = new EarlierWords();
        file = q.file;
        lastPrefixLength = q.prefix.length;
        rest = earlier.suggest(q.prefix);
      }
      return rest ? { text: rest, replaceSuffix: 0 } : undefined;
    },
  };
}
