import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

describe('extension package', () => {
  it('ships every bundled entry point and runtime file that dist/ holds (.vscodeignore is a whitelist)', () => {
    const root = path.join(__dirname, '..');
    const dist = path.join(root, 'dist');
    assert.ok(fs.existsSync(path.join(dist, 'extension.js')), 'run npm run build first');
    const allowed = new Set(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!dist/')).map((l) => l.slice(6).trim()));
    const shipped = fs.readdirSync(dist).filter((f) => /\.(js|wasm)$/.test(f));
    assert.deepEqual(shipped.filter((f) => !allowed.has(f)), []);
  });
});
