import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { selectBackend, backendOrder } from '../../src/backends/backend';

describe('backend selection', () => {
  afterEach(() => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  });

  it('falls back past missing native packages and logs why each was skipped', async () => {
    const lines: string[] = [];
    const sel = await selectBackend({ log: (l) => lines.push(l) });
    assert.equal(sel.name, 'wasm');
    assert.deepEqual(
      sel.attempts.map((a) => [a.name, a.ok]),
      [
        ['tensorflow-gpu', false],
        ['tensorflow', false],
        ['webgpu', false],
        ['wasm', true],
      ],
    );
    assert.match(lines[0], /skipped tensorflow-gpu: package is not installed/);
    // No GPU here: Mesa's software adapter (or none at all) is not good enough for auto mode.
    assert.match(lines.find((l) => l.includes('skipped webgpu')) ?? '', /skipped webgpu: (only a software adapter|no WebGPU adapter|package is not installed)/);
    assert.match(lines[lines.length - 1], /using wasm/);
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('tries a named backend first, then the rest of the ladder', async () => {
    assert.deepEqual(backendOrder('cpu'), ['cpu', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm']);
    assert.deepEqual(backendOrder('auto'), ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
    const sel = await selectBackend({ preferred: 'cpu' });
    assert.equal(sel.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.throws(() => backendOrder('gpu' as never), /unknown backend/);
  });

  it('loads a native package when it resolves (fake module registering "tensorflow")', async () => {
    const asked: string[] = [];
    const sel = await selectBackend({
      requireModule: (id) => {
        asked.push(id);
        if (id === '@tensorflow/tfjs-node-gpu') throw new Error('libcudart.so.11.0: cannot open shared object file');
        tf.registerBackend('tensorflow', () => new MathBackendCPU());
        return {};
      },
    });
    assert.deepEqual(asked, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    assert.equal(sel.name, 'tensorflow');
    assert.equal(sel.attempts[0].reason, 'libcudart.so.11.0: cannot open shared object file');
    assert.equal(tf.getBackend(), 'tensorflow');
  });

  it('loads a native package from an install folder outside node_modules (modulePaths)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-'));
    const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), 'globalThis.__registerFakeTensorflow();');
    (globalThis as Record<string, unknown>).__registerFakeTensorflow = () => tf.registerBackend('tensorflow', () => new MathBackendCPU());
    const lines: string[] = [];
    const sel = await selectBackend({ modulePaths: [dir], log: (l) => lines.push(l) });
    assert.equal(sel.name, 'tensorflow');
    assert.match(lines[0], /skipped tensorflow-gpu: package is not installed/);
  });

  it('reports a package that loads but registers nothing', async () => {
    const sel = await selectBackend({ requireModule: () => ({}), preferred: 'tensorflow' });
    assert.equal(sel.attempts[0].name, 'tensorflow');
    assert.match(sel.attempts[0].reason!, /registered no tensorflow backend/);
    assert.equal(sel.name, 'wasm');
  });
});
