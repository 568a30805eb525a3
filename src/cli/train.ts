/** `lstm-complete train`: trains or fine-tunes a checkpoint (in a worker thread: training/runner/start-run.ts), with progress on stderr. */
import { COMMON_OPTIONS, parse, numberOpt, stringList, UsageError, guardOutput, choiceOpt } from './args';
import { OptionRow, parserOptions, defaultOf, helpLines } from './option-table';
import { startRun } from '../training/runner/start-run';
import { TrainConfig, latestDir } from '../training/loop/train-config';
import { createProgressReporter } from './progress';
import { BACKEND_LADDER, BackendPreference } from '../backends/backend';
import { TrainingMode } from '../data/dataset';
import { planRun, WORKSPACE_TRAINING_DEFAULTS } from '../training/loop/budget-plan';
import { runVerdict } from '../training/loop/run-verdict';
import { availableParallelism } from 'os';
import * as path from 'path';
import { readCheckpointMeta } from '../model/checkpoint';
import { makeSpec, MAX_PARAMETERS, parameterCount } from '../model/architecture';

/** Every flag of `train`, its help and its default: the parser and --help both read this table. */
export const TRAIN_OPTIONS: readonly OptionRow[] = [
  { flag: 'data', arg: 'DIR', repeatable: true, help: 'a folder of Python files to train on (required)' },
  {
    flag: 'out',
    arg: 'DIR',
    help: 'where the best-validation checkpoint goes (required); the resumable latest state goes to DIR-latest, the loss curve to DIR/loss-curve.html',
  },
  { flag: 'from', arg: 'CKPT', help: "fine-tune: start from this checkpoint's weights" },
  { flag: 'resume', help: 'continue DIR-latest (weights, optimizer state, history, position)' },
  { flag: 'epochs', arg: 'N', help: 'passes over the training text, may be fractional', default: 10 },
  { flag: 'batch-size', arg: 'N', help: 'sequences per batch', default: 512 },
  { flag: 'seq-len', arg: 'N', help: 'characters per window', default: 256 },
  { flag: 'lr', arg: 'X', help: "Adam learning rate (the design's)", default: 1.8e-4, defaultText: '1.8e-4' },
  { flag: 'lr-schedule', arg: 'S', help: 'constant | cosine (decays to --lr-min over the run)', default: 'constant' },
  { flag: 'lr-min', arg: 'X', help: 'final learning rate of the cosine schedule', defaultText: 'lr/10' },
  { flag: 'mode', arg: 'M', help: 'windows | carried-state (truncated BPTT, state carried between windows)', default: 'windows' },
  { flag: 'max-minutes', arg: 'M', help: 'stop cleanly after M minutes' },
  {
    flag: 'minutes',
    arg: 'M',
    help: "plan a workspace run to fit M minutes, as the editor's Train on Workspace does: batch 16, lr 3e-3 (unless given), warm-up then cosine decay to the end of the budget, a checkpoint about every M/4 minutes, gradient threads = cores - 1 (unless --threads), a small corpus (< 50 KB) holds out 20% for validation; with --from, --out is written only if the run beats the starting checkpoint on the validation files (the summary gives both figures)",
  },
  { flag: 'eval-every', arg: 'N', help: 'validate and checkpoint every N batches', defaultText: 'every epoch' },
  { flag: 'val-max-chars', arg: 'N', help: 'cap on validation characters per evaluation' },
  { flag: 'snapshots', arg: 'DIR', help: "also keep each evaluation's weights in DIR/epoch-E (to average them later)" },
  {
    flag: 'force',
    help: "write to an --out folder that holds other files too (only the checkpoint's own files are replaced; without it such a folder is refused, so nothing is deleted)",
  },
  { flag: 'validation-split', arg: 'F', help: 'fraction of files held out for validation', default: 0.05 },
  {
    flag: 'val-data',
    arg: 'DIR',
    repeatable: true,
    help: 'validate on the .py files under DIR instead: whole projects the run never trains on; every file under --data is then trained on',
  },
  { flag: 'seed', arg: 'S', help: 'split and shuffling seed', default: 1 },
  { flag: 'max-corpus-mb', arg: 'N', help: 'stop reading files after N MB of text' },
  { flag: 'max-file-mb', arg: 'N', help: 'skip files larger than N MB', default: 1 },
  { flag: 'exclude', arg: 'GLOB', repeatable: true, help: 'skip matching paths' },
  { flag: 'no-tests', help: 'skip test/ and tests/ folders' },
  { flag: 'units', arg: 'A,B', help: 'LSTM layer sizes for a new model', defaultText: '256,256' },
  { flag: 'embedding-dim', arg: 'N', help: 'embedding size for a new model', default: 64 },
  { flag: 'name', arg: 'NAME', help: "the checkpoint's name", defaultText: 'the --out folder name' },
  {
    flag: 'freeze-layers',
    arg: 'N',
    help: 'fine-tuning: the embedding and the first N LSTM layers keep their weights; their backward pass is skipped, so each step costs less',
    default: 0,
  },
  {
    flag: 'cache-aware',
    help: 'fine-tuning: minimise the loss of what the editor serves (the model mixed with the workspace cache), so the run learns what the cache does not already supply (host backends)',
  },
  { flag: 'threads', arg: 'N', help: 'worker threads computing gradients in parallel', default: 1, defaultText: '1; with --minutes, cores - 1' },
  { flag: 'backend', arg: 'B', help: `auto | ${BACKEND_LADDER.join(' | ')}`, default: 'auto' },
  { flag: 'json', help: 'print the summary as JSON on stdout' },
];

