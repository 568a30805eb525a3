import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_COMPLETION_SETTINGS } from '../src/completion/complete';

describe('extension package', () => {
  it('ships every bundled entry point and runtime file that dist/ holds (.vscodeignore is a whitelist)', () => {
    const root = path.join(__dirname, '..');
    const dist = path.join(root, 'dist');
    assert.ok(fs.existsSync(path.join(dist, 'extension.js')), 'run npm run build first');
    const allowed = new Set(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!dist/')).map((l) => l.slice(6).trim()));
    const shipped = fs.readdirSync(dist).filter((f) => /\.(js|wasm)$/.test(f));
    assert.deepEqual(shipped.filter((f) => !allowed.has(f)), []);
  });

  it("declares the completion settings with the engine's defaults (the ones the replay chose)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    const declared: [string, keyof typeof DEFAULT_COMPLETION_SETTINGS][] = [
      ['temperature', 'temperature'],
      ['confidenceThreshold', 'confidenceThreshold'],
      ['maxCompletionChars', 'maxCompletionChars'],
      ['multiline', 'multiline'],
      ['contextChars', 'contextChars'],
      ['minConfidence', 'minConfidence'],
    ];
    for (const [setting, key] of declared) assert.equal(props[`lstmComplete.${setting}`]?.default, DEFAULT_COMPLETION_SETTINGS[key], setting);
  });
});
