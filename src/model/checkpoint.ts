/**
 * Checkpoints: a folder with model.json (tfjs layers topology + weights manifest), weights.bin and meta.json.
 * Written atomically: files go to `<dir>.tmp`, the old folder is moved to `<dir>.bak`, the new one renamed
 * into place, then the backup removed. A crash at any point leaves either the old or the new checkpoint,
 * and load() falls back to `<dir>.bak` when `<dir>` is missing. A folder that also holds files that are not
 * the checkpoint's is never swapped: its checkpoint files are replaced one by one and the rest left alone
 * (output-folder.ts decides where a checkpoint may be written at all).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  checkSaveNames,
  foreignEntries,
  ioReason,
  MAX_JSON_BYTES,
  OWNER_MARKER,
  usersCheckpointNames,
} from './output-folder';
import { createHash } from 'crypto';
import { MAX_PARAMETERS, ModelWeights, isSpecShape, parameterCount, weightEntries, weightList, weightsFromList } from './architecture';
import { modelTopology } from './layers-model';
import { vocabDescriptor, vocabMismatch } from './vocab';
import { toFloat16Bits, decodeFloat16 } from './float16';
import { freeSpaceNote, ShortWriteError, writeFileDurably } from '../util/durable-write';
import { BoundedReadError, readBounded } from '../util/bounded-read';

export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION };

import { Checkpoint, CheckpointError, CheckpointMeta, RunOutcome, SaveOptions, SERVING_THRESHOLD_RANGE, ServingCalibration } from './checkpoint-meta';
export * from './checkpoint-meta';

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

function encodeWeights(weights: ModelWeights, float16: boolean): Buffer {
  const list = weightList(weights);
  const total = list.reduce((s, a) => s + a.length, 0);
  if (!float16) {
    const out = new Float32Array(total);
    let off = 0;
    for (const a of list) {
      out.set(a, off);
      off += a.length;
    }
    return Buffer.from(out.buffer);
  }
  const out = new Uint16Array(total);
  let off = 0;
  for (const a of list) for (let i = 0; i < a.length; i++) out[off++] = toFloat16Bits(a[i]);
  return Buffer.from(out.buffer);
}

export function saveCheckpoint(dir: string, weights: ModelWeights, opts: SaveOptions = {}): CheckpointMeta {
  dir = path.resolve(dir);
  // A link to a folder is the user's: the save goes where it points and the link stays (a swap would replace it).
  if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink() && fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) dir = fs.realpathSync(dir);
  const float16 = opts.float16 ?? false;
  const bin = encodeWeights(weights, float16);
  const manifestWeights: ManifestWeight[] = weightEntries(weights.spec).map((e) => ({
    name: e.name,
    shape: e.shape,
    dtype: 'float32',
    ...(float16 ? { quantization: { dtype: 'float16' } } : {}),
  }));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'lstm-complete',
    convertedBy: null,
    modelTopology: modelTopology(weights.spec),
    weightsManifest: [{ paths: ['weights.bin'], weights: manifestWeights }],
  };
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    name: opts.name ?? path.basename(dir),
    createdAt: new Date().toISOString(),
    spec: weights.spec,
    vocab: vocabDescriptor(),
    weightsDtype: float16 ? 'float16' : 'float32',
    weightsSha256: createHash('sha256').update(bin).digest('hex'),
    training: opts.training,
    corpus: opts.corpus,
    ...(opts.averagedFrom ? { averagedFrom: opts.averagedFrom } : {}),
    ...(opts.importedFrom ? { importedFrom: opts.importedFrom } : {}),
  };
  const files: [string, Buffer | string][] = [
    ['weights.bin', bin],
    ['model.json', JSON.stringify(modelJson)],
    ...Object.entries(opts.extraFiles ?? {}),
    // Last: a folder whose meta.json is written holds the weights it describes.
    ['meta.json', JSON.stringify(meta, null, 2)],
  ];
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (foreignEntries(dir).length) writeInPlace(dir, files);
  else swapFolder(dir, files);
  return meta;
}

/** Runs a file-system step, naming the path and the step in any error. */
function io<T>(what: string, file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ShortWriteError) throw e; // already names the file, the bytes written and the free space
    const full = ['ENOSPC', 'EDQUOT', 'EFBIG'].includes(String((e as NodeJS.ErrnoException).code));
    throw new Error(`could not ${what} ${file}: ${ioReason(e)}${full ? ` (${freeSpaceNote(file)})` : ''}`);
  }
}

