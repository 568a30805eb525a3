/** Generate Sample: a piece of Python from the model, made in the completion worker. */
import * as vscode from 'vscode';
import { GENERATION_LIMITS } from '../../inference/generation-limits';
import { randomSeed } from '../../util/rng';
import type { ModelManager } from '../model-manager';
import type { CompletionClient } from '../../serving/completion-client';
import { afterLoad } from './register';

export interface SampleCommandDeps {
  models: ModelManager;
  serving: CompletionClient;
}

/** Generate Sample: asks length, temperature and start string, opens the sample in a new editor. */
async function generate(d: SampleCommandDeps) {
  const active = d.models.active;
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
      return d.serving.generate(start, +len, +temp, randomSeed(), abort.signal);
    },
  );
  if (!r) {
    void vscode.window.showWarningMessage('LSTM: the sample could not be made (see the log).');
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: start + r.text });
  await vscode.window.showTextDocument(doc);
}

export function registerSampleCommands(d: SampleCommandDeps): vscode.Disposable[] {
  return [afterLoad(d.models)('lstmComplete.generateSample', () => generate(d))];
}
