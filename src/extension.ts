/** Extension entry point: wires the model manager, provider, commands, status bar and training together. */
import * as vscode from 'vscode';
import { ModelManager } from './editor/model-manager';
import { LstmInlineCompletionProvider } from './editor/inline-provider';
import { ModelWordSuggestions } from './editor/suggest-provider';
import { DocumentReporter } from './editor/document-reports';
import { readSettings, SECTION } from './editor/settings';
import { StatusBar } from './editor/status-bar';
import { WorkspaceStorage } from './editor/storage';
import { TrainingController } from './editor/training-controller';
import { ReportPanel } from './editor/report-panel';
import type { ExtensionState } from './editor/extension-state';
import { registerTrainingCommands } from './editor/commands/training-commands';
import { registerModelCommands } from './editor/commands/model-commands';
import { registerSampleCommands } from './editor/commands/sample-commands';
import { registerAnalysisCommands } from './editor/commands/analysis-commands';
import { registerNativeCommands } from './editor/commands/native-commands';
import { registerMenuCommands } from './editor/commands/menu-commands';
import { loadPreferredModel, useTrainedModel } from './editor/model-choice';
import { registerLensCommands } from './editor/lens-commands';
import { WorkspaceIndexer } from './workspace-index/workspace-indexer';
import { KeepLearningController } from './editor/keep-learning-controller';
import { CompletionClient } from './serving/completion-client';

let state: ExtensionState | undefined;

/** The training controller and keep learning, which starts its runs and is offered after a run that helped. */
function createTraining(
  context: vscode.ExtensionContext,
  parts: Pick<ExtensionState, 'log' | 'status' | 'report' | 'models' | 'storage' | 'folders'>,
): { training: TrainingController; keepLearning: KeepLearningController } {
  const { log, status, report, models, storage, folders } = parts;
  const training = new TrainingController(
    {
      log: (l) => log.info(l),
      status: (t) => status.setTraining(t),
      backend: (name) => (status.backend = name),
      switchTo: (dir) => useTrainedModel({ context, models }, dir),
      history: (h) => report.update(h),
      curvePoint: (p) => {
        const added = p.train !== undefined ? report.curve.addBatch(p.ms, p.train) : true;
        if (p.validation !== undefined) report.curve.addValidation(p.ms, p.validation);
        if (added) report.curveChanged();
      },
      verdict: (v, background) => {
        report.setVerdict(v);
        if (background) return; // keep learning: the log and the status bar say it
        void vscode.window.showInformationMessage(`LSTM: ${v.message}`, 'Show Report').then((pick) => {
          if (pick) report.show();
        });
        if (v.switched) keepLearning.offerOnce();
      },
    },
    { folders, storage, modulePaths: () => storage.nativeModulePaths() },
  );
  const keepLearning = new KeepLearningController(
    {
      log: (l) => log.info(l),
      trainingRunning: () => training.running,
      run: (minutes, files) => training.run({ fromDir: models.active?.dir, settings: readSettings(), minutes, background: true, focusFiles: files }),
    },
    context.globalState,
  );
  return { training, keepLearning };
}

/** What the workspace index covers, or undefined when the workspace cache is off. */
function indexRequest(folders: string[]) {
  const s = readSettings();
  return s.completion.cache === 'workspace' && s.enable ? { folders, exclude: s.training.exclude, maxChars: Math.round(s.cacheMaxMB * 1e6) } : undefined;
}

