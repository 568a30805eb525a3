/** Where the bundled worker scripts are: next to the running bundle (dist/), or, when running from sources, in the repository's dist/. */
import * as fs from 'fs';
import * as path from 'path';

export const WORKER_FILE = 'training-worker.js';

/** The path a bundled worker script has next to this bundle (dist/); it may be missing, which its user reports. */
export const bundledScript = (file: string): string => path.join(__dirname, file);

/** A bundled worker script: next to this bundle, or in the dist/ folder of the nearest folder above that has one. */
export function findWorkerScript(file = WORKER_FILE): string {
  const here = bundledScript(file);
  if (fs.existsSync(here)) return here;
  for (let dir = __dirname; ;) {
    const f = path.join(dir, 'dist', file);
    if (fs.existsSync(f)) return f;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`${file} was not found next to ${__dirname}; run npm run build`);
}
