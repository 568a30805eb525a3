/** `lstm-complete import-keras`: a model saved by the seed's Keras script (or by export-keras) as a checkpoint. */
import * as fs from 'fs';
import * as path from 'path';
import { COMMON_OPTIONS, parse, UsageError, guardOutput } from './args';
import { saveCheckpoint } from '../model/checkpoint';
import { importKeras } from '../model/keras/keras-import';
import { MAX_WEIGHTS_BYTES } from '../model/keras/keras-archive';
import { parseVocabArg, seedVocabFromBytes } from '../model/keras/seed-vocab';
import { readBounded } from '../util/bounded-read';
import { selectBackend } from '../backends/backend';

export const IMPORT_KERAS_HELP = `Usage: lstm-complete import-keras FILE --out DIR [--vocab-from data.txt | --vocab CHARS] [--float16] [--name NAME] [--force]

Writes a checkpoint from a Keras model of the design: a Keras 3 .keras archive (trained_model.keras,
model_checkpoint.keras) or a Keras 2 .h5 file (a whole model or its weights). The embedding, the LSTMs and the dense
layer are found by shape; float16 weights are widened. The seed numbers the characters its text held
(sorted(set(text)) of ASCII letters, digits, punctuation, space, tab and newline): a model that knows all 97 needs
nothing more; otherwise give the text it trained on (--vocab-from, read the way the seed reads it) or the
characters themselves in its order (--vocab, with \\t \\n \\\\ for tab, newline, backslash). Characters it never had
are never suggested. meta.json records the file, its checksum and what was found.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  out: { type: 'string' },
  'vocab-from': { type: 'string' },
  vocab: { type: 'string' },
  float16: { type: 'boolean', default: false },
  name: { type: 'string' },
  force: { type: 'boolean', default: false },
} as const;

/** The seed's vocabulary from the text it trained on, read in pieces (a corpus can be larger than memory wants). */
function vocabFromFile(file: string): string[] {
  const fd = fs.openSync(file, 'r');
  const present = new Uint8Array(128);
  try {
    const buf = Buffer.alloc(16 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      for (let i = 0; i < n; i++) if (buf[i] < 128) present[buf[i]] = 1;
    }
  } finally {
    fs.closeSync(fd);
  }
  return seedVocabFromBytes(present);
}

export async function runImportKeras(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (positionals.length !== 1 || !v.out) throw new UsageError('one FILE (.keras or .h5) and --out DIR are required');
  if (v.vocab !== undefined && v['vocab-from'] !== undefined) throw new UsageError('give --vocab or --vocab-from, not both');
  const file = positionals[0];
  let vocab: string[] | undefined;
  try {
    if (v.vocab !== undefined) vocab = parseVocabArg(v.vocab as string);
  } catch (e) {
    throw new UsageError(`--vocab: ${(e as Error).message}`);
  }
  if (v['vocab-from'] !== undefined) vocab = vocabFromFile(v['vocab-from'] as string);
  guardOutput(v, v.out as string);
  const bytes = readBounded(file, MAX_WEIGHTS_BYTES + (64 << 20));
  let imported;
  try {
    imported = await importKeras(bytes, path.basename(file), vocab);
  } catch (e) {
    throw new Error(`${file} ${(e as Error).message}`);
  }
  const { weights, source } = imported;
  await selectBackend({ preferred: 'cpu' }); // model.json's topology is built with tfjs-layers
  const meta = saveCheckpoint(v.out as string, weights, {
    name: (v.name as string | undefined) ?? path.basename(file).replace(/\.(keras|h5|hdf5)$/i, ''),
    float16: Boolean(v.float16),
    importedFrom: { ...source },
  });
  const out = { from: file, out: v.out, weightsDtype: meta.weightsDtype, spec: weights.spec, ...source };
  if (v.json) process.stdout.write(JSON.stringify(out) + '\n');
  else {
    const kind = source.format === 'keras3' ? `Keras ${source.kerasVersion ?? '3'} .keras` : `Keras ${source.kerasVersion ?? '2'} .h5`;
    const lacks = source.unreachable ? `; ${source.unreachable} of our characters it never had are never suggested` : '';
    process.stdout.write(
      `wrote ${v.out} from ${file} (${kind}, ${source.fileDtypes.join('/')} weights, LSTM ${weights.spec.lstmUnits.join('x')}; ` +
        `the seed's ${source.seedVocabSize} characters${lacks})\n`,
    );
  }
  return 0;
}
