/**
 * Data-parallel gradients over worker threads: each worker holds a replica of the model on its own tfjs
 * backend instance (one wasm thread each), computes the gradients of its share of the batch's sequences, and
 * the caller averages them (weighted by characters) before clipping and the Adam step, which stay in one
 * place. With carried state each worker keeps the rows it owns. On 2 cores this nearly doubles the speed of
 * the single-threaded wasm backend.
 */
import { Worker } from 'worker_threads';
import { ModelSpec } from '../../model/architecture';
import { BackendPreference } from '../../backends/backend';
import { Batch, CachePrior } from '../../data/dataset';
import { LstmState } from '../ops/lstm-op';
import { findWorkerScript } from '../../util/worker-script';

export interface GradientResult {
  grads: Float32Array[];
  stats: { crossEntropy: number; accuracy: number; chars: number };
  states?: (LstmState | undefined)[];
}

export interface ShardRequest {
  weights: Float32Array[];
  inputs: Int32Array;
  targets: Int32Array;
  prior?: CachePrior;
  steps: number;
  batch: number;
  states?: (LstmState | undefined)[];
}

/** Rows [r0, r1) of a time-major batch (and of its cache prior). */
export function shardBatch(
  b: Pick<Batch, 'inputs' | 'targets' | 'steps' | 'batch' | 'prior'>,
  r0: number,
  r1: number,
): { inputs: Int32Array; targets: Int32Array; prior?: CachePrior } {
  const n = r1 - r0;
  const rows = <T extends Int32Array | Float32Array>(a: T, out: T): T => {
    for (let t = 0; t < b.steps; t++) out.set(a.subarray(t * b.batch + r0, t * b.batch + r1) as never, t * n);
    return out;
  };
  const inputs = rows(b.inputs, new Int32Array(b.steps * n));
  const targets = rows(b.targets, new Int32Array(b.steps * n));
  if (!b.prior) return { inputs, targets };
  const prior = { lambda: rows(b.prior.lambda, new Float32Array(b.steps * n)), mass: rows(b.prior.mass, new Float32Array(b.steps * n)) };
  return { inputs, targets, prior };
}

function sliceStates(states: (LstmState | undefined)[] | undefined, units: number[], r0: number, r1: number): (LstmState | undefined)[] | undefined {
  if (!states) return undefined;
  return units.map((H, l) => (states[l] ? { h: states[l]!.h.slice(r0 * H, r1 * H), c: states[l]!.c.slice(r0 * H, r1 * H) } : undefined));
}

export class GradientPool {
  private constructor(
    private readonly workers: Worker[],
    private readonly spec: ModelSpec,
  ) {}

  get size(): number {
    return this.workers.length;
  }

  static async create(
    threads: number,
    spec: ModelSpec,
    opts: { backend?: BackendPreference; modulePaths?: string[]; seed?: number; frozenLayers?: number; lowPriority?: boolean } = {},
  ): Promise<GradientPool> {
    const script = findWorkerScript('gradient-worker.js');
    const workers = Array.from(
      { length: threads },
      (_, i) =>
        new Worker(script, {
          workerData: {
            spec,
            backend: opts.backend ?? 'auto',
            modulePaths: opts.modulePaths ?? [],
            seed: (opts.seed ?? 1) * 1000 + i,
            frozenLayers: opts.frozenLayers ?? 0,
            lowPriority: opts.lowPriority ?? false,
          },
        }),
    );
    await Promise.all(workers.map((w) => once(w, 'ready')));
    return new GradientPool(workers, spec);
  }

  /**
   * Gradients of the mean loss over the whole batch (the same as one replica would give, up to dropout), on
   * `active` of the workers (default all; fewer while the editor needs a core).
   */
  async compute(weights: Float32Array[], batch: Batch, states?: (LstmState | undefined)[], active = this.workers.length): Promise<GradientResult> {
    const k = Math.max(1, Math.min(this.workers.length, active, batch.batch));
    const bounds = Array.from({ length: k + 1 }, (_, i) => Math.round((i * batch.batch) / k));
    const parts = await Promise.all(
      Array.from({ length: k }, (_, i) => {
        const { inputs, targets, prior } = shardBatch(batch, bounds[i], bounds[i + 1]);
        const req: ShardRequest = {
          weights,
          inputs,
          targets,
          ...(prior ? { prior } : {}),
          steps: batch.steps,
          batch: bounds[i + 1] - bounds[i],
          states: sliceStates(states, this.spec.lstmUnits, bounds[i], bounds[i + 1]),
        };
        const reply = once(this.workers[i], 'grads') as Promise<GradientResult>;
        this.workers[i].postMessage({ type: 'step', req });
        return reply;
      }),
    );
    const total = parts.reduce((s, p) => s + p.stats.chars, 0);
    const grads = parts[0].grads.map((g) => new Float32Array(g.length));
    for (const p of parts) {
      const w = p.stats.chars / total;
      p.grads.forEach((g, j) => {
        const out = grads[j];
        for (let i = 0; i < g.length; i++) out[i] += w * g[i];
      });
    }
    const stats = {
      crossEntropy: parts.reduce((s, p) => s + p.stats.crossEntropy * p.stats.chars, 0) / total,
      accuracy: parts.reduce((s, p) => s + p.stats.accuracy * p.stats.chars, 0) / total,
      chars: total,
    };
    let merged: (LstmState | undefined)[] | undefined;
    if (states) {
      merged = this.spec.lstmUnits.map((H, l) => {
        const h = new Float32Array(batch.batch * H);
        const c = new Float32Array(batch.batch * H);
        parts.forEach((p, i) => {
          h.set(p.states![l]!.h, bounds[i] * H);
          c.set(p.states![l]!.c, bounds[i] * H);
        });
        return { h, c };
      });
    }
    return { grads, stats, states: merged };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The next message of a type from a worker; rejects if the worker errors or reports an error first. */
function once(w: Worker, type: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string; result?: unknown }) => {
      if (m.type === type) {
        cleanup();
        resolve(m.result);
      } else if (m.type === 'error') {
        cleanup();
        reject(new Error(`gradient worker: ${m.message}`));
      }
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new Error(`gradient worker crashed: ${e.message}`));
    };
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
    };
    w.on('message', onMessage);
    w.on('error', onError);
  });
}
