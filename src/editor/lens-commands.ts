/**
 * The lens commands: Show What the Cells Track (this file's heatmap), Surprise Lens (shade and list this file's
 * most surprising lines), Clear Surprise Lens; and the `surpriseLens` setting (off by default), which shades
 * a Python file again each time it is saved. Every job runs in the lens worker with the model in use.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import type { ModelManager } from './model-manager';
import { LENS_MAX_CHARS, SurpriseShading, runLensJob, showCellsPage } from './lens-panel';
import { SECTION } from './settings';
import { SETTINGS_DEFAULTS } from './settings-defaults';
import type { CellReport } from '../lens/cell-study';
import type { LensMore } from '../lens/lens-protocol';
import type { LineSurprise } from '../lens/surprise';

/** Lines the Surprise Lens lists (and at most shades). */
const LISTED = 30;

/** What the lens commands use: the model in use, and the log. */
export interface LensCommandDeps {
  models: ModelManager;
  log: vscode.LogOutputChannel;
}

function pythonEditor(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  if (e?.document.languageId === 'python') return e;
  void vscode.window.showInformationMessage('LSTM: open a Python file first: the lens reads the file in the active editor.');
  return undefined;
}

async function modelDir(s: LensCommandDeps): Promise<string | undefined> {
  await s.models.settled(); // at activation the model is still loading (off the host's thread)
  const dir = s.models.active?.dir;
  if (!dir) void vscode.window.showWarningMessage('LSTM: no model is loaded (see the LSTM log).');
  return dir;
}

function failed(s: LensCommandDeps, what: string, e: unknown): false {
  const msg = e instanceof Error ? e.message : String(e);
  s.log.error(`${what} failed: ${msg}`);
  void vscode.window.showErrorMessage(`LSTM: ${what} failed: ${msg}`);
  return false;
}

/** The heatmap of the active file; returns what it found (tests read it), undefined when cancelled. */
async function showCells(s: LensCommandDeps): Promise<{ report: CellReport; chars: number; drawn: number; seconds: number } | false | undefined> {
  const editor = pythonEditor();
  const dir = editor && (await modelDir(s));
  if (!editor || !dir) return false;
  const name = path.basename(editor.document.fileName);
  const text = editor.document.getText();
  if (text.length > LENS_MAX_CHARS.cells) s.log.info(`cells: ${name} has ${text.length} characters; the heatmap shows the first ${LENS_MAX_CHARS.cells}`);
  try {
    // The page opens with the first part of the file; the rest is appended as the worker reads it.
    // Chunks wait until the page says its script is ready (a message posted before that would be lost).
    const page: { panel?: vscode.WebviewPanel } = {};
    let ready = false;
    const pending: LensMore[] = [];
    const t0 = Date.now();
    const send = (m: LensMore) => {
      void page.panel!.webview.postMessage(m.chunk);
      if (m.done) s.log.info(`cells: the whole of ${name} drawn in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    };
    const reply = await runLensJob(
      { kind: 'cells', checkpoint: dir, text, title: name, maxChars: LENS_MAX_CHARS.cells },
      { title: `LSTM: reading ${name} with the model`, onMore: (m) => (ready ? send(m) : pending.push(m)) },
    );
    if (reply?.type !== 'cells') return undefined;
    s.log.info(`cells: ${reply.drawn} of ${reply.chars} characters of ${name} drawn in ${reply.seconds.toFixed(1)} s`);
    page.panel = showCellsPage(reply.html, `LSTM cells: ${name}`);
    page.panel.webview.onDidReceiveMessage((m: { type?: string }) => {
      if (m?.type !== 'ready') return;
      ready = true;
      pending.splice(0).forEach(send);
    });
    return { report: reply.report, chars: reply.chars, drawn: reply.drawn, seconds: reply.seconds };
  } catch (e) {
    return failed(s, 'the cell heatmap', e);
  }
}

interface LensArgs {
  /** Shade without asking which line to go to (the on-save lens and tests). */
  quiet?: boolean;
}

/** Shades the active file's most surprising lines and offers them in a list; returns them (tests read them). */
async function surpriseLens(s: LensCommandDeps, shading: SurpriseShading, args: LensArgs = {}): Promise<LineSurprise[] | false | undefined> {
  const editor = pythonEditor();
  const dir = editor && (await modelDir(s));
  if (!editor || !dir) return false;
  const doc = editor.document;
  const name = path.basename(doc.fileName);
  const text = doc.getText().slice(0, LENS_MAX_CHARS.surprise);
  try {
    const reply = await runLensJob(
      { kind: 'surprise', checkpoint: dir, text, top: LISTED },
      { title: args.quiet ? undefined : `LSTM: surprise lens on ${name}` },
    );
    if (reply?.type !== 'surprise') return undefined;
    // The file may have changed while the worker read it: shade only if it is still the text that was read.
    const current = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    if (!current || doc.getText().slice(0, LENS_MAX_CHARS.surprise) !== text) return undefined;
    const shaded = shading.apply(current, reply.ranked, reply.scoredLines);
    void setLensShown(shading);
    s.log.info(`surprise lens: ${name}, ${reply.scoredLines} lines in ${reply.seconds.toFixed(1)} s; ${shaded} shaded`);
    if (!args.quiet) void offerLines(current, reply.ranked);
    return reply.ranked;
  } catch (e) {
    return failed(s, 'the surprise lens', e);
  }
}

async function offerLines(editor: vscode.TextEditor, ranked: LineSurprise[]): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    ranked.map((l) => ({
      label: `${l.line + 1}: ${l.text.trim().slice(0, 80)}`,
      description: l.slip ? `${l.slip.name}: did you mean ${l.slip.near}?` : `how surprising: ${l.score.toFixed(1)}`,
      line: l,
    })),
    { title: 'LSTM: the most surprising lines of this file (go to one)', matchOnDescription: false },
  );
  if (!pick) return;
  const pos = new vscode.Position(pick.line.line, pick.line.slip?.column ?? pick.line.worstColumn);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/**
 * "Clear Surprise Lens" is offered in the palette only while some file is shaded (package.json's `when`), so typing
 * "Surprise Lens" finds the command that shades first.
 */
export const LENS_SHOWN_CONTEXT = 'lstmComplete.surpriseLensShown';
const setLensShown = (shading: SurpriseShading) => vscode.commands.executeCommand('setContext', LENS_SHOWN_CONTEXT, shading.shown.size > 0);

export function registerLensCommands(s: LensCommandDeps): vscode.Disposable[] {
  const shading = new SurpriseShading();
  const onSave = vscode.workspace.onDidSaveTextDocument((doc) => {
    if (doc.languageId !== 'python' || !vscode.workspace.getConfiguration(SECTION).get('surpriseLens', SETTINGS_DEFAULTS.surpriseLens)) return;
    if (vscode.window.activeTextEditor?.document === doc) void surpriseLens(s, shading, { quiet: true });
  });
  return [
    shading,
    onSave,
    vscode.commands.registerCommand('lstmComplete.showCells', () => showCells(s)),
    vscode.commands.registerCommand('lstmComplete.surpriseLens', (args?: LensArgs) => surpriseLens(s, shading, args)),
    vscode.commands.registerCommand('lstmComplete.clearSurpriseLens', () => {
      const e = vscode.window.activeTextEditor;
      if (e) shading.clear(e);
      void setLensShown(shading);
    }),
  ];
}
