/**
 * Where a checkpoint may be written without losing anything. A checkpoint folder is replaced as a whole on
 * save (atomically: DIR.tmp → DIR, the old one kept as DIR.bak until the swap is done), which is only safe
 * when the folder holds nothing but a checkpoint. So `--out` must be a new folder, an empty one, or an
 * existing checkpoint; anything else is refused unless the user forces it, and even then saving writes the
 * checkpoint's own files in place and leaves every other entry alone.
 *
 * A folder is the project's only when it says so: it holds the marker file every save writes first, or (written
 * before the marker existed) a meta.json in the checkpoint format. File names alone prove nothing: a user's own
 * `model.json`, `meta.json` or `ubuntu.iso.partial` is the user's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readBoundedText } from '../util/bounded-read';

/** meta.json's `format`: what marks a checkpoint folder written before the owner marker existed. */
export const CHECKPOINT_FORMAT = 'lstm-complete-checkpoint';

/** meta.json's `formatVersion` this build writes and reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** The most a checkpoint's JSON files may hold: meta.json carries a history and file lists, never this much. */
export const MAX_JSON_BYTES = 32 << 20;

/** Written first into every folder a save creates: the project's claim on the folder. */
export const OWNER_MARKER = '.lstm-complete';

/** Entries a checkpoint folder owns: what saveCheckpoint and the trainer write into it. */
const OWNED = new Set([
  OWNER_MARKER,
  'model.json',
  'weights.bin',
  'meta.json',
  'trainer-state.json',
  'carried-state.bin',
  'optimizer.json',
  'optimizer.bin',
  'loss-curve.html',
  'loss-curve.svg',
]);

export function isCheckpointOwned(name: string): boolean {
  // NAME.partial and NAME.prev: the new and the previous generation during an in-place save (checkpoint.ts).
  return OWNED.has(name) || (/\.(partial|prev)$/.test(name) && OWNED.has(name.replace(/\.(partial|prev)$/, '')));
}

/** Whether the project made `dir`: the marker, or a meta.json in the checkpoint format (older checkpoints). */
export function isProjectFolder(dir: string): boolean {
  if (fs.existsSync(path.join(dir, OWNER_MARKER))) return true;
  try {
    const text = readBoundedText(path.join(dir, 'meta.json'), MAX_JSON_BYTES);
    return (JSON.parse(text) as { format?: unknown })?.format === CHECKPOINT_FORMAT;
  } catch {
    return false;
  }
}