export const TRAIN_HELP = `Usage: lstm-complete train --data DIR [--data DIR...] --out DIR [options]

Trains the design's model on the .py files under each DIR; the best-validation checkpoint goes to
--out DIR, the resumable latest state to DIR-latest, the loss curve to DIR/loss-curve.html.
${helpLines(TRAIN_OPTIONS)}`;

const OPTIONS = { ...COMMON_OPTIONS, ...parserOptions(TRAIN_OPTIONS) };
const D = <T extends number | string | boolean>(flag: string) => defaultOf<T>(TRAIN_OPTIONS, flag);

/** The batch shape of the run `--resume` would continue (DIR-latest, else DIR), when one is there. */
function resumedHyperParameters(out: string): { batchSize?: unknown; seqLen?: unknown; mode?: TrainingMode } | undefined {
  for (const dir of [latestDir(path.resolve(out)), path.resolve(out)]) {
    try {
      const t = readCheckpointMeta(dir).training;
      if (t) return { batchSize: t.hyperParameters.batchSize, seqLen: t.hyperParameters.seqLen, mode: t.mode };
    } catch {
      // not there, or not readable: the trainer says so when it resumes
    }
  }
  return undefined;
}

/** What a trained checkpoint at `dir` is, in words, or undefined when there is none. */
function trainedCheckpointAt(dir: string): string | undefined {
  try {
    const meta = readCheckpointMeta(path.resolve(dir));
    if (!meta.training) return undefined;
    const best = meta.training.bestValLoss;
    return `"${meta.name}", ${meta.training.epochsDone.toFixed(2)} epochs${typeof best === 'number' ? `, best validation ${best.toFixed(3)} nats/char` : ''}`;
  } catch {
    return undefined;
  }
}

/**
 * The run's destinations may be written: OUT and OUT-latest hold nothing but checkpoints, and neither holds a trained
 * model a new run would replace (unless --from, --resume or --force says that is meant).
 */
function guardTrainOutputs(v: Record<string, unknown>): void {
  guardOutput(v, v.out as string);
  guardOutput(v, latestDir(v.out as string), '--out (its resumable DIR-latest)');
  const trained = !v.from && !v.resume && !v.force ? trainedCheckpointAt(v.out as string) : undefined;
  if (trained)
    throw new UsageError(
      `--out ${v.out} already holds a trained checkpoint (${trained}); a new run would replace it: add --from ${v.out} to fine-tune it, --resume to continue its run, or --force to replace it`,
    );
  // A run that never beat its start saved only DIR-latest: that folder is its only result, not scratch space.
  const onlyLatest = !v.resume && !v.force && !trainedCheckpointAt(v.out as string) ? trainedCheckpointAt(latestDir(v.out as string)) : undefined;
  if (onlyLatest)
    throw new UsageError(
      `${latestDir(v.out as string)} holds an earlier run (${onlyLatest}) and ${v.out} no better one; a new run would replace it: add --resume to continue it, --from ${latestDir(v.out as string)} to fine-tune it, or --force to replace it`,
    );
}

