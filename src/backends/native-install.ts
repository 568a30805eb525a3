/**
 * Installs an optional native backend (@tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node, or Dawn's `webgpu`
 * bindings) with npm into a folder of its own (the extension's global storage), so the backend ladder can load it from there.
 * The install downloads libtensorflow; where that fails (no internet, no CUDA libraries) the error says so and
 * the half-installed folder is removed. No VS Code import: the editor command and tests call it.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NATIVE_PACKAGES } from './backend';
import { WEBGPU_PACKAGE } from './webgpu';

/** What can be installed, and the version that was tested with this release. */
export const INSTALLABLE = {
  'tensorflow-gpu': { pkg: NATIVE_PACKAGES['tensorflow-gpu'], version: '4.22.0' },
  tensorflow: { pkg: NATIVE_PACKAGES.tensorflow, version: '4.22.0' },
  webgpu: { pkg: WEBGPU_PACKAGE, version: '0.6.2' },
} as const;

export type NativeBackend = keyof typeof INSTALLABLE;

export interface NativeInstallOptions {
  /** Folder that receives node_modules/<package>; pass it to selectBackend({ modulePaths }). */
  dir: string;
  version?: string;
  /** The npm command (tests pass a fake). */
  npm?: string;
  log?: (line: string) => void;
  /** Ends the install (and cleans up) when it returns true; checked as output arrives. */
  isCancelled?: () => boolean;
}

export class NativeInstallError extends Error {
  override name = 'NativeInstallError';
}

/** Turns npm's output into the reason a user can act on. */
export function explainInstallFailure(output: string, which: NativeBackend = 'tensorflow'): string {
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|storage\.googleapis\.com/i.test(output)) {
    if (which === 'webgpu') return 'the download of the webgpu package failed (no access to the npm registry?)';
    return 'the download of libtensorflow failed (no internet access to storage.googleapis.com?)';
  }
  if (/libcudart|libcudnn|CUDA/i.test(output)) return 'the CUDA 11.2 / cuDNN 8.1 libraries tfjs-node-gpu needs were not found';
  if (/EACCES|EPERM/.test(output)) return 'no permission to write the install folder';
  const last = output
    .trim()
    .split('\n')
    .filter((l) => /err/i.test(l))
    .pop();
  return last ? last.replace(/^npm (ERR!|error)\s*/, '') : 'npm failed';
}

export async function installNativeBackend(which: NativeBackend, opts: NativeInstallOptions): Promise<string> {
  const { pkg, version } = INSTALLABLE[which];
  const log = opts.log ?? (() => undefined);
  const staging = `${opts.dir}.installing`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'lstm-complete-native-backend', private: true }));
  const args = ['install', '--no-audit', '--no-fund', '--no-save', '--dangerously-allow-all-scripts', `${pkg}@${opts.version ?? version}`];
  log(`native backend: npm ${args.join(' ')} in ${staging}`);
  let output = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn(opts.npm ?? 'npm', args, { cwd: staging, env: { ...process.env, npm_config_yes: 'true' } });
    const onData = (d: Buffer) => {
      const s = d.toString();
      output += s;
      for (const l of s.split('\n').filter(Boolean)) log(`npm: ${l}`);
      if (opts.isCancelled?.()) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      output += String(e);
      resolve(127);
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
  const installed = path.join(staging, 'node_modules', ...pkg.split('/'));
  if (code !== 0 || !fs.existsSync(installed) || opts.isCancelled?.()) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (opts.isCancelled?.()) throw new NativeInstallError(`installing ${pkg} was cancelled; nothing was left behind`);
    throw new NativeInstallError(`installing ${pkg} failed: ${explainInstallFailure(output, which)}`);
  }
  // Only a complete install replaces the previous one.
  fs.rmSync(opts.dir, { recursive: true, force: true });
  fs.renameSync(staging, opts.dir);
  log(`native backend: ${pkg} installed in ${opts.dir}`);
  return opts.dir;
}
