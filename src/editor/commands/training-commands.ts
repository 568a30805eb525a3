/** Train on Workspace and its companions: Stop Training, Show Training Report. */
import * as vscode from 'vscode';
import { BUDGET_CHOICES, GAIN_FLOOR_BYTES, smallWorkspaceWarning } from '../../training/loop/budget-plan';
import { corpusSize } from '../../data/corpus-size';
import { readSettings, Settings } from '../settings';
import type { ModelManager } from '../model-manager';
import type { TrainingController } from '../training-controller';
import type { ReportPanel } from '../report-panel';
import { afterLoad, trusted } from './register';

export interface TrainingCommandDeps {
  training: TrainingController;
  report: ReportPanel;
  models: ModelManager;
  folders: string[];
}

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

/** True when the workspace has enough Python for a fine-tune to gain, or the user chose to go on anyway. */
async function bigEnoughToGain(folders: string[], settings: Settings): Promise<boolean> {
  const t = settings.training;
  const size = await corpusSize(folders, { exclude: t.exclude, maxFileBytes: Math.round(t.maxFileMB * 1e6), enough: GAIN_FLOOR_BYTES });
  if (size.atLeast) return true;
  const go = await vscode.window.showWarningMessage(smallWorkspaceWarning(size.bytes, size.files), { modal: true }, 'Train Anyway');
  return go === 'Train Anyway';
}

/** Train on Workspace: asks fine-tune or scratch and how long (unless given), then runs the planned training. */
async function train(d: TrainingCommandDeps, args?: TrainArgs) {
  if (d.training.running) {
    void vscode.window.showInformationMessage('LSTM: a training run is already in progress.');
    return undefined;
  }
  if (!d.folders.length) {
    void vscode.window.showWarningMessage('LSTM: open a folder with Python files to train on.');
    return undefined;
  }
  let mode = args?.mode;
  if (!mode) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Fine-tune the current model', description: d.models.active?.name, mode: 'fine-tune' as const },
        { label: 'Train from scratch', description: 'a new model from random weights', mode: 'scratch' as const },
      ],
      { title: 'LSTM: Train on Workspace' },
    );
    if (!pick) return undefined;
    mode = pick.mode;
  }
  const settings = readSettings();
  // A small workspace is said to be small before a fine-tune (the scripted command, with its mode given, asks nothing).
  if (mode === 'fine-tune' && !args?.mode && !(await bigEnoughToGain(d.folders, settings))) return undefined;
  let minutes: number | undefined;
  if (args?.minutes !== undefined) minutes = args.minutes > 0 ? args.minutes : undefined;
  else {
    const asked = await askBudget(settings.training.minutes);
    if (asked === 'dismissed') return undefined;
    minutes = asked;
  }
  const fromDir = mode === 'fine-tune' ? d.models.active?.dir : undefined;
  return d.training.run({ fromDir, settings, minutes });
}

export function registerTrainingCommands(d: TrainingCommandDeps): vscode.Disposable[] {
  const reg = afterLoad(d.models);
  return [
    reg(
      'lstmComplete.trainOnWorkspace',
      trusted('Training', (args?: TrainArgs) => train(d, args)),
    ),
    reg('lstmComplete.stopTraining', () => {
      if (!d.training.stop()) void vscode.window.showInformationMessage('LSTM: no training run is in progress.');
    }),
    reg('lstmComplete.showTrainingReport', () => d.report.show()),
  ];
}
