/**
 * HDF5 files in memory, through h5wasm (the HDF Group's libhdf5 compiled to WebAssembly): read into a plain tree of
 * groups, attributes and float datasets, and written from one. Keras keeps its weights in HDF5 (`model.weights.h5`
 * inside a `.keras` archive, or a whole `.h5` file), and a hand-written reader of HDF5 would be a second, worse libhdf5.
 *
 * h5wasm is an ES module that finds its WebAssembly through import.meta.url, so it is not bundled: scripts/build.mjs
 * copies it to dist/h5wasm/ and it is imported from there on first use, found as the bundled workers are.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { decodeFloat16 } from '../float16';
import { findWorkerScript } from '../../util/worker-script';

/** A dataset as read: its shape and its values as float32 (float16 and float64 converted), or no values when not a float. */
export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  /** 'float16' | 'float32' | 'float64', or a short description of another type (whose values are not read). */
  dtype: string;
  values?: Float32Array;
}

export interface H5Group {
  kind: 'group';
  attrs: Record<string, unknown>;
  children: Map<string, H5Group | H5Dataset>;
}

/** What a read may hold: a hostile file must not make the reader allocate or walk without end. */
export interface H5Limits {
  maxObjects: number;
  maxDepth: number;
  /** Float values read in all, over every dataset. */
  maxValues: number;
  /** Top-level groups left unread (an optimizer's state, as large as the weights twice over). */
  skipRoots?: string[];
}

export class Hdf5Error extends Error {
  override name = 'Hdf5Error';
}

export function group(attrs: Record<string, unknown> = {}, children: [string, H5Group | H5Dataset][] = []): H5Group {
  return { kind: 'group', attrs, children: new Map(children) };
}

export function dataset(shape: number[], values: Float32Array, dtype: 'float32' | 'float16' = 'float32'): H5Dataset {
  return { kind: 'dataset', shape, dtype, values };
}

// The part of h5wasm's API this module uses (its own typings need a newer module resolution than this project's).
interface H5Meta {
  type: number;
  size: number;
  littleEndian: boolean;
  shape: number[] | null;
  total_size: number;
  vlen: boolean;
}
interface H5Attr {
  value: unknown;
}
interface H5Entity {
  type: string;
}
interface H5GroupHandle extends H5Entity {
  attrs: Record<string, H5Attr>;
  keys(): string[];
  get(name: string): H5Entity | null;
  create_group(name: string): H5GroupHandle;
  create_dataset(args: { name: string; data: Float32Array | Uint16Array; shape: number[]; dtype: string }): H5Entity;
  create_attribute(name: string, data: string | string[] | number, shape?: number[] | null, dtype?: string | null): void;
}
interface H5DatasetHandle extends H5Entity {
  metadata: H5Meta;
  value: unknown;
  file_id: bigint;
  path: string;
  attrs: Record<string, H5Attr>;
}
interface H5FileHandle extends H5GroupHandle {
  /** Negative when libhdf5 could not open the file. */
  file_id?: bigint;
  close(): void;
}
interface H5Runtime {
  ready: Promise<unknown>;
  File: new (name: string, mode: string) => H5FileHandle;
  FS: { writeFile(name: string, data: Uint8Array): void; readFile(name: string): Uint8Array; unlink(name: string): void };
  Module: {
    H5T_class_t: { H5T_FLOAT: { value: number }; H5T_INTEGER: { value: number }; H5T_STRING: { value: number } };
    HEAPU8: Uint8Array;
    _malloc(n: number): number;
    _free(p: number): void;
    get_dataset_data(fileId: bigint, path: string, count: null, offset: null, strides: null, ptr: bigint): number;
  };
}

let runtime: Promise<H5Runtime> | undefined;
let fileCounter = 0;

async function loadRuntime(): Promise<H5Runtime> {
  // A specifier the bundler cannot see, so the import stays an import at run time (h5wasm is an ES module).
  const url = pathToFileURL(findWorkerScript(path.join('h5wasm', 'hdf5_hl.js'))).href;
  // The namespace, not the default export: FS and Module are live bindings set once the WebAssembly is ready.
  const h5 = (await import(url)) as H5Runtime;
  await h5.ready;
  return h5;
}

function h5(): Promise<H5Runtime> {
  runtime ??= loadRuntime();
  return runtime;
}

