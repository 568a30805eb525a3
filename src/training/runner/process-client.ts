/**
 * Runs training in a separate, plain Node process (dist/training-process.js) and exposes it as a TrainingJob,
 * like the worker thread of worker-client.ts. The GPU backend runs there: Dawn's dawn.node cannot load in
 * Electron (VS Code's extension host forbids external array buffers), and a GPU driver fault then ends the
 * training process instead of the extension host.
 */
import { fork } from 'child_process';
import { TrainConfig, TrainEvent, TrainSummary } from '../loop/train-config';
import { findWorkerScript, TrainingJob } from './worker-client';
import { FromWorker, routeMessage } from './worker-protocol';

export const PROCESS_FILE = 'training-process.js';

export function startTrainingProcess(
  config: TrainConfig,
  onEvent: (e: TrainEvent) => void,
  node: string,
  script = findWorkerScript(PROCESS_FILE),
): TrainingJob {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.NODE_OPTIONS; // an editor's debugger hooks do not belong in the training process
  // A low-priority run gets a session of its own on Linux, so it can lower its scheduling group (thread-priority's
  // lowerOwnAutogroup); it still ends with the editor (the IPC channel closes: process-main exits).
  const detached = process.platform === 'linux' && Boolean(config.lowPriority);
  const child = fork(script, [], { execPath: node, execArgv: [], env, detached, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let settled = false;
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString()).slice(-2000);
    for (const line of d.toString().split('\n')) {
      // Dawn and Mesa print warnings on stderr; pass them on as log lines.
      if (line.trim()) onEvent({ type: 'log', message: `[training process] ${line.trim()}` });
    }
  });
  const done = new Promise<TrainSummary>((resolve, reject) => {
    child.on('message', (m: FromWorker) => {
      if (routeMessage(m, onEvent, resolve, reject)) settled = true;
    });
    child.on('error', (e) => {
      if (!settled) reject(new Error(`could not start the training process with ${node}: ${e.message}`));
      settled = true;
    });
    child.on('exit', (code, signal) => {
      if (!settled) {
        const last = stderrTail.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`the training process ended unexpectedly (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}; the last checkpoint is kept`));
      }
      settled = true;
    });
  });
  child.send({ type: 'start', config });
  return {
    done,
    cancel: () => {
      if (child.connected) child.send({ type: 'cancel' });
    },
    setEditorBusy: (busy) => {
      if (child.connected) child.send({ type: 'busy', busy });
    },
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
