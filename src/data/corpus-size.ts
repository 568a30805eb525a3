/**
 * How much Python a workspace has, by the rules a training corpus is read with (corpus.ts), without reading the
 * files: the sizes of the .py files under the roots, asynchronously (the extension host's thread is never held),
 * stopping as soon as the total passes `enough` (a large workspace answers after a few folders).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CorpusOptions, corpusFilter } from './corpus';

export interface CorpusSize {
  bytes: number;
  files: number;
  /** True when counting stopped at `enough`: the workspace has at least that much. */
  atLeast: boolean;
}

export async function corpusSize(
  roots: string[],
  opts: Pick<CorpusOptions, 'skipDirs' | 'includeTests' | 'exclude' | 'maxFileBytes'> & { enough?: number } = {},
): Promise<CorpusSize> {
  const { skipDirs, excluded } = corpusFilter(opts);
  const maxFileBytes = opts.maxFileBytes ?? 1_000_000;
  const enough = opts.enough ?? Infinity;
  const size: CorpusSize = { bytes: 0, files: 0, atLeast: false };
  const walk = async (root: string, dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (dir !== root && entries.some((e) => e.name === 'pyvenv.cfg')) return;
    for (const e of entries) {
      if (size.atLeast) return;
      const full = path.join(dir, e.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (!skipDirs.has(e.name) && !excluded(rel, true)) await walk(root, full);
      } else if (e.isFile() && e.name.endsWith('.py') && !excluded(rel, false)) {
        const st = await fs.promises.stat(full).catch(() => undefined);
        if (!st || st.size === 0 || st.size > maxFileBytes) continue;
        size.bytes += st.size;
        size.files++;
        if (size.bytes >= enough) size.atLeast = true;
      }
    }
  };
  for (const root of roots) if (!size.atLeast) await walk(path.resolve(root), path.resolve(root));
  return size;
}
