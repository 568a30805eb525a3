/** The palette commands (category "LSTM") and the status bar menu. */
import * as vscode from 'vscode';
import { BUDGET_CHOICES, GAIN_FLOOR_BYTES, smallWorkspaceWarning } from '../training/loop/budget-plan';
import { corpusSize } from '../data/corpus-size';
import { GENERATION_LIMITS } from '../inference/generation-limits';
import * as path from 'path';
import { readSettings, SECTION, Settings } from './settings';
import { BUNDLED_MODEL_NAME } from '../model/model-store';
import { randomSeed } from '../util/rng';
import { analyzeWorkspace, showReport } from './analysis-panel';
import { installNativeBackend, NativeBackend } from '../backends/native-install';
import * as fs from 'fs';
import type { ExtensionState } from './extension-state';
import { useModel } from './model-choice';
import { historyLabel, outcomeWords } from './checkpoint-labels';
import { readCheckpointMeta, RunOutcome } from '../model/checkpoint';
import type { ActiveModel } from './model-manager';
import { importedCheckpoints, importKerasFile, VocabularyNeeded } from './keras-file-import';

/** The analysis command's options (tests pass smaller ones). */
type AnalyzeOptions = { maxChars?: number; samples?: number; ngramTrainChars?: number };

interface TrainArgs {
  /** Skips the question (tests and keybindings): 'fine-tune' or 'scratch'. */
  mode?: 'fine-tune' | 'scratch';
  /** Skips the time question: minutes (0: until stopped). */
  minutes?: number;
}

/** "How long?": the setting's budget first, then the usual ones. */
async function askBudget(preferred: number): Promise<number | undefined | 'dismissed'> {
  const label = (m: number | undefined) => (m === undefined ? 'Until I stop it' : `${m} minutes`);
  const first = preferred > 0 ? preferred : undefined;
  const choices = [first, ...BUDGET_CHOICES.filter((m) => m !== first)];
  // Labels only: a long description on each row once showed a hover over the row below that swallowed the click;
  // what the choice means is said once, in the placeholder.
  const pick = await vscode.window.showQuickPick(
    choices.map((m) => ({ label: label(m), minutes: m })),
    {
      title: 'LSTM: Train on Workspace — how long?',
      placeHolder: 'The run is planned to fit the time; the model is checked as it learns and kept only if it types better',
    },
  );
  return pick ? pick.minutes : 'dismissed';
}

const nativeRoot = (s: ExtensionState) => path.join(s.context.globalStorageUri.fsPath, 'native-backends');

/** Folders with an installed native backend, for the backend ladder. */
export function nativeModulePaths(s: ExtensionState): string[] {
  const root = nativeRoot(s);
  return ['tensorflow-gpu', 'tensorflow', 'webgpu'].map((b) => path.join(root, b)).filter((d) => fs.existsSync(path.join(d, 'node_modules')));
}

/**
 * Commands that run programs (training may start a Node process the settings name; installs run npm) wait
 * for the user to trust the workspace; completions from the bundled or the user's own model work without.
 */
function trusted<A extends unknown[]>(what: string, f: (...args: A) => unknown): (...args: A) => unknown {
  return (...args: A) => {
    if (vscode.workspace.isTrusted) return f(...args);
    void vscode.window
      .showWarningMessage(`LSTM: ${what} needs a trusted workspace (Restricted Mode is on). Completions keep working.`, 'Manage Workspace Trust')
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return undefined;
  };
}

/** True when the workspace has enough Python for a fine-tune to gain, or the user chose to go on anyway. */
async function bigEnoughToGain(folders: string[], settings: Settings): Promise<boolean> {
  const t = settings.training;
  const size = await corpusSize(folders, { exclude: t.exclude, maxFileBytes: Math.round(t.maxFileMB * 1e6), enough: GAIN_FLOOR_BYTES });
  if (size.atLeast) return true;
  const go = await vscode.window.showWarningMessage(smallWorkspaceWarning(size.bytes, size.files), { modal: true }, 'Train Anyway');
  return go === 'Train Anyway';
}

