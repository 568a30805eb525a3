/**
 * "LSTM: Analyze Long-Range Dependencies": runs the study on the workspace's Python files with the active
 * model in a worker thread (cancellable progress notification) and shows the HTML report in a webview.
 */
import * as vscode from 'vscode';
import { findWorkerScript } from '../util/worker-script';
import { startWorkerJob } from '../util/worker-job';
import type { AnalysisOptions } from '../analysis/run-analysis';
import type { AnalysisJob, AnalysisMessage } from '../analysis/analysis-protocol';

export async function analyzeWorkspace(
  modelDir: string,
  folders: string[],
  log: (l: string) => void,
  options: Partial<AnalysisOptions> = {},
): Promise<string | undefined> {
  const script = findWorkerScript('analysis-worker.js');
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'LSTM: analyzing long-range dependencies', cancellable: true },
    (progress, token) => {
      const job: AnalysisJob = {
        checkpoint: modelDir,
        options: { data: folders, split: 'all', maxChars: 300_000, ngramTrainChars: 1_000_000, samples: 30, ...options },
      };
      const run = startWorkerJob<AnalysisMessage, string>({
        script,
        workerData: job,
        name: 'the analysis worker',
        onMessage: (m) => {
          if (m.type === 'done') return { result: m.html };
          if (m.type === 'error') return { error: m.message };
          log(m.line);
          progress.report({ message: m.line.replace(/^analysis: /, '') });
          return undefined;
        },
      });
      token.onCancellationRequested(run.cancel);
      return run.done;
    },
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
