/**
 * Copying a checkpoint folder whole or not at all: every file is written and checked (util/durable-write.ts) into
 * DEST.partial, which is renamed to DEST only when all of it is there. A copy that fails (a full disk) removes its
 * partial folder and says why; DEST never holds half a checkpoint, so a history list never shows a broken entry.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readBounded } from '../util/bounded-read';
import { writeFileDurably } from '../util/durable-write';

/** The most one file of a checkpoint folder may hold (the weights of the largest model a checkpoint may declare). */
const MAX_FILE_BYTES = 1 << 30;

export function copyCheckpointFolder(from: string, to: string): void {
  const partial = `${to}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  try {
    fs.mkdirSync(partial, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      if (!entry.isFile()) continue; // a checkpoint folder is flat: links and folders in it are not the checkpoint's
      writeFileDurably(path.join(partial, entry.name), readBounded(path.join(from, entry.name), MAX_FILE_BYTES));
    }
    fs.renameSync(partial, to);
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw e;
  }
}
