/**
 * The inline completion provider: thin glue between VS Code and the completion worker, which runs the engine
 * off the extension host's thread. Debounces, passes the cancellation token on, and reports timings to the
 * log and status bar.
 */
import * as vscode from 'vscode';
import { CompletionClient } from '../serving/completion-client';
import { AFTER_CURSOR_CHARS } from '../serving/completion-protocol';
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
}