export function parseTrainArgs(argv: string[]): { config: TrainConfig; json: boolean } {
  const { values: v } = parse(argv, OPTIONS);
  const data = stringList(v, 'data');
  if (!data.length) throw new UsageError('--data DIR is required (a folder of Python files)');
  if (!v.out) throw new UsageError('--out DIR is required (where the checkpoint goes)');
  if (v.resume && v.from) throw new UsageError('--resume and --from cannot be combined');
  if (v['cache-aware'] && !v.from) throw new UsageError('--cache-aware fine-tunes a model the cache was weighed against: add --from CKPT');
  guardTrainOutputs(v);
  const mode = choiceOpt<TrainingMode>(v, 'mode', ['windows', 'carried-state'], D('mode'));
  const schedule = choiceOpt<'constant' | 'cosine'>(v, 'lr-schedule', ['constant', 'cosine'], D('lr-schedule'));
  const backend = (v.backend as string | undefined) ?? D<string>('backend');
  if (backend !== 'auto' && !BACKEND_LADDER.includes(backend as never)) throw new UsageError(`--backend must be auto or one of ${BACKEND_LADDER.join(', ')}`);
  let units: number[] | undefined;
  if (v.units !== undefined) {
    units = String(v.units).split(',').map(Number);
    if (!units.length || units.some((u) => !Number.isInteger(u) || u < 1 || u > 4096))
      throw new UsageError(`--units must be sizes like 256,256, got "${v.units}"`);
    const weights = parameterCount(makeSpec({ lstmUnits: units }));
    if (weights > MAX_PARAMETERS)
      throw new UsageError(`--units ${v.units} makes a model of ${weights} weights; a checkpoint may hold at most ${MAX_PARAMETERS}`);
  }
  const minutes = v.minutes === undefined ? undefined : numberOpt(v, 'minutes', 0, { min: 0.01 });
  if (minutes !== undefined && v['max-minutes'] !== undefined)
    throw new UsageError('--minutes and --max-minutes cannot be combined (--minutes plans the whole run)');
  if (minutes !== undefined && v.resume) throw new UsageError('--minutes plans a new run; --resume continues an old one (use --max-minutes with it)');
  const ws = minutes !== undefined ? WORKSPACE_TRAINING_DEFAULTS : undefined;
  const lr = numberOpt(v, 'lr', ws?.lr ?? D<number>('lr'), { min: 1e-7, max: 1 });
  const maxMb = v['max-corpus-mb'] === undefined ? undefined : numberOpt(v, 'max-corpus-mb', 0, { min: 0.001 });
  const config: TrainConfig = {
    data,
    out: v.out as string,
    from: v.from as string | undefined,
    resume: Boolean(v.resume),
    epochs: numberOpt(v, 'epochs', D('epochs'), { min: 0.0001 }),
    batchSize: numberOpt(v, 'batch-size', ws?.batchSize ?? D<number>('batch-size'), { min: 1, integer: true }),
    seqLen: numberOpt(v, 'seq-len', D('seq-len'), { min: 2, integer: true }),
    lr,
    lrSchedule: schedule,
    lrMin: v['lr-min'] === undefined ? undefined : numberOpt(v, 'lr-min', 0, { min: 0 }),
    mode,
    maxMinutes: v['max-minutes'] === undefined ? undefined : numberOpt(v, 'max-minutes', 0, { min: 0.01 }),
    evalEvery: v['eval-every'] === undefined ? undefined : numberOpt(v, 'eval-every', 0, { min: 1, integer: true }),
    snapshotsDir: v.snapshots as string | undefined,
    valMaxChars: v['val-max-chars'] === undefined ? undefined : numberOpt(v, 'val-max-chars', 0, { min: 100, integer: true }),
    validationSplit: numberOpt(v, 'validation-split', D('validation-split'), { min: 0, max: 0.5 }),
    valData: stringList(v, 'val-data').length ? stringList(v, 'val-data') : undefined,
    seed: numberOpt(v, 'seed', D('seed'), { integer: true, min: 0 }),
    maxCorpusChars: maxMb === undefined ? undefined : Math.round(maxMb * 1e6),
    maxFileBytes: v['max-file-mb'] === undefined ? undefined : Math.round(numberOpt(v, 'max-file-mb', D('max-file-mb'), { min: 0.001 }) * 1e6),
    exclude: stringList(v, 'exclude'),
    includeTests: !v['no-tests'],
    backend: backend as BackendPreference,
    threads: numberOpt(v, 'threads', D('threads'), { min: 1, max: 64, integer: true }),
    frozenLayers: numberOpt(v, 'freeze-layers', D('freeze-layers'), { min: 0, max: 16, integer: true }),
    ...(v['cache-aware'] ? { cacheAware: true } : {}),
    spec: {
      ...(units ? { lstmUnits: units } : {}),
      ...(v['embedding-dim'] !== undefined ? { embeddingDim: numberOpt(v, 'embedding-dim', D('embedding-dim'), { min: 1, integer: true }) } : {}),
    },
    name: v.name as string | undefined,
  };
  // --resume without a batch shape takes the run's own (resuming at another is refused by the trainer).
  if (v.resume) {
    const hp = resumedHyperParameters(v.out as string);
    if (hp && v['batch-size'] === undefined && typeof hp.batchSize === 'number') config.batchSize = hp.batchSize;
    if (hp && v['seq-len'] === undefined && typeof hp.seqLen === 'number') config.seqLen = hp.seqLen;
    if (hp && v.mode === undefined && hp.mode) config.mode = hp.mode;
  }
  if (minutes !== undefined) {
    const plan = planRun({ minutes, cores: availableParallelism(), threads: v.threads === undefined ? 0 : config.threads, from: config.from });
    // The plan fills in what the user did not say; an explicit --epochs or --lr-schedule stays.
    const { epochs, lrSchedule } = config;
    Object.assign(config, plan);
    if (v.epochs !== undefined) config.epochs = epochs;
    if (v['lr-schedule'] !== undefined) config.lrSchedule = lrSchedule;
  }
  return { config, json: Boolean(v.json) };
}

