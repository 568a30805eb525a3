/** What the extension holds while it is active: made once by extension.ts, read by the commands and the events. */
import type * as vscode from 'vscode';
import type { WorkspaceIndexer } from '../workspace-index/workspace-indexer';
import type { CompletionClient } from '../serving/completion-client';
import type { ModelManager } from './model-manager';
import type { StatusBar } from './status-bar';
import type { WorkspaceStorage } from './storage';
import type { TrainingController } from './training-controller';
import type { ReportPanel } from './report-panel';
import type { LstmInlineCompletionProvider } from './inline-provider';
import type { DocumentReporter } from './document-reports';

export interface ExtensionState {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  status: StatusBar;
  report: ReportPanel;
  storage: WorkspaceStorage;
  models: ModelManager;
  training: TrainingController;
  provider: LstmInlineCompletionProvider;
  reports: DocumentReporter;
  serving: CompletionClient;
  folders: string[];
  indexer: WorkspaceIndexer;
}
