// Which files of a package are its Python, for the corpus (scripts/build-corpus.mjs) and for the list that chooses
// packages (scripts/grow-corpus-list.mjs), so a package is judged on the text the corpus would take from it.
import * as fs from 'fs';
import * as path from 'path';

// Vendored copies are other projects (some of them reserved for evaluation, e.g. a vendored PyYAML or six).
const SKIP = new Set(['test', 'tests', 'testing', '__pycache__', 'site-packages', 'dist-packages', 'vendor', '_vendor', 'vendored', 'extern', '_extern']);

/** The .py files under `root`, in path order, test and vendored folders left out. */
export function pyFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(p);
      } else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
    }
  };
  walk(root);
  return out;
}
