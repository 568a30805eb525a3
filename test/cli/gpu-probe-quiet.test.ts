import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers';
import { tinyCorpus } from '../training/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

describe('auto backend: the WebGPU probe is quiet', function () {
  this.timeout(120_000);
  const webgpuInstalled = fs.existsSync(path.join(ROOT, 'node_modules', 'webgpu', 'package.json'));

  it('a machine without a usable GPU hears nothing from Dawn unless it asks (LSTM_COMPLETE_GPU_LOG=1)', function () {
    if (!webgpuInstalled) this.skip();
    const args = [
      CLI,
      'train',
      '--data',
      tinyCorpus(1),
      '--out',
      path.join(tempDir(), 'ck'),
      '--epochs',
      '0.01',
      '--batch-size',
      '4',
      '--seq-len',
      '32',
      '--units',
      '8,8',
    ];
    const quiet = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, LSTM_COMPLETE_GPU_LOG: '' } });
    assert.equal(quiet.status, 0, quiet.stderr);
    const hardware = /backend: using webgpu/.test(quiet.stderr);
    if (hardware) this.skip(); // a real GPU: Dawn is loaded here, and has nothing to complain about
    assert.match(quiet.stderr, /backend: skipped webgpu/);
    assert.doesNotMatch(quiet.stderr, /^Warning:|Couldn't load|artificially reduced/m);
    // The same --out again: replacing the first run's trained checkpoint takes --force.
    const loud = spawnSync(process.execPath, [...args, '--force'], { encoding: 'utf8', env: { ...process.env, LSTM_COMPLETE_GPU_LOG: '1' } });
    assert.equal(loud.status, 0, loud.stderr);
    // Whatever Dawn said in the probe now reaches the log, marked as the probe's.
    const probeLines = loud.stderr.split('\n').filter((l) => l.includes('webgpu probe:'));
    assert.ok(probeLines.length >= 1, loud.stderr);
  });
});
