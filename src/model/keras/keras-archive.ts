/**
 * The files a Keras model is saved in, as bytes: a Keras 3 `.keras` archive (a zip of metadata.json, config.json and
 * model.weights.h5, written uncompressed, in that order: keras/src/saving/saving_lib.py, `_save_model_to_fileobj`), or
 * a Keras 2 `.h5` file (the whole model, or its weights alone). Nothing is ever extracted to disk: the three entries a
 * `.keras` file must hold are read into memory, each within a bound, and every other entry is ignored.
 */
import { unzipSync, zipSync } from 'fflate';
import { MAX_JSON_BYTES } from '../output-folder';
import { isHdf5 } from './hdf5';

export const KERAS_CONFIG = 'config.json';
export const KERAS_METADATA = 'metadata.json';
export const KERAS_WEIGHTS = 'model.weights.h5';

/** The largest weights file read: 16 times the parameters of a 2x1024 model as float32, far above the design's 3.5 MB. */
export const MAX_WEIGHTS_BYTES = 512 << 20;

export class KerasFileError extends Error {
  override name = 'KerasFileError';
}

export type KerasFile = { kind: 'keras3'; config: unknown; metadata: Record<string, unknown>; weights: Uint8Array } | { kind: 'h5'; weights: Uint8Array };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Tells a `.keras` archive from an `.h5` file by their first bytes (a name can lie; the bytes cannot). */
export function openKerasFile(bytes: Uint8Array): KerasFile {
  if (isHdf5(bytes)) return { kind: 'h5', weights: bytes };
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) throw new KerasFileError('is neither a Keras 3 .keras archive (a zip) nor a Keras 2 .h5 file (HDF5)');
  const limits: Record<string, number> = { [KERAS_CONFIG]: MAX_JSON_BYTES, [KERAS_METADATA]: 1 << 20, [KERAS_WEIGHTS]: MAX_WEIGHTS_BYTES };
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(bytes, {
      // Only the three entries are inflated, and none whose stated size is over its bound (a zip bomb states a small
      // size or a huge one: the inflated length is checked against the stated one below).
      filter: (f) => {
        names.push(f.name);
        const limit = limits[f.name];
        if (limit === undefined) return false;
        if (f.originalSize > limit) throw new KerasFileError(`has a ${f.name} of ${f.originalSize} bytes, more than this build reads (${limit})`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof KerasFileError) throw e;
    throw new KerasFileError(`is not a readable zip archive (${e instanceof Error ? e.message : String(e)})`);
  }
  for (const [name, limit] of Object.entries(limits)) {
    if (entries[name] && entries[name].length > limit) throw new KerasFileError(`has a ${name} larger than it states`);
  }
  const weights = entries[KERAS_WEIGHTS];
  if (!weights) {
    const npz = 'model.weights.npz';
    throw new KerasFileError(`holds no ${KERAS_WEIGHTS}${names.includes(npz) ? ` (its weights are in ${npz}, which this build does not read)` : ''}`);
  }
  return {
    kind: 'keras3',
    config: parseJson(entries[KERAS_CONFIG], KERAS_CONFIG, true),
    metadata: (parseJson(entries[KERAS_METADATA], KERAS_METADATA, false) ?? {}) as Record<string, unknown>,
    weights,
  };
}

function parseJson(bytes: Uint8Array | undefined, name: string, required: boolean): unknown {
  if (!bytes) {
    if (required) throw new KerasFileError(`holds no ${name}`);
    return undefined;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new KerasFileError(`has a ${name} that is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** A `.keras` archive as Keras writes one: the three entries, stored, metadata first. */
export function writeKerasArchive(config: unknown, metadata: Record<string, unknown>, weights: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  // Keras opens its ZipFile with the default ZIP_STORED; the entries' order is the order it writes them in.
  return zipSync(
    {
      [KERAS_METADATA]: enc.encode(JSON.stringify(metadata)),
      [KERAS_CONFIG]: enc.encode(JSON.stringify(config)),
      [KERAS_WEIGHTS]: weights,
    },
    { level: 0 },
  );
}
