/**
 * The completion replay: a simulated user types each task's text one cursor position at a time; at every
 * position each completer is asked for a suggestion, and the user model decides what one keystroke buys.
 * Each (completer, user) pair follows its own path through the text, since accepting moves the cursor.
 */
import { Completer } from './completers';
import { emptyTally, figures, Figures, LineTally, Tally } from './metrics';
import { ReplayTask, skipIndentation, typedChars, typedCharsByLine } from './tasks';
import { Suggestion, USERS, UserAction, UserKind } from './users';
import { RealisticTabUser, RealisticUserOptions, REALISTIC_USER } from './realistic-user';
import { mulberry32, Rng } from '../util/rng';
import { EditorKind } from './vscode-editor';
import { EditorSide, visibleBesideWidget } from './editor-side';

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
  /** Return each row's keystrokes line by line (ReplayRow.lines). */
  lines?: boolean;
}

export type WidgetList = 'extension' | 'vscode';

export interface ReplayRow {
  completer: string;
  user: UserKind;
  figures: Figures;
  examples?: Example[];
  /** Keystrokes line by line (ReplayOptions.lines), for a paired comparison of two runs over the same tasks. */
  lines?: LineTally[];
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
  // Keystrokes are filed under the line the cursor is on when they are pressed (paired comparisons, metrics.ts).
  const lines = typedCharsByLine(task).map((chars) => ({ chars, keystrokes: 0 }));
  t.lines.push(...lines);
  let line = 0;
  let scanned = 0;
  for (let at = skipIndentation(task, 0); at < task.intended.length;) {
    for (; scanned < at; scanned++) if (task.intended[scanned] === '\n') line++;
    const keysBefore = t.keystrokes;
    const pending = editor?.line.pending ?? '';
    const lineSuffix = pending + afterLine;
    const t0 = performance.now();
    const prefix = task.before + task.intended.slice(0, at);
    const query = { file: task.file, prefix, lineSuffix, after: pending + task.after };
    // VS Code's suggest widget hides ghost text that does not extend its selected item. The extension lists the
    // model's word first there (completion/suggest-words.ts), so the ghost text is not hidden; with VS Code's own
    // word list (--suggest-widget vscode: the extension before 2026-12-07, or the setting off) it often is.
    const answer = await completer.suggest(query);
    const item = editor && opts.widget === 'vscode' && completer.inline ? editor.widgetItem(prefix) : undefined;
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
      else t.keystrokes += editor.typed(at, prefix);
    }
    if (a.accepted) {
      t.accepted++;
      t.acceptedChars += a.advance;
      // The longer ones show what the ghost text does.
      if (examples && a.advance >= 6) {
        examples.offer({ before: prefix.slice(prefix.lastIndexOf('\n') + 1).trimStart(), accepted: task.intended.slice(at, at + a.advance) });
      }
    }
    lines[line].keystrokes += t.keystrokes - keysBefore;
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
      rows.push({
        completer: c.name,
        user: u,
        figures: figures(t),
        ...(examples ? { examples: examples.items } : {}),
        ...(opts.lines ? { lines: t.lines } : {}),
      });
    }
  }
  return rows;
}
