/**
 * Where the extension keeps checkpoints: one folder per workspace under the global storage, holding the
 * current model (`current`, written atomically by the trainer), its resumable state (`current-latest`), and
 * earlier models in `history/` (the last few, copied before a training run replaces `current`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';

export const HISTORY_KEEP = 5;

/** A history entry's name: its time, sortable, safe in a file name. */
const stamp = (now: Date) => now.toISOString().replace(/[:.]/g, '-');

export class WorkspaceStorage {
  readonly root: string;

  constructor(globalStorage: string, workspaceFolders: string[]) {
    const id = workspaceFolders.length ? createHash('sha1').update(workspaceFolders.sort().join('\n')).digest('hex').slice(0, 16) : 'no-workspace';
    this.root = path.join(globalStorage, 'workspaces', id);
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
    fs.cpSync(this.current, dest, { recursive: true });
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
    fs.renameSync(this.current, dest);
    if (archived && fs.existsSync(path.join(archived, 'meta.json'))) {
      const tmp = `${this.current}.tmp`;
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.cpSync(archived, tmp, { recursive: true });
      fs.renameSync(tmp, this.current);
    }
    this.prune();
    return dest;
  }

  private prune(): void {
    const entries = fs.readdirSync(this.historyDir).sort();
    for (const old of entries.slice(0, Math.max(0, entries.length - HISTORY_KEEP)))
      fs.rmSync(path.join(this.historyDir, old), { recursive: true, force: true });
  }

  history(): string[] {
    if (!fs.existsSync(this.historyDir)) return [];
    return fs
      .readdirSync(this.historyDir)
      .sort()
      .reverse()
      .map((d) => path.join(this.historyDir, d));
  }
}
