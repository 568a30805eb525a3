/** `lstm-complete train`: trains or fine-tunes a checkpoint in a worker thread, with progress on stderr. */
import { COMMON_OPTIONS, parse, numberOpt, stringList, UsageError, guardOutput, choiceOpt } from './args';
import { startTraining } from '../training/host/worker-client';
import { TrainConfig, latestDir } from '../training/loop/trainer';
import { createProgressReporter } from './progress';
import { BACKEND_LADDER, BackendPreference } from '../engine/backend';
import { TrainingMode } from '../data/dataset';
import { planRun, WORKSPACE_TRAINING_DEFAULTS } from '../training/loop/budget-plan';
import { runVerdict } from '../training/loop/run-verdict';
import { availableParallelism } from 'os';

export const TRAIN_HELP = `Usage: lstm-complete train --data DIR [--data DIR...] --out DIR [options]

Trains the design's model on the .py files under each DIR; the best-validation checkpoint goes to
--out DIR, the resumable latest state to DIR-latest, the loss curve to DIR/loss-curve.html.
  --from CKPT            fine-tune: start from this checkpoint's weights
  --resume               continue DIR-latest (weights, optimizer state, history, position)
  --epochs N             passes over the training text, may be fractional (default 10)
  --batch-size N         sequences per batch (default 512)
  --seq-len N            characters per window (default 256)
  --lr X                 Adam learning rate (default 1.8e-4, the design's)
  --lr-schedule S        constant | cosine (decays to --lr-min over the run)   (default constant)
  --lr-min X             final learning rate of the cosine schedule (default lr/10)
  --mode M               windows | carried-state (truncated BPTT, state carried between windows)
  --max-minutes M        stop cleanly after M minutes
  --minutes M            plan a workspace run to fit M minutes, as the editor's Train on Workspace does:
                         batch 16, lr 3e-3 (unless given), warm-up then cosine decay to the end of the budget,
                         a checkpoint about every M/4 minutes, gradient threads = cores - 1 (unless
                         --threads), a small corpus (< 50 KB) holds out 20% for validation; with --from,
                         --out is written only if the run beats the starting checkpoint on the validation
                         files (the summary gives both figures)
  --eval-every N         validate and checkpoint every N batches (default: every epoch)
  --val-max-chars N      cap on validation characters per evaluation
  --snapshots DIR        also keep each evaluation's weights in DIR/epoch-E (to average them later)
  --force                write to an --out folder that holds other files too (only the checkpoint's own
                         files are replaced; without it such a folder is refused, so nothing is deleted)
  --validation-split F   fraction of files held out for validation (default 0.05)
  --val-data DIR         validate on the .py files under DIR instead (repeatable): whole projects the run
                         never trains on; every file under --data is then trained on
  --seed S               split and shuffling seed (default 1)
  --max-corpus-mb N      stop reading files after N MB of text
  --max-file-mb N        skip files larger than N MB (default 1)
  --exclude GLOB         skip matching paths (repeatable)
  --no-tests             skip test/ and tests/ folders
  --units A,B            LSTM layer sizes for a new model (default 256,256)
  --embedding-dim N      embedding size for a new model (default 64)
  --threads N            worker threads computing gradients in parallel (default 1; with --minutes, cores - 1)
  --backend B            auto | ${BACKEND_LADDER.join(' | ')}
  --json                 print the summary as JSON on stdout`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  data: { type: 'string', multiple: true },
  out: { type: 'string' },
  from: { type: 'string' },
  resume: { type: 'boolean', default: false },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'seq-len': { type: 'string' },
  lr: { type: 'string' },
  'lr-schedule': { type: 'string' },
  'lr-min': { type: 'string' },
  mode: { type: 'string' },
  'max-minutes': { type: 'string' },
  minutes: { type: 'string' },
  'eval-every': { type: 'string' },
  'val-max-chars': { type: 'string' },
  snapshots: { type: 'string' },
  'validation-split': { type: 'string' },
  'val-data': { type: 'string', multiple: true },
  seed: { type: 'string' },
  'max-corpus-mb': { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'no-tests': { type: 'boolean', default: false },
  units: { type: 'string' },
  'embedding-dim': { type: 'string' },
  name: { type: 'string' },
  threads: { type: 'string' },
  force: { type: 'boolean', default: false },
  'max-file-mb': { type: 'string' },
} as const;

