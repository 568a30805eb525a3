/** Where models are found: a folder the user names, or the bundled model shipped in models/. */
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint, Checkpoint } from './checkpoint';

export const BUNDLED_MODEL_NAME = 'python';

/** The bundled model's folder, looked up next to the bundle (dist/..) and the sources (src/model/../..). */
export function bundledModelDir(): string | undefined {
  const candidates = [path.join(__dirname, '..', 'models', BUNDLED_MODEL_NAME), path.join(__dirname, '..', '..', 'models', BUNDLED_MODEL_NAME)];
  return candidates.find((d) => fs.existsSync(path.join(d, 'meta.json')));
}

export class NoModelError extends Error {
  override name = 'NoModelError';
}

export function loadModelOrBundled(dir?: string): Checkpoint {
  if (dir) return loadCheckpoint(dir);
  const bundled = bundledModelDir();
  if (!bundled) {
    throw new NoModelError(`no bundled model is installed (models/${BUNDLED_MODEL_NAME}); pass --model DIR with a checkpoint folder`);
  }
  return loadCheckpoint(bundled);
}
