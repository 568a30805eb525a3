import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { selectBackend, BackendName } from '../src/backends/backend';

export function tempDir(prefix = 'lstm-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Tests run on an explicit backend so results do not depend on what happens to be installed. */
export async function useBackend(name: BackendName = 'cpu'): Promise<void> {
  const sel = await selectBackend({ preferred: name });
  if (sel.name !== name) throw new Error(`test wanted backend ${name}, got ${sel.name}`);
}
