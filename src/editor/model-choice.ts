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

const MODEL_CHOICE_KEY = 'lstmComplete.modelChoice';

interface Deps {
  context: vscode.ExtensionContext;
  models: ModelManager;
  storage: WorkspaceStorage;
}

/** Loads the model the setting or the stored choice names (at activation, and when modelPath changes). */
export async function loadPreferredModel(s: Deps): Promise<void> {
  const fromSetting = readSettings().modelPath;
  const choice = s.context.workspaceState.get<string>(MODEL_CHOICE_KEY);
  if (fromSetting) await s.models.load(fromSetting, 'chosen');
  else if (choice && choice !== 'bundled' && choice !== 'workspace') await s.models.load(choice, 'chosen');
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
