/** `lstm-complete average`: one checkpoint whose weights are the mean of several (snapshots of one run). */
import { CHECKPOINT_OUT_OPTIONS, COMMON_OPTIONS, parse, stringList, UsageError, guardOutput } from './args';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import { averageWeights } from '../model/average-weights';
import { selectBackend } from '../backends/backend';

export const AVERAGE_HELP = `Usage: lstm-complete average --model DIR --model DIR [--model DIR...] --out DIR [--float16] [--name NAME] [--force]

Writes a checkpoint whose weights are the element-wise mean of the given checkpoints: snapshots of one run
near its end (train --snapshots DIR keeps one per evaluation). Its history, corpus and position are the last
--model's; meta.json lists the checkpoints averaged. Measure it with \`lstm-complete eval\` before using it.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string', multiple: true },
  ...CHECKPOINT_OUT_OPTIONS,
} as const;

export async function runAverage(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  const models = stringList(v, 'model');
  if (models.length < 2) throw new UsageError('give at least two checkpoints to average (--model DIR --model DIR ...)');
  if (!v.out) throw new UsageError('--out DIR is required');
  guardOutput(v, v.out as string);
  await selectBackend({ preferred: 'cpu' }); // model.json's topology is built with tfjs-layers
  const cks = models.map((m) => loadCheckpoint(m));
  const last = cks[cks.length - 1];
  const sources = cks.map((ck) => ({ name: ck.meta.name, epochsDone: ck.meta.training?.epochsDone, weightsSha256: ck.meta.weightsSha256 }));
  const meta = saveCheckpoint(v.out as string, averageWeights(cks.map((ck) => ck.weights)), {
    name: (v.name as string | undefined) ?? `${last.meta.name} (average of ${cks.length})`,
    training: last.meta.training,
    corpus: last.meta.corpus,
    float16: Boolean(v.float16),
    averagedFrom: sources,
  });
  const out = { out: v.out, averaged: cks.map((ck) => ck.dir), weightsDtype: meta.weightsDtype };
  process.stdout.write((v.json ? JSON.stringify(out) : `wrote ${v.out}: the mean of ${cks.length} checkpoints (${meta.weightsDtype})`) + '\n');
  return 0;
}
