/**
 * The one way to read a file this process did not write: a checkpoint's files, a run's resume state, a `--file`
 * a user names. Only a regular file is read (a link to /dev/zero once grew a resume to 4.9 GB, and a FIFO hung
 * it), it is opened non-blocking and checked on the open descriptor (a file swapped after a check is still the
 * one checked), and its size is bounded before a byte is read, so memory stays bounded by what the caller
 * expects. `stat` says 0 bytes for a device, so a size check on the path alone proves nothing.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Why a bounded read refused a file, naming it. */
export class BoundedReadError extends Error {
  override name = 'BoundedReadError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} ${reason}`);
  }
}

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'is missing';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot be read: ${(e as Error).message}`;
}

/** Reads `file` whole if it is a regular file of at most `maxBytes`; throws BoundedReadError otherwise. */
export function readBounded(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new BoundedReadError(file, reasonOf(e));
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new BoundedReadError(file, 'is not a regular file (a device, pipe or folder): not read');
    if (st.size > maxBytes) throw new BoundedReadError(file, `has ${st.size} bytes, more than the ${maxBytes} it may hold: not read`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got !== buf.length) throw new BoundedReadError(file, `changed while it was read (${got} of ${buf.length} bytes)`);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** The same as readBounded, as UTF-8 text. */
export function readBoundedText(file: string, maxBytes: number): string {
  return readBounded(file, maxBytes).toString('utf8');
}

/**
 * Whether a relative path read from a file (a checkpoint's validation list, a tarball's member) stays inside
 * its folder: not absolute, no `..` segment, no drive or NUL. Links are the reader's to check when it opens.
 */
export function isContainedRelative(rel: unknown): rel is string {
  if (typeof rel !== 'string' || !rel || rel.includes('\0')) return false;
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel)) return false;
  return !rel.split(/[\\/]/).some((seg) => seg === '..');
}

/** `root/rel`, or an error naming where it came from when rel would lead out of root. */
export function joinContained(root: string, rel: unknown, source: string): string {
  if (!isContainedRelative(rel)) throw new Error(`${source} names ${JSON.stringify(rel)}, a path outside its folder: refused`);
  const abs = path.resolve(root, rel);
  const base = path.resolve(root);
  if (abs !== base && !abs.startsWith(base + path.sep)) throw new Error(`${source} names ${JSON.stringify(rel)}, a path outside its folder: refused`);
  return abs;
}
