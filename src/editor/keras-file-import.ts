/**
 * Choose Checkpoint's Keras import: a `.keras` or `.h5` file becomes a checkpoint in the extension's storage, made by
 * the CLI (`lstm-complete import-keras`) in a process of its own, so a large or hostile file never holds up the
 * extension host. The same file imported twice lands in the same folder (named by its checksum) and is not redone.
 */
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export interface KerasFileImport {
  dir: string;
  /** What the CLI said it found (lstm-complete import-keras --json), or undefined when the folder was already there. */
  summary?: Record<string, unknown>;
}

/** The import needs the seed's vocabulary (a model that knows fewer than 97 characters): the CLI's own words. */
export class VocabularyNeeded extends Error {
  override name = 'VocabularyNeeded';
}

export interface ImportOptions {
  /** Where imported checkpoints live (one folder per file). */
  root: string;
  /** The text the seed trained on, when the model does not know all 97 characters. */
  vocabFrom?: string;
  /** The CLI bundle (dist/cli.js beside the extension's bundle). */
  cli?: string;
  timeoutMs?: number;
}

/** Whether `p` names a Keras file to import (a `.keras` or `.h5` file), not a checkpoint folder. */
export function isKerasFile(p: string): boolean {
  return /\.(keras|h5)$/i.test(p) && Boolean(fs.statSync(p, { throwIfNoEntry: false })?.isFile());
}

/** The folder a file imports into: its name and the first 12 hex digits of its SHA-256. */
export function importFolder(root: string, file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  const base =
    path
      .basename(file)
      .replace(/\.(keras|h5|hdf5)$/i, '')
      .replace(/[^\w.-]+/g, '_')
      .slice(0, 60) || 'model';
  return path.join(root, `${base}-${hash.digest('hex').slice(0, 12)}`);
}

/** Imported checkpoints, newest first. */
export function importedCheckpoints(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((d) => path.join(root, d))
    .filter((d) => fs.existsSync(path.join(d, 'meta.json')))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

export function importKerasFile(file: string, opts: ImportOptions): Promise<KerasFileImport> {
  const dir = importFolder(opts.root, file);
  if (fs.existsSync(path.join(dir, 'meta.json'))) return Promise.resolve({ dir });
  fs.mkdirSync(opts.root, { recursive: true });
  const cli = opts.cli ?? path.join(__dirname, 'cli.js');
  const args = [cli, 'import-keras', file, '--out', dir, '--json', ...(opts.vocabFrom ? ['--vocab-from', opts.vocabFrom] : [])];
  // The extension host's executable is Electron's: ELECTRON_RUN_AS_NODE makes it the Node the CLI needs.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (!err) {
        try {
          resolve({ dir, summary: JSON.parse(stdout) as Record<string, unknown> });
        } catch {
          reject(new Error(`the import printed no summary (${stdout.slice(0, 200)})`));
        }
        return;
      }
      const said =
        stderr
          .trim()
          .split('\n')
          .pop()
          ?.replace(/^lstm-complete import-keras: /, '') ?? '';
      if (/--vocab-from/.test(said)) reject(new VocabularyNeeded(said));
      else reject(new Error(said || (err.killed ? 'the import took too long and was stopped' : err.message)));
    });
  });
}