/**
 * The folder holds only a checkpoint: write a new one beside it (DIR.tmp) and swap, keeping the old one as
 * DIR.bak until the new one is in place, so a crash at any point leaves a loadable checkpoint. DIR.tmp and
 * DIR.bak are removed only when they hold nothing but checkpoint files.
 */
function swapFolder(dir: string, files: [string, Buffer | string][]): void {
  const tmp = `${dir}.tmp`;
  const bak = `${dir}.bak`;
  recoverInterruptedSave(dir);
  checkSaveNames(dir);
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    io('create', tmp, () => fs.mkdirSync(tmp));
    // First: the folder is the project's from its first byte, so a crash mid-write leaves a folder it may clear.
    io('write', path.join(tmp, OWNER_MARKER), () => writeFileDurably(path.join(tmp, OWNER_MARKER), 'a checkpoint folder written by lstm-complete\n'));
    for (const [name, data] of files) io('write', path.join(tmp, name), () => writeFileDurably(path.join(tmp, name), data));
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (fs.existsSync(dir)) {
    fs.rmSync(bak, { recursive: true, force: true });
    io('move the old checkpoint to', bak, () => fs.renameSync(dir, bak));
  }
  io('move the new checkpoint to', dir, () => fs.renameSync(tmp, dir));
  fs.rmSync(bak, { recursive: true, force: true });
}

/** Suffix of the previous generation's files while an in-place save is under way. */
export const PREVIOUS_SUFFIX = '.prev';

/**
 * The folder also holds files that are not the checkpoint's (the user's, or put there with --force): a swap of the
 * whole folder would touch them, so the checkpoint's own files are replaced one by one and the rest left alone.
 * Crash-safe in three steps: (1) every new file is written and synced as NAME.partial; (2) the current files are
 * hard-linked as NAME.prev (meta.json.prev last: its presence means the previous generation is whole); (3) the
 * partials are renamed over the current files, meta.json last, and the .prev links removed. Killed anywhere in (3),
 * the folder may hold new weights with an old meta.json: loadCheckpoint then loads the .prev generation.
 */
function writeInPlace(dir: string, files: [string, Buffer | string][]): void {
  const theirs = usersCheckpointNames(dir);
  if (theirs.length) throw new Error(`${dir} holds its own ${theirs.join(', ')} (not written by lstm-complete): not overwritten`);
  // The marker first, as in a swap: a crash before meta.json leaves files the next save knows are its own.
  const marker = path.join(dir, OWNER_MARKER);
  if (!fs.existsSync(marker)) io('write', marker, () => writeFileDurably(marker, 'checkpoint files in this folder are written by lstm-complete\n'));
  const at = (name: string) => path.join(dir, name);
  try {
    for (const [name, data] of files) io('write', `${at(name)}.partial`, () => writeFileDurably(`${at(name)}.partial`, data));
  } catch (e) {
    for (const [name] of files) fs.rmSync(`${at(name)}.partial`, { force: true });
    throw e;
  }
  // Only a whole previous generation is worth keeping: one whose meta.json loads with its weights.
  let previousWhole = false;
  try {
    loadCheckpointFiles(dir, '');
    previousWhole = true;
  } catch {
    // none, or not whole: nothing to keep
  }
  for (const [name] of files) fs.rmSync(at(name) + PREVIOUS_SUFFIX, { force: true });
  if (previousWhole) {
    for (const [name] of files) {
      if (!fs.existsSync(at(name))) continue;
      io('keep the previous', at(name), () => {
        try {
          fs.linkSync(at(name), at(name) + PREVIOUS_SUFFIX);
        } catch {
          fs.copyFileSync(at(name), at(name) + PREVIOUS_SUFFIX); // a file system without hard links
        }
      });
    }
  }
  for (const [name] of files) io('replace', at(name), () => fs.renameSync(`${at(name)}.partial`, at(name)));
  for (const [name] of files) fs.rmSync(at(name) + PREVIOUS_SUFFIX, { force: true });
}

