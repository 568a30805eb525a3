/** `lstm-complete import-torch`: a model trained on PyTorch (train/torch/) as a checkpoint the extension loads. */
import * as path from 'path';
import { CHECKPOINT_OUT_OPTIONS, COMMON_OPTIONS, parse, UsageError, guardOutput } from './args';
import { saveCheckpoint } from '../model/checkpoint';
import { readTorchExport } from '../model/torch-export';
import { selectBackend } from '../backends/backend';

export const IMPORT_TORCH_HELP = `Usage: lstm-complete import-torch --from EXPORT_DIR --out DIR [--float16] [--name NAME] [--force]

Writes a checkpoint from a PyTorch run's export folder (train/torch: RUN/best-export, or
\`python3 -m lstm_torch.export\`): weights.bin in this project's order and layout and export.json with the model's
spec, the weights' checksum and the run's training record and corpus. Everything is checked as a checkpoint is
(the spec's limits, names, sizes, checksum, finite values); meta.json keeps the run's record, its backend
("pytorch ... DistributedDataParallel (N processes ...)") and the model it was fine-tuned from. --out must be new,
empty or a checkpoint; --force writes into a folder of other files.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  from: { type: 'string' },
  ...CHECKPOINT_OUT_OPTIONS,
} as const;

export async function runImportTorch(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  if (!v.from || !v.out) throw new UsageError('--from EXPORT_DIR and --out DIR are required');
  guardOutput(v, v.out as string);
  const exp = readTorchExport(v.from as string);
  await selectBackend({ preferred: 'cpu' }); // model.json's topology is built with tfjs-layers
  const meta = saveCheckpoint(v.out as string, exp.weights, {
    name: (v.name as string | undefined) ?? path.basename(path.resolve(v.out as string)),
    training: exp.training,
    corpus: exp.corpus,
    float16: Boolean(v.float16),
  });
  const out = { from: v.from, out: v.out, weightsDtype: meta.weightsDtype, bestValLoss: exp.training?.bestValLoss ?? null, backend: exp.training?.backend };
  if (v.json) process.stdout.write(JSON.stringify(out) + '\n');
  else {
    if (!exp.training) process.stderr.write("import-torch: export.json has no training record in the checkpoint's shape; meta.json has none\n");
    process.stdout.write(
      `wrote ${v.out} (${meta.weightsDtype}${exp.training?.bestValLoss != null ? `, best validation ${exp.training.bestValLoss.toFixed(3)} nats/char` : ''})\n`,
    );
  }
  return 0;
}
