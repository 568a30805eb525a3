/**
 * A developer's CPU profile of this thread (the extension host) while something runs, through Node's own inspector:
 * set LSTM_COMPLETE_HOST_PROFILE to a folder and each training run writes `host-<time>.cpuprofile` there (open it in
 * Chrome's DevTools, or read it with scripts/vscode-test/profile-stalls.mjs). Off unless the variable is set: it
 * exists to find what the host does in its stalls, which the event-loop figures only time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Session } from 'inspector';

export interface HostProfile {
  /** Stops profiling and writes the profile; resolves to its path (undefined when it could not be written). */
  stop(): Promise<string | undefined>;
}

export function startHostProfile(dir = process.env.LSTM_COMPLETE_HOST_PROFILE): HostProfile | undefined {
  if (!dir) return undefined;
  const session = new Session();
  try {
    session.connect();
  } catch {
    return undefined; // a debugger already holds this thread
  }
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  // 1 ms sampling: stalls of 50 ms get ~50 samples each.
  const started = post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: 1000 }))
    .then(() => post('Profiler.start'));
  return {
    async stop() {
      try {
        await started;
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `host-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
        fs.writeFileSync(file, JSON.stringify(profile));
        return file;
      } catch {
        return undefined;
      } finally {
        session.disconnect();
      }
    },
  };
}
