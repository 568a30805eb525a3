/**
 * Datasets for training: a by-file train/validation split (deterministic from a seed, so validation text
 * never appears in training; by characters within each file when files are few or one dominates), the text as one compact byte stream, and batches in time-major order for
 * either independent shuffled windows or truncated BPTT with carried state (each of B streams continues
 * where its previous window ended, as char-rnn trains).
 */
import { encode } from '../model/vocab';
import { CorpusFile } from './corpus';
import { mulberry32, Rng } from '../util/rng';

export type TrainingMode = 'windows' | 'carried-state';

export interface Split {
  train: CorpusFile[];
  validation: CorpusFile[];
}

function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** Fewer files than this are split by characters: a whole file held out would be a large share of the text. */
export const FEW_FILES = 5;

/**
 * Files go to validation in an order fixed by (seed, relative path) until they hold `fraction` of the
 * characters. When the files are few (FEW_FILES) or that order held out far more than `fraction` (one file holds
 * most of the text: a 50 KB workspace once held out its 49 KB file and trained on 1 KB), every file is split at a
 * line instead: its last `fraction` of characters is held out (splitByChars).
 */
export function splitByFile(files: CorpusFile[], fraction: number, seed = 1): Split {
  if (fraction <= 0) return { train: files, validation: [] };
  if (files.length < FEW_FILES) return splitByChars(files, fraction);
  const total = files.reduce((s, f) => s + f.text.length, 0);
  const order = [...files].sort((a, b) => hash32(a.relative, seed) - hash32(b.relative, seed) || (a.relative < b.relative ? -1 : 1));
  const validation: CorpusFile[] = [];
  let valChars = 0;
  for (const f of order) {
    if (valChars >= fraction * total || validation.length >= files.length - 1) break;
    validation.push(f);
    valChars += f.text.length;
  }
  if (valChars > 2 * fraction * total) return splitByChars(files, fraction);
  const inVal = new Set(validation);
  return { train: files.filter((f) => !inVal.has(f)), validation };
}

/**
 * How meta.json names a held-out part of a file: `relative#chars=FROM-TO`, character offsets into the file's text as
 * the corpus read it (normalised), so anyone can take the same text out again (filesOfSplit).
 */
export const heldOutPartName = (relative: string, from: number, to: number): string => `${relative}#chars=${from}-${to}`;

export function parseHeldOutPart(name: string): { relative: string; from: number; to: number } | undefined {
  const m = /^(.*)#chars=(\d+)-(\d+)$/.exec(name);
  if (!m) return undefined;
  const from = Number(m[2]);
  const to = Number(m[3]);
  return from <= to ? { relative: m[1], from, to } : undefined;
}

/** Each file's last `fraction` of characters, from a line start, held out; the rest trained on. */
export function splitByChars(files: CorpusFile[], fraction: number): Split {
  const train: CorpusFile[] = [];
  const validation: CorpusFile[] = [];
  for (const f of files) {
    const target = Math.floor(f.text.length * (1 - fraction));
    let cut = f.text.lastIndexOf('\n', target) + 1;
    if (cut <= 0) cut = target;
    if (cut > 0) train.push({ ...f, text: f.text.slice(0, cut) });
    if (cut < f.text.length) validation.push({ ...f, relative: heldOutPartName(f.relative, cut, f.text.length), text: f.text.slice(cut) });
  }
  return { train, validation };
}

/**
 * Training text centred on a few files (keep learning: the files saved since the last run): those of them in
 * `train`, plus other training files, picked by the seed, holding about `mix` times their text, so a short run
 * learns the new code without drifting from the rest of the workspace. Files outside `train` (held out for
 * validation) are never added. Empty when none of the focus files is a training file.
 */
export function focusTraining(train: CorpusFile[], focus: string[], seed = 1, mix = 3): CorpusFile[] {
  const wanted = new Set(focus.map((f) => f.split('\\').join('/')));
  const inFocus = (f: CorpusFile) => wanted.has(f.path.split('\\').join('/'));
  const chosen = train.filter(inFocus);
  if (!chosen.length) return [];
  const focusChars = chosen.reduce((n, f) => n + f.text.length, 0);
  const rest = train.filter((f) => !inFocus(f));
  const rng = mulberry32(seed * 7919 + 17);
  let added = 0;
  for (const i of shuffled(rest.length, rng)) {
    if (added >= mix * focusChars) break;
    chosen.push(rest[i]);
    added += rest[i].text.length;
  }
  return chosen;
}

export type SplitName = 'all' | 'validation' | 'train';

