/**
 * The completion replay: a simulated user types each task's text one cursor position at a time; at every
 * position each completer is asked for a suggestion, and the user model decides what one keystroke buys.
 * Each (completer, user) pair follows its own path through the text, since accepting moves the cursor.
 */
import { Completer } from './completers';
import { emptyTally, figures, Figures, Tally } from './metrics';
import { ReplayTask, skipIndentation, typedChars } from './tasks';
import { Suggestion, USERS, UserAction, UserKind } from './users';
import { RealisticTabUser, RealisticUserOptions, REALISTIC_USER } from './realistic-user';
import { mulberry32, Rng } from '../util/rng';
import { scanPython } from '../python/python-scanner';
import { AutoClosedLine, autoIndentAfter, DocumentWords, EditorKind, indentKeys, indentUnit, LexState, suggestWidgetItem } from './vscode-editor';

export interface Example {
  /** The line before the cursor. */
  before: string;
  /** The accepted ghost text. */
  accepted: string;
}

export interface ReplayOptions {
  users?: UserKind[];
  /** Collects up to this many accepted suggestions of the first completer's first user (default 0). */
  examples?: number;
  /** Called after each task with the characters replayed so far and in all. */
  onProgress?: (done: number, total: number) => void;
  /** The realistic user's pace, the editor's own time and its attention (default REALISTIC_USER). */
  realistic?: RealisticUserOptions;
  /** Seeds the realistic user's attention (default 1). */
  seed?: number;
  /** The editor the user types in: VS Code as shipped (`vscode`, the default) or one that auto-closes nothing and indents for free (`plain`). */
  editor?: EditorKind;
  /** Whose word list the suggest widget shows in VS Code: the extension's, the model's word first (default), or VS Code's. */
  widget?: WidgetList;
}

export type WidgetList = 'extension' | 'vscode';

export interface ReplayRow {
  completer: string;
  user: UserKind;
  figures: Figures;
  examples?: Example[];
}

function lineOf(after: string): string {
  const nl = after.indexOf('\n');
  return nl < 0 ? after : after.slice(0, nl);
}

/** A fair, reproducible sample (a reservoir) of what a user accepted. */
export class ExampleSample {
  readonly items: Example[] = [];
  private seen = 0;
  private readonly rng = mulberry32(7);

  constructor(readonly size: number) {}

  offer(e: Example): void {
    this.seen++;
    const slot = this.items.length < this.size ? this.items.length : Math.floor(this.rng() * this.seen);
    if (slot < this.size) this.items[slot] = e;
  }
}

/**
 * What the user sees and does at one position: the ideal users see every answer; the realistic one sees an answer
 * only if it is on screen in time (realistic-user.ts).
 */
type Decide = (
  s: Suggestion | undefined,
  latencyMs: number,
  intended: string,
  at: number,
  lineSuffix: string,
  pending: number,
) => { seen: Suggestion | undefined; action: UserAction };

function decider(user: UserKind, rng: Rng, realistic: RealisticUserOptions): Decide {
  if (user === 'realistic') {
    const u = new RealisticTabUser(rng, realistic);
    return (s, ms, intended, at, lineSuffix, pending) => u.step(s, ms, intended, at, lineSuffix, pending);
  }
  const act = USERS[user];
  return (s, _ms, intended, at, lineSuffix, pending) => ({ seen: s, action: act(s, intended, at, lineSuffix, pending) });
}

/** Whether the text before the cursor ends in a string or comment (the last few thousand characters decide). */
function lexAt(text: string): LexState {
  const from = Math.max(0, text.lastIndexOf('\n', text.length - 3000) + 1);
  const scan = scanPython(text.slice(from));
  return { inString: scan.inString?.quote ?? null, inComment: scan.inComment };
}

/**
 * VS Code's side of one task (vscode-editor.ts): the closers it auto-inserted on the cursor's line, and the keys
 * a line break costs (clearing those closers, fixing the indentation it gave the next line).
 */
class EditorSide {
  readonly line = new AutoClosedLine();
  private readonly unit: number;
  /** Indentation of the cursor's line as it is in the editor (a blank line keeps what it was given). */
  private lineIndent: number;

  /** The document's words, for the suggest widget's items. */
  private readonly words = new DocumentWords();

  constructor(private readonly task: ReplayTask) {
    this.words.add(task.after);
    this.unit = indentUnit(task.before + task.intended);
    const start = task.before.slice(task.before.lastIndexOf('\n') + 1) + task.intended;
    this.lineIndent = /^[ \t]*/.exec(start)![0].length;
  }

  /** The item the suggest widget selects with the cursor at intended[at], if it is open. */
  widgetItem(at: number): string | undefined {
    const text = this.task.before + this.task.intended.slice(0, at);
    if (!/[A-Za-z0-9_]$/.test(text)) return undefined;
    this.words.addThrough(text);
    return suggestWidgetItem(text, this.words, lexAt(text));
  }

