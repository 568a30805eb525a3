/**
 * Picks the TensorFlow.js backend. Ladder in auto mode: tensorflow-gpu (@tensorflow/tfjs-node-gpu, CUDA) ->
 * tensorflow (@tensorflow/tfjs-node) -> webgpu (Dawn, when a hardware adapter exists) -> wasm -> cpu. A backend the user names is tried first, then the
 * rest of the ladder, so a missing backend never stops the caller; each skip is logged with its reason.
 * The native packages are optional dependencies and are only required, never imported statically.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { registerWebGpu } from './webgpu';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';

export const BACKEND_LADDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
export const NATIVE_PACKAGES: Readonly<Record<'tensorflow-gpu' | 'tensorflow', string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  reason?: string;
  ms: number;
}

export interface BackendSelection {
  /** Our name for the backend in use. */
  name: BackendName;
  /** The name tfjs knows it by (both native packages register `tensorflow`). */
  tfName: string;
  /** The device behind it, where there is one to name (the WebGPU adapter). */
  device?: string;
  attempts: BackendAttempt[];
}

export interface SelectBackendOptions {
  preferred?: BackendPreference;
  log?: (line: string) => void;
  /** Loads a native package; tests pass a fake. Defaults to require() from this file and extra paths. */
  requireModule?: (id: string) => unknown;
  /** Extra folders searched for the native packages (e.g. an install in the extension's storage). */
  modulePaths?: string[];
  /** Folder holding the tfjs wasm binaries; found automatically next to the bundle or in node_modules. */
  wasmDir?: string;
  /** Accept a software WebGPU adapter (Mesa llvmpipe) in the ladder; it is always accepted when webgpu is named. */
  allowSoftwareGpu?: boolean;
}

export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Where the wasm binaries are: next to the bundle (dist/) or inside the npm package. */
export function findWasmDir(): string {
  const candidates = [__dirname, path.join(__dirname, '..'), path.join(__dirname, '..', '..', 'dist')];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, WASM_FILES[1]))) return dir;
  }
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  } catch {
    throw new Error(`the tfjs wasm binaries (${WASM_FILES[1]}) were not found next to ${__dirname}`);
  }
}

function defaultRequire(modulePaths: string[]): (id: string) => unknown {
  return (id: string) => {
    const resolved = require.resolve(id, { paths: [__dirname, ...modulePaths] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(resolved);
  };
}

function describeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Cannot find module/.test(msg)) return 'package is not installed';
  return msg.split('\n')[0];
}

async function activate(name: BackendName, opts: SelectBackendOptions): Promise<{ tfName: string; device?: string }> {
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const load = opts.requireModule ?? defaultRequire(opts.modulePaths ?? []);
    load(NATIVE_PACKAGES[name]);
    if (!tf.findBackendFactory('tensorflow')) throw new Error('package loaded but registered no tensorflow backend');
    if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend failed to initialise');
    return { tfName: 'tensorflow' };
  }
  if (name === 'webgpu') {
    const choice = await registerWebGpu({ allowSoftware: opts.allowSoftwareGpu || opts.preferred === 'webgpu', modulePaths: opts.modulePaths, log: opts.log });
    if (!(await tf.setBackend('webgpu'))) throw new Error(`the webgpu backend failed to initialise on ${choice.description}`);
    return {
      tfName: 'webgpu',
      device: `${choice.description} (${choice.api === 'default' ? 'native API' : choice.api}${choice.software ? ', software' : ''})`,
    };
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = opts.wasmDir ?? findWasmDir();
    wasm.setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    return { tfName: 'wasm' };
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  // The cpu backend prints an advert for tfjs-node on first use; we already said which backend we use.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { tfName: 'cpu' };
}

export function backendOrder(preferred: BackendPreference = 'auto'): BackendName[] {
  if (preferred === 'auto') return [...BACKEND_LADDER];
  if (!BACKEND_LADDER.includes(preferred)) throw new Error(`unknown backend "${preferred}" (auto, ${BACKEND_LADDER.join(', ')})`);
  return [preferred, ...BACKEND_LADDER.filter((b) => b !== preferred)];
}

export async function selectBackend(opts: SelectBackendOptions = {}): Promise<BackendSelection> {
  const log = opts.log ?? (() => undefined);
  const attempts: BackendAttempt[] = [];
  for (const name of backendOrder(opts.preferred)) {
    const t0 = Date.now();
    try {
      const { tfName, device } = await activate(name, opts);
      attempts.push({ name, ok: true, ms: Date.now() - t0 });
      log(
        `backend: using ${name}${device ? ` on ${device}` : ''}${opts.preferred && opts.preferred !== 'auto' && opts.preferred !== name ? ` (asked for ${opts.preferred})` : ''}`,
      );
      return { name, tfName, device, attempts };
    } catch (e) {
      const reason = describeError(e);
      attempts.push({ name, ok: false, reason, ms: Date.now() - t0 });
      log(`backend: skipped ${name}: ${reason}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`);
}