/**
 * Reads one file of a checkpoint, and only if it is a regular file that lives in the checkpoint's own folder (a
 * name with a path in it, an absolute path or a link that leads out is refused, so a crafted model.json cannot make
 * the editor read /etc/passwd or /dev/zero) and holds at most maxBytes (checked before reading, so memory stays
 * bounded by the model's size). Opened non-blocking and checked on the open descriptor: a FIFO cannot hang the
 * read, and a file swapped after the check is still the one checked.
 */
function readCheckpointFile(dir: string, name: string, maxBytes: number): Buffer {
  const file = path.join(dir, String(name));
  if (typeof name !== 'string' || !name || name !== path.basename(name) || name === '.' || name === '..' || /[\\/]/.test(name)) {
    throw new CheckpointError(file, `names ${JSON.stringify(name)}: a checkpoint reads only files in its own folder`);
  }
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (e) {
    throw new CheckpointError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : ioReason(e));
  }
  let realDir: string;
  try {
    realDir = fs.realpathSync(dir);
  } catch (e) {
    throw new CheckpointError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing (its folder was moved while it was read)' : ioReason(e));
  }
  if (path.dirname(real) !== realDir) throw new CheckpointError(file, `is a link to ${real}, outside the checkpoint folder: not read`);
  try {
    return readBounded(real, maxBytes);
  } catch (e) {
    if (!(e instanceof BoundedReadError)) throw e;
    const reason = e.reason
      .replace(/^is missing$/, 'file is missing')
      .replace(/more than the (\d+) it may hold: not read/, 'more than a checkpoint of this model can hold ($1)');
    throw new CheckpointError(file, reason);
  }
}

function readJson(dir: string, name: string): unknown {
  const text = readCheckpointFile(dir, name, MAX_JSON_BYTES).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(path.join(dir, name), 'is not valid JSON (truncated or corrupted?)');
  }
}

export function readCheckpointMeta(dir: string, name = 'meta.json'): CheckpointMeta {
  const file = path.join(dir, name);
  const meta = (readJson(dir, name) ?? {}) as Partial<CheckpointMeta>;
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(file, `is not an lstm-complete checkpoint (format ${JSON.stringify(meta.format)})`);
  }
  if (meta.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(file, `has format version ${meta.formatVersion}; this build reads ${CHECKPOINT_FORMAT_VERSION}`);
  }
  const mismatch = vocabMismatch(meta.vocab);
  if (mismatch) throw new CheckpointError(file, `vocabulary mismatch: ${mismatch}`);
  const spec = meta.spec;
  if (!isSpecShape(spec, meta.vocab!.chars.length)) throw new CheckpointError(file, 'has no valid model spec');
  if (parameterCount(spec) > MAX_PARAMETERS)
    throw new CheckpointError(file, `declares a model of ${parameterCount(spec)} weights, more than this build loads (${MAX_PARAMETERS})`);
  if (typeof meta.weightsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(meta.weightsSha256)) {
    // Every checkpoint this project writes carries it; without it nothing ties weights.bin to this folder.
    throw new CheckpointError(file, 'has no weightsSha256 (the checksum of weights.bin that every checkpoint carries)');
  }
  if (meta.serving !== undefined) {
    const t = (meta.serving as Partial<ServingCalibration> | null)?.confidenceThreshold;
    const [lo, hi] = SERVING_THRESHOLD_RANGE;
    if (typeof t !== 'number' || !(t >= lo && t <= hi)) {
      throw new CheckpointError(file, `has serving.confidenceThreshold ${JSON.stringify(t)}; a checkpoint may ask for ${lo} to ${hi}`);
    }
  }
  return meta as CheckpointMeta;
}