export function parseTrainArgs(argv: string[]): { config: TrainConfig; json: boolean } {
  const { values: v } = parse(argv, OPTIONS);
  const data = stringList(v, 'data');
  if (!data.length) throw new UsageError('--data DIR is required (a folder of Python files)');
  if (!v.out) throw new UsageError('--out DIR is required (where the checkpoint goes)');
  if (v.resume && v.from) throw new UsageError('--resume and --from cannot be combined');
  guardOutput(v, v.out as string);
  guardOutput(v, latestDir(v.out as string), '--out (its resumable DIR-latest)');
  const mode = choiceOpt<TrainingMode>(v, 'mode', ['windows', 'carried-state'], 'windows');
  const schedule = choiceOpt(v, 'lr-schedule', ['constant', 'cosine'], 'constant');
  const backend = (v.backend as string | undefined) ?? 'auto';
  if (backend !== 'auto' && !BACKEND_LADDER.includes(backend as never)) throw new UsageError(`--backend must be auto or one of ${BACKEND_LADDER.join(', ')}`);
  let units: number[] | undefined;
  if (v.units !== undefined) {
    units = String(v.units).split(',').map(Number);
    if (!units.length || units.some((u) => !Number.isInteger(u) || u < 1 || u > 4096)) throw new UsageError(`--units must be sizes like 256,256, got "${v.units}"`);
  }
  const minutes = v.minutes === undefined ? undefined : numberOpt(v, 'minutes', 0, { min: 0.01 });
  if (minutes !== undefined && v['max-minutes'] !== undefined) throw new UsageError('--minutes and --max-minutes cannot be combined (--minutes plans the whole run)');
  if (minutes !== undefined && v.resume) throw new UsageError('--minutes plans a new run; --resume continues an old one (use --max-minutes with it)');
  const ws = minutes !== undefined ? WORKSPACE_TRAINING_DEFAULTS : undefined;
  const lr = numberOpt(v, 'lr', ws?.lr ?? 1.8e-4, { min: 1e-7, max: 1 });
  const maxMb = v['max-corpus-mb'] === undefined ? undefined : numberOpt(v, 'max-corpus-mb', 0, { min: 0.001 });
  const config: TrainConfig = {
    data,
    out: v.out as string,
    from: v.from as string | undefined,
    resume: Boolean(v.resume),
    epochs: numberOpt(v, 'epochs', 10, { min: 0.0001 }),
    batchSize: numberOpt(v, 'batch-size', ws?.batchSize ?? 512, { min: 1, integer: true }),
    seqLen: numberOpt(v, 'seq-len', 256, { min: 2, integer: true }),
    lr,
    lrSchedule: schedule,
    lrMin: v['lr-min'] === undefined ? undefined : numberOpt(v, 'lr-min', 0, { min: 0 }),
    mode,
    maxMinutes: v['max-minutes'] === undefined ? undefined : numberOpt(v, 'max-minutes', 0, { min: 0.01 }),
    evalEvery: v['eval-every'] === undefined ? undefined : numberOpt(v, 'eval-every', 0, { min: 1, integer: true }),
    snapshotsDir: v.snapshots as string | undefined,
    valMaxChars: v['val-max-chars'] === undefined ? undefined : numberOpt(v, 'val-max-chars', 0, { min: 100, integer: true }),
    validationSplit: numberOpt(v, 'validation-split', 0.05, { min: 0, max: 0.5 }),
    valData: stringList(v, 'val-data').length ? stringList(v, 'val-data') : undefined,
    seed: numberOpt(v, 'seed', 1, { integer: true, min: 0 }),
    maxCorpusChars: maxMb === undefined ? undefined : Math.round(maxMb * 1e6),
    maxFileBytes: v['max-file-mb'] === undefined ? undefined : Math.round(numberOpt(v, 'max-file-mb', 1, { min: 0.001 }) * 1e6),
    exclude: stringList(v, 'exclude'),
    includeTests: !v['no-tests'],
    backend: backend as BackendPreference,
    threads: numberOpt(v, 'threads', 1, { min: 1, max: 64, integer: true }),
    spec: { ...(units ? { lstmUnits: units } : {}), ...(v['embedding-dim'] !== undefined ? { embeddingDim: numberOpt(v, 'embedding-dim', 64, { min: 1, integer: true }) } : {}) },
    name: v.name as string | undefined,
  };
  if (minutes !== undefined) {
    const plan = planRun({ minutes, cores: availableParallelism(), threads: v.threads === undefined ? 0 : config.threads });
    // The plan fills in what the user did not say; an explicit --epochs or --lr-schedule stays.
    const { epochs, lrSchedule } = config;
    Object.assign(config, plan, { mustBeatStart: Boolean(config.from), smallCorpusRule: true });
    if (v.epochs !== undefined) config.epochs = epochs;
    if (v['lr-schedule'] !== undefined) config.lrSchedule = lrSchedule;
  }
  return { config, json: Boolean(v.json) };
}

export async function runTrain(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(TRAIN_HELP + '\n');
    return 0;
  }
  const { config, json } = parseTrainArgs(argv);
  const job = startTraining(config, createProgressReporter());
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
          v.switched && v.after !== undefined
            ? `on the validation files: ${s.startValLoss.toFixed(4)} -> ${v.after.toFixed(4)} nats/char (${(((v.after - s.startValLoss) / s.startValLoss) * 100).toFixed(1)}%), written to ${s.out}\n`
            : `on the validation files nothing beat the starting checkpoint (${s.startValLoss.toFixed(4)} nats/char); ${s.out} was left as it was\n`,
        );
      }
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
