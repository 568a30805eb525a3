/**
 * WebGPU for TensorFlow.js under Node: Dawn's Node bindings (the optional `webgpu` package, prebuilt
 * `dawn.node`) provide `navigator.gpu`, and @tensorflow/tfjs-backend-webgpu runs on it. No CUDA needed.
 *
 * Adapters are tried in order: the platform's native API (Vulkan / Metal / D3D12), then OpenGL ES in
 * compatibility mode (what Mesa's software renderer offers in CI). A software adapter (llvmpipe, lavapipe,
 * SwiftShader) is only accepted when asked for, never in auto mode: it is slower than the wasm backend.
 * Dawn cannot run inside Electron (VS Code's extension host): external array buffers are forbidden there,
 * so the extension runs GPU training in a separate, plain Node process (see training/runner/process-client.ts).
 */
import { pathToFileURL } from 'url';
import { execFile } from 'child_process';
import * as tf from '@tensorflow/tfjs-core';
import { missingDriverHint, probeDriverFacts } from './driver-hint';
import { ADAPTER_TRIES } from './adapter-tries';
import { findWorkerScript } from '../util/worker-script';

/** The probe's program, bundled (src/backends/dawn-probe-main.ts). */
export const DAWN_PROBE_FILE = 'dawn-probe.js';

export const WEBGPU_PACKAGE = 'webgpu';

/** What tfjs needs of a GPUAdapter (typed loosely: @webgpu/types is not a dependency). */
export interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor?: unknown): Promise<unknown>;
}

interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapterLike | null> };
  globals: Record<string, unknown>;
}

export interface AdapterChoice {
  adapter: GpuAdapterLike;
  /** Dawn backend flag used: 'default' (Vulkan/Metal/D3D12) or 'opengles'. */
  api: string;
  description: string;
  software: boolean;
}

const liveInstances: unknown[] = [];

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render/i;

/** A one-line name for the adapter, e.g. "llvmpipe (LLVM 15.0.6, 256 bits) / OpenGL ES 3.2 Mesa 22.3.6". */
export function describeAdapter(a: GpuAdapterLike): string {
  const info = a.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.trim()).join(' / ') || 'unnamed adapter';
}

/** True for CPU renderers, which are slower than the wasm backend. */
export function isSoftwareAdapter(a: GpuAdapterLike): boolean {
  return Boolean(a.info?.isFallbackAdapter || a.isFallbackAdapter) || SOFTWARE.test(describeAdapter(a));
}

/**
 * Where the `webgpu` package is looked for: beside this build, then the folders given (the extension's storage,
 * where Install Native Backend puts it). Never the current working folder: running the CLI inside someone else's
 * repository must not execute that repository's `node_modules/webgpu`.
 */
export function webgpuSearchPaths(modulePaths: string[] = []): string[] {
  return [__dirname, ...modulePaths];
}

/** The `webgpu` package's entry point, found where webgpuSearchPaths says; throws when it is not installed. */
function resolveWebgpu(modulePaths: string[]): string {
  return require.resolve(WEBGPU_PACKAGE, { paths: webgpuSearchPaths(modulePaths) });
}

/** True when the `webgpu` package can be found (without loading it). */
export function webgpuResolvable(modulePaths: string[] = []): boolean {
  try {
    resolveWebgpu(modulePaths);
    return true;
  } catch {
    return false;
  }
}

/** Loads the ES module `webgpu` from node_modules or the extra folders (e.g. the extension's storage). */
export async function loadDawn(modulePaths: string[] = []): Promise<DawnModule> {
  if (process.versions.electron) {
    throw new Error('dawn.node cannot run inside Electron (external array buffers are forbidden there); training runs it in a separate Node process');
  }
  // Without a display, Mesa's EGL needs to be told to render off-screen.
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) process.env.EGL_PLATFORM ??= 'surfaceless';
  const resolved = resolveWebgpu(modulePaths);
  // A real dynamic import: the package is ESM and must not be bundled.
  const load = new Function('u', 'return import(u)') as (u: string) => Promise<DawnModule>;
  return load(pathToFileURL(resolved).href);
}

