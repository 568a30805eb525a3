/** `lstm-complete export-keras`: a checkpoint as a Keras 3 `.keras` file in the seed's layout. */
import { COMMON_OPTIONS, parse, UsageError, guardReportFiles } from './args';
import { loadCheckpoint } from '../model/checkpoint';
import { exportKeras } from '../model/keras/keras-export';
import { replaceFileDurably } from '../util/durable-write';

export const EXPORT_KERAS_HELP = `Usage: lstm-complete export-keras --model DIR --out FILE.keras [--force]

Writes a checkpoint as a Keras 3 .keras archive: a Sequential model of the seed's layers (embedding, lstm_1, lstm_2,
dropout, dense with its L2 penalty), which keras.saving.load_model rebuilds without custom objects and whose
layers the seed's inference.py finds by name. Its vocabulary is the seed's full one (the 97 characters it keeps, in
code-point order); the unknown symbol's weights ride along in a group Keras ignores, so import-keras gives back
the same weights, bit for bit. --force replaces an existing FILE.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
} as const;

export async function runExportKeras(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  if (!v.model || !v.out) throw new UsageError('--model DIR and --out FILE.keras are required');
  const out = v.out as string;
  if (!out.endsWith('.keras')) throw new UsageError('--out must name a .keras file (Keras 3 loads archives by that extension)');
  guardReportFiles(v, [out], '--out');
  const ck = loadCheckpoint(v.model as string);
  const bytes = await exportKeras(ck.weights, { checkpoint: ck.meta.name, checkpoint_weights_sha256: ck.meta.weightsSha256 });
  // Whole or not at all: a full disk leaves the old file (or none), never a truncated archive.
  replaceFileDurably(out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const summary = { from: ck.dir, out, bytes: bytes.length, lstmUnits: ck.weights.spec.lstmUnits, vocabulary: 97 };
  process.stdout.write(
    (v.json ? JSON.stringify(summary) : `wrote ${out} (${(bytes.length / 1e6).toFixed(1)} MB, Keras 3 layout, LSTM ${ck.weights.spec.lstmUnits.join('x')})`) +
      '\n',
  );
  return 0;
}
