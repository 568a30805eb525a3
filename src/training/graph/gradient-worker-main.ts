/** Entry point of a gradient worker (dist/gradient-worker.js): a model replica that returns shard gradients. */
import { parentPort, workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, BackendPreference } from '../../backends/backend';
import { ModelSpec } from '../../model/architecture';
import { initWeights } from '../../model/initializers';
import { TrainableModel } from './train-graph';
import { ShardRequest, GradientResult } from './gradient-pool';
import { LstmState } from '../ops/lstm-op';
import { lowerThisThreadPriority } from '../../util/thread-priority';

const input = workerData as { spec: ModelSpec; backend: BackendPreference; modulePaths: string[]; seed: number; frozenLayers: number; lowPriority: boolean };
const port = parentPort!;
if (input.lowPriority) lowerThisThreadPriority();

async function main(): Promise<void> {
  await selectBackend({ preferred: input.backend, modulePaths: input.modulePaths });
  const model = new TrainableModel(initWeights(input.spec, 1), input.seed, 'host', input.frozenLayers);
  port.on('message', (m: { type: 'step'; req: ShardRequest }) => {
    try {
      const r = m.req;
      model.setWeightList(r.weights);
      const states: (LstmState | undefined)[] | undefined = r.states ? [...r.states] : undefined;
      let stats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
      const { value, grads } = tf.variableGrads(() => {
        const out = model.loss(r.inputs, r.targets, r.steps, r.batch, { training: true, states, prior: r.prior });
        stats = out.stats;
        return out.loss;
      }, model.trainableVariables);
      const list = model.trainableVariables.map((v) => (grads[v.name].dataSync() as Float32Array).slice());
      tf.dispose([value, ...Object.values(grads)]);
      const result: GradientResult = { grads: list, stats, states };
      port.postMessage(
        { type: 'grads', result },
        list.map((g) => g.buffer as ArrayBuffer),
      );
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
  port.postMessage({ type: 'ready' });
}

main().catch((e) => port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
