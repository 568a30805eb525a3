/** The status bar's menu, Toggle Completions, Show Log, and the developers' diagnostics. */
import * as vscode from 'vscode';
import { readSettings, SECTION } from '../settings';
import type { ModelManager } from '../model-manager';
import type { StatusBar } from '../status-bar';
import type { TrainingController } from '../training-controller';
import { afterLoad } from './register';

export interface MenuCommandDeps {
  status: StatusBar;
  models: ModelManager;
  training: TrainingController;
  log: vscode.LogOutputChannel;
  /** What lstmComplete.diagnostics returns (tests and developers read it). */
  diagnostics: () => unknown;
}

/** Turns completions on or off (the enable setting). */
async function toggle(d: MenuCommandDeps) {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const next = !cfg.get('enable', true);
  await cfg.update('enable', next, vscode.ConfigurationTarget.Global);
  d.status.setEnabled(next);
  void vscode.window.setStatusBarMessage(`LSTM completions ${next ? 'on' : 'off'}`, 2000);
  return next;
}

/** The status bar menu. */
async function menu(d: MenuCommandDeps) {
  const enabled = readSettings().enable;
  const items = [
    { label: enabled ? '$(circle-slash) Turn completions off' : '$(check) Turn completions on', id: 'lstmComplete.toggle' },
    d.training.running
      ? { label: '$(debug-stop) Stop training', id: 'lstmComplete.stopTraining' }
      : { label: '$(play) Train on workspace…', id: 'lstmComplete.trainOnWorkspace' },
    { label: '$(graph-line) Show training report', id: 'lstmComplete.showTrainingReport' },
    { label: '$(file-code) Generate sample…', id: 'lstmComplete.generateSample' },
    { label: '$(database) Choose checkpoint…', id: 'lstmComplete.chooseCheckpoint' },
    { label: '$(gear) Settings', id: 'workbench.action.openSettings', arg: SECTION },
    { label: '$(output) Show log', id: 'lstmComplete.showLog' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `LSTM: ${d.models.active?.name ?? 'no model'}` });
  if (pick) await vscode.commands.executeCommand(pick.id, ...('arg' in pick ? [pick.arg] : []));
}

export function registerMenuCommands(d: MenuCommandDeps): vscode.Disposable[] {
  const reg = afterLoad(d.models);
  return [
    reg('lstmComplete.toggle', () => toggle(d)),
    reg('lstmComplete.menu', () => menu(d)),
    reg('lstmComplete.showLog', () => d.log.show()),
    reg('lstmComplete.diagnostics', d.diagnostics),
  ];
}
