/**
 * Does a text parse as Python? tree-sitter's Python grammar in WebAssembly (web-tree-sitter), which runs
 * inside VS Code without a Python install, plus checks tree-sitter is lenient about: indentation after a
 * block opener, unexpected indents, dedents to a level never opened, and unclosed brackets or strings.
 */
import * as fs from 'fs';
import * as path from 'path';
import { scanPython, logicalLines } from './python-scanner';

export type ParseErrorKind = 'unclosed-bracket' | 'unmatched-closer' | 'unterminated-string' | 'bad-indentation' | 'bad-token';

export interface ParseCheck {
  ok: boolean;
  errors: ParseErrorKind[];
}

interface TsNode {
  type: string;
  isError: boolean;
  isMissing: boolean;
  children: TsNode[];
}
interface TsParser {
  parse(src: string): { rootNode: TsNode & { hasError: boolean }; delete(): void };
}

const WASM_FILES = { runtime: 'tree-sitter.wasm', python: 'tree-sitter-python.wasm' };

/** Finds the two wasm files next to the bundle (dist/) or in node_modules. */
function locate(file: string): string {
  const candidates = [path.join(__dirname, file), path.join(__dirname, '..', file), path.join(__dirname, '..', '..', 'dist', file)];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  if (file === WASM_FILES.python) return path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), file);
  return path.join(path.dirname(require.resolve('web-tree-sitter')), file);
}

let parserPromise: Promise<TsParser> | undefined;

export function loadPythonParser(): Promise<TsParser> {
  parserPromise ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('web-tree-sitter') as {
      Parser: { init(o: object): Promise<void>; new (): TsParser & { setLanguage(l: unknown): void } };
      Language: { load(p: string): Promise<unknown> };
    };
    await ts.Parser.init({ locateFile: () => locate(WASM_FILES.runtime) });
    const lang = await ts.Language.load(locate(WASM_FILES.python));
    const parser = new ts.Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return parserPromise;
}

/** Indentation problems tree-sitter's grammar accepts. */
export function indentationErrors(src: string): number {
  const levels = [0];
  let expectIndent = false;
  let errors = 0;
  for (const { text: line, indent: raw } of logicalLines(src)) {
    const indent = raw.replace(/\t/g, '        ').length;
    const top = levels[levels.length - 1];
    if (expectIndent) {
      if (indent <= top) errors++;
      else levels.push(indent);
    } else if (indent > top) {
      errors++;
    } else if (indent < top) {
      while (levels.length > 1 && levels[levels.length - 1] > indent) levels.pop();
      if (levels[levels.length - 1] !== indent) errors++;
    }
    expectIndent = /:\s*(#.*)?$/.test(line) && !/^\s*lambda\b/.test(line);
  }
  return errors;
}

export function checkPython(parser: TsParser, src: string): ParseCheck {
  const errors: ParseErrorKind[] = [];
  const scan = scanPython(src);
  if (scan.open.length) errors.push('unclosed-bracket');
  if (scan.unmatchedClosers.length) errors.push('unmatched-closer');
  if (scan.inString) errors.push('unterminated-string');
  if (indentationErrors(src)) errors.push('bad-indentation');
  const tree = parser.parse(src);
  if (tree.rootNode.hasError && errors.length === 0) errors.push('bad-token');
  tree.delete();
  return { ok: errors.length === 0, errors };
}

/** A generated sample cut at its last complete logical line (no bracket or string left open), if any. */
export function cutAtLogicalLine(sample: string): string {
  let end = sample.lastIndexOf('\n');
  while (end > 0) {
    const head = sample.slice(0, end + 1);
    const s = scanPython(head);
    if (!s.open.length && !s.inString) return head;
    end = sample.lastIndexOf('\n', end - 1);
  }
  return sample;
}
