import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers';
import { TrainConfig } from '../../src/training/loop/train-config';

/** A small, very regular Python corpus a tiny model learns in seconds. */
export function tinyCorpus(files = 6): string {
  const root = tempDir('lstm-corpus-');
  for (let f = 0; f < files; f++) {
    let text = '';
    for (let i = 0; i < 60; i++) text += `def func_${f}_${i}(x, y):\n    return (x + y) * ${i % 10}\n\n`;
    fs.writeFileSync(path.join(root, `mod${f}.py`), text);
  }
  return root;
}

export function tinyConfig(data: string, out: string, extra: Partial<TrainConfig> = {}): TrainConfig {
  return {
    data: [data],
    out,
    epochs: 2,
    batchSize: 16,
    seqLen: 48,
    lr: 0.01,
    backend: 'wasm',
    validationSplit: 0.2,
    spec: { embeddingDim: 12, lstmUnits: [48, 48] },
    ...extra,
  };
}
