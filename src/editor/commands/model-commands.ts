/** Which model completes: Choose Checkpoint (with its Keras import), Use Bundled Model, and the scripted useCheckpoint. */
import * as vscode from 'vscode';
import * as path from 'path';
import { BUNDLED_MODEL_NAME } from '../../model/model-store';
import { readCheckpointMeta, RunOutcome } from '../../model/checkpoint';
import { useModel } from '../model-choice';
import { historyLabel, outcomeWords } from '../checkpoint-labels';
import { importedCheckpoints, importKerasFile, isKerasFile, VocabularyNeeded } from '../keras-file-import';
import type { ActiveModel, ModelManager } from '../model-manager';
import type { WorkspaceStorage } from '../storage';
import { afterLoad } from './register';

export interface ModelCommandDeps {
  /** The workspace's state, where the choice is kept (model-choice.ts). */
  context: vscode.ExtensionContext;
  models: ModelManager;
  storage: WorkspaceStorage;
  log: vscode.LogOutputChannel;
}

/** Choose Checkpoint: the bundled model, the workspace model, earlier ones, or a folder. */
async function chooseCheckpoint(d: ModelCommandDeps) {
  const active = d.models.active;
  const inUse = (dir: string | undefined) =>
    active !== undefined && (dir === undefined ? active.source === 'bundled' : active.source !== 'bundled' && path.resolve(active.dir) === path.resolve(dir));
  const mark = (dir: string | undefined) => (inUse(dir) ? ' · in use' : '');
  const items: (vscode.QuickPickItem & { dir?: string })[] = [
    { label: '$(package) Bundled model', description: `"${BUNDLED_MODEL_NAME}", trained on public Python${mark(undefined)}`, dir: undefined },
    ...(d.storage.hasCurrent()
      ? [
          {
            label: '$(folder) Workspace model',
            description: `${outcomeWords(outcomeAt(d.storage.current)) ?? 'trained on this workspace'}${mark(d.storage.current)}`,
            detail: d.storage.current,
            dir: d.storage.current,
          },
        ]
      : []),
    ...d.storage.history().map((dir) => {
      const h = historyLabel(path.basename(dir));
      return { label: `$(history) ${h.when}`, description: `${outcomeWords(outcomeAt(dir)) ?? h.what}${mark(dir)}`, dir };
    }),
    ...importedCheckpoints(d.storage.importedRoot).map((dir) => ({
      label: `$(file-binary) ${importedLabel(dir)}`,
      description: `imported from Keras${mark(dir)}`,
      dir,
    })),
    { label: '$(folder-opened) Browse…', description: 'a checkpoint folder (model.json, weights.bin, meta.json)', dir: '<browse>' },
    { label: '$(file-binary) Import a Keras model…', description: "a .keras or .h5 file saved by the seed's train.py", dir: '<keras>' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'LSTM: Choose Checkpoint', matchOnDescription: true });
  if (!pick) return;
  let dir = pick.dir;
  if (dir === '<keras>') {
    const file = await vscode.window.showOpenDialog({ canSelectFiles: true, filters: { 'Keras models': ['keras', 'h5'] }, openLabel: 'Import' });
    if (!file?.length) return;
    dir = await importKeras(d, file[0].fsPath);
    if (!dir) return;
    return switchTo(d, dir, importedLabel(dir));
  }
  if (dir === '<browse>') {
    const uri = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use checkpoint' });
    if (!uri?.length) return;
    dir = uri[0].fsPath;
  }
  await switchTo(d, dir, pick.label.replace(/^\$\([\w-]+\) /, ''));
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
async function importKeras(d: ModelCommandDeps, file: string): Promise<string | undefined> {
  const root = d.storage.importedRoot;
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
    d.log.info(`imported ${file} into ${r.dir}${r.summary ? `: ${JSON.stringify(r.summary)}` : ' (already imported)'}`);
    if (lacks) void vscode.window.showInformationMessage(`LSTM: the imported model never had ${lacks} of the characters ours knows; it will not suggest them.`);
    return r.dir;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    d.log.error(`Keras import of ${file} failed: ${msg}`);
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
async function switchTo(d: ModelCommandDeps, dir: string | undefined, label: string): Promise<ActiveModel | undefined> {
  const m = await useModel(d, dir);
  if (m)
    void vscode.window.showInformationMessage(
      `LSTM: completions now use ${dir === undefined ? `the bundled model ("${BUNDLED_MODEL_NAME}")` : `${label} (${m.name})`}.`,
    );
  return m;
}

export function registerModelCommands(d: ModelCommandDeps): vscode.Disposable[] {
  const reg = afterLoad(d.models);
  return [
    reg('lstmComplete.useBundledModel', () => switchTo(d, undefined, 'the bundled model')),
    reg('lstmComplete.chooseCheckpoint', () => chooseCheckpoint(d)),
    // A .keras or .h5 file is imported into the extension's storage first (as Choose Checkpoint's import does).
    reg('lstmComplete.useCheckpoint', async (dir: string) => {
      if (!isKerasFile(dir)) return useModel(d, dir);
      const imported = await importKeras(d, dir);
      return imported ? useModel(d, imported) : undefined;
    }),
  ];
}
