/**
 * The suggest widget's list for Python: the document's words with the model's word first, so that VS Code, which
 * shows ghost text only when it extends the widget's selected item, keeps showing it while the widget is open
 * (completion/suggest-words.ts says why and what is listed). The list waits for the ghost text's answer at the same
 * place, at most ANSWER_WAIT_MS, and is marked incomplete so VS Code asks again at the next keystroke.
 */
import * as vscode from 'vscode';
import { nameBeforeCursor, widgetList, wordsStartingWith } from '../serving/completion-protocol';
import type { LstmInlineCompletionProvider } from './inline-provider';
import type { Settings } from './settings';

/** Longest wait for the ghost text's answer: the widget opens no later than this after a keystroke. */
const ANSWER_WAIT_MS = 150;
/** Text around the cursor whose words are listed (VS Code's own list reads the whole document, in a worker). */
const WORDS_AROUND_CURSOR = 50_000;

export class ModelWordSuggestions implements vscode.CompletionItemProvider {
  constructor(
    private readonly ghost: Pick<LstmInlineCompletionProvider, 'answerAt'>,
    private readonly settings: () => Settings,
  ) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionList | undefined> {
    const s = this.settings();
    if (!s.enable || !s.suggestWidget) return undefined;
    const typed = nameBeforeCursor(document.lineAt(position.line).text.slice(0, position.character));
    if (!typed) return undefined;
    const answer = this.ghost.answerAt(document, position);
    const r = answer && (await Promise.race([answer, new Promise<undefined>((done) => setTimeout(done, ANSWER_WAIT_MS))]));
    const ghost = r?.outcome === 'ok' ? r.text : undefined;
    const offset = document.offsetAt(position);
    const at = (o: number) => document.positionAt(Math.max(0, o));
    // The name being typed is left out: it is listed only if the document has it elsewhere.
    const around =
      document.getText(new vscode.Range(at(offset - WORDS_AROUND_CURSOR), at(offset - typed.length))) +
      ' ' +
      document.getText(new vscode.Range(position, at(offset + WORDS_AROUND_CURSOR)));
    const words = wordsStartingWith(around, typed);
    const list = widgetList(typed, ghost, words);
    if (!list.length) return undefined;
    const range = new vscode.Range(position.translate(0, -typed.length), position);
    const items = list.map((w, i) => {
      const item = new vscode.CompletionItem(w, vscode.CompletionItemKind.Text);
      item.range = range;
      // First in the widget whatever the other providers list; the rest after them, in VS Code's word order.
      item.sortText = i === 0 && ghost !== undefined ? '\u0000' : `\uffff${String(i).padStart(3, '0')}`;
      item.preselect = i === 0 && ghost !== undefined;
      return item;
    });
    return new vscode.CompletionList(items, true);
  }
}