/** The editor events the extension follows: what is on screen (reported for priming), saves (the index), settings changes. */
function editorEvents(
  s: Pick<ExtensionState, 'serving' | 'reports' | 'indexer' | 'folders' | 'status' | 'log' | 'context' | 'models' | 'storage'> & { warn: (w: string) => void },
): vscode.Disposable[] {
  return [
    vscode.workspace.onDidCloseTextDocument((d) => s.serving.close(d.uri.toString())),
    // What the completion worker primes: it is told what the editor shows and where the cursor rests.
    ...s.reports.follow(),
    // The index follows the workspace: a burst of saves rebuilds it once, in a worker.
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'python') s.indexer.schedule(() => indexRequest(s.folders), 10_000);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        s.status.setEnabled(readSettings().enable);
        if (e.affectsConfiguration(`${SECTION}.modelPath`)) void loadPreferredModel(s);
        s.serving.setStateMemory(readSettings().primedStatesMB);
        if (['cache', 'cacheMaxMB', 'enable', 'training.exclude'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`)))
          s.indexer.schedule(() => indexRequest(s.folders), 500);
        s.log.info('settings changed; applied');
      }
    }),
  ];
}

/** What lstmComplete.diagnostics returns: the state tests and developers read. */
function diagnostics(s: ExtensionState) {
  return {
    model: s.models.active,
    statusBar: s.status.text,
    trainingBackend: s.status.backend,
    training: s.training.running,
    trainingCheckpoints: s.training.checkpointsThisRun,
    lastTrainingRun: s.training.lastRun,
    completionMs: [...s.provider.recentMs],
    completionStepped: [...s.provider.recentStepped],
    completionWorkerStarts: s.serving.starts,
    documentPrimes: s.reports.documentPrimes.slice(-10),
    storage: s.storage.root,
    nativeBackends: s.storage.nativeModulePaths(),
    workspaceIndex: s.indexer.index ? { files: s.indexer.index.files, chars: s.indexer.index.chars } : undefined,
  };
}

export function activate(context: vscode.ExtensionContext): { state: () => ExtensionState | undefined } {
  const log = vscode.window.createOutputChannel('LSTM Complete', { log: true });
  // A line per keystroke (completions, primings) once made 1,222 of a session's 1,391 lines: trace level unless the
  // user asks for them (lstmComplete.logCompletions, or the channel's level set to Trace).
  const perKeystroke = (l: string) => (readSettings().logCompletions ? log.info(l) : log.trace(l));
  const status = new StatusBar();
  // Completions run in a worker thread that holds the model and each document's states: never on this thread.
  const serving = new CompletionClient({
    log: (l) => log.info(l),
    documentPrimed: (p) => reports.primed(p),
  });
  serving.setStateMemory(readSettings().primedStatesMB);
  const report = new ReportPanel();
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const storage = new WorkspaceStorage(context.globalStorageUri.fsPath, folders);
  // A problem with a model the user named: in the log and in front of them.
  const warn = (w: string) => {
    log.warn(w);
    void vscode.window.showWarningMessage(w);
  };
  const models = new ModelManager({
    log: (l) => log.info(l),
    warn,
    changed: (m) => status.setModel(m),
    serve: (weights, threshold) => serving.setModel(weights, threshold),
  });
  const { training, keepLearning } = createTraining(context, { log, status, report, models, storage, folders });
  const indexer = new WorkspaceIndexer({
    log: (l) => log.info(l),
    changed: (c) => {
      status.setCache(c);
      serving.setIndex(indexer.index?.toParts());
    },
  });
  const provider = new LstmInlineCompletionProvider(serving, {
    settings: readSettings,
    busy: (b) => status.setBusy(b),
    log: perKeystroke,
  });
  const reports = new DocumentReporter(serving, { settings: readSettings, log: perKeystroke });
  void loadPreferredModel({ context, models, storage, warn });
  const active = vscode.window.activeTextEditor;
  if (active?.document.languageId === 'python') reports.document(active.document, active.selection.active);
  status.setEnabled(readSettings().enable);

  state = { context, log, status, report, storage, models, training, provider, reports, serving, folders, indexer };
  context.subscriptions.push(
    log,
    status,
    vscode.languages.registerInlineCompletionItemProvider({ language: 'python' }, provider),
    vscode.languages.registerCompletionItemProvider({ language: 'python' }, new ModelWordSuggestions(provider, readSettings)),
    ...editorEvents({ ...state, warn }),
    { dispose: () => indexer.dispose() },
    { dispose: () => serving.dispose() },
    ...registerTrainingCommands({ training, report, models, folders }),
    ...registerModelCommands({ context, models, storage, log }),
    ...registerSampleCommands({ models, serving }),
    ...registerAnalysisCommands({ models, folders, log }),
    ...registerNativeCommands({ models, storage, log }),
    ...registerMenuCommands({ status, models, training, log, diagnostics: () => diagnostics(state!) }),
    ...registerLensCommands({ models, log }),
    { dispose: () => void training.dispose() },
    keepLearning,
  );
  indexer.schedule(() => indexRequest(folders), 1_000);
  log.info(`activated; ${folders.length} workspace folder(s); storage ${storage.root}`);
  return { state: () => state };
}

export function deactivate(): Promise<void> | undefined {
  return state?.training.dispose();
}
