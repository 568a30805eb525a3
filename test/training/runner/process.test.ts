import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startTrainingProcess } from '../../../src/training/runner/process-client';
import { chooseTrainingHost, findPlainNode } from '../../../src/training/runner/training-host';
import { loadCheckpoint } from '../../../src/model/checkpoint';
import { tinyCorpus, tinyConfig } from '../fixtures';
import { tempDir } from '../../helpers';

describe('training host choice', () => {
  it("runs GPU training and the editor's low-priority CPU runs in a plain Node process, the rest in a worker thread", () => {
    assert.equal(chooseTrainingHost({ backend: 'wasm', webgpuInstalled: true, node: '/n' }).kind, 'worker');
    assert.equal(chooseTrainingHost({ backend: 'auto', webgpuInstalled: false, node: '/n' }).kind, 'worker');
    assert.deepEqual(chooseTrainingHost({ backend: 'auto', webgpuInstalled: true, node: '/n' }), {
      kind: 'process',
      node: '/n',
      reason: 'webgpu: training runs in a separate Node process (/n)',
    });
    assert.equal(chooseTrainingHost({ backend: 'webgpu', webgpuInstalled: true, node: '/n' }).kind, 'process');
    const noNode = chooseTrainingHost({ backend: 'webgpu', webgpuInstalled: true, nodeProblem: '/x is Electron 37.2.0, not a plain Node' });
    assert.equal(noNode.kind, 'worker');
    assert.match(noNode.reason, /Electron 37\.2\.0.*lstmComplete\.nodePath/);
    assert.match(chooseTrainingHost({ backend: 'webgpu', webgpuInstalled: false }).reason, /Install Native Backend/);
    // The editor's CPU runs (low priority) go to a process when a plain Node is found, else stay in a worker.
    const cpu = chooseTrainingHost({ backend: 'auto', webgpuInstalled: false, node: '/n', lowPriority: true });
    assert.deepEqual([cpu.kind, cpu.kind === 'process' && cpu.node], ['process', '/n']);
    assert.match(cpu.reason, /separate Node process at low priority/);
    const cpuNoNode = chooseTrainingHost({
      backend: 'wasm',
      webgpuInstalled: false,
      lowPriority: true,
      nodeProblem: '/x is Electron 37.2.0, not a plain Node',
    });
    assert.equal(cpuNoNode.kind, 'worker');
    assert.match(cpuNoNode.reason, /worker thread \(no plain Node for a process: \/x is Electron/);
  });

  it('finds a plain Node, and says why a configured one does not do', async () => {
    assert.equal((await findPlainNode()).node, process.execPath);
    const fake = path.join(tempDir(), 'node');
    fs.writeFileSync(fake, '#!/bin/sh\necho "18.19.0 "\n', { mode: 0o755 });
    assert.match((await findPlainNode(fake)).problem ?? '', /Node 18\.19\.0; 20 or later/);
    fs.writeFileSync(fake, '#!/bin/sh\necho "22.1.0 37.2.0"\n', { mode: 0o755 });
    assert.match((await findPlainNode(fake)).problem ?? '', /Electron 37\.2\.0/);
    assert.match((await findPlainNode('/nonexistent/node')).problem ?? '', /did not run/);
    assert.equal((await findPlainNode('', { PATH: path.dirname(process.execPath) })).node, process.execPath);
  });
});

describe('training process', function () {
  this.timeout(120_000);

  it('trains in a separate Node process, streams events and can be cancelled', async () => {
    const out = path.join(tempDir(), 'ck');
    let batches = 0;
    let sawBackend = false;
    const job = startTrainingProcess(
      tinyConfig(tinyCorpus(4), out, { epochs: 200, evalEvery: 2 }),
      (e) => {
        if (e.type === 'log' && /backend: using wasm/.test(e.message)) sawBackend = true;
        if (e.type === 'batch' && ++batches === 5) job.cancel();
      },
      process.execPath,
    );
    const s = await job.done;
    assert.equal(s.stoppedBy, 'cancelled');
    assert.ok(s.steps >= 5 && s.steps < 20, `stopped after ${s.steps} steps`);
    assert.ok(sawBackend);
    assert.ok(loadCheckpoint(out).meta.training!.history.length >= 1);
  });

  it('a low-priority run lowers its threads and, in a session of its own, its scheduling group', async function () {
    const logs: string[] = [];
    const job = startTrainingProcess(
      { ...tinyConfig(tinyCorpus(2), path.join(tempDir(), 'ck'), { epochs: 200 }), lowPriority: true },
      (e) => {
        if (e.type === 'log') logs.push(e.message);
        if (e.type === 'batch') job.cancel();
      },
      process.execPath,
    );
    await job.done;
    const line = logs.find((l) => l.startsWith('training process:'));
    if (process.platform !== 'linux') return this.skip();
    assert.match(line ?? '', /training process: \d+ threads at nice 10/);
    if (fs.existsSync('/proc/self/autogroup')) assert.match(line!, /its own scheduling group at nice 10/);
  });

  it('reports a failure, and a process that dies, without taking the caller down', async () => {
    await assert.rejects(
      startTrainingProcess(tinyConfig('/nonexistent/folder', path.join(tempDir(), 'ck')), () => undefined, process.execPath).done,
      /does not exist/,
    );
    const job = startTrainingProcess(tinyConfig(tinyCorpus(2), path.join(tempDir(), 'ck'), { epochs: 1000 }), () => undefined, process.execPath);
    setTimeout(() => void job.terminate(), 1500);
    await assert.rejects(job.done, /ended unexpectedly \(SIGTERM\)/);
    await assert.rejects(
      startTrainingProcess(tinyConfig(tinyCorpus(1), tempDir()), () => undefined, '/nonexistent/node').done,
      /could not start the training process/,
    );
  });
});