/**
 * Records a model's serving calibration in its meta.json (the weights are untouched, so their checksum holds):
 * written beside it and renamed over it, so a crash leaves the old meta.json or the new one, never half of one.
 */
export function setServingCalibration(dirArg: string, serving: ServingCalibration): void {
  updateMeta(dirArg, { serving });
}

/** Records a workspace run's outcome in its model's meta.json, as setServingCalibration does (the weights untouched). */
export function setRunOutcome(dirArg: string, outcome: RunOutcome): void {
  updateMeta(dirArg, { outcome });
}

function updateMeta(dirArg: string, patch: Partial<CheckpointMeta>): void {
  const dir = path.resolve(dirArg);
  const meta = { ...readCheckpointMeta(dir), ...patch };
  const file = path.join(dir, 'meta.json');
  io('write', `${file}.partial`, () => writeFileDurably(`${file}.partial`, JSON.stringify(meta, null, 2)));
  io('replace', file, () => fs.renameSync(`${file}.partial`, file));
}

/**
 * A save killed between its two renames leaves DIR missing and DIR.bak holding the only copy of the checkpoint.
 * Puts it back as DIR (when it loads) before anything writes DIR, so no later save deletes it as a stale backup.
 * Returns whether it did.
 */
export function recoverInterruptedSave(dirArg: string): boolean {
  const dir = path.resolve(dirArg);
  const bak = `${dir}.bak`;
  if (fs.existsSync(dir) || !fs.existsSync(bak) || foreignEntries(bak).length) return false;
  try {
    loadCheckpointFiles(bak, '');
  } catch {
    return false; // not whole: nothing worth recovering
  }
  io('recover the interrupted save of', dir, () => fs.renameSync(bak, dir));
  return true;
}

/** Resolves the folder to read: the folder itself, or its backup when a write was interrupted. */
export function resolveCheckpointDir(dir: string): { dir: string; recoveredFrom?: string } {
  dir = path.resolve(dir);
  if (fs.existsSync(path.join(dir, 'meta.json'))) return { dir };
  const bak = `${dir}.bak`;
  if (!fs.existsSync(dir) && fs.existsSync(path.join(bak, 'meta.json'))) return { dir: bak, recoveredFrom: bak };
  if (!fs.existsSync(dir)) throw new CheckpointError(dir, 'checkpoint folder does not exist');
  throw new CheckpointError(path.join(dir, 'meta.json'), 'file is missing (not a checkpoint folder?)');
}

/**
 * Reads the checkpoint in `dirArg`. A save by another process swaps the folder with two renames between which this
 * read may see the old meta.json and the new weights.bin (1 read in 40 during saves did): a read that finds its
 * files disagree, or a file gone, tries again a few times before it reports the checkpoint broken.
 */
export function loadCheckpoint(dirArg: string): Checkpoint {
  for (let attempt = 1; ; attempt++) {
    try {
      return loadCheckpointOnce(dirArg);
    } catch (e) {
      const racing = e instanceof CheckpointError && /checksum does not match|file is missing|changed while it was read/.test(e.message);
      if (!racing || attempt >= 4) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * attempt); // let the other save's renames finish
    }
  }
}

function loadCheckpointOnce(dirArg: string): Checkpoint {
  const { dir, recoveredFrom } = resolveCheckpointDir(dirArg);
  try {
    return { ...loadCheckpointFiles(dir, ''), dir, recoveredFrom };
  } catch (e) {
    // An in-place save killed while it renamed: the previous generation is whole beside it (writeInPlace).
    if (!(e instanceof CheckpointError) || !fs.existsSync(path.join(dir, 'meta.json' + PREVIOUS_SUFFIX))) throw e;
    const previous = loadCheckpointFiles(dir, PREVIOUS_SUFFIX);
    return { ...previous, dir, recoveredFrom: path.join(dir, `*${PREVIOUS_SUFFIX}`) };
  }
}

