import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { installNativeBackend, explainInstallFailure } from '../../src/backends/native-install';
import { tempDir } from '../helpers';

/** A fake npm: a shell script that does what a test needs. */
function fakeNpm(body: string): string {
  const f = path.join(tempDir('fake-npm-'), 'npm');
  fs.writeFileSync(f, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return f;
}

describe('native backend install', () => {
  it('installs into its folder and replaces an earlier install only when complete', async () => {
    const dir = path.join(tempDir(), 'tfjs-node');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'old'), 'x');
    const npm = fakeNpm('mkdir -p node_modules/@tensorflow/tfjs-node && echo "module.exports = {}" > node_modules/@tensorflow/tfjs-node/index.js');
    const lines: string[] = [];
    await installNativeBackend('tensorflow', { dir, npm, log: (l) => lines.push(l) });
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node', 'index.js')));
    assert.ok(!fs.existsSync(path.join(dir, 'old')));
    assert.ok(!fs.existsSync(`${dir}.installing`));
    assert.ok(lines.some((l) => l.includes('@tensorflow/tfjs-node@4.22.0')));
  });

  it('a failed download leaves nothing half-installed and says why', async () => {
    const dir = path.join(tempDir(), 'tfjs-node-gpu');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'keep'), 'previous install');
    const npm = fakeNpm('mkdir -p node_modules/@tensorflow/tfjs-node-gpu; echo "npm error getaddrinfo ENOTFOUND storage.googleapis.com" >&2; exit 1');
    await assert.rejects(installNativeBackend('tensorflow-gpu', { dir, npm }), /download of libtensorflow failed/);
    assert.ok(!fs.existsSync(`${dir}.installing`));
    assert.equal(fs.readFileSync(path.join(dir, 'keep'), 'utf8'), 'previous install');
  });

  it('a missing npm is a clear error', async () => {
    await assert.rejects(installNativeBackend('tensorflow', { dir: path.join(tempDir(), 'x'), npm: '/nonexistent/npm' }), /failed/);
  });

  it('explains CUDA and permission failures', () => {
    assert.match(explainInstallFailure('Error: libcudart.so.11.0: cannot open shared object file'), /CUDA/);
    assert.match(explainInstallFailure('npm error code EACCES'), /permission/);
    assert.match(explainInstallFailure('npm error getaddrinfo ENOTFOUND registry.npmjs.org', 'webgpu'), /webgpu package failed/);
  });

  it('installs the webgpu bindings at the tested version', async () => {
    const dir = path.join(tempDir(), 'webgpu');
    const npm = fakeNpm('echo "$@" > args.txt; mkdir -p node_modules/webgpu && echo "{}" > node_modules/webgpu/package.json');
    await installNativeBackend('webgpu', { dir, npm });
    assert.match(fs.readFileSync(path.join(dir, 'args.txt'), 'utf8'), /webgpu@0\.6\.2/);
  });
});

describe('native backend install with the real npm', function () {
  this.timeout(300_000);
  it('either installs @tensorflow/tfjs-node or fails with the reason and leaves nothing behind', async () => {
    const dir = path.join(tempDir(), 'tfjs-node');
    try {
      await installNativeBackend('tensorflow', { dir });
      // A machine with internet: the package is there for the backend ladder.
      assert.ok(fs.existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node')));
    } catch (e) {
      // These machines reach only the npm registry: libtensorflow's download is refused.
      assert.match((e as Error).message, /installing @tensorflow\/tfjs-node failed: /);
      assert.ok(!fs.existsSync(dir) && !fs.existsSync(`${dir}.installing`));
    }
  });
});