/** Opens `bytes` as an HDF5 file in h5wasm's memory file system, runs `fn` on it, and removes it. */
async function withFile<T>(
  bytes: Uint8Array | undefined,
  mode: 'r' | 'w',
  fn: (f: H5FileHandle, rt: H5Runtime) => T,
): Promise<{ result: T; bytes: Uint8Array }> {
  const rt = await h5();
  const name = `/lstm-complete-${process.pid}-${++fileCounter}.h5`;
  if (bytes) rt.FS.writeFile(name, bytes);
  let file: H5FileHandle | undefined;
  try {
    try {
      file = new rt.File(name, mode);
    } catch (e) {
      throw new Hdf5Error(`is not an HDF5 file (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    if (mode === 'r' && file.file_id !== undefined && file.file_id < 0n) throw new Hdf5Error('is not an HDF5 file');
    const result = fn(file, rt);
    file.close();
    file = undefined;
    return { result, bytes: mode === 'w' ? rt.FS.readFile(name) : new Uint8Array(0) };
  } finally {
    try {
      file?.close();
    } catch {
      /* already closed or never opened */
    }
    try {
      rt.FS.unlink(name);
    } catch {
      /* never written */
    }
  }
}

/** Reads an HDF5 file's groups, attributes and float datasets, within `limits`. */
export async function readHdf5(bytes: Uint8Array, limits: H5Limits): Promise<H5Group> {
  // libhdf5 prints its error stack on stderr when a file does not open; the signature check says it in one line.
  if (!isHdf5(bytes)) throw new Hdf5Error('is not an HDF5 file (no HDF5 signature at its start)');
  const { result } = await withFile(bytes, 'r', (f, rt) => {
    let objects = 0;
    let values = 0;
    const walk = (g: H5GroupHandle, depth: number, where: string): H5Group => {
      if (depth > limits.maxDepth) throw new Hdf5Error(`nests groups deeper than ${limits.maxDepth} (at ${where})`);
      const out = group(readAttrs(g));
      for (const key of g.keys()) {
        if (++objects > limits.maxObjects) throw new Hdf5Error(`holds more than ${limits.maxObjects} objects`);
        const child = g.get(key);
        const at = `${where}/${key}`;
        if (!child || (depth === 0 && limits.skipRoots?.includes(key))) continue;
        if (child.type === 'Group') out.children.set(key, walk(child as H5GroupHandle, depth + 1, at));
        else if (child.type === 'Dataset') {
          const d = readDataset(child as H5DatasetHandle, rt, limits.maxValues - values, at);
          values += d.values?.length ?? 0;
          out.children.set(key, d);
        }
        // Links to other files, broken links and named types hold no weights: left out.
      }
      return out;
    };
    return walk(f, 0, '');
  });
  return result;
}

/** HDF5's format signature, at offset 0 (or 512, 1024, ... when a user block comes first; Keras writes none). */
export function isHdf5(bytes: Uint8Array): boolean {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (let base = 0; base + 8 <= bytes.length && base <= 1 << 20; base = base === 0 ? 512 : base * 2) {
    if (sig.every((b, i) => bytes[base + i] === b)) return true;
  }
  return false;
}

function readAttrs(o: { attrs: Record<string, H5Attr> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(o.attrs)) {
    try {
      const v = a.value;
      out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
    } catch {
      out[k] = undefined; // a type h5wasm cannot decode: not one Keras writes
    }
  }
  return out;
}

function readDataset(d: H5DatasetHandle, rt: H5Runtime, budget: number, where: string): H5Dataset {
  const m = d.metadata;
  const shape = (m.shape ?? []).map(Number);
  const count = shape.reduce((p, n) => p * n, 1);
  const isFloat = m.type === rt.Module.H5T_class_t.H5T_FLOAT.value && !m.vlen;
  if (!isFloat || ![2, 4, 8].includes(m.size))
    return { kind: 'dataset', shape, dtype: `${m.type === rt.Module.H5T_class_t.H5T_INTEGER.value ? 'int' : 'type'}${m.size * 8}` };
  const dtype = `float${m.size * 8}`;
  if (count > budget) throw new Hdf5Error(`holds more float values than this build reads (at ${where}: ${count})`);
  if (m.size !== 2) {
    const v = d.value as Float32Array | Float64Array;
    return { kind: 'dataset', shape, dtype, values: v instanceof Float32Array ? v : Float32Array.from(v) };
  }
  // h5wasm has no float16 array type in Node 20: read the raw little-endian halves and widen them here.
  if (!m.littleEndian) throw new Hdf5Error(`holds big-endian float16 values (at ${where}), which this build does not read`);
  const nbytes = 2 * count;
  const ptr = rt.Module._malloc(Math.max(nbytes, 1));
  try {
    rt.Module.get_dataset_data(d.file_id, d.path, null, null, null, BigInt(ptr));
    return { kind: 'dataset', shape, dtype, values: decodeFloat16(rt.Module.HEAPU8.slice(ptr, ptr + nbytes), 0, count) };
  } finally {
    rt.Module._free(ptr);
  }
}

/** Writes a tree as an HDF5 file: float32 datasets (float16 where a dataset says so) and string attributes. */
export async function writeHdf5(root: H5Group): Promise<Uint8Array> {
  const { bytes } = await withFile(undefined, 'w', (f) => {
    const put = (g: H5GroupHandle, src: H5Group) => {
      for (const [k, v] of Object.entries(src.attrs)) {
        if (typeof v === 'string' || typeof v === 'number' || (Array.isArray(v) && v.every((s) => typeof s === 'string'))) g.create_attribute(k, v as string);
        else throw new Hdf5Error(`attribute ${k} has a type this writer does not write`);
      }
      for (const [name, child] of src.children) {
        if (child.kind === 'group') put(g.create_group(name), child);
        else {
          if (!child.values) throw new Hdf5Error(`dataset ${name} has no values`);
          if (child.dtype === 'float16') throw new Hdf5Error('float16 datasets are not written (h5wasm has no float16 arrays in Node 20)');
          g.create_dataset({ name, data: child.values, shape: child.shape, dtype: '<f' });
        }
      }
    };
    put(f, root);
  });
  return bytes;
}
