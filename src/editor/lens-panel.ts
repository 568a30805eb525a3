/**
 * "LSTM: Show What the Cells Track" (a webview of the current file coloured by the cells that track Python's
 * structure) and "LSTM: Surprise Lens" (the current file's lines shaded by how surprising the model finds them,
 * the most surprising listed to jump to). Both run in a worker thread with the model in use (lens/worker-main).
 */
import * as vscode from 'vscode';
import { findWorkerScript } from '../util/worker-script';
import { startWorkerJob } from '../util/worker-job';
import type { LensJob, LensMore, LensReply } from '../lens/lens-protocol';
import type { LineSurprise } from '../lens/surprise';

/** The most the lens reads of a file (a 2,000-line file is ~70,000 characters). */
export const LENS_MAX_CHARS = { cells: 100_000, surprise: 300_000 };

export interface LensRun {
  /** Shown while the job runs (cancellable); none: quietly. */
  title?: string;
  /** The messages after the first reply (a heatmap's later chunks); the worker is kept until one says done. */
  onMore?: (m: LensMore) => void;
}

/** Runs one lens job in a worker and resolves with its first reply; undefined if cancelled. */
export function runLensJob(job: LensJob, run: LensRun = {}): Promise<LensReply | undefined> {
  let script: string;
  try {
    script = findWorkerScript('lens-worker.js');
  } catch (e) {
    return Promise.reject(e);
  }
  const start = (token?: vscode.CancellationToken) => {
    const lens = startWorkerJob<LensReply | LensMore, LensReply>({
      script,
      workerData: job,
      name: 'the lens worker',
      onMessage: (m) => {
        if (m.type === 'cells-more') {
          run.onMore?.(m);
          return m.done ? { end: true } : undefined;
        }
        if (m.type === 'error') return { error: m.message };
        // The first reply: a heatmap with more to come keeps its worker for the chunks.
        return { result: m, keep: m.type === 'cells' && m.drawn < m.chars && Boolean(run.onMore) };
      },
    });
    token?.onCancellationRequested(lens.cancel);
    return lens.done;
  };
  if (!run.title) return start();
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: run.title, cancellable: true }, (_p, token) => start(token)),
  );
}

export function showCellsPage(html: string, title: string): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel('lstmComplete.cells', title, vscode.ViewColumn.Beside, { enableScripts: true });
  // Self-contained: inline data and script, no network.
  panel.webview.html = html.replace(
    '<head>',
    `<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';">`,
  );
  return panel;
}

/** Share of a file's lines shaded at each strength: the top 1%, 5% and 10% by surprise. */
const BANDS = [
  { share: 0.01, alpha: 0.45 },
  { share: 0.05, alpha: 0.28 },
  { share: 0.1, alpha: 0.14 },
];

/**
 * The shading of the most surprising lines: three strengths of one colour, with the line's worst character
 * named in the hover, and an overview-ruler mark so they can be found in a long file.
 */
export class SurpriseShading implements vscode.Disposable {
  private readonly types = BANDS.map((b) =>
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: `rgba(255, 140, 0, ${b.alpha})`,
      overviewRulerColor: `rgba(255, 140, 0, ${Math.min(1, b.alpha * 2)})`,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    }),
  );
  /** The lines shaded per document (uri), most surprising first. */
  readonly shown = new Map<string, LineSurprise[]>();

  apply(editor: vscode.TextEditor, ranked: LineSurprise[], scoredLines: number): number {
    let from = 0;
    let count = 0;
    this.types.forEach((type, i) => {
      const to = Math.min(ranked.length, Math.max(i === 0 ? 1 : from, Math.ceil(BANDS[i].share * scoredLines)));
      const ranges = ranked.slice(from, to).map((l) => ({
        range: new vscode.Range(l.line, 0, l.line, 0),
        // In words first; the score is the surprise beyond what the model expected there (in nats), for comparing lines.
        hoverMessage: l.slip
          ? `Surprise Lens: \`${l.slip.name}\` is used only here and is spelt nearly like \`${l.slip.near}\`, which this file uses: a slip?`
          : `Surprise Lens: one of this file's most surprising lines to the model, often a typo or a slip (how surprising: ${l.score.toFixed(1)}; most at column ${l.worstColumn + 1})`,
      }));
      editor.setDecorations(type, ranges);
      count += ranges.length;
      from = Math.max(from, to);
    });
    this.shown.set(editor.document.uri.toString(), ranked.slice(0, from));
    return count;
  }

  clear(editor: vscode.TextEditor): void {
    for (const t of this.types) editor.setDecorations(t, []);
    this.shown.delete(editor.document.uri.toString());
  }

  dispose(): void {
    for (const t of this.types) t.dispose();
  }
}
