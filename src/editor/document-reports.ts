/**
 * The editor's side of priming: it reports facts to the completion worker, which decides what to step. A Python
 * document on screen (its whole text and cursor, again after each pause in editing), a cursor that came to rest
 * somewhere new, and the lines on screen once scrolling stops. Each report waits for its event to go quiet, so
 * typing (which moves the cursor and edits) sends completion requests, not reports.
 */
import * as vscode from 'vscode';
import { CompletionClient } from '../serving/completion-client';
import { DocumentPrimed } from '../serving/completion-protocol';
import { Settings } from './settings';

/** Quiet time after a cursor move before it is reported (typing moves the cursor too: a completion request comes first). */
const CURSOR_AFTER_MS = 150;
/** Quiet time after scrolling before the lines on screen are reported. */
const VISIBLE_AFTER_MS = 400;
/** Quiet time after an edit before the document's text is sent again. */
const DOCUMENT_AFTER_MS = 1000;

export interface ReportHooks {
  settings(): Settings;
  log(line: string): void;
}

export class DocumentReporter {
  /** The documents the worker primed whole, for diagnostics (the latest last). */
  readonly documentPrimes: DocumentPrimed[] = [];

  constructor(
    private readonly serving: CompletionClient,
    private readonly hooks: ReportHooks,
  ) {}

  private ready(): Settings | undefined {
    const settings = this.hooks.settings();
    return settings.enable && this.serving.hasModel ? settings : undefined;
  }

  /** A document on screen: its whole text and cursor (the worker primes every line, nearest the cursor first). */
  document(document: vscode.TextDocument, cursor: vscode.Position | undefined): void {
    const settings = this.ready();
    if (settings) this.serving.document(document.uri.toString(), document.getText(), cursor ? document.offsetAt(cursor) : 0, settings.completion.contextChars);
  }

  /** The cursor came to rest at `position` (a click, a search, go to line): the worker moves the document's session there. */
  async cursorRested(document: vscode.TextDocument, position: vscode.Position): Promise<number | undefined> {
    const settings = this.ready();
    if (!settings) return undefined;
    const prefix = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
    const t0 = performance.now();
    const stepped = await this.serving.prime(document.uri.toString(), prefix, settings.completion.contextChars);
    if (stepped) this.hooks.log(`primed ${stepped} chars at line ${position.line + 1} in ${(performance.now() - t0).toFixed(0)} ms (in the background)`);
    return stepped;
  }

  /** The lines on screen and the text up to the last one: the worker primes their starts. */
  async visible(document: vscode.TextDocument, ranges: readonly vscode.Range[]): Promise<number | undefined> {
    const settings = this.ready();
    if (!settings || !ranges.length) return undefined;
    const first = Math.min(...ranges.map((r) => r.start.line));
    const last = Math.min(document.lineCount - 1, Math.max(...ranges.map((r) => r.end.line)));
    const text = document.getText(new vscode.Range(0, 0, last, document.lineAt(last).text.length));
    const t0 = performance.now();
    const stepped = await this.serving.visible(document.uri.toString(), text, { first, last }, settings.completion.contextChars);
    if (stepped)
      this.hooks.log(`primed ${stepped} chars for lines ${first + 1}-${last + 1} on screen in ${(performance.now() - t0).toFixed(0)} ms (in the background)`);
    return stepped;
  }

  /** A whole-document priming the worker finished. */
  primed(p: DocumentPrimed): void {
    this.documentPrimes.push(p);
    if (this.documentPrimes.length > 20) this.documentPrimes.shift();
    this.hooks.log(`primed ${p.passesDone} of ${p.passes} context passes of ${p.key} (${p.stepped} chars) in ${(p.ms / 1000).toFixed(1)} s, in the background`);
  }

  /** The editor events reported, each once its event goes quiet. */
  follow(): vscode.Disposable[] {
    const quiet = <A extends unknown[]>(ms: number, f: (...a: A) => void) => {
      let timer: NodeJS.Timeout | undefined;
      const run = (...a: A) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => f(...a), ms);
      };
      return Object.assign(run, { dispose: () => timer && clearTimeout(timer) });
    };
    const python = (d: vscode.TextDocument) => d.languageId === 'python';
    const edited = quiet(DOCUMENT_AFTER_MS, (d: vscode.TextDocument, e: vscode.TextEditor) => this.document(d, e.selection.active));
    const rested = quiet(CURSOR_AFTER_MS, (e: vscode.TextEditor) => void this.cursorRested(e.document, e.selection.active));
    const scrolled = quiet(VISIBLE_AFTER_MS, (e: vscode.TextEditor) => void this.visible(e.document, e.visibleRanges));
    return [
      vscode.window.onDidChangeActiveTextEditor((e) => e && python(e.document) && this.document(e.document, e.selection.active)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const editor = vscode.window.activeTextEditor;
        if (python(e.document) && editor?.document === e.document && e.contentChanges.length) edited(e.document, editor);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => python(e.textEditor.document) && rested(e.textEditor)),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => python(e.textEditor.document) && scrolled(e.textEditor)),
      edited,
      rested,
      scrolled,
    ];
  }
}
