/**
 * `lstm-complete replay`: how many keystrokes the ghost text saves. A simulated user types Python files
 * (top to bottom, and at random editing sites inside existing lines) while the extension's completion
 * engine is asked for a suggestion at every cursor position, beside VS Code's word completion in the same
 * run. Prints a table, or everything with --json; a progress bar on a terminal.
 */
import * as path from 'path';
import { COMMON_OPTIONS, parse, numberOpt, stringList, dataAndSplit, UsageError, choiceOpt, guardReportFiles } from './args';
import { replaceFileDurably } from '../util/durable-write';
import { loadModelOrBundled } from '../model/model-store';
import { buildCorpus } from '../data/corpus';
import { filesOfSplit } from '../data/dataset';
import { LstmStepper, SERVING_PRECISION, StepperPrecision } from '../inference/lstm-stepper';
import { mulberry32 } from '../util/rng';
import { CacheSource, CompletionSettings, DEFAULT_COMPLETION_SETTINGS } from '../completion/complete';
import { TextIndex } from '../workspace-index/text-index';
import { modelCompleter, wordCompleter } from '../replay/completers';
import { replay, ReplayRow, WidgetList } from '../replay/replay';
import { editingTasks, ReplayFile, ReplayTask, typedChars, typingTasks } from '../replay/tasks';
import { UserKind } from '../replay/users';
import { EditorKind } from '../replay/vscode-editor';
import { RealisticUserOptions, REALISTIC_USER } from '../replay/realistic-user';
import { progressBar } from './progress';
import { BoundaryRule, LengthRule } from '../completion/confidence-cut';

