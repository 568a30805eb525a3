/**
 * The inline completion provider: thin glue between VS Code and the completion worker, which runs the engine
 * off the extension host's thread. Debounces, passes the cancellation token on, and reports timings to the
 * log and status bar.
 */
import * as vscode from 'vscode';
import { primeLines } from '../completion/context-window';
import { normalizeText } from '../model/vocab';
import { AFTER_CURSOR_CHARS } from '../completion/word-candidates';
import { CompletionClient } from '../serving/completion-client';
import { DocumentPrimed } from '../serving/completion-protocol';
import { Settings } from './settings';

export interface ProviderHooks {
  settings(): Settings;
  busy(on: boolean): void;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LstmInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  /** Timings of the last completions, and the characters each stepped to reach the cursor, for diagnostics. */
  readonly recentMs: number[] = [];
  readonly recentStepped: number[] = [];
  /** The documents the worker primed whole, for diagnostics (the latest last). */
  readonly documentPrimes: DocumentPrimed[] = [];

  constructor(
    private readonly serving: CompletionClient,
    private readonly hooks: ProviderHooks,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    _context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.hooks.settings();
    if (!settings.enable) return undefined;
    if (settings.debounceMs > 0) {
      await sleep(settings.debounceMs);
      if (token.isCancellationRequested) return undefined;
    }
    if (!this.serving.hasModel) return undefined;
    const t0 = performance.now();
    const prefix = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
    const lineSuffix = document.lineAt(position.line).text.slice(position.character);
    const after = document.getText(new vscode.Range(position, document.positionAt(document.offsetAt(position) + AFTER_CURSOR_CHARS)));
    const cancel = new AbortController();
    const onCancel = token.onCancellationRequested(() => cancel.abort());
    if (token.isCancellationRequested) cancel.abort();
    this.hooks.busy(true);
    try {
      const request = {
        prefix,
        lineSuffix,
        after,
        settings: settings.completion,
        thresholdSetByUser: settings.thresholdSetByUser,
        excludeFromIndex: document.uri.scheme === 'file' ? document.uri.fsPath : undefined,
      };
      const r = await this.serving.complete(document.uri.toString(), request, cancel.signal);
      if (!r) return undefined;
      const ms = performance.now() - t0;
      this.recentMs.push(ms);
      this.recentStepped.push(r.stepped);
      if (this.recentMs.length > 100) this.recentMs.shift();
      if (this.recentStepped.length > 100) this.recentStepped.shift();
      if (r.outcome !== 'ok' || token.isCancellationRequested) return undefined;
      // The worker's share of the wait: the rest is the host's own work and the hop to the worker and back.
      const worker = r.workerMs === undefined ? '' : `worker ${r.workerMs.toFixed(1)} ms; `;
      this.hooks.log(`completion: ${JSON.stringify(r.text)} in ${ms.toFixed(1)} ms (${worker}stepped ${r.stepped} chars)`);
      const range = new vscode.Range(position, position.translate(0, r.replaceSuffix));
      return [new vscode.InlineCompletionItem(r.text, range)];
    } finally {
      onCancel.dispose();
      this.hooks.busy(false);
    }
  }

  /**
   * The cursor came to rest at `position` (after a jump, not while typing): move the document's session there
   * in the background (the worker), so the first completion typed there costs only the new characters. A
   * completion request or a newer prime stops it.
   */
  async prime(document: vscode.TextDocument, position: vscode.Position, keepLastLines = Infinity): Promise<number | undefined> {
    const settings = this.hooks.settings();
    if (!settings.enable || !this.serving.hasModel) return undefined;
    const prefix = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
    const t0 = performance.now();
    const stepped = await this.serving.prime(document.uri.toString(), prefix, settings.completion.contextChars, keepLastLines);
    if (stepped) this.hooks.log(`primed ${stepped} chars at line ${position.line + 1} in ${(performance.now() - t0).toFixed(0)} ms (in the background)`);
    return stepped;
  }

  /**
   * Hands a document's whole text and cursor to the worker, which primes every line of it in the background,
   * nearest the cursor first, while no completion runs: a jump anywhere in it then steps only the line's
   * characters. The editor calls it when a Python document becomes visible and after edits pause.
   */
  primeDocument(document: vscode.TextDocument, cursor: vscode.Position | undefined): void {
    const settings = this.hooks.settings();
    if (!settings.enable || !this.serving.hasModel) return;
    this.serving.document(document.uri.toString(), document.getText(), cursor ? document.offsetAt(cursor) : 0, settings.completion.contextChars);
  }

  /**
   * Primes the lines on screen, so that a click and a keystroke anywhere there resume from a line-start snapshot
   * instead of stepping the whole context: one pass per group of lines that share a context start (primeLines),
   * each in the background like prime(). Stops when a completion, a cursor move or a newer scroll takes over.
   */
  async primeVisible(document: vscode.TextDocument, ranges: readonly vscode.Range[]): Promise<number> {
    const settings = this.hooks.settings();
    if (!settings.enable || !ranges.length) return 0;
    const first = Math.min(...ranges.map((r) => r.start.line));
    const last = Math.min(document.lineCount - 1, Math.max(...ranges.map((r) => r.end.line)), first + MAX_PRIMED_LINES);
    const text = normalizeText(document.getText(new vscode.Range(0, 0, last, document.lineAt(last).text.length)));
    const lines = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    let stepped = 0;
    for (const line of primeLines(text, lines, settings.completion.contextChars).reverse()) {
      // Snapshots only for the screen's lines: the session keeps 256, and a context holds more lines than that.
      const n = await this.prime(document, new vscode.Position(line, document.lineAt(line).text.length), line - first + 1);
      if (n === undefined) break; // something newer took the session over
      stepped += n;
    }
    return stepped;
  }
}

/** Most lines primed for one screen (a very tall editor or a folded range still costs a bounded pass). */
const MAX_PRIMED_LINES = 400;
