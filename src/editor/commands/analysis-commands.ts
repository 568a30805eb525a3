/** Analyze Long-Range Dependencies: the lab's study of the workspace, in a worker, shown as a report. */
import * as vscode from 'vscode';
import { analyzeWorkspace, showReport } from '../analysis-panel';
import type { ModelManager } from '../model-manager';
import { afterLoad } from './register';

export interface AnalysisCommandDeps {
  models: ModelManager;
  folders: string[];
  log: vscode.LogOutputChannel;
}

/** The analysis command's options (tests pass smaller ones). */
type AnalyzeOptions = { maxChars?: number; samples?: number; ngramTrainChars?: number };

/** Analyze Long-Range Dependencies on the workspace, in a worker; opens the report. */
async function analyze(d: AnalysisCommandDeps, options?: AnalyzeOptions) {
  const active = d.models.active;
  if (!active || !d.folders.length) {
    void vscode.window.showWarningMessage('LSTM: open a folder with Python files and load a model to analyze.');
    return undefined;
  }
  try {
    const html = await analyzeWorkspace(active.dir, d.folders, (l) => d.log.info(l), options);
    if (html) showReport(html);
    return html !== undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    d.log.error(`analysis failed: ${msg}`);
    void vscode.window.showErrorMessage(`LSTM: analysis failed: ${msg}`);
    return false;
  }
}

export function registerAnalysisCommands(d: AnalysisCommandDeps): vscode.Disposable[] {
  return [afterLoad(d.models)('lstmComplete.analyzeLongRange', (options?: AnalyzeOptions) => analyze(d, options))];
}
