/**
 * "LSTM: Analyze Long-Range Dependencies": runs the study on the workspace's Python files with the active
 * model in a worker thread (cancellable progress notification) and shows the HTML report in a webview.
 */
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import { findWorkerScript } from '../util/worker-script';
import { AnalysisOptions } from '../analysis/run-analysis';

export async function analyzeWorkspace(
  modelDir: string,
  folders: string[],
  log: (l: string) => void,
  options: Partial<AnalysisOptions> = {},
): Promise<string | undefined> {
  const script = findWorkerScript('analysis-worker.js');
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'LSTM: analyzing long-range dependencies', cancellable: true },
    (progress, token) =>
      new Promise<string | undefined>((resolve, reject) => {
        const worker = new Worker(script, {
          workerData: {
            checkpoint: modelDir,
            options: { data: folders, split: 'all', maxChars: 300_000, ngramTrainChars: 1_000_000, samples: 30, ...options },
          },
        });
        token.onCancellationRequested(() => {
          void worker.terminate();
          resolve(undefined);
        });
        worker.on('message', (m: { type: string; line?: string; html?: string; message?: string }) => {
          if (m.type === 'log') {
            log(m.line!);
            progress.report({ message: m.line!.replace(/^analysis: /, '') });
          } else if (m.type === 'done') {
            resolve(m.html);
            void worker.terminate();
          } else if (m.type === 'error') {
            reject(new Error(m.message));
            void worker.terminate();
          }
        });
        worker.on('error', (e) => reject(e));
      }),
  );
}

export function showReport(html: string): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel('lstmComplete.analysis', 'LSTM Long-Range Report', vscode.ViewColumn.Active, { enableScripts: true });
  // The page is self-contained: inline Chart.js and data, no network.
  panel.webview.html = html.replace(
    '<head>',
    `<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';">`,
  );
  return panel;
}
