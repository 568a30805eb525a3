/**
 * VS Code's side of one replay task (the rules are vscode-editor.ts): the closers it auto-inserted on the cursor's
 * line, the keys a line break costs, the suggest widget's item, and what of a suggestion it shows beside the widget.
 */
import { scanPython } from '../python/python-scanner';
import { ReplayTask } from './tasks';
import { Suggestion } from './users';
import { AutoClosedLine, autoIndentAfter, DocumentWords, indentKeys, indentUnit, LexState, suggestWidgetItem } from './vscode-editor';

/** Whether the text before the cursor ends in a string or comment (the last few thousand characters decide). */
function lexAt(text: string): LexState {
  const from = Math.max(0, text.lastIndexOf('\n', text.length - 3000) + 1);
  const scan = scanPython(text.slice(from));
  return { inString: scan.inString?.quote ?? null, inComment: scan.inComment };
}

/**
 * VS Code's side of one task (vscode-editor.ts): the closers it auto-inserted on the cursor's line, and the keys
 * a line break costs (clearing those closers, fixing the indentation it gave the next line).
 */
export class EditorSide {
  readonly line = new AutoClosedLine();
  private readonly unit: number;
  /** Indentation of the cursor's line as it is in the editor (a blank line keeps what it was given). */
  private lineIndent: number;

  /** The document's words, for the suggest widget's items. */
  private readonly words = new DocumentWords();

  /**
   * Whether the suggest widget stays shut: a suggestion taken with Tab is an edit, not typing, and VS Code opens the
   * widget only as keys are typed (quick suggestions), so it is shut until the next typed character.
   */
  private widgetShut = false;

  constructor(private readonly task: ReplayTask) {
    this.words.add(task.after);
    this.unit = indentUnit(task.before + task.intended);
    const start = task.before.slice(task.before.lastIndexOf('\n') + 1) + task.intended;
    this.lineIndent = /^[ \t]*/.exec(start)![0].length;
  }

  /** The item the suggest widget selects after `text` (the document up to the cursor), if it is open. */
  widgetItem(text: string): string | undefined {
    if (this.widgetShut || !/[A-Za-z0-9_]$/.test(text)) return undefined;
    this.words.addThrough(text);
    return suggestWidgetItem(text, this.words, lexAt(text));
  }

  /** The user typed intended[at] after `text` (the document up to it); returns the extra keys the editor made them press. */
  typed(at: number, text: string): number {
    const { task } = this;
    const ch = task.intended[at];
    const lineStart = text.lastIndexOf('\n') + 1;
    if (ch !== '\n') {
      this.widgetShut = false;
      const lex = ch === '"' || ch === "'" ? lexAt(text) : { inString: null, inComment: false };
      this.line.type(ch, text.slice(lineStart), lex);
      return 0;
    }
    // Escape first where the suggest widget is open (Enter would accept its item), then clear the closers left.
    let keys = this.widgetItem(text) !== undefined ? 1 : 0;
    keys += this.line.enter();
    const auto = autoIndentAfter(text.slice(lineStart), this.lineIndent, this.unit);
    const rest = task.intended.slice(at + 1);
    const nl = rest.indexOf('\n');
    const next = nl < 0 ? rest : rest.slice(0, nl);
    if (next.trim()) {
      const want = /^[ \t]*/.exec(next)![0].length;
      keys += indentKeys(auto, want, this.unit);
      this.lineIndent = want;
    } else this.lineIndent = auto;
    return keys;
  }

  /**
   * A suggestion was taken: the closers it replaced are gone. The others stay after the cursor, which VS Code moves with
   * them to the end of a suggestion that spans lines (its last line is then the cursor's, indented as the suggestion
   * indents it).
   */
  accepted(replaced: number, text: string): void {
    this.line.accept(replaced);
    this.widgetShut = true;
    const nl = text.lastIndexOf('\n');
    if (nl >= 0) this.lineIndent = /^[ \t]*/.exec(text.slice(nl + 1))![0].length;
  }
}

/**
 * What VS Code shows of a suggestion while its suggest widget has `item` selected: ghost text only when the name typed
 * so far and the suggestion together extend the item (in the editor replay, ghost text that disagreed with VS Code's
 * word list was not on screen).
 */
export function visibleBesideWidget(s: Suggestion | undefined, prefix: string, item: string): Suggestion | undefined {
  const typed = /[A-Za-z0-9_]*$/.exec(prefix)![0];
  return s && (typed + s.text).startsWith(item) ? s : undefined;
}