/** Finds the best adapter: native API first, then OpenGL ES (compatibility mode). */
export async function chooseAdapter(dawn: DawnModule, log: (line: string) => void = () => undefined): Promise<AdapterChoice | null> {
  let fallback: AdapterChoice | null = null;
  for (const t of ADAPTER_TRIES) {
    let adapter: GpuAdapterLike | null = null;
    try {
      const instance = dawn.create(t.flags);
      // Dawn's event loop keeps calling into each instance it made: an instance collected by the GC is a
      // use-after-free (random crashes in InstanceBase::ProcessEvents). Keep every one for the process's life.
      liveInstances.push(instance);
      adapter = await instance.requestAdapter(t.options);
    } catch (e) {
      log(`webgpu: ${t.api} adapter failed: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!adapter) continue;
    const choice: AdapterChoice = { adapter, api: t.api, description: describeAdapter(adapter), software: isSoftwareAdapter(adapter) };
    if (!choice.software) return choice;
    fallback ??= choice;
  }
  return fallback;
}

/**
 * Looks for adapters in a child Node process, so that Dawn's native warnings (e.g. "Couldn't load Vulkan" on
 * a machine without a GPU driver) go to the child's stderr, not to every user's terminal: auto mode then loads
 * Dawn in this process only when a hardware adapter exists. Set LSTM_COMPLETE_GPU_LOG=1 to see the probe's
 * output. Resolves to the adapters found (as plain info) or undefined when the probe itself failed.
 */
export function probeAdaptersQuietly(
  modulePaths: string[] = [],
  log: (line: string) => void = () => undefined,
): Promise<{ api: string; adapter: GpuAdapterLike }[] | undefined> {
  let resolved: string;
  try {
    resolved = resolveWebgpu(modulePaths);
  } catch {
    return Promise.resolve(undefined);
  }
  let script: string;
  try {
    script = findWorkerScript(DAWN_PROBE_FILE);
  } catch {
    return Promise.resolve(undefined); // running from sources without a build: no quiet probe
  }
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) env.EGL_PLATFORM ??= 'surfaceless';
    execFile(process.execPath, [script, pathToFileURL(resolved).href], { env, timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (process.env.LSTM_COMPLETE_GPU_LOG === '1' && stderr.trim()) for (const line of stderr.trim().split('\n')) log(`webgpu probe: ${line}`);
      if (err) return resolve(undefined);
      try {
        resolve(JSON.parse(stdout) as { api: string; adapter: GpuAdapterLike }[]);
      } catch {
        resolve(undefined);
      }
    });
  });
}

let registered: AdapterChoice | undefined;
let probed: Promise<AdapterChoice | null> | undefined; // adapters are looked for once per process

/**
 * Registers tfjs's webgpu backend on the chosen adapter. `allowSoftware` accepts a CPU renderer (tests, CI).
 * Returns the adapter; throws with the reason when there is none that may be used.
 */
export async function registerWebGpu(opts: { allowSoftware: boolean; modulePaths?: string[]; log?: (line: string) => void }): Promise<AdapterChoice> {
  if (registered && (opts.allowSoftware || !registered.software)) return registered;
  if (process.versions.electron) await loadDawn(opts.modulePaths); // says why it cannot run here
  if (!opts.allowSoftware && !probed) {
    // Auto mode: find out quietly whether a hardware adapter exists before Dawn prints to this terminal.
    const found = await probeAdaptersQuietly(opts.modulePaths, opts.log);
    if (found && !found.some((f) => !isSoftwareAdapter(f.adapter))) {
      const soft = found[0];
      if (!soft) {
        const hint = missingDriverHint(probeDriverFacts());
        throw new Error(`no WebGPU adapter (no GPU driver for Vulkan/Metal/D3D12, and no OpenGL ES)${hint ? `: ${hint}` : ''}`);
      }
      throw new Error(`only a software adapter (${describeAdapter(soft.adapter)}), slower than wasm; choose the webgpu backend to use it anyway`);
    }
  }
  const dawn = await loadDawn(opts.modulePaths);
  probed ??= chooseAdapter(dawn, opts.log);
  const choice = await probed;
  if (!choice) {
    const hint = missingDriverHint(probeDriverFacts());
    throw new Error(`no WebGPU adapter (no GPU driver for Vulkan/Metal/D3D12, and no OpenGL ES)${hint ? `: ${hint}` : ''}`);
  }
  if (choice.software && !opts.allowSoftware)
    throw new Error(`only a software adapter (${choice.description}), slower than wasm; choose the webgpu backend to use it anyway`);
  // Import before navigator.gpu exists, so the package does not register its own factory (it asks for an
  // adapter with options of its own); ours creates the device on the adapter chosen here.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  Object.assign(globalThis, dawn.globals);
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  const gpu = { requestAdapter: async () => choice.adapter, getPreferredCanvasFormat: () => 'rgba8unorm' };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const a = choice.adapter;
      const l = a.limits;
      const keys = [
        'maxComputeWorkgroupStorageSize',
        'maxComputeWorkgroupsPerDimension',
        'maxStorageBufferBindingSize',
        'maxBufferSize',
        'maxComputeWorkgroupSizeX',
        'maxComputeInvocationsPerWorkgroup',
        'maxStorageBuffersPerShaderStage',
      ];
      const device = await a.requestDevice({
        requiredFeatures: a.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: Object.fromEntries(keys.filter((k) => l[k] !== undefined).map((k) => [k, l[k]])),
      });
      return new WebGPUBackend(device as ConstructorParameters<typeof WebGPUBackend>[0], a.info as ConstructorParameters<typeof WebGPUBackend>[1]);
    },
    3,
  );
  registered = choice;
  return choice;
}
