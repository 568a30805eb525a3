/**
 * Keras files across the two HDF5 libraries: h5py (what Keras saves through) writes the seed's model the way Keras's
 * saving code does, float16 included, and our import reads it; h5py reads our export and finds Keras's layout. Needs
 * Debian's python3-h5py (or LSTM_H5PY_PYTHON); skips saying so without it, and fails instead under
 * LSTM_REQUIRE_H5PY=1 (.ci/run installs it).
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { importKeras } from '../../../src/model/keras/keras-import';
import { exportKeras } from '../../../src/model/keras/keras-export';
import { makeSpec } from '../../../src/model/architecture';
import { initWeights } from '../../../src/model/initializers';
import { SEED_ALL_CHARS } from '../../../src/model/keras/seed-vocab';
import { tempDir } from '../../helpers';
import { keras2Config, seedArrays, seedConfig } from './keras-fixtures';

const SCRIPT = path.join(__dirname, 'h5py_keras.py');

function h5pyPython(): string | undefined {
  for (const p of [process.env.LSTM_H5PY_PYTHON, '/usr/bin/python3', 'python3'].filter((x): x is string => !!x)) {
    if (spawnSync(p, ['-c', 'import h5py'], { timeout: 30_000 }).status === 0) return p;
  }
  return undefined;
}

function py(python: string, args: string[]): string {
  const r = spawnSync('timeout', ['-s', 'KILL', '120', python, SCRIPT, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `h5py_keras.py ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

describe('Keras files through h5py, the library Keras saves with', function () {
  this.timeout(120_000);
  let python: string | undefined;
  before(function () {
    python = h5pyPython();
    if (!python) {
      const why = 'no Python with h5py here (apt-get install python3-h5py, or set LSTM_H5PY_PYTHON)';
      if (process.env.LSTM_REQUIRE_H5PY === '1') throw new Error(`LSTM_REQUIRE_H5PY=1 but ${why}`);
      console.log(`      (skipped: ${why})`);
      this.skip();
    }
  });

  /** The seed model's arrays as a raw file and its description, for the Python writer. */
  function writeSeed(dir: string) {
    const vocab = [...SEED_ALL_CHARS];
    const a = seedArrays(vocab, 8, [8, 16], 11);
    const named: [string, number[], Float32Array][] = [
      ['embedding/embeddings:0', [97, 8], a.embedding],
      ['lstm_1/lstm_cell/kernel:0', [8, 32], a.lstm[0].kernel],
      ['lstm_1/lstm_cell/recurrent_kernel:0', [8, 32], a.lstm[0].recurrent],
      ['lstm_1/lstm_cell/bias:0', [32], a.lstm[0].bias],
      ['lstm_2/lstm_cell/kernel:0', [8, 64], a.lstm[1].kernel],
      ['lstm_2/lstm_cell/recurrent_kernel:0', [16, 64], a.lstm[1].recurrent],
      ['lstm_2/lstm_cell/bias:0', [64], a.lstm[1].bias],
      ['dense/kernel:0', [16, 97], a.denseKernel],
      ['dense/bias:0', [97], a.denseBias],
    ];
    const raw = path.join(dir, 'arrays.f32');
    fs.writeFileSync(raw, Buffer.concat(named.map(([, , x]) => Buffer.from(x.buffer, x.byteOffset, x.byteLength))));
    const names = named.map(([n]) => n);
    const meta = {
      arrays: named.map(([name, shape]) => ({ name, shape })),
      keras2_layers: [
        ['embedding', names.slice(0, 1)],
        ['lstm_1', names.slice(1, 4)],
        ['dropout', []],
        ['lstm_2', names.slice(4, 7)],
        ['dropout_1', []],
        ['dense', names.slice(7)],
      ],
      keras2_config: keras2Config(97),
      // The seed's subclassed model: its Sequential under `layers/sequential/` (see keras-fixtures.ts for why).
      keras3_groups: [
        ['', 'rnn', []],
        ['layers/sequential', 'sequential', []],
        ['layers/sequential/layers/embedding', 'embedding', names.slice(0, 1)],
        ['layers/sequential/layers/lstm', 'lstm_1', []],
        ['layers/sequential/layers/lstm/cell', 'lstm_cell', names.slice(1, 4)],
        ['layers/sequential/layers/dropout', 'dropout', []],
        ['layers/sequential/layers/lstm_1', 'lstm_2', []],
        ['layers/sequential/layers/lstm_1/cell', 'lstm_cell', names.slice(4, 7)],
        ['layers/sequential/layers/dropout_1', 'dropout_1', []],
        ['layers/sequential/layers/dense', 'dense', names.slice(7)],
      ],
      keras3_config: seedConfig(97),
    };
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
    return { raw, meta: path.join(dir, 'meta.json'), a };
  }

  it('imports a Keras 2 whole-model .h5 stored as float16, widened exactly', async () => {
    const dir = tempDir();
    const { raw, meta } = writeSeed(dir);
    const out = path.join(dir, 'model.h5');
    py(python!, ['write-keras2', raw, out, meta]);
    const stored = new Float32Array(new Uint8Array(fs.readFileSync(raw + '.f16')).buffer);
    const { weights, source } = await importKeras(fs.readFileSync(out), 'model.h5');
    assert.equal(source.format, 'keras2-h5');
    assert.deepEqual(source.fileDtypes, ['float16']);
    assert.equal(source.kerasVersion, '2.15.0');
    // Ours [98, 8]: rows 0..96 are the seed's 97 in the same order.
    assert.deepEqual(weights.embedding.subarray(0, 97 * 8), stored.subarray(0, 97 * 8));
    assert.deepEqual(
      weights.lstm[1].recurrentKernel,
      stored.subarray(97 * 8 + 8 * 32 + 8 * 32 + 32 + 8 * 64, 97 * 8 + 8 * 32 + 8 * 32 + 32 + 8 * 64 + 16 * 64),
    );
    assert.deepEqual(weights.spec.lstmUnits, [8, 16]);
  });

  it("imports a Keras 3 .keras that h5py and Python's zipfile wrote as Keras does", async () => {
    const dir = tempDir();
    const { raw, meta, a } = writeSeed(dir);
    const out = path.join(dir, 'trained_model.keras');
    py(python!, ['write-keras3', raw, out, meta]);
    const { weights, source } = await importKeras(fs.readFileSync(out), 'trained_model.keras');
    assert.equal(source.format, 'keras3');
    assert.equal(source.kerasVersion, '3.16.0');
    assert.deepEqual(weights.lstm[0].kernel, a.lstm[0].kernel);
    assert.deepEqual(weights.denseBias.subarray(0, 97), a.denseBias);
  });

  it('our export reads in h5py at the paths, names and types Keras 3 writes for a Sequential of the seed layers', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'ours.keras');
    fs.writeFileSync(file, await exportKeras(initWeights(makeSpec(), 3), { checkpoint: 'test' }));
    const listed = JSON.parse(py(python!, ['list', file])) as {
      entries: [string, number][];
      config: { class_name: string; config: { layers: { class_name: string; config: { name: string } }[] } };
      metadata: { keras_version: string };
      objects: [string, Record<string, string>, string | null, number[] | null][];
    };
    // saving_lib.py: metadata.json, config.json, model.weights.h5, in that order, ZIP_STORED (0).
    assert.deepEqual(listed.entries, [
      ['metadata.json', 0],
      ['config.json', 0],
      ['model.weights.h5', 0],
    ]);
    assert.equal(listed.metadata.keras_version, '3.16.0');
    assert.equal(listed.config.class_name, 'Sequential');
    assert.deepEqual(
      listed.config.config.layers.map((l) => `${l.class_name}:${l.config.name}`),
      ['InputLayer:input_layer', 'Embedding:embedding', 'LSTM:lstm_1', 'Dropout:dropout', 'LSTM:lstm_2', 'Dropout:dropout_1', 'Dense:dense'],
    );
    const datasets = listed.objects.filter(([, , dtype]) => dtype).map(([name, , dtype, shape]) => `${name} ${dtype} ${shape!.join('x')}`);
    assert.deepEqual(
      datasets.filter((d) => !d.startsWith('lstm_complete/')),
      [
        'layers/dense/vars/0 float32 256x97',
        'layers/dense/vars/1 float32 97',
        'layers/embedding/vars/0 float32 97x64',
        'layers/lstm/cell/vars/0 float32 64x1024',
        'layers/lstm/cell/vars/1 float32 256x1024',
        'layers/lstm/cell/vars/2 float32 1024',
        'layers/lstm_1/cell/vars/0 float32 256x1024',
        'layers/lstm_1/cell/vars/1 float32 256x1024',
        'layers/lstm_1/cell/vars/2 float32 1024',
      ],
    );
    const names = Object.fromEntries(listed.objects.filter(([n]) => n.endsWith('vars')).map(([n, attrs]) => [n, attrs.name]));
    assert.deepEqual(names, {
      vars: 'lstm_complete',
      'layers/embedding/vars': 'embedding',
      'layers/lstm/vars': 'lstm_1',
      'layers/lstm/cell/vars': 'lstm_cell',
      'layers/dropout/vars': 'dropout',
      'layers/lstm_1/vars': 'lstm_2',
      'layers/lstm_1/cell/vars': 'lstm_cell',
      'layers/dropout_1/vars': 'dropout_1',
      'layers/dense/vars': 'dense',
    });
  });
});
