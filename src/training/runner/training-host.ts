/**
 * Where a training run executes: a separate plain Node process (GPU backends: Dawn cannot run inside Electron,
 * and a driver fault should not take the editor down; and the editor's low-priority CPU runs, so none of the
 * run's threads or garbage share the extension host's process), or a worker thread of the caller when no plain
 * Node is found (or for the CLI). Pure decision plus a probe for a usable Node; no VS Code import.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BackendPreference } from '../../backends/backend';

export type TrainingHost = { kind: 'worker'; reason: string } | { kind: 'process'; node: string; reason: string };

export interface HostFacts {
  backend: BackendPreference;
  /** The `webgpu` package resolves (installed next to the extension or in its storage). */
  webgpuInstalled: boolean;
  /** A plain Node.js (not Electron), version 20 or later, if one was found. */
  node?: string;
  /** Why no Node was found, for the log. */
  nodeProblem?: string;
  /** A CPU run that should yield to typing (the editor's): in a process when a plain Node is found. */
  lowPriority?: boolean;
  /** The caller is a plain Node waiting for the run (the CLI): a worker thread of it runs every backend. */
  callerIsPlainNode?: boolean;
}

/** Whether a run asks for the GPU backend: named, or auto with the webgpu package installed. */
export function wantsGpu(backend: BackendPreference, webgpuInstalled: boolean): boolean {
  return backend === 'webgpu' || (backend === 'auto' && webgpuInstalled);
}

export function chooseTrainingHost(f: HostFacts): TrainingHost {
  if (f.callerIsPlainNode && !f.lowPriority) return { kind: 'worker', reason: `backend ${f.backend} runs in a worker thread of this Node process` };
  if (!wantsGpu(f.backend, f.webgpuInstalled)) {
    const backend = `backend ${f.backend}${f.backend === 'auto' ? ' (webgpu not installed)' : ''}`;
    if (f.lowPriority && f.node)
      return { kind: 'process', node: f.node, reason: `${backend} runs in a separate Node process at low priority (${f.node}), out of the extension host's` };
    return {
      kind: 'worker',
      reason: `${backend} runs in a worker thread${f.lowPriority ? ` (no plain Node for a process: ${f.nodeProblem ?? 'none found'})` : ''}`,
    };
  }
  if (!f.webgpuInstalled) return { kind: 'worker', reason: 'the webgpu package is not installed (LSTM: Install Native Backend); the next backend is used' };
  if (!f.node)
    return {
      kind: 'worker',
      reason: `webgpu needs a plain Node.js 20+ to run in (${f.nodeProblem ?? 'none found'}; set lstmComplete.nodePath); the next backend is used`,
    };
  return { kind: 'process', node: f.node, reason: `webgpu: training runs in a separate Node process (${f.node})` };
}

function probe(node: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      node,
      ['-p', 'process.versions.node + " " + (process.versions.electron || "")'],
      { timeout: 10_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } },
      (err, stdout) => {
        if (err) return resolve(`${node} did not run (${err.message.split('\n')[0]})`);
        const [version, electron] = stdout.trim().split(' ');
        if (electron) return resolve(`${node} is Electron ${electron}, not a plain Node`);
        if (Number(version?.split('.')[0]) < 20) return resolve(`${node} is Node ${version}; 20 or later is needed`);
        resolve(undefined);
      },
    );
  });
}

/**
 * A plain Node.js to run training in: the configured path, else this process when it is plain Node
 * (code-server, the CLI), else `node` on PATH. Asynchronous: never blocks the extension host.
 */
export async function findPlainNode(configured = '', env: NodeJS.ProcessEnv = process.env): Promise<{ node?: string; problem?: string }> {
  const candidates: string[] = [];
  if (configured) candidates.push(configured);
  else {
    if (!process.versions.electron) candidates.push(process.execPath);
    for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
      const f = path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
      if (fs.existsSync(f)) candidates.push(f);
    }
  }
  let problem = configured ? undefined : 'no node on PATH';
  for (const c of candidates) {
    const p = await probe(c);
    if (!p) return { node: c };
    problem = p;
  }
  return { problem };
}