/** The `formatVersion` of the checkpoint in `dir` (any value it holds), or undefined when it holds none of ours. */
export function checkpointFormatVersion(dir: string): unknown {
  try {
    const meta = JSON.parse(readBoundedText(path.join(dir, 'meta.json'), MAX_JSON_BYTES)) as { format?: unknown; formatVersion?: unknown };
    return meta?.format === CHECKPOINT_FORMAT ? (meta.formatVersion ?? null) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Entries of `dir` a checkpoint does not own: none when it does not exist; the path itself when it is a file;
 * in the project's folder, what it did not write; in anyone else's, everything.
 */
export function foreignEntries(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    // ENOTDIR: the path is a file (the user's: it is foreign), or a folder above it is (nothing is there).
    if (code === 'ENOTDIR') return fs.existsSync(dir) ? [path.basename(dir)] : [];
    throw e;
  }
  if (!isProjectFolder(dir)) return names;
  return names.filter((n) => !isCheckpointOwned(n));
}

/** The names a checkpoint writes that `dir` holds although the project did not make it (a user's files). */
export function usersCheckpointNames(dir: string): string[] {
  if (!fs.existsSync(dir) || isProjectFolder(dir)) return [];
  // Every name a save or a run writes or removes (NAME.partial, NAME.prev, the loss curve, the resume files): in a
  // folder the project did not make, a user's `weights.bin.partial` or `loss-curve.html` is the user's.
  try {
    return fs.readdirSync(dir).filter((n) => isCheckpointOwned(n));
  } catch {
    return [];
  }
}

export class UnsafeOutputError extends Error {
  override name = 'UnsafeOutputError';
}

/**
 * Throws UnsafeOutputError (a usage error: exit 2) when writing a checkpoint to `dir` would replace a folder
 * that holds anything but a checkpoint, or when DIR.tmp or DIR.bak (the save's working names) are folders
 * of the user's. With `force`, a folder of other files is accepted: the save then writes in place.
 */
export function checkOutputFolder(dir: string, opts: { force?: boolean; flag?: string } = {}): void {
  const abs = path.resolve(dir);
  const flag = opts.flag ?? '--out';
  if (abs === path.parse(abs).root) throw new UnsafeOutputError(`${flag} ${dir}: a checkpoint cannot be written to the root of a file system`);
  if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) throw new UnsafeOutputError(`${flag} ${dir} is a file, not a folder`);
  const foreign = foreignEntries(abs);
  if (foreign.length && !opts.force) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
    throw new UnsafeOutputError(
      `${flag} ${dir} holds files that are not a checkpoint (${shown}); choose a new or empty folder, or add --force to write the checkpoint's own files there and leave the rest alone`,
    );
  }
  // A checkpoint this build cannot read (a newer format) is one it cannot tell the worth of: kept unless forced.
  const version = checkpointFormatVersion(abs);
  if (version !== undefined && version !== CHECKPOINT_FORMAT_VERSION && !opts.force)
    throw new UnsafeOutputError(
      `${flag} ${dir} holds a checkpoint in format version ${JSON.stringify(version)}, which this build (version ${CHECKPOINT_FORMAT_VERSION}) cannot read; choose another folder, or add --force to replace it`,
    );
  const theirs = usersCheckpointNames(abs);
  if (theirs.length)
    throw new UnsafeOutputError(
      `${flag} ${dir} holds its own ${theirs.join(', ')} (not written by lstm-complete): not overwritten even with --force; choose another folder`,
    );
  checkSaveNames(abs);
}

/** A save uses DIR.tmp and DIR.bak and removes them: refuses when either holds files of the user's. */
export function checkSaveNames(dir: string): void {
  for (const side of [`${dir}.tmp`, `${dir}.bak`]) {
    const other = foreignEntries(side);
    if (other.length)
      throw new UnsafeOutputError(
        `${side} holds files that are not a checkpoint (${other.slice(0, 3).join(', ')}); saving ${dir} uses that name, so move it first`,
      );
  }
}

/** Why a file-system call failed, in words (the errno codes a user can act on). */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file stands where a folder is needed';
  return (e as Error).message;
}

/** Room a training run needs for its checkpoints: the best, the resumable latest (with Adam's two moments) and their swap copies. */
export const CHECKPOINT_ROOM_BYTES = 64 * 1024 * 1024;

/**
 * Fails at once, naming the folder, when checkpoints cannot be written to `dir`: its parent cannot be
 * created or written (a read-only mount, no permission), or the disk lacks `needBytes`. A training run
 * calls it before its first batch, so no work is lost to a destination it could never save to.
 */
export function checkWritable(dir: string, needBytes = CHECKPOINT_ROOM_BYTES): void {
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  const probe = path.join(parent, `.${path.basename(abs)}.write-check-${process.pid}`);
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.writeFileSync(probe, 'x');
  } catch (e) {
    throw new Error(`cannot write checkpoints to ${dir}: ${ioReason(e)} (in ${parent})`);
  } finally {
    try {
      fs.rmSync(probe, { force: true });
    } catch {
      /* the probe was never written */
    }
  }
  const st = fs.statfsSync(parent);
  const free = st.bavail * st.bsize;
  if (free < needBytes)
    throw new Error(
      `cannot write checkpoints to ${dir}: ${(free / 1e6).toFixed(0)} MB free in ${parent}, a run needs about ${(needBytes / 1e6).toFixed(0)} MB`,
    );
}