/** Reads the checkpoint whose files in `dir` are named NAME + suffix ('' or PREVIOUS_SUFFIX). */
function loadCheckpointFiles(dir: string, suffix: string): Omit<Checkpoint, 'dir' | 'recoveredFrom'> {
  const meta = readCheckpointMeta(dir, 'meta.json' + suffix);
  const modelFile = path.join(dir, 'model.json' + suffix);
  const modelJson = (readJson(dir, 'model.json' + suffix) ?? {}) as { weightsManifest?: { paths: string[]; weights: ManifestWeight[] }[] };
  const group = Array.isArray(modelJson.weightsManifest) ? modelJson.weightsManifest[0] : undefined;
  if (!group || !Array.isArray(group.weights)) throw new CheckpointError(modelFile, 'has no weightsManifest');
  const entries = weightEntries(meta.spec);
  // The manifest must list the spec's weights and nothing else, each with the spec's shape: so the bytes to read
  // are known from the spec before anything is read.
  if (group.weights.length !== entries.length) throw new CheckpointError(modelFile, `lists ${group.weights.length} weights, the spec has ${entries.length}`);
  for (const w of group.weights) {
    if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new CheckpointError(modelFile, `has a malformed weight entry ${JSON.stringify(w)?.slice(0, 80)}`);
    }
  }
  if (new Set(group.weights.map((w) => w.name)).size !== entries.length) throw new CheckpointError(modelFile, 'names a weight twice');
  const byName = new Map(group.weights.map((w) => [w.name, w]));
  for (const e of entries) {
    const w = byName.get(e.name);
    if (!w) throw new CheckpointError(modelFile, `weight ${e.name} is missing from the manifest`);
    if (w.shape.join(',') !== e.shape.join(',')) {
      throw new CheckpointError(modelFile, `weight ${e.name} has shape [${w.shape}], the spec needs [${e.shape}]`);
    }
  }
  const bytesOf = (w: ManifestWeight) => w.shape.reduce((p, d) => p * d, 1) * (w.quantization?.dtype === 'float16' ? 2 : 4);
  const expectedBytes = group.weights.reduce((sum, w) => sum + bytesOf(w), 0);
  const binName = (Array.isArray(group.paths) && group.paths.length ? group.paths[0] : 'weights.bin') + suffix;
  const binFile = path.join(dir, String(binName));
  const bin = readCheckpointFile(dir, binName, expectedBytes);
  if (bin.length !== expectedBytes) {
    throw new CheckpointError(binFile, `has ${bin.length} bytes, the manifest needs ${expectedBytes} (truncated?)`);
  }
  if (createHash('sha256').update(bin).digest('hex') !== meta.weightsSha256) {
    throw new CheckpointError(binFile, 'checksum does not match meta.json (corrupted or from another checkpoint)');
  }
  // Offsets follow manifest order; map them by name onto the architecture's entries.
  const offsets = new Map<string, number>();
  let off = 0;
  for (const w of group.weights) {
    offsets.set(w.name, off);
    off += bytesOf(w);
  }
  const list = entries.map((e) => {
    const w = byName.get(e.name)!;
    const n = e.shape.reduce((p, d) => p * d, 1);
    const start = offsets.get(e.name)!;
    const out =
      w.quantization?.dtype === 'float16'
        ? decodeFloat16(bin, start, n)
        : new Float32Array(bin.buffer.slice(bin.byteOffset + start, bin.byteOffset + start + 4 * n));
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(out[i])) throw new CheckpointError(binFile, `weight ${e.name} holds NaN or infinite values (a diverged run?)`);
    }
    return out;
  });
  return { meta, weights: weightsFromList(meta.spec, list) };
}
