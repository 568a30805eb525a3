/** How the palette's commands are registered: after the model's first load, and some only in a trusted workspace. */
import * as vscode from 'vscode';

/** Registers `id`; the model loads off this thread at activation, so a command run in those first tens of ms waits for it. */
export function afterLoad(models: { settled(): Promise<unknown> }) {
  return (id: string, f: (...a: never[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...a: never[]) => {
      await models.settled();
      return f(...a);
    });
}

/**
 * Commands that run programs (training may start a Node process the settings name; installs run npm) wait
 * for the user to trust the workspace; completions from the bundled or the user's own model work without.
 */
export function trusted<A extends unknown[]>(what: string, f: (...args: A) => unknown): (...args: A) => unknown {
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
