/**
 * Writing a file so that success means the bytes are on disk. `fs.writeSync` may write fewer bytes than it was
 * given (a file-size limit, a disk that fills mid-write) and says so only in its return value; a save that
 * ignored it once reported "wrote X" over a truncated weights.bin. Here every byte count is checked, the file
 * is synced, and its size is read back before the caller renames it into place; any failure names the path
 * and the free space left where it was written.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The free space of the file system that holds `file` (its folder, or the nearest existing folder above), in words. */
export function freeSpaceNote(file: string): string {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    try {
      const st = fs.statfsSync(dir);
      const free = Number(st.bavail) * Number(st.bsize);
      return `${formatBytes(free)} free in ${dir}`;
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return 'free space unknown';
      dir = up;
    }
  }
}

function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} KB`;
  return `${n} bytes`;
}

/** A write that did not complete: names the file, how much of it reached the disk, and the space left. */
export class ShortWriteError extends Error {
  override name = 'ShortWriteError';
  constructor(
    readonly file: string,
    readonly written: number,
    readonly wanted: number,
    cause: string,
  ) {
    super(`could not write ${file}: ${cause} after ${written} of ${wanted} bytes (${freeSpaceNote(file)})`);
  }
}

function causeOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EFBIG') return 'the file is larger than this process may write (a file-size limit)';
  if (code === 'EDQUOT') return 'the disk quota is exceeded';
  if (code === 'EIO') return 'an I/O error';
  return (e as Error).message;
}

/**
 * Writes `data` to `file` (created or truncated), checks that every byte was written, syncs it to disk and
 * checks its size on the open descriptor. Throws ShortWriteError otherwise; the partial file is removed, so a
 * failed write never leaves something that looks whole.
 */
export function writeFileDurably(file: string, data: Buffer | string): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let ok = false;
  try {
    while (written < buf.length) {
      let n: number;
      try {
        n = fs.writeSync(fd, buf, written, buf.length - written, written);
      } catch (e) {
        throw new ShortWriteError(file, written, buf.length, causeOf(e));
      }
      // A write that makes no progress will never finish (a full disk can report 0 instead of ENOSPC).
      if (n <= 0) throw new ShortWriteError(file, written, buf.length, 'no space left on the device');
      written += n;
    }
    try {
      fs.fsyncSync(fd);
    } catch (e) {
      throw new ShortWriteError(file, written, buf.length, `the data could not be synced to disk (${causeOf(e)})`);
    }
    const size = fs.fstatSync(fd).size;
    if (size !== buf.length) throw new ShortWriteError(file, size, buf.length, 'the file on disk has another size than was written');
    ok = true;
  } finally {
    fs.closeSync(fd);
    if (!ok) fs.rmSync(file, { force: true });
  }
}

/**
 * Writes `file` whole or not at all: the data goes to FILE.partial (written and synced as above), then is
 * renamed over FILE, so a reader sees the old file or the new one, never a truncated one.
 */
export function replaceFileDurably(file: string, data: Buffer | string): void {
  const partial = `${file}.partial`;
  writeFileDurably(partial, data);
  try {
    fs.renameSync(partial, file);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw new Error(`could not replace ${file}: ${causeOf(e)}`);
  }
}
