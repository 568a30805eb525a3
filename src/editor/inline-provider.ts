/**
 * The inline completion provider: thin glue between VS Code and the completion worker, which runs the engine
 * off the extension host's thread. Debounces, shares each place's answer with the suggest widget's list, stops the
 * request for a place a newer one replaced, and reports timings to the log and status bar.
 */
import * as vscode from 'vscode';
import { CompletionClient } from '../serving/completion-client';
import type { CompletionResult } from '../serving/completion-protocol';
import { AFTER_CURSOR_CHARS } from '../serving/completion-protocol';
import { Settings } from './settings';

export interface ProviderHooks {
  settings(): Settings;
  busy(on: boolean): void;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker's answer at one place, with its own share of the time. */
type Answer = Promise<(CompletionResult & { workerMs?: number }) | undefined>;

/** A document version and a cursor offset: one place where ghost text is computed. */
const placeKey = (document: vscode.TextDocument, position: vscode.Position) => `${document.uri.toString()}@${document.version}:${document.offsetAt(position)}`;

export class LstmInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  /** Timings of the last completions, and the characters each stepped to reach the cursor, for diagnostics. */
  readonly recentMs: number[] = [];
  readonly recentStepped: number[] = [];

  /** The answer being computed or last computed, for the suggest widget's list at the same place (suggest-provider.ts). */
  private latest: { key: string; answer: Answer; cancel: AbortController } | undefined;

  constructor(
    private readonly serving: CompletionClient,
    private readonly hooks: ProviderHooks,
  ) {}

  /**
   * The ghost text's answer at this place (this document version and cursor): the one already asked for, or a new
   * request. The suggest widget's list (suggest-provider.ts) asks here too, often before VS Code asks for ghost text,
   * and both share one answer. Only the latest place matters: a request for a new place stops the one before.
   */
  answerAt(document: vscode.TextDocument, position: vscode.Position): Answer | undefined {
    const settings = this.hooks.settings();
    if (!settings.enable || !this.serving.hasModel) return undefined;
    const key = placeKey(document, position);
    if (this.latest?.key === key) return this.latest.answer;
    this.latest?.cancel.abort();
    const request = {
      prefix: document.getText(new vscode.Range(new vscode.Position(0, 0), position)),
      lineSuffix: document.lineAt(position.line).text.slice(position.character),
      after: document.getText(new vscode.Range(position, document.positionAt(document.offsetAt(position) + AFTER_CURSOR_CHARS))),
      settings: settings.completion,
      excludeFromIndex: document.uri.scheme === 'file' ? document.uri.fsPath : undefined,
    };
    const cancel = new AbortController();
    const answer = this.serving.complete(document.uri.toString(), request, cancel.signal);
    this.latest = { key, answer, cancel };
    return answer;
  }

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
    const t0 = performance.now();
    const answer = this.answerAt(document, position);
    if (!answer) return undefined;
    this.hooks.busy(true);
    try {
      const r = await answer;
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
      this.hooks.busy(false);
    }
  }
}
