/**
 * Which model completions use, and how the choice is kept: the modelPath setting, else the user's choice for
 * this workspace (a checkpoint, the bundled model, or the workspace's trained model), else the workspace's trained
 * model, else the bundled one. The choice is stored in the workspace's state under one key.
 */
import * as path from 'path';
import type * as vscode from 'vscode';
import type { ModelManager } from './model-manager';
import type { WorkspaceStorage } from './storage';
import { readSettings } from './settings';
import { importKerasFile, isKerasFile, VocabularyNeeded } from './keras-file-import';

const MODEL_CHOICE_KEY = 'lstmComplete.modelChoice';

interface Deps {
  context: vscode.ExtensionContext;
  models: ModelManager;
  storage: WorkspaceStorage;
  /** Says why a Keras file the setting names could not be imported. */
  warn?: (message: string) => void;
}

/**
 * The checkpoint folder for what modelPath names: a Keras file (.keras, .h5) is imported into the extension's storage
 * first, once per file, as Choose Checkpoint's import does; undefined when that fails (the bundled model then serves).
 */
async function settingCheckpoint(p: string, s: Deps): Promise<string | undefined> {
  if (!isKerasFile(p)) return p;
  try {
    return (await importKerasFile(p, { root: s.storage.importedRoot })).dir;
  } catch (e) {
    const hint = e instanceof VocabularyNeeded ? ' Choose Checkpoint → Import a Keras model… asks for the text it trained on.' : '';
    s.warn?.(`LSTM: ${path.basename(p)} (lstmComplete.modelPath) could not be imported: ${(e as Error).message}.${hint} The bundled model is used.`);
    return undefined;
  }
}

/** Loads the model the setting or the stored choice names (at activation, and when modelPath changes). */
export async function loadPreferredModel(s: Deps): Promise<void> {
  const fromSetting = readSettings().modelPath;
  const choice = s.context.workspaceState.get<string>(MODEL_CHOICE_KEY);
  if (fromSetting) {
    const dir = await settingCheckpoint(fromSetting, s);
    await s.models.load(dir, dir ? 'chosen' : 'bundled');
  } else if (choice && choice !== 'bundled' && choice !== 'workspace') await s.models.load(choice, 'chosen');
  else if (choice !== 'bundled' && s.storage.hasCurrent()) await s.models.load(s.storage.current, 'workspace');
  else await s.models.load(undefined, 'bundled');
}

/** Completions use the checkpoint in `dir` (undefined: the bundled model); the choice is kept per workspace. */
export async function useModel(s: Deps, dir: string | undefined) {
  if (!dir) {
    await s.models.load(undefined, 'bundled');
    await s.context.workspaceState.update(MODEL_CHOICE_KEY, 'bundled');
  } else {
    const source = path.resolve(dir) === path.resolve(s.storage.current) ? 'workspace' : 'chosen';
    await s.models.load(dir, source);
    await s.context.workspaceState.update(MODEL_CHOICE_KEY, source === 'workspace' ? 'workspace' : dir);
  }
  return s.models.active;
}

/** A training run's model serves from now on, and is the workspace's choice. */
export async function useTrainedModel(s: Pick<Deps, 'context' | 'models'>, dir: string): Promise<void> {
  await s.models.load(dir, 'workspace');
  await s.context.workspaceState.update(MODEL_CHOICE_KEY, 'workspace');
}