/** The files of a corpus a checkpoint held out for validation, or trained on, by its recorded file list. */
export function filesOfSplit(files: CorpusFile[], validationFiles: string[] | undefined, split: SplitName, where: string): CorpusFile[] {
  if (split === 'all') return files;
  if (!validationFiles?.length) throw new Error(`${where} records no validation files; use the "all" split`);
  const val = new Set(validationFiles);
  // Parts of files held out by characters (splitByChars): the part for validation, the rest of the file for train.
  const parts = new Map<string, { from: number; to: number; name: string }>();
  for (const name of validationFiles) {
    const p = parseHeldOutPart(name);
    if (p) parts.set(p.relative, { from: p.from, to: p.to, name });
  }
  const out = files.flatMap((f): CorpusFile[] => {
    const part = parts.get(f.relative);
    if (!part) return val.has(f.relative) === (split === 'validation') ? [f] : [];
    if (split === 'validation') return [{ ...f, relative: part.name, text: f.text.slice(part.from, part.to) }];
    const rest = f.text.slice(0, part.from) + f.text.slice(part.to);
    return rest ? [{ ...f, text: rest }] : [];
  });
  if (!out.length) throw new Error(`none of the checkpoint's ${split} files were found`);
  return out;
}

export function encodeFiles(files: CorpusFile[]): Uint8Array {
  const total = files.reduce((s, f) => s + f.text.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const f of files) {
    out.set(encode(f.text), off);
    off += f.text.length;
  }
  return out;
}

/**
 * What the completion cache already predicts at each position of a stream, from the starting model (a cache-aware
 * fine-tune, completion/cache-prior.ts): at position j, the cache's weight λ_j in the serving mixture and the mass
 * λ_j·q_j(stream[j]) it puts on the true character. Zero where the cache has nothing.
 */
export interface CachePrior {
  lambda: Float32Array;
  mass: Float32Array;
}

export interface Batch {
  steps: number;
  batch: number;
  /** Time-major [steps * batch]: inputs[t * batch + r] is step t of sequence r. */
  inputs: Int32Array;
  targets: Int32Array;
  /** True for the first batch of a pass in carried-state mode (state resets). */
  resetState: boolean;
  /** The cache's prior for each target, time-major like `targets` (cache-aware fine-tuning only). */
  prior?: CachePrior;
}

/** Fills a time-major batch from window start offsets into the stream (and the prior's streams, when given). */
export function makeBatch(stream: Uint8Array, starts: number[], steps: number, resetState = true, prior?: CachePrior): Batch {
  const B = starts.length;
  const inputs = new Int32Array(steps * B);
  const targets = new Int32Array(steps * B);
  const p = prior ? { lambda: new Float32Array(steps * B), mass: new Float32Array(steps * B) } : undefined;
  for (let r = 0; r < B; r++) {
    const s = starts[r];
    for (let t = 0; t < steps; t++) {
      inputs[t * B + r] = stream[s + t];
      targets[t * B + r] = stream[s + t + 1];
      if (p) {
        p.lambda[t * B + r] = prior!.lambda[s + t + 1];
        p.mass[t * B + r] = prior!.mass[s + t + 1];
      }
    }
  }
  return { steps, batch: B, inputs, targets, resetState, ...(p ? { prior: p } : {}) };
}

export interface BatchPlan {
  batchesPerEpoch: number;
  /** The batch at position `index` of epoch `epoch` (order shuffled per epoch in windows mode). */
  batch(epoch: number, index: number): Batch;
}

export function planBatches(stream: Uint8Array, mode: TrainingMode, batchSize: number, steps: number, seed = 1, prior?: CachePrior): BatchPlan {
  if (stream.length < steps + 1) {
    throw new Error(`the text (${stream.length} chars) is shorter than one window of ${steps + 1} characters; use a smaller --seq-len`);
  }
  if (mode === 'windows') {
    const nWindows = Math.floor((stream.length - 1) / steps);
    const B = Math.min(batchSize, nWindows);
    const batchesPerEpoch = Math.ceil(nWindows / B);
    let orderEpoch = -1;
    let order: Uint32Array = new Uint32Array(0);
    return {
      batchesPerEpoch,
      batch(epoch, index) {
        if (epoch !== orderEpoch) {
          order = shuffled(nWindows, mulberry32(seed * 1000003 + epoch));
          orderEpoch = epoch;
        }
        const ids = Array.from(order.subarray(index * B, Math.min(nWindows, (index + 1) * B)));
        return makeBatch(
          stream,
          ids.map((w) => w * steps),
          steps,
          true,
          prior,
        );
      },
    };
  }
  // Carried state: B contiguous streams; batch k holds window k of each.
  const B = Math.max(1, Math.min(batchSize, Math.floor((stream.length - 1) / steps)));
  const streamLen = Math.floor((stream.length - 1) / B);
  const batchesPerEpoch = Math.max(1, Math.floor(streamLen / steps));
  return {
    batchesPerEpoch,
    batch(_epoch, index) {
      const starts = Array.from({ length: B }, (_, r) => r * streamLen + index * steps);
      return makeBatch(stream, starts, steps, index === 0, prior);
    },
  };
}

function shuffled(n: number, rng: Rng): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