export async function runTrain(argv: string[]): Promise<number> {
  const { config, json } = parseTrainArgs(argv);
  // The same runner as the editor's; this process is a plain Node that waits, so the run takes a worker thread of it.
  const { job } = await startRun(config, createProgressReporter(), {
    backend: config.backend ?? 'auto',
    modulePaths: config.modulePaths,
    callerIsPlainNode: true,
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nstopping after this batch (the best checkpoint is kept); Ctrl-C again to quit now\n');
      job.cancel();
    } else {
      void job.terminate().then(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const s = await job.done;
    if (json) process.stdout.write(JSON.stringify(s) + '\n');
    else {
      process.stdout.write(
        `${s.stoppedBy}: ${s.steps} steps, ${s.epochs.toFixed(3)} epochs, ${s.chars} chars in ${s.seconds.toFixed(0)} s (${s.charsPerSec} chars/s on ${s.backend}); ` +
          `best validation ${s.bestValLoss === null ? 'n/a' : `${s.bestValLoss.toFixed(4)} nats/char (${s.bestValBitsPerChar!.toFixed(4)} bits/char)`}; checkpoint ${s.improved ? s.out : 'none written'}\n`,
      );
      if (s.startValLoss !== undefined) {
        const v = runVerdict(s);
        process.stdout.write(
          s.improved && v.after !== undefined
            ? `on the validation files: ${s.startValLoss.toFixed(4)} -> ${v.after.toFixed(4)} nats/char (${(((v.after - s.startValLoss) / s.startValLoss) * 100).toFixed(1)}%), written to ${s.out}\n` +
                // The editor's rule (run-verdict.ts): Train on Workspace would not switch to this checkpoint.
                (v.switched ? '' : `the editor would not use it: ${v.message.replace(/^kept the current model: /, '')}\n`)
            : `on the validation files nothing beat the starting checkpoint (${s.startValLoss.toFixed(4)} nats/char); ${s.out} was left as it was\n`,
        );
      }
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
