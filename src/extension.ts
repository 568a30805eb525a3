/** Extension entry point: wires the model manager, provider, commands, status bar and training together. */
import * as vscode from 'vscode';
import { ModelManager } from './editor/model-manager';
import { LstmInlineCompletionProvider } from './editor/inline-provider';
import { readSettings, SECTION } from './editor/settings';
import { StatusBar } from './editor/status-bar';
import { WorkspaceStorage } from './editor/storage';
import { TrainingController } from './editor/training-controller';
import { ReportPanel } from './editor/report-panel';
import { registerCommands, ExtensionState, nativeModulePaths } from './editor/commands';
import { WorkspaceIndexer } from './adapt/workspace-indexer';
import { KeepLearningController } from './editor/keep-learning-controller';

const MODEL_CHOICE_KEY = 'lstmComplete.modelChoice';
/** Quiet time after a cursor move before the session is primed there (typing moves the cursor too: a completion request comes first). */
const PRIME_AFTER_MS = 150;

let state: ExtensionState | undefined;

export function activate(context: vscode.ExtensionContext): { state: () => ExtensionState | undefined } {
  const log = vscode.window.createOutputChannel('LSTM Complete', { log: true });
  const status = new StatusBar();
  const report = new ReportPanel();
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const storage = new WorkspaceStorage(context.globalStorageUri.fsPath, folders);
  const models = new ModelManager({
    log: (l) => log.info(l),
    warn: (w) => {
      log.warn(w);
      void vscode.window.showWarningMessage(w);
    },
    changed: (m) => status.setModel(m),
  });
  const training = new TrainingController({
    log: (l) => {
      log.info(l);
      const b = /backend: using (.+)$/.exec(l);
      if (b) status.backend = b[1];
    },
    status: (t) => status.setTraining(t),
    checkpointSaved: (dir) => {
      models.load(dir, 'workspace');
      void context.workspaceState.update(MODEL_CHOICE_KEY, 'workspace');
    },
    history: (h) => report.update(h),
    verdict: (v, background) => {
      report.setVerdict(v);
      if (background) return; // keep learning: the log and the status bar say it
      void vscode.window.showInformationMessage(`LSTM: ${v.message}`, 'Show Report').then((pick) => {
        if (pick) report.show();
      });
      if (v.switched) keepLearning.offerOnce();
    },
  });
  const keepLearning = new KeepLearningController(
    {
      log: (l) => log.info(l),
      trainingRunning: () => training.running,
      run: (minutes, files) =>
        training.run({
          folders,
          storage,
          fromDir: models.active?.dir,
          settings: readSettings(),
          minutes,
          background: true,
          focusFiles: files,
          modulePaths: state ? nativeModulePaths(state) : [],
        }),
    },
    context.globalState,
  );
  const indexer = new WorkspaceIndexer({ log: (l) => log.info(l), changed: (s) => status.setCache(s) });
  const indexRequest = () => {
    const s = readSettings();
    return s.completion.cache === 'workspace' && s.enable ? { folders, exclude: s.training.exclude, maxChars: Math.round(s.cacheMaxMB * 1e6) } : undefined;
  };
  const provider = new LstmInlineCompletionProvider(models, {
    settings: readSettings,
    workspace: () => indexer.index,
    busy: (b) => status.setBusy(b),
    // Completion timings are what a user checks first when ghost text feels slow: info, not debug.
    log: (l) => log.info(l),
  });

  // Which model: the modelPath setting, else the user's choice for this workspace, else the workspace's
  // trained model, else the bundled one.
  const loadPreferredModel = () => {
    const fromSetting = readSettings().modelPath;
    const choice = context.workspaceState.get<string>(MODEL_CHOICE_KEY);
    if (fromSetting) models.load(fromSetting, 'chosen');
    else if (choice && choice !== 'bundled' && choice !== 'workspace') models.load(choice, 'chosen');
    else if (choice !== 'bundled' && storage.hasCurrent()) models.load(storage.current, 'workspace');
    else models.load(undefined, 'bundled');
  };
  loadPreferredModel();
  status.setEnabled(readSettings().enable);

  state = { context, log, status, report, storage, models, training, provider, folders, modelChoiceKey: MODEL_CHOICE_KEY, indexer };
  let primeTimer: NodeJS.Timeout | undefined;
  context.subscriptions.push(
    log,
    status,
    vscode.languages.registerInlineCompletionItemProvider({ language: 'python' }, provider),
    vscode.workspace.onDidCloseTextDocument((d) => models.closeDocument(d.uri.toString())),
    // A cursor that comes to rest somewhere new (a click, a search, go to line) is primed in the background.
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document.languageId !== 'python') return;
      if (primeTimer) clearTimeout(primeTimer);
      primeTimer = setTimeout(() => void provider.prime(e.textEditor.document, e.selections[0].active), PRIME_AFTER_MS);
    }),
    { dispose: () => primeTimer && clearTimeout(primeTimer) },
    // The index follows the workspace: a burst of saves rebuilds it once, in a worker.
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'python') indexer.schedule(indexRequest, 10_000);
    }),
    { dispose: () => indexer.dispose() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        status.setEnabled(readSettings().enable);
        if (e.affectsConfiguration(`${SECTION}.modelPath`)) loadPreferredModel();
        if (['cache', 'cacheMaxMB', 'enable', 'training.exclude'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) indexer.schedule(indexRequest, 500);
        log.info('settings changed; applied');
      }
    }),
    ...registerCommands(state),
    { dispose: () => void training.dispose() },
    keepLearning,
  );
  indexer.schedule(indexRequest, 1_000);
  log.info(`activated; ${folders.length} workspace folder(s); storage ${storage.root}`);
  return { state: () => state };
}

export function deactivate(): Promise<void> | undefined {
  return state?.training.dispose();
}
