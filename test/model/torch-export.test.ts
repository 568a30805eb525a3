import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { makeSpec, parameterCount, weightEntries, ModelSpec } from '../../src/model/architecture';
import { TORCH_EXPORT_FORMAT, readTorchExport } from '../../src/model/torch-export';
import { tempDir } from '../helpers';

/** An export folder as lstm_torch writes it, with `edit` applied to export.json's body and `bytes` to weights.bin. */
function writeExport(opts: { spec?: ModelSpec; edit?: (b: Record<string, unknown>) => void; bytes?: (b: Buffer) => Buffer } = {}): string {
  const spec = opts.spec ?? makeSpec({ embeddingDim: 4, lstmUnits: [6, 5] });
  const dir = tempDir();
  // A spec too large to load gets a token weights.bin: the reader must refuse it from export.json alone.
  const values = new Float32Array(parameterCount(spec) > 1e7 ? 4 : parameterCount(spec)).map((_, i) => Math.sin(i) * 0.1);
  let bin: Buffer = Buffer.from(values.buffer);
  if (opts.bytes) bin = opts.bytes(bin);
  const body: Record<string, unknown> = {
    format: TORCH_EXPORT_FORMAT,
    formatVersion: 1,
    spec,
    weights: weightEntries(spec).map((e) => ({ name: e.name, shape: e.shape })),
    weightsSha256: createHash('sha256').update(bin).digest('hex'),
    training: {
      mode: 'windows',
      hyperParameters: {},
      epochsDone: 1,
      history: [{ epoch: 0, trainLoss: 2, valLoss: 2, chars: 0, seconds: 0 }],
      bestValLoss: 2,
      wallSeconds: 3,
    },
    corpus: { roots: ['data'], files: 2, chars: 100, validationFiles: ['b.py'] },
  };
  opts.edit?.(body);
  fs.writeFileSync(path.join(dir, 'weights.bin'), bin);
  fs.writeFileSync(path.join(dir, 'export.json'), JSON.stringify(body));
  return dir;
}

describe('a PyTorch export folder (import-torch)', () => {
  it('reads the weights in our order, with the run record and corpus', () => {
    const e = readTorchExport(writeExport());
    assert.deepEqual(e.weights.spec.lstmUnits, [6, 5]);
    assert.equal(e.weights.embedding[1], Math.fround(Math.sin(1) * 0.1));
    assert.equal(e.training!.bestValLoss, 2);
    assert.deepEqual(e.corpus!.validationFiles, ['b.py']);
  });

  it('refuses what a checkpoint would be refused for, naming the file and the problem', () => {
    const cases: [Parameters<typeof writeExport>[0], RegExp][] = [
      [{ edit: (b) => (b.format = 'something') }, /export\.json: not a PyTorch export/],
      [{ edit: (b) => (b.spec = { ...(b.spec as object), lstmUnits: [5000] }) }, /no valid model spec/],
      [{ spec: makeSpec({ embeddingDim: 64, lstmUnits: [4096, 4096, 4096] }) }, /more than the \d+ a checkpoint may hold/],
      [{ edit: (b) => (b.weights as unknown[]).reverse() }, /its weights are not the spec's/],
      [{ bytes: (b) => b.subarray(0, b.length - 4) }, /weights\.bin: \d+ bytes, expected \d+/],
      [{ edit: (b) => (b.weightsSha256 = '0'.repeat(64)) }, /checksum does not match/],
      [{ bytes: (b) => (b.writeFloatLE(NaN, 8), b) }, /holds NaN or infinite values/],
      [{ edit: (b) => ((b.corpus as { validationFiles: string[] }).validationFiles = ['../../etc/passwd']) }, /a path outside its folder: refused/],
    ];
    for (const [opts, re] of cases) assert.throws(() => readTorchExport(writeExport(opts)), re);
  });

  it('refuses an export.json that is not a regular file or is too large, before reading it', () => {
    const dir = writeExport();
    fs.rmSync(path.join(dir, 'export.json'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'export.json'));
    assert.throws(() => readTorchExport(dir), /not a regular file/);
  });
});
