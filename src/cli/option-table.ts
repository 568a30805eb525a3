/**
 * A command's options as one table: the parser's configuration, the help text and the defaults the parser falls
 * back to all come from it, so a flag's default is stated once (the help cannot drift from the code).
 */
import type { Options } from './args';

export interface OptionRow {
  flag: string;
  /** What the flag takes, e.g. 'N' or 'DIR'; absent for a switch. */
  arg?: string;
  repeatable?: boolean;
  help: string;
  /** The value when the flag is absent; printed as "(default X)". */
  default?: number | string | boolean;
  /** How to print a default that depends on other flags (printed instead of `default`). */
  defaultText?: string;
}

const FLAG_COLUMN = 25;
const WIDTH = 112;

/** parseArgs's configuration for the rows (numbers are parsed as strings and checked by numberOpt). */
export function parserOptions(rows: readonly OptionRow[]): Options {
  return Object.fromEntries(
    rows.map((r) => [r.flag, r.arg ? { type: 'string' as const, ...(r.repeatable ? { multiple: true } : {}) } : { type: 'boolean' as const, default: false }]),
  );
}

/** The default of a flag, from the table. */
export function defaultOf<T extends number | string | boolean>(rows: readonly OptionRow[], flag: string): T {
  const row = rows.find((r) => r.flag === flag);
  if (!row || row.default === undefined) throw new Error(`option table: --${flag} has no default`);
  return row.default as T;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** One line per flag (wrapped under its description column), in table order. */
export function helpLines(rows: readonly OptionRow[]): string {
  return rows
    .map((r) => {
      const head = `  --${r.flag}${r.arg ? ` ${r.arg}` : ''}`;
      const dflt = r.defaultText ?? (r.default !== undefined && r.default !== false ? String(r.default) : undefined);
      const text = `${r.help}${r.repeatable ? ' (repeatable)' : ''}${dflt !== undefined ? ` (default ${dflt})` : ''}`;
      const [first, ...rest] = wrap(text, WIDTH - FLAG_COLUMN);
      const pad = ' '.repeat(FLAG_COLUMN);
      return [head.length < FLAG_COLUMN ? head.padEnd(FLAG_COLUMN) + first : `${head}\n${pad}${first}`, ...rest.map((l) => pad + l)].join('\n');
    })
    .join('\n');
}
