/** The whole long-range study for a checkpoint and folders, shared by the CLI and the editor command. */
import * as path from 'path';
import { Checkpoint } from '../model/checkpoint';
import { buildCorpus } from '../data/corpus';
import { encodeFiles, splitByFile, filesOfSplit, SplitName } from '../data/dataset';
import { analyzeLongRange } from './long-range';
import { LstmPredictor } from './predictor';
import { NgramModel, NgramPredictor } from './ngram';
import { generationValidity } from './generation-validity';
import { FullReport } from './report-html';

/**
 * With Kneser-Ney smoothing a higher order keeps helping a little: on the bundled model's validation files
 * (first 100k characters), 2M training characters, orders 4/6/8/12/20 gave 1.365/1.252/1.245/1.212/1.204
 * nats/char, with tables of 5/25/101/302/1208 MB. 12 is within 0.01 of 20 at a quarter of the memory (the
 * lab also runs inside the editor). Orders up to 32 can be asked for.
 */
export const DEFAULT_NGRAM_ORDER = 12;

export interface AnalysisOptions {
  data: string[];
  split: SplitName;
  exclude?: string[];
  maxChars?: number;
  ngramOrder?: number;
  /** 0 = no baseline. */
  ngramTrainChars?: number;
  /** 0 = no generation check. */
  samples?: number;
  sampleChars?: number;
  log?: (line: string) => void;
}

export async function runAnalysis(ck: Checkpoint, opts: AnalysisOptions): Promise<FullReport> {
  const log = opts.log ?? (() => undefined);
  const t0 = Date.now();
  const all = buildCorpus(opts.data, { exclude: opts.exclude }).files;
  const trainChars = opts.ngramTrainChars ?? 2_000_000;
  // With the "all" split and a baseline, hold out by file: the n-gram learns from 30% of the files and both
  // models are measured on the rest, so the baseline is never scored on text it counted.
  const heldOut = opts.split === 'all' && trainChars > 0 && all.length > 1 ? splitByFile(all, 0.3, 7) : undefined;
  const metaFile = path.join(ck.dir, 'meta.json');
  const evalFiles = heldOut ? heldOut.train : filesOfSplit(all, ck.meta.corpus?.validationFiles, opts.split, metaFile);
  if (!evalFiles.length) throw new Error(`no ${opts.split} files found under ${opts.data.join(', ')}`);
  log(`analysis: ${evalFiles.length} files (${opts.split}), up to ${opts.maxChars ?? 'all'} chars`);
  const texts = evalFiles.map((f) => f.text);
  const lstm = analyzeLongRange(texts, new LstmPredictor(ck.weights), { maxChars: opts.maxChars });
  log(`analysis: LSTM done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  let ngram: FullReport['ngram'];
  if (trainChars > 0) {
    const evalSet = new Set(evalFiles);
    const pool = (heldOut ? heldOut.validation : filesOfSplit(all, ck.meta.corpus?.validationFiles, 'train', metaFile)).filter((f) => !evalSet.has(f));
    if (!pool.length) throw new Error('no files are left to train the n-gram baseline on; use --ngram-train-chars 0');
    let stream = encodeFiles(pool);
    if (stream.length > trainChars) stream = stream.subarray(0, trainChars);
    const model = new NgramModel({ order: opts.ngramOrder ?? DEFAULT_NGRAM_ORDER, vocabSize: ck.meta.spec.vocabSize });
    model.train(stream);
    log(`analysis: ${model.order}-gram trained on ${stream.length} chars`);
    ngram = { ...analyzeLongRange(texts, new NgramPredictor(model), { maxChars: opts.maxChars }), order: model.order, trainedChars: stream.length };
    log(`analysis: n-gram done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const validity =
    (opts.samples ?? 100) > 0 ? await generationValidity(ck.weights, { samples: opts.samples ?? 100, chars: opts.sampleChars ?? 1000 }) : undefined;
  if (validity) log(`analysis: generation validity done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return {
    checkpoint: ck.dir,
    createdAt: new Date().toISOString(),
    data: opts.data,
    split: opts.split,
    lstm,
    ngram,
    validity,
    seconds: (Date.now() - t0) / 1000,
  };
}