/** Train on Workspace: asks fine-tune or scratch and how long (unless given), then runs the planned training. */
async function train(s: ExtensionState, args?: TrainArgs) {
  if (s.training.running) {
    void vscode.window.showInformationMessage('LSTM: a training run is already in progress.');
    return undefined;
  }
  if (!s.folders.length) {
    void vscode.window.showWarningMessage('LSTM: open a folder with Python files to train on.');
    return undefined;
  }
  let mode = args?.mode;
  if (!mode) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Fine-tune the current model', description: s.models.active?.name, mode: 'fine-tune' as const },
        { label: 'Train from scratch', description: 'a new model from random weights', mode: 'scratch' as const },
      ],
      { title: 'LSTM: Train on Workspace' },
    );
    if (!pick) return undefined;
    mode = pick.mode;
  }
  const settings = readSettings();
  // A small workspace is said to be small before a fine-tune (the scripted command, with its mode given, asks nothing).
  if (mode === 'fine-tune' && !args?.mode && !(await bigEnoughToGain(s.folders, settings))) return undefined;
  let minutes: number | undefined;
  if (args?.minutes !== undefined) minutes = args.minutes > 0 ? args.minutes : undefined;
  else {
    const asked = await askBudget(settings.training.minutes);
    if (asked === 'dismissed') return undefined;
    minutes = asked;
  }
  const fromDir = mode === 'fine-tune' ? s.models.active?.dir : undefined;
  return s.training.run({ folders: s.folders, storage: s.storage, fromDir, settings, modulePaths: nativeModulePaths(s), minutes });
}

/** Generate Sample: asks length, temperature and start string, opens the sample in a new editor. */
async function generate(s: ExtensionState) {
  const active = s.models.active;
  if (!active) {
    void vscode.window.showWarningMessage('LSTM: no model is loaded.');
    return;
  }
  const len = await vscode.window.showInputBox({
    title: 'LSTM: Generate Sample',
    prompt: 'How many characters?',
    value: '500',
    validateInput: (v) =>
      /^\d+$/.test(v) && +v >= GENERATION_LIMITS.minChars && +v <= GENERATION_LIMITS.maxChars
        ? undefined
        : `a whole number from ${GENERATION_LIMITS.minChars} to ${GENERATION_LIMITS.maxChars}`,
  });
  if (len === undefined) return;
  const temp = await vscode.window.showInputBox({
    title: 'LSTM: Generate Sample',
    prompt: 'Temperature (0 = greedy, 1 = the model)',
    value: '0.5',
    validateInput: (v) =>
      v.trim() !== '' && Number.isFinite(+v) && +v >= GENERATION_LIMITS.minTemperature && +v <= GENERATION_LIMITS.maxTemperature
        ? undefined
        : `a number from ${GENERATION_LIMITS.minTemperature} to ${GENERATION_LIMITS.maxTemperature}`,
  });
  if (temp === undefined) return;
  const start = await vscode.window.showInputBox({ title: 'LSTM: Generate Sample', prompt: 'Start string', value: 'def ' });
  if (start === undefined) return;
  // In the completion worker, in chunks: a long sample takes seconds and never holds this thread.
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `LSTM: generating ${len} characters`, cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return s.serving.generate(start, +len, +temp, randomSeed(), abort.signal);
    },
  );
  if (!r) {
    void vscode.window.showWarningMessage('LSTM: the sample could not be made (see the log).');
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: start + r.text });
  await vscode.window.showTextDocument(doc);
}

/** Choose Checkpoint: the bundled model, the workspace model, earlier ones, or a folder. */
async function chooseCheckpoint(s: ExtensionState) {
  const active = s.models.active;
  const inUse = (dir: string | undefined) =>
    active !== undefined && (dir === undefined ? active.source === 'bundled' : active.source !== 'bundled' && path.resolve(active.dir) === path.resolve(dir));
  const mark = (dir: string | undefined) => (inUse(dir) ? ' · in use' : '');
  const items: (vscode.QuickPickItem & { dir?: string })[] = [
    { label: '$(package) Bundled model', description: `"${BUNDLED_MODEL_NAME}", trained on public Python${mark(undefined)}`, dir: undefined },
    ...(s.storage.hasCurrent()
      ? [
          {
            label: '$(folder) Workspace model',
            description: `${outcomeWords(outcomeAt(s.storage.current)) ?? 'trained on this workspace'}${mark(s.storage.current)}`,
            detail: s.storage.current,
            dir: s.storage.current,
          },
        ]
      : []),
    ...s.storage.history().map((d) => {
      const h = historyLabel(path.basename(d));
      return { label: `$(history) ${h.when}`, description: `${outcomeWords(outcomeAt(d)) ?? h.what}${mark(d)}`, dir: d };
    }),
    ...importedCheckpoints(importedRoot(s)).map((d) => ({ label: `$(file-binary) ${importedLabel(d)}`, description: `imported from Keras${mark(d)}`, dir: d })),
    { label: '$(folder-opened) Browse…', description: 'a checkpoint folder (model.json, weights.bin, meta.json)', dir: '<browse>' },
    { label: '$(file-binary) Import a Keras model…', description: "a .keras or .h5 file saved by the seed's train.py", dir: '<keras>' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'LSTM: Choose Checkpoint', matchOnDescription: true });
  if (!pick) return;
  let dir = pick.dir;
  if (dir === '<keras>') {
    const file = await vscode.window.showOpenDialog({ canSelectFiles: true, filters: { 'Keras models': ['keras', 'h5'] }, openLabel: 'Import' });
    if (!file?.length) return;
    dir = await importKeras(s, file[0].fsPath);
    if (!dir) return;
    return switchTo(s, dir, importedLabel(dir));
  }
  if (dir === '<browse>') {
    const uri = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use checkpoint' });
    if (!uri?.length) return;
    dir = uri[0].fsPath;
  }
  await switchTo(s, dir, pick.label.replace(/^\$\([\w-]+\) /, ''));
}

