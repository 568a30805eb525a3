/** Argument helpers shared by the CLI commands: usage errors exit 2, failures exit 1. */
import { parseArgs, ParseArgsConfig } from 'util';
import * as fs from 'fs';
import * as path from 'path';
import { checkOutputFolder, checkWritable as checkCheckpointsWritable, ioReason, UnsafeOutputError } from '../model/output-folder';
import { recoverInterruptedSave } from '../model/checkpoint';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options, allowPositionals = false): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, strict: true, allowPositionals });
    return { values: r.values as Record<string, unknown>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function numberOpt(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  check: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  if (check.integer && !Number.isInteger(v)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  if (check.min !== undefined && v < check.min) throw new UsageError(`--${name} must be at least ${check.min}, got ${v}`);
  if (check.max !== undefined && v > check.max) throw new UsageError(`--${name} must be at most ${check.max}, got ${v}`);
  return v;
}

export function stringList(values: Record<string, unknown>, name: string): string[] {
  const raw = values[name];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? (raw as string[]) : [raw as string];
  // An empty value (an unset shell variable: --data "$DIR") would mean the current folder to path.resolve.
  if (list.some((v) => typeof v === 'string' && !v.trim())) throw new UsageError(`--${name} was given an empty value`);
  return list;
}

/** Log lines go to stderr so stdout stays clean for --json output. */
export function logger(verbose: boolean): { info: (l: string) => void; debug: (l: string) => void } {
  return {
    info: (l) => process.stderr.write(l + '\n'),
    debug: (l) => {
      if (verbose) process.stderr.write(l + '\n');
    },
  };
}

export const COMMON_OPTIONS: Options = {
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

/** The flags of a command that writes a checkpoint (export, average, import-torch): where, float16 or not, its name. */
export const CHECKPOINT_OUT_OPTIONS = {
  out: { type: 'string' },
  float16: { type: 'boolean', default: false },
  name: { type: 'string' },
  force: { type: 'boolean', default: false },
} as const;

/** A flag that takes one of a few words (`fallback` when absent); any other word is a usage error naming them. */
export function choiceOpt<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[], fallback: T): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!(choices as readonly unknown[]).includes(raw)) {
    const words = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices.join('');
    throw new UsageError(`--${name} must be ${words}, got "${raw}"`);
  }
  return raw as T;
}

export function splitOpt(values: Record<string, unknown>): 'all' | 'validation' | 'train' {
  return choiceOpt(values, 'split', ['all', 'validation', 'train'], 'all');
}

/** The folders (--data, required) and the split of them that eval and analyze measure. */
export function dataAndSplit(values: Record<string, unknown>): { data: string[]; split: 'all' | 'validation' | 'train' } {
  const data = stringList(values, 'data');
  if (!data.length) throw new UsageError('--data DIR is required');
  return { data, split: splitOpt(values) };
}

/**
 * Refuses (exit 2) a checkpoint destination that holds anything but a checkpoint, unless --force: saving
 * would replace the folder (see model/output-folder.ts).
 */
export function guardOutput(values: Record<string, unknown>, dir: string, flag = '--out'): void {
  // A save killed between its renames left the only copy in DIR.bak: put it back first, so the checks below see
  // the checkpoint that is there (train then refuses to replace it without --force) and no save deletes it.
  if (recoverInterruptedSave(dir)) process.stderr.write(`recovered ${dir} from ${dir}.bak (left by a save that was interrupted)\n`);
  try {
    checkOutputFolder(dir, { force: Boolean(values.force), flag });
  } catch (e) {
    if (e instanceof UnsafeOutputError) throw new UsageError(e.message);
    throw e;
  }
  // A save writes DIR.partial beside DIR and renames it: a folder it cannot write in fails now (exit 1, as the
  // trainer's own check), not after the work.
  checkCheckpointsWritable(dir, 0);
}

/**
 * Before any work: refuses (exit 2) a report file the command would replace without --force (the user's file), and
 * fails (exit 1) on one it could not write (a read-only or unwritable folder; a missing one is made). An analysis
 * once ran for a minute and then failed on its --out.
 */
export function guardReportFiles(values: Record<string, unknown>, files: string[], flag: string): void {
  for (const f of files) {
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(f, { throwIfNoEntry: false });
    } catch (e) {
      throw new Error(`${flag}: cannot write in ${path.dirname(path.resolve(f))}: ${ioReason(e)}`);
    }
    if (st && !st.isFile()) throw new UsageError(`${flag} ${f} exists and is not a file: choose another name`);
    if (st && !values.force) throw new UsageError(`${flag} would replace ${f}; add --force to replace it, or choose another name`);
  }
  for (const parent of new Set(files.map((f) => path.dirname(path.resolve(f))))) checkWritable(parent, flag);
}

/** Fails (exit 1) on a folder this command could not write in (made when missing, as the write would make it). */
function checkWritable(parent: string, flag: string): void {
  const probe = path.join(parent, `.lstm-complete-write-check-${process.pid}`);
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.writeFileSync(probe, '');
  } catch (e) {
    throw new Error(`${flag}: cannot write in ${parent}: ${ioReason(e)}`);
  }
  fs.rmSync(probe, { force: true });
}
