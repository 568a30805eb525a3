/**
 * Where the extension keeps things: one folder per workspace under the global storage, holding the current model
 * (`current`, written atomically by the trainer), its resumable state (`current-latest`), and earlier models in
 * `history/` (the last few, copied before a training run replaces `current`); and, for every workspace, the native
 * backends the user installed (`native-backends/`) and the Keras models they imported (`imported/`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { copyCheckpointFolder } from '../model/checkpoint-copy';

export const HISTORY_KEEP = 5;

/** A history entry's name: its time, sortable, safe in a file name. */
const stamp = (now: Date) => now.toISOString().replace(/[:.]/g, '-');

export class WorkspaceStorage {
  readonly root: string;
  /** Native backends installed with Install Native Backend, one folder each. */
  readonly nativeRoot: string;
  /** Keras models imported by Choose Checkpoint, one checkpoint folder each (keras-file-import.ts). */
  readonly importedRoot: string;

  constructor(globalStorage: string, workspaceFolders: string[]) {
    const id = workspaceFolders.length ? createHash('sha1').update(workspaceFolders.sort().join('\n')).digest('hex').slice(0, 16) : 'no-workspace';
    this.root = path.join(globalStorage, 'workspaces', id);
    this.nativeRoot = path.join(globalStorage, 'native-backends');
    this.importedRoot = path.join(globalStorage, 'imported');
  }

  /** Folders with an installed native backend, for the backend ladder. */
  nativeModulePaths(): string[] {
    return ['tensorflow-gpu', 'tensorflow', 'webgpu'].map((b) => path.join(this.nativeRoot, b)).filter((d) => fs.existsSync(path.join(d, 'node_modules')));
  }

  get current(): string {
    return path.join(this.root, 'current');
  }

  get historyDir(): string {
    return path.join(this.root, 'history');
  }

  hasCurrent(): boolean {
    return fs.existsSync(path.join(this.current, 'meta.json')) || fs.existsSync(path.join(`${this.current}.bak`, 'meta.json'));
  }

  /** Copies `current` into history/<timestamp> and keeps the newest HISTORY_KEEP entries. */
  archiveCurrent(now = new Date()): string | undefined {
    if (!fs.existsSync(path.join(this.current, 'meta.json'))) return undefined;
    const dest = path.join(this.historyDir, stamp(now));
    fs.mkdirSync(this.historyDir, { recursive: true });
    copyCheckpointFolder(this.current, dest); // whole or not at all: a full disk leaves no broken history entry
    this.prune();
    return dest;
  }

  /**
   * A run wrote `current` but the switch rule kept the old model: `current` moves to history/<timestamp>-not-used
   * (still listed by Choose Checkpoint), and the copy the run archived, if any, becomes `current` again.
   * Returns where the unused model went.
   */
  rejectCurrent(archived: string | undefined, now = new Date()): string | undefined {
    if (!fs.existsSync(this.current)) return undefined;
    fs.mkdirSync(this.historyDir, { recursive: true });
    const dest = path.join(this.historyDir, `${stamp(now)}-not-used`);
    // The copy first: if it cannot be made (a full disk), nothing has moved and the error says why.
    const restore = archived && fs.existsSync(path.join(archived, 'meta.json')) ? `${this.current}.restore` : undefined;
    if (restore) {
      fs.rmSync(restore, { recursive: true, force: true });
      copyCheckpointFolder(archived!, restore);
    }
    fs.renameSync(this.current, dest);
    if (restore) fs.renameSync(restore, this.current);
    this.prune();
    return dest;
  }

  private prune(): void {
    // A copy killed midway leaves NAME.partial: never a model, removed here and never listed.
    for (const n of fs.readdirSync(this.historyDir)) if (n.endsWith('.partial')) fs.rmSync(path.join(this.historyDir, n), { recursive: true, force: true });
    const entries = fs.readdirSync(this.historyDir).sort();
    for (const old of entries.slice(0, Math.max(0, entries.length - HISTORY_KEEP)))
      fs.rmSync(path.join(this.historyDir, old), { recursive: true, force: true });
  }

  history(): string[] {
    if (!fs.existsSync(this.historyDir)) return [];
    return fs
      .readdirSync(this.historyDir)
      .filter((d) => !d.endsWith('.partial'))
      .sort()
      .reverse()
      .map((d) => path.join(this.historyDir, d));
  }
}
