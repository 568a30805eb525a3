/**
 * Entry point of a training run in its own Node process (bundled to dist/training-process.js), started by
 * process-client.ts with an IPC channel. Used for GPU backends (Dawn cannot run inside Electron, and a GPU
 * driver fault ends this process, not the editor) and for the editor's CPU runs when a plain Node is at hand: the
 * whole process runs at low priority, V8's helper threads included, and its garbage is not the extension host's.
 */
import { replayHooks } from './replay-hooks';
import { train } from '../loop/trainer';
import type { TrainConfig } from '../loop/train-config';
import { FromWorker } from './worker-protocol';
import { lowerOwnAutogroup, lowerProcessPriority, TRAINING_NICE } from '../../util/thread-priority';

type ToProcess = { type: 'start'; config: TrainConfig } | { type: 'cancel' } | { type: 'busy'; busy: boolean };

let cancelled = false;
let editorBusy = false;
const send = (m: FromWorker): Promise<void> => new Promise((resolve) => process.send!(m, undefined, undefined, () => resolve()));

process.on('message', (m: ToProcess) => {
  if (m.type === 'cancel') cancelled = true;
  else if (m.type === 'busy') editorBusy = m.busy;
  else if (m.type === 'start') {
    if (m.config.lowPriority) {
      const threads = lowerProcessPriority();
      const group = lowerOwnAutogroup();
      const lowered = process.platform === 'linux' ? `${threads} threads` : threads ? 'the process' : 'nothing (the priority could not be changed)';
      const message = `training process: ${lowered} at nice ${TRAINING_NICE}${group ? `, its own scheduling group at nice ${TRAINING_NICE}` : ''}`;
      void send({ type: 'event', event: { type: 'log', message } });
    }
    train(
      m.config,
      (event) => void send({ type: 'event', event }),
      () => cancelled,
      { ...replayHooks, editorBusy: () => editorBusy },
    ).then(
      async (summary) => {
        await send({ type: 'done', summary });
        process.exit(0);
      },
      async (e: unknown) => {
        await send({ type: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
        process.exit(1);
      },
    );
  }
});
// The parent went away (editor closed): stop at once; the last checkpoint is on disk.
process.on('disconnect', () => process.exit(2));
