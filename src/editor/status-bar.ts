/** The status bar item: model name, backend, and training progress; a click opens the quick menu. */
import * as vscode from 'vscode';
import { ActiveModel } from './model-manager';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private model: ActiveModel | undefined;
  private training: string | undefined;
  private busy = false;
  private enabled = true;
  backend = 'training backend not chosen yet';
  private cache = 'no workspace index';

  constructor() {
    this.item.command = 'lstmComplete.menu';
    this.render();
    this.item.show();
  }

  setModel(m: ActiveModel | undefined): void {
    this.model = m;
    this.render();
  }

  setTraining(text: string | undefined): void {
    this.training = text;
    this.render();
  }

  setBusy(b: boolean): void {
    if (b === this.busy) return;
    this.busy = b;
    this.render();
  }

  /** What the completion cache holds (the workspace index summary). */
  setCache(summary: string | undefined): void {
    this.cache = summary ?? 'no workspace index (this document only)';
    this.render();
  }

  setEnabled(e: boolean): void {
    this.enabled = e;
    this.render();
  }

  get text(): string {
    return this.item.text;
  }

  private render(): void {
    const name = this.model ? this.model.name : 'no model';
    const icon = !this.enabled ? '$(circle-slash)' : this.busy ? '$(loading~spin)' : '$(sparkle)';
    // While training, the model still serving completions stays visible: the run's model serves only once it is checked.
    this.item.text = this.training ? `${this.training} · ${name}` : `${icon} LSTM: ${name}`;
    this.item.tooltip = new vscode.MarkdownString(
      [
        `**LSTM Complete** — completions ${this.enabled ? 'on' : 'off'}`,
        `Model: ${name}${this.model ? ` (${this.model.source})` : ''}`,
        this.model?.bestValLoss != null ? `Loss on code it did not train on: ${this.model.bestValLoss.toFixed(3)} (lower is better)` : '',
        'Inference: WebAssembly SIMD kernel',
        `Completion cache: ${this.cache}`,
        `Training backend: ${this.backend}`,
        '',
        'Click for the menu',
      ]
        .filter((l) => l !== '')
        .join('\n\n'),
    );
  }

  dispose(): void {
    this.item.dispose();
  }
}