export const REPLAY_HELP = `Usage: lstm-complete replay [--model DIR] --data DIR [--data DIR...] [--split all|validation|train]
                            [--max-chars N] [--file-chars N] [--edits N] [--seed S] [--temperature T] [--threshold P]
                            [--multiline | --single-line] [--max-completion-chars N] [--context-chars N] [--show N] [--json]
                            [--key-interval-ms MS] [--editor-overhead-ms MS] [--accept-probability P]
                            [--write-tasks FILE [--force]] [--editor vscode|plain] [--word-by-word on|off]
                            [--suggest-widget extension|vscode]

Keystroke savings of the ghost text against VS Code's word completion, measured in the same run.
A simulated user types the files (in an order fixed by --seed) top to bottom at the end of the document:
--max-chars N typed characters in all (default 50000; indentation is the editor's and is not counted), at most
--file-chars N per file (default 5000: a window of lines from a place chosen by the seed, the text above it
already written, so the budget samples many files); and retypes 1-4 tokens at --edits N random sites inside existing lines
(default 200; 0 = none). At every cursor position the extension's completion engine (same code path and
settings as the editor) is asked for ghost text.
  tab user    accepts a suggestion (one keystroke) only when it is exactly what comes next
  word user   also accepts correct leading words, one keystroke each (VS Code's accept-next-word)
  realistic   a user at a steady pace: a suggestion counts only if on screen before the next key (the
              engine's time plus --editor-overhead-ms, default 75, within --key-interval-ms, default 200),
              a ghost text typed through stays, and a right one is taken with --accept-probability (0.85),
              whole with Tab or, with --word-by-word on (the default), its right leading words
The editor is VS Code as shipped (--editor vscode, the default): it auto-closes brackets and quotes (a typed
closer overtypes its own; before Enter the user deletes the ones left on the line, one key) and auto-indents
(the user fixes the indentation it gives: Backspace or Tab per level); --editor plain closes nothing and indents
every line as meant for free (the figures before 2026-12-07). In VS Code the suggest widget opens as a name is
typed and hides ghost text that does not extend its selected word: the extension lists the model's word first
(--suggest-widget extension, the default); --suggest-widget vscode models VS Code's own word list instead.
Figures: savings = 1 - keystrokes/characters, shown rate, accepted share of shown, mean accepted length,
first-character accuracy, latency per request (p50/p95). --show N prints N of the suggestions accepted.
Completion settings default to the editor's: --temperature (0 = search, the default), --threshold (the
probability a suggestion must have of being exactly right; default the model's calibrated one, as the editor
serves it, else 0.27), --multiline or --single-line (the editor's default is multi-line), --max-completion-chars, --context-chars;
and, to try other decodings: --word-candidates N (document words weighed as completions of a name, 0 = none),
--word-weight W (the LSTM's weight against word counts), --cache none|off|document|workspace (mix in what the
document, or also the other files given, say comes next; the file being typed is never read ahead), --min-chars N, --boundary any|prefer-token, --length longest|gain|word-gain (the longest suggestion
that qualifies, the one with the most expected keystrokes saved, or the most for a user who also takes right leading words); --precision float32|int16 (the LSTM's
products; default int16, as the editor runs them). --write-tasks FILE writes the typing tasks as JSON (each file,
the text already in it, the text typed), so another driver (a real editor) can type exactly the same text; an
existing FILE is replaced only with --force.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  data: { type: 'string', multiple: true },
  split: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'max-chars': { type: 'string' },
  'file-chars': { type: 'string' },
  edits: { type: 'string' },
  show: { type: 'string' },
  seed: { type: 'string' },
  temperature: { type: 'string' },
  threshold: { type: 'string' },
  multiline: { type: 'boolean', default: false },
  'single-line': { type: 'boolean', default: false },
  'max-completion-chars': { type: 'string' },
  'context-chars': { type: 'string' },
  'word-candidates': { type: 'string' },
  'word-weight': { type: 'string' },
  boundary: { type: 'string' },
  'min-chars': { type: 'string' },
  cache: { type: 'string' },
  length: { type: 'string' },
  precision: { type: 'string' },
  'key-interval-ms': { type: 'string' },
  editor: { type: 'string' },
  'word-by-word': { type: 'string' },
  'suggest-widget': { type: 'string' },
  'editor-overhead-ms': { type: 'string' },
  'accept-probability': { type: 'string' },
  'write-tasks': { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** Completion settings from the replay's flags, on top of the editor's defaults. */
export function settingsFromFlags(v: Record<string, unknown>, base: CompletionSettings = DEFAULT_COMPLETION_SETTINGS): CompletionSettings {
  return {
    ...base,
    temperature: numberOpt(v, 'temperature', base.temperature, { min: 0, max: 2 }),
    confidenceThreshold: numberOpt(v, 'threshold', base.confidenceThreshold, { min: 0, max: 1 }),
    multiline: v['single-line'] ? false : Boolean(v.multiline) || base.multiline,
    maxCompletionChars: numberOpt(v, 'max-completion-chars', base.maxCompletionChars, { min: 1, max: 2000, integer: true }),
    contextChars: numberOpt(v, 'context-chars', base.contextChars, { min: 100, max: 100_000, integer: true }),
    wordCandidates: numberOpt(v, 'word-candidates', base.wordCandidates, { min: 0, max: 50, integer: true }),
    wordModelWeight: numberOpt(v, 'word-weight', base.wordModelWeight, { min: 0, max: 1 }),
    minChars: numberOpt(v, 'min-chars', base.minChars, { min: 1, max: 100, integer: true }),
    boundary: choiceOpt<BoundaryRule>(v, 'boundary', ['any', 'prefer-token'], base.boundary),
    cache: cacheOpt(v, base.cache),
    length: choiceOpt<LengthRule>(v, 'length', ['longest', 'gain', 'word-gain'], base.length),
  };
}

/** --cache none|off|document|workspace: "none" and the setting's own name "off" are the same. */
function cacheOpt(v: Record<string, unknown>, fallback: CacheSource): CacheSource {
  if (v.cache === undefined) return fallback;
  const c = choiceOpt(v, 'cache', ['none', 'off', 'document', 'workspace'], 'none');
  return c === 'none' ? 'off' : c;
}

/** Files in an order fixed by the seed, so a character budget samples every folder given. */
export function shuffled<T>(xs: T[], seed: number): T[] {
  const rng = mulberry32(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatRows(title: string, rows: ReplayRow[]): string {
  const head = ['completer', 'user', 'savings', 'shown', 'accepted/shown', 'mean accepted', '1st char', 'p50 ms', 'p95 ms'];
  const body = rows.map((r) => {
    const f = r.figures;
    return [
      r.completer,
      r.user,
      pct(f.savings),
      pct(f.shownRate),
      pct(f.acceptedShare),
      f.meanAcceptedLength.toFixed(1),
      pct(f.firstCharAccuracy),
      f.latencyP50Ms.toFixed(2),
      f.latencyP95Ms.toFixed(2),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [title, line(head), ...body.map(line)].join('\n');
}

/** What the table's words mean, one line each, for a reader who has not read --help. */
export const rowLegend = (r: RealisticUserOptions): string[] => [
  "model: this extension's ghost text; word completion: VS Code's own suggestions of words already in the file",
  'tab: takes a suggestion with Tab only when it is exactly what comes next',
  'word: also takes its right leading words (Ctrl+Right, Accept Next Word)',
  `realistic: a key every ${r.keyIntervalMs} ms, sees a suggestion only if it shows in time, takes ${Math.round(r.acceptProbability * 100)}% of right ones`,
  'savings: keystrokes saved (1 - keys pressed / characters typed); shown: keystrokes after which a suggestion showed',
  'accepted/shown: suggestions taken of those shown; mean accepted: characters taken each time',
  '1st char: suggestions whose first character was right; p50/p95 ms: time to compute one (median, slowest 5%)',
];

/** Accepted suggestions as two columns: what the line held, and what Tab added to it. */
export function formatExamples(examples: { before: string; accepted: string }[], total: number): string[] {
  const typed = examples.map((e) => (e.before.length > 50 ? '…' + e.before.slice(-49) : e.before || '(line start)'));
  const width = Math.max('the line so far'.length, ...typed.map((t) => t.length));
  return [
    `suggestions the Tab user accepted (${examples.length} of ${total}):`,
    `  ${'the line so far'.padEnd(width)}   added by Tab`,
    ...examples.map((e, i) => `  ${typed[i].padEnd(width)}   ${e.accepted.replace(/\n/g, '⏎')}`),
  ];
}

/** The typing tasks as JSON, atomically: the real-editor replay types exactly these. */
function writeTasks(file: string, tasks: ReplayTask[]): void {
  replaceFileDurably(file, JSON.stringify({ typing: tasks.map((t) => ({ file: t.file, before: t.before, intended: t.intended, typedChars: typedChars(t) })) }));
}

export async function runReplay(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.backend !== undefined) throw new UsageError('replay runs on the built-in SIMD kernel and takes no --backend');
  const { data, split } = dataAndSplit(v);
  if (typeof v['write-tasks'] === 'string') guardReportFiles(v, [v['write-tasks']], '--write-tasks');
  const maxChars = numberOpt(v, 'max-chars', 50_000, { min: 1, integer: true });
  const fileChars = numberOpt(v, 'file-chars', 5_000, { min: 1, integer: true });
  const edits = numberOpt(v, 'edits', 200, { min: 0, integer: true });
  const seed = numberOpt(v, 'seed', 1, { min: 0, integer: true });
  const ck = loadModelOrBundled(v.model as string | undefined);
  // Without --threshold, the model serves at the threshold calibrated for it, as in the editor.
  const calibrated = ck.meta.serving?.confidenceThreshold;
  const settings = settingsFromFlags(
    v,
    calibrated === undefined ? DEFAULT_COMPLETION_SETTINGS : { ...DEFAULT_COMPLETION_SETTINGS, confidenceThreshold: calibrated },
  );
  const corpus = filesOfSplit(
    buildCorpus(data, { exclude: stringList(v, 'exclude') }).files,
    ck.meta.corpus?.validationFiles,
    split,
    path.join(ck.dir, 'meta.json'),
  );
  const files: ReplayFile[] = shuffled(corpus, seed).map((f) => ({ relative: f.path, text: f.text }));
  const typing = typingTasks(files, { maxChars, fileChars, seed });
  const editing = editingTasks(files, edits, seed);
  if (typeof v['write-tasks'] === 'string') writeTasks(v['write-tasks'], typing);
  const precision = choiceOpt<StepperPrecision>(v, 'precision', ['float32', 'int16'], SERVING_PRECISION);
  const stepper = new LstmStepper(ck.weights, { precision });
  // The workspace is every file given; each file leaves itself out of it while it is typed.
  const workspace = settings.cache === 'workspace' ? TextIndex.build(files.map((f) => ({ key: f.relative, text: f.text }))) : undefined;
  const completers = () => [modelCompleter(stepper, settings, 'model', workspace), wordCompleter()];
  const bar = progressBar(process.stderr, 'replay');
  const t0 = Date.now();
  const show = numberOpt(v, 'show', 0, { min: 0, max: 100, integer: true });
  const users: UserKind[] = ['tab', 'word', 'realistic'];
  const realistic: RealisticUserOptions = {
    keyIntervalMs: numberOpt(v, 'key-interval-ms', REALISTIC_USER.keyIntervalMs, { min: 1, max: 10_000 }),
    editorOverheadMs: numberOpt(v, 'editor-overhead-ms', REALISTIC_USER.editorOverheadMs, { min: 0, max: 10_000 }),
    acceptProbability: numberOpt(v, 'accept-probability', REALISTIC_USER.acceptProbability, { min: 0, max: 1 }),
    wordByWord: choiceOpt(v, 'word-by-word', ['on', 'off'], 'on') === 'on',
  };
  const editor = choiceOpt<EditorKind>(v, 'editor', ['vscode', 'plain'], 'vscode');
  const widget = choiceOpt<WidgetList>(v, 'suggest-widget', ['extension', 'vscode'], 'extension');
  const common = { users, realistic, seed, editor, widget };
  const typingRows = await replay(typing, completers(), { ...common, onProgress: (d, t) => bar(d, t, 'typing'), examples: show });
  const editingRows = editing.length ? await replay(editing, completers(), { ...common, onProgress: (d, t) => bar(d, t, 'editing') }) : [];
  bar.done();
  const seconds = (Date.now() - t0) / 1000;
  const typedTotal = typing.reduce((s, t) => s + typedChars(t), 0);
  if (v.json) {
    process.stdout.write(
      JSON.stringify({
        model: ck.dir,
        data,
        split,
        seed,
        settings,
        precision: stepper.precision,
        realistic,
        editor,
        widget,
        typing: { tasks: typing.length, chars: typedTotal, rows: typingRows },
        editing: { tasks: editing.length, rows: editingRows },
        seconds,
      }) + '\n',
    );
  } else {
    const out = [formatRows(`typing: ${typedTotal} characters in ${typing.length} files (${split})`, typingRows), '', ...rowLegend(realistic)];
    const examples = typingRows[0]?.examples ?? [];
    if (examples.length) out.push('', ...formatExamples(examples, typingRows[0].figures.accepted));
    if (editingRows.length) out.push('', formatRows(`editing: ${editing.length} sites inside existing lines`, editingRows));
    out.push(
      '',
      `model ${ck.dir} (${stepper.precision}); temperature ${settings.temperature}, threshold ${settings.confidenceThreshold}${calibrated !== undefined && v.threshold === undefined ? ' (calibrated for this model)' : ''}${settings.multiline ? ', multi-line' : ''}; ${seconds.toFixed(0)} s`,
    );
    process.stdout.write(out.join('\n') + '\n');
  }
  return 0;
}
