import { strict as assert } from 'assert';
import { RunStarters, startRun } from '../../../src/training/runner/start-run';
import type { TrainConfig } from '../../../src/training/loop/train-config';
import type { TrainingJob } from '../../../src/training/runner/worker-client';

/** The system as startRun sees it, recording what it was asked to start and whether it looked for a Node. */
function fakeSystem(opts: { webgpu: boolean; node?: string }) {
  const calls: string[] = [];
  const job = {} as TrainingJob;
  const sys: RunStarters = {
    webgpuResolvable: () => opts.webgpu,
    findPlainNode: async (configured?: string) => {
      calls.push(`find ${configured ?? ''}`);
      return opts.node ? { node: opts.node } : { problem: 'no node on PATH' };
    },
    startTraining: () => (calls.push('worker'), job),
    startTrainingProcess: (_c, _e, node) => (calls.push(`process ${node}`), job),
  };
  return { sys, calls, job };
}

const config = (lowPriority: boolean) => ({ lowPriority }) as TrainConfig;

describe('startRun: where a run goes, decided in one place for the editor and the CLI', () => {
  it("the editor's CPU run goes to a plain Node process at low priority, found through the configured path", async () => {
    const { sys, calls } = fakeSystem({ webgpu: false, node: '/usr/bin/node' });
    const { host } = await startRun(config(true), () => undefined, { backend: 'auto', nodePath: '/opt/node' }, sys);
    assert.equal(host.kind, 'process');
    assert.deepEqual(calls, ['find /opt/node', 'process /usr/bin/node']);
  });

  it('the editor without a plain Node trains in a worker and says why', async () => {
    const { sys, calls } = fakeSystem({ webgpu: false });
    const { host } = await startRun(config(true), () => undefined, { backend: 'wasm' }, sys);
    assert.equal(host.kind, 'worker');
    assert.match(host.reason, /no plain Node for a process: no node on PATH/);
    assert.deepEqual(calls, ['find ', 'worker']);
  });

  it('the editor sends WebGPU to a process; the CLI, itself a plain Node, runs every backend in a worker without looking for one', async () => {
    const editor = fakeSystem({ webgpu: true, node: '/n' });
    assert.equal((await startRun(config(true), () => undefined, { backend: 'webgpu' }, editor.sys)).host.kind, 'process');
    const cli = fakeSystem({ webgpu: true, node: '/n' });
    const { host } = await startRun(config(false), () => undefined, { backend: 'webgpu', callerIsPlainNode: true }, cli.sys);
    assert.equal(host.kind, 'worker');
    assert.deepEqual(cli.calls, ['worker']);
  });
});