  /** The user typed intended[at]; returns the extra keys the editor made them press. */
  typed(at: number): number {
    const { task } = this;
    const ch = task.intended[at];
    const text = task.before + task.intended.slice(0, at);
    const lineStart = text.lastIndexOf('\n') + 1;
    if (ch !== '\n') {
      const lex = ch === '"' || ch === "'" ? lexAt(text) : { inString: null, inComment: false };
      this.line.type(ch, text.slice(lineStart), lex);
      return 0;
    }
    // Escape first where the suggest widget is open (Enter would accept its item), then clear the closers left.
    let keys = this.widgetItem(at) !== undefined ? 1 : 0;
    keys += this.line.enter();
    const auto = autoIndentAfter(text.slice(lineStart), this.lineIndent, this.unit);
    const rest = task.intended.slice(at + 1);
    const nl = rest.indexOf('\n');
    const next = nl < 0 ? rest : rest.slice(0, nl);
    if (next.trim()) {
      const want = /^[ \t]*/.exec(next)![0].length;
      keys += indentKeys(auto, want, this.unit);
      this.lineIndent = want;
    } else this.lineIndent = auto;
    return keys;
  }

  /** A suggestion was taken: the closers it replaced are gone; one that spans lines leaves none behind. */
  accepted(replaced: number, text: string): void {
    this.line.accept(replaced);
    if (text.includes('\n')) this.line.pending = '';
  }
}

/**
 * What VS Code shows of a suggestion while its suggest widget has `item` selected: ghost text only when the name typed
 * so far and the suggestion together extend the item (in the editor replay, ghost text that disagreed with VS Code's
 * word list was not on screen).
 */
function visibleBesideWidget(s: Suggestion | undefined, prefix: string, item: string): Suggestion | undefined {
  const typed = /[A-Za-z0-9_]*$/.exec(prefix)![0];
  return s && (typed + s.text).startsWith(item) ? s : undefined;
}

/** Replays one task for one completer and user, adding to `t`. */
export async function replayTask(
  task: ReplayTask,
  completer: Completer,
  user: UserKind,
  t: Tally,
  examples?: ExampleSample,
  opts: { rng?: Rng; realistic?: RealisticUserOptions; editor?: EditorKind; widget?: WidgetList } = {},
): Promise<void> {
  const decide = decider(user, opts.rng ?? mulberry32(1), opts.realistic ?? REALISTIC_USER);
  const afterLine = lineOf(task.after);
  const editor = (opts.editor ?? 'vscode') === 'vscode' ? new EditorSide(task) : undefined;
  t.chars += typedChars(task);
  for (let at = skipIndentation(task, 0); at < task.intended.length;) {
    const pending = editor?.line.pending ?? '';
    const lineSuffix = pending + afterLine;
    const t0 = performance.now();
    const prefix = task.before + task.intended.slice(0, at);
    const query = { file: task.file, prefix, lineSuffix, after: pending + task.after };
    // VS Code's suggest widget hides ghost text that does not extend its selected item. The extension lists the
    // model's word first there (completion/suggest-words.ts), so the ghost text is not hidden; with VS Code's own
    // word list (--suggest-widget vscode: the extension before 2026-12-07, or the setting off) it often is.
    const answer = await completer.suggest(query);
    const item = editor && opts.widget === 'vscode' && completer.inline ? editor.widgetItem(at) : undefined;
    const fresh = item === undefined ? answer : visibleBesideWidget(answer, prefix, item);
    // A scripted completer states its time; the engine's is measured.
    const ms = fresh?.latencyMs ?? performance.now() - t0;
    t.latencyMs.push(ms);
    t.requests++;
    const { seen: s, action: a } = decide(fresh, ms, task.intended, at, lineSuffix, pending.length);
    if (s) {
      t.shown++;
      if (s.text[0] === task.intended[at]) t.firstCharRight++;
    }
    t.keystrokes += a.keystrokes;
    if (editor) {
      // Accepted whole, the closers it replaces go; word by word, only its first part is taken (users.ts).
      if (a.accepted && s) editor.accepted(a.advance === s.text.length ? s.replaceSuffix : 0, task.intended.slice(at, at + a.advance));
      else t.keystrokes += editor.typed(at);
    }
    if (a.accepted) {
      t.accepted++;
      t.acceptedChars += a.advance;
      // The longer ones show what the ghost text does.
      if (examples && a.advance >= 6) {
        const text = task.before + task.intended.slice(0, at);
        examples.offer({ before: text.slice(text.lastIndexOf('\n') + 1).trimStart(), accepted: task.intended.slice(at, at + a.advance) });
      }
    }
    at = skipIndentation(task, at + a.advance);
  }
}

/** Every completer with every user over all tasks; the rows come in completer order, then user order. */
export async function replay(tasks: ReplayTask[], completers: Completer[], opts: ReplayOptions = {}): Promise<ReplayRow[]> {
  const users = opts.users ?? (['tab', 'word'] as UserKind[]);
  const perTask = tasks.map(typedChars);
  const total = perTask.reduce((a, b) => a + b, 0) * users.length * completers.length;
  let done = 0;
  const rows: ReplayRow[] = [];
  for (const c of completers) {
    for (const u of users) {
      const t = emptyTally();
      const examples = !rows.length && opts.examples ? new ExampleSample(opts.examples) : undefined;
      // The same attention for every completer: a fair comparison under one user model.
      const rng = mulberry32(opts.seed ?? 1);
      for (let i = 0; i < tasks.length; i++) {
        await replayTask(tasks[i], c, u, t, examples, { rng, realistic: opts.realistic, editor: opts.editor, widget: opts.widget });
        done += perTask[i];
        opts.onProgress?.(done, total);
      }
      rows.push({ completer: c.name, user: u, figures: figures(t), ...(examples ? { examples: examples.items } : {}) });
    }
  }
  return rows;
}
