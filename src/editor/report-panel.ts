/** "Show Training Report": a webview with the live loss curve and the per-evaluation table. */
import * as vscode from 'vscode';
import { EpochRecord } from '../model/checkpoint';
import { lossCurveSvg } from '../training/loss-curve';

export class ReportPanel {
  private panel: vscode.WebviewPanel | undefined;
  private records: EpochRecord[] = [];

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.panel = vscode.window.createWebviewPanel('lstmComplete.report', 'LSTM Training Report', vscode.ViewColumn.Beside, { enableScripts: false });
    this.panel.onDidDispose(() => (this.panel = undefined));
    this.render();
  }

  update(records: EpochRecord[]): void {
    this.records = [...records];
    this.render();
  }

  private render(): void {
    if (!this.panel) return;
    const rows = this.records
      .map((r) => `<tr><td>${r.epoch}</td><td>${r.trainLoss.toFixed(4)}</td><td>${Number.isFinite(r.valLoss) ? r.valLoss.toFixed(4) : '-'}</td><td>${r.chars}</td></tr>`)
      .join('');
    const body = this.records.length
      ? `${lossCurveSvg(this.records, 'Training')}<table><tr><th>epoch</th><th>train nats/char</th><th>validation nats/char</th><th>chars</th></tr>${rows}</table>`
      : '<p>No training run yet in this window. Run <b>LSTM: Train on Workspace</b>; the curve updates live.</p>';
    this.panel.webview.html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)}td,th{padding:2px 8px;text-align:right}svg{max-width:100%;height:auto}</style></head><body>${body}</body></html>`;
  }
}
