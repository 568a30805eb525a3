/**
 * "Show Training Report": a webview with the run's verdict in words and the figures behind it, the live loss
 * chart over minutes (training loss from the first seconds, validation points as they come: run-curve.ts) and the
 * per-validation table.
 */
import * as vscode from 'vscode';
import { EpochRecord } from '../model/checkpoint';
import { RunVerdict } from '../training/loop/run-verdict';
import { formatDuration } from '../util/eta';
import { RunCurve } from './run-curve';

/** The chart is redrawn at most this often while a run goes (a webview's HTML is replaced whole). */
const REDRAW_MS = 2_000;

export class ReportPanel {
  private panel: vscode.WebviewPanel | undefined;
  private records: EpochRecord[] = [];
  private verdict: RunVerdict | undefined;
  private lastDraw = 0;
  private pending: NodeJS.Timeout | undefined;
  readonly curve = new RunCurve();

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.panel = vscode.window.createWebviewPanel('lstmComplete.report', 'LSTM Training Report', vscode.ViewColumn.Beside, { enableScripts: false });
    this.panel.onDidDispose(() => (this.panel = undefined));
    this.render();
  }

  /** The validations so far (an empty list: a new run starts, and the chart is cleared). */
  update(records: EpochRecord[]): void {
    this.records = [...records];
    if (!records.length) {
      this.verdict = undefined;
      this.curve.reset();
    }
    this.render();
  }

  /** The chart has new points: redrawn now, or once REDRAW_MS have passed since the last drawing. */
  curveChanged(): void {
    if (!this.panel || this.pending) return;
    const wait = this.lastDraw + REDRAW_MS - Date.now();
    if (wait <= 0) return this.render();
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.render();
    }, wait);
  }

  /** The last run's verdict in words and its figures, shown above the chart. */
  setVerdict(v: RunVerdict): void {
    this.verdict = v;
    this.render();
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.panel?.dispose();
  }

  private render(): void {
    if (!this.panel) return;
    this.lastDraw = Date.now();
    const rows = this.records
      .map(
        (r) =>
          `<tr><td>${formatDuration(r.seconds)}</td><td>${r.trainLoss.toFixed(4)}</td><td>${Number.isFinite(r.valLoss) ? r.valLoss.toFixed(4) : '-'}</td><td>${r.valAccuracy !== undefined ? `${Math.round(r.valAccuracy * 100)}%` : '-'}</td><td>${r.chars.toLocaleString('en-US')}</td></tr>`,
      )
      .join('');
    const v = this.verdict;
    const verdict = v ? `<h3>${escapeHtml(v.message.charAt(0).toUpperCase() + v.message.slice(1))}</h3><p>${escapeHtml(v.details)}</p>` : '';
    const table = this.records.length
      ? `<table><tr><th>after</th><th>loss on training text</th><th>loss on held-out files</th><th>characters right</th><th>characters learned</th></tr>${rows}</table>` +
        '<p>Loss: how surprised the model is by each next character, on average; lower is better.</p>'
      : '';
    const body =
      this.curve.empty && !this.records.length && !v
        ? '<p>No training run yet in this window. Run <b>LSTM: Train on Workspace</b>; the chart updates live.</p>'
        : `${verdict}${this.curve.svg('Training on this workspace')}${table}`;
    this.panel.webview.html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)}td,th{padding:2px 8px;text-align:right}svg{max-width:100%;height:auto}</style></head><body>${body}</body></html>`;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
