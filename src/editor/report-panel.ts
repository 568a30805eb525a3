/** "Show Training Report": a webview with the live loss curve and the per-evaluation table. */
import * as vscode from 'vscode';
import { EpochRecord } from '../model/checkpoint';
import { lossCurveSvg } from '../training/loop/loss-curve';
import { RunVerdict } from '../training/loop/run-verdict';

export class ReportPanel {
  private panel: vscode.WebviewPanel | undefined;
  private records: EpochRecord[] = [];
  private verdict: RunVerdict | undefined;

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
    if (!records.length) this.verdict = undefined;
    this.render();
  }

  /** The last run's before/after figures, shown above the curve. */
  setVerdict(v: RunVerdict): void {
    this.verdict = v;
    this.render();
  }

  private render(): void {
    if (!this.panel) return;
    const rows = this.records
      .map(
        (r) =>
          `<tr><td>${r.epoch}</td><td>${r.trainLoss.toFixed(4)}</td><td>${Number.isFinite(r.valLoss) ? r.valLoss.toFixed(4) : '-'}</td><td>${r.chars}</td></tr>`,
      )
      .join('');
    const v = this.verdict;
    const fmt = (x: number | undefined, acc: number | undefined) =>
      x === undefined ? '-' : `${x.toFixed(3)} nats/char${acc !== undefined ? ` (${Math.round(acc * 100)}% of characters right)` : ''}`;
    const keys = (x: number | undefined) => (x === undefined ? '' : `; ghost text saves ${Math.round(x * 100)}% of keystrokes`);
    const verdict = v
      ? `<h3>On this workspace's validation files</h3><table><tr><th>before</th><td>${fmt(v.before, v.beforeAccuracy)}${keys(v.keystrokesBefore)}</td></tr><tr><th>after</th><td>${fmt(v.after, v.afterAccuracy)}${keys(v.keystrokesAfter)}</td></tr></table><p>${escapeHtml(v.message)}</p>`
      : '';
    const body = this.records.length
      ? `${verdict}${lossCurveSvg(this.records, 'Training')}<table><tr><th>epoch</th><th>train nats/char</th><th>validation nats/char</th><th>chars</th></tr>${rows}</table>`
      : '<p>No training run yet in this window. Run <b>LSTM: Train on Workspace</b>; the curve updates live.</p>';
    this.panel.webview.html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)}td,th{padding:2px 8px;text-align:right}svg{max-width:100%;height:auto}</style></head><body>${body}</body></html>`;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