/** Where imported Keras models are kept: beside the workspaces' folders, so every workspace can choose them. */
function importedRoot(s: ExtensionState): string {
  return path.join(s.context.globalStorageUri.fsPath, 'imported');
}

/** An imported checkpoint's name in the list (its meta.json's name: the file it came from). */
function importedLabel(dir: string): string {
  try {
    return readCheckpointMeta(dir).name;
  } catch {
    return path.basename(dir);
  }
}

/**
 * Imports a Keras file into the extension's storage (in a process of its own, with a progress notification). A model
 * that knows fewer than the seed's 97 characters needs the text it trained on: the user is asked for it once.
 */
async function importKeras(s: ExtensionState, file: string): Promise<string | undefined> {
  const root = importedRoot(s);
  const run = (vocabFrom?: string) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LSTM: importing ${path.basename(file)}` }, () =>
      importKerasFile(file, { root, vocabFrom }),
    );
  try {
    let r;
    try {
      r = await run();
    } catch (e) {
      if (!(e instanceof VocabularyNeeded)) throw e;
      const choice = await vscode.window.showWarningMessage(
        `LSTM: ${path.basename(file)} knows fewer characters than the seed can, so which ones is not in the file. Choose the text it was trained on (the seed's data.txt).`,
        'Choose Training Text…',
      );
      if (!choice) return undefined;
      const text = await vscode.window.showOpenDialog({ canSelectFiles: true, openLabel: 'Use this text' });
      if (!text?.length) return undefined;
      r = await run(text[0].fsPath);
    }
    const lacks = Number(r.summary?.unreachable ?? 0);
    s.log.info(`imported ${file} into ${r.dir}${r.summary ? `: ${JSON.stringify(r.summary)}` : ' (already imported)'}`);
    if (lacks) void vscode.window.showInformationMessage(`LSTM: the imported model never had ${lacks} of the characters ours knows; it will not suggest them.`);
    return r.dir;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    s.log.error(`Keras import of ${file} failed: ${msg}`);
    void vscode.window.showErrorMessage(`LSTM: ${path.basename(file)} could not be imported: ${msg}`);
    return undefined;
  }
}

/** The outcome a workspace run recorded in a checkpoint's meta.json (none for a folder that does not read). */
function outcomeAt(dir: string): RunOutcome | undefined {
  try {
    return readCheckpointMeta(dir).outcome;
  } catch {
    return undefined;
  }
}

/** Completions switch to `dir` (undefined: the bundled model), and the user is told which model now serves. */
async function switchTo(s: ExtensionState, dir: string | undefined, label: string): Promise<ActiveModel | undefined> {
  const m = await useModel(s, dir);
  if (m)
    void vscode.window.showInformationMessage(
      `LSTM: completions now use ${dir === undefined ? `the bundled model ("${BUNDLED_MODEL_NAME}")` : `${label} (${m.name})`}.`,
    );
  return m;
}

/** Turns completions on or off (the enable setting). */
async function toggle(s: ExtensionState) {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const next = !cfg.get('enable', true);
  await cfg.update('enable', next, vscode.ConfigurationTarget.Global);
  s.status.setEnabled(next);
  void vscode.window.setStatusBarMessage(`LSTM completions ${next ? 'on' : 'off'}`, 2000);
  return next;
}

/** The status bar menu. */
async function menu(s: ExtensionState) {
  const enabled = readSettings().enable;
  const items = [
    { label: enabled ? '$(circle-slash) Turn completions off' : '$(check) Turn completions on', id: 'lstmComplete.toggle' },
    s.training.running
      ? { label: '$(debug-stop) Stop training', id: 'lstmComplete.stopTraining' }
      : { label: '$(play) Train on workspace…', id: 'lstmComplete.trainOnWorkspace' },
    { label: '$(graph-line) Show training report', id: 'lstmComplete.showTrainingReport' },
    { label: '$(file-code) Generate sample…', id: 'lstmComplete.generateSample' },
    { label: '$(database) Choose checkpoint…', id: 'lstmComplete.chooseCheckpoint' },
    { label: '$(gear) Settings', id: 'workbench.action.openSettings', arg: SECTION },
    { label: '$(output) Show log', id: 'lstmComplete.showLog' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `LSTM: ${s.models.active?.name ?? 'no model'}` });
  if (pick) await vscode.commands.executeCommand(pick.id, ...('arg' in pick ? [pick.arg] : []));
}

