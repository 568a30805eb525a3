/** `lstm-complete export`: rewrites a checkpoint, optionally with float16 weights (half the size). */
import { CHECKPOINT_OUT_OPTIONS, COMMON_OPTIONS, parse, UsageError, guardOutput } from './args';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import { selectBackend } from '../backends/backend';

export const EXPORT_HELP = `Usage: lstm-complete export --model DIR --out DIR [--float16] [--name NAME] [--force]

Copies a checkpoint's weights, meta and history into a new checkpoint folder; --float16 stores the weights
as IEEE half floats (they load as float32). --out must be new, empty or a checkpoint; --force writes into a
folder of other files, replacing only the checkpoint's own.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  ...CHECKPOINT_OUT_OPTIONS,
} as const;

export async function runExport(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  if (!v.model || !v.out) throw new UsageError('--model DIR and --out DIR are required');
  guardOutput(v, v.out as string);
  await selectBackend({ preferred: 'cpu' }); // model.json's topology is built with tfjs-layers
  const ck = loadCheckpoint(v.model as string);
  const meta = saveCheckpoint(v.out as string, ck.weights, {
    name: (v.name as string | undefined) ?? ck.meta.name,
    training: ck.meta.training,
    corpus: ck.meta.corpus,
    importedFrom: ck.meta.importedFrom,
    float16: Boolean(v.float16),
  });
  const out = { from: ck.dir, out: v.out, weightsDtype: meta.weightsDtype };
  process.stdout.write((v.json ? JSON.stringify(out) : `wrote ${v.out} (${meta.weightsDtype})`) + '\n');
  return 0;
}