/** Analyze Long-Range Dependencies on the workspace, in a worker; opens the report. */
async function analyze(s: ExtensionState, options?: AnalyzeOptions) {
  const active = s.models.active;
  if (!active || !s.folders.length) {
    void vscode.window.showWarningMessage('LSTM: open a folder with Python files and load a model to analyze.');
    return undefined;
  }
  try {
    const html = await analyzeWorkspace(active.dir, s.folders, (l) => s.log.info(l), options);
    if (html) showReport(html);
    return html !== undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    s.log.error(`analysis failed: ${msg}`);
    void vscode.window.showErrorMessage(`LSTM: analysis failed: ${msg}`);
    return false;
  }
}

/** Install Native Backend: asks which (unless given), installs it with npm under the extension's storage. */
async function installNative(s: ExtensionState, which?: NativeBackend) {
  if (!which) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: '@tensorflow/tfjs-node-gpu', description: 'CUDA 11.2 + cuDNN 8.1 (NVIDIA GPUs)', which: 'tensorflow-gpu' as const },
        { label: '@tensorflow/tfjs-node', description: 'native TensorFlow on the CPU', which: 'tensorflow' as const },
        {
          label: 'webgpu',
          description: "Dawn's WebGPU: any GPU with Vulkan, Metal or D3D12, no CUDA (~130 MB); training runs in a separate Node process",
          which: 'webgpu' as const,
        },
      ],
      { title: 'LSTM: Install Native Backend (downloads libtensorflow or Dawn, ~100-400 MB)' },
    );
    if (!pick) return undefined;
    which = pick.which;
  }
  const dir = path.join(nativeRoot(s), which);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LSTM: installing the ${which} backend`, cancellable: true },
      (progress, token) =>
        installNativeBackend(which!, {
          dir,
          log: (l) => (s.log.info(l), progress.report({ message: l.slice(0, 80) })),
          isCancelled: () => token.isCancellationRequested,
        }),
    );
    void vscode.window.showInformationMessage(`LSTM: the ${which} backend is installed; training uses it when the backend setting is auto or ${which}.`);
    return true;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    s.log.error(msg);
    void vscode.window.showErrorMessage(`LSTM: ${msg}`);
    return false;
  }
}

export function registerCommands(s: ExtensionState): vscode.Disposable[] {
  // The model loads off this thread at activation: a command run in those first tens of ms waits for it.
  const reg = (id: string, f: (...a: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...a: never[]) => {
      await s.models.settled();
      return f(...a);
    });
  return [
    reg(
      'lstmComplete.trainOnWorkspace',
      trusted('Training', (args?: TrainArgs) => train(s, args)),
    ),
    reg(
      'lstmComplete.installNativeBackend',
      trusted('Installing a native backend', (which?: NativeBackend) => installNative(s, which)),
    ),
    reg('lstmComplete.analyzeLongRange', (options?: AnalyzeOptions) => analyze(s, options)),
    reg('lstmComplete.stopTraining', () => {
      if (!s.training.stop()) void vscode.window.showInformationMessage('LSTM: no training run is in progress.');
    }),
    reg('lstmComplete.generateSample', () => generate(s)),
    reg('lstmComplete.showTrainingReport', () => s.report.show()),
    reg('lstmComplete.useBundledModel', () => switchTo(s, undefined, 'the bundled model')),
    reg('lstmComplete.chooseCheckpoint', () => chooseCheckpoint(s)),
    // A .keras or .h5 file is imported into the extension's storage first (as Choose Checkpoint's import does).
    reg('lstmComplete.useCheckpoint', async (dir: string) => {
      if (!/\.(keras|h5)$/i.test(dir) || !fs.statSync(dir, { throwIfNoEntry: false })?.isFile()) return useModel(s, dir);
      const imported = await importKeras(s, dir);
      return imported ? useModel(s, imported) : undefined;
    }),
    reg('lstmComplete.toggle', () => toggle(s)),
    reg('lstmComplete.menu', () => menu(s)),
    reg('lstmComplete.showLog', () => s.log.show()),
    reg('lstmComplete.diagnostics', () => ({
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
      nativeBackends: nativeModulePaths(s),
      workspaceIndex: s.indexer.index ? { files: s.indexer.index.files, chars: s.indexer.index.chars } : undefined,
    })),
  ];
}
