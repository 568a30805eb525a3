/**
 * The design's model as a tfjs layers model. It is the reference the fast paths are tested against, the
 * source of the topology stored in model.json, and the baseline in benchmarks. Initialisers in its config
 * are cheap ones: real initial weights come from initializers.ts and are set afterwards.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelSpec, ModelWeights, lstmLayerName, weightList, weightEntries } from './architecture';

export interface LayersModelOptions {
  /** A stateful batch-1 model stepped one character per call (the inference baseline). */
  stateful?: boolean;
}

export function buildLayersModel(spec: ModelSpec, opts: LayersModelOptions = {}): tfl.LayersModel {
  const model = tfl.sequential({ name: 'lstm_complete' });
  model.add(
    tfl.layers.embedding({
      name: 'embedding',
      inputDim: spec.vocabSize,
      outputDim: spec.embeddingDim,
      batchInputShape: opts.stateful ? [1, 1] : [null, null],
    }),
  );
  spec.lstmUnits.forEach((units, i) => {
    model.add(
      tfl.layers.lstm({
        name: lstmLayerName(i),
        units,
        returnSequences: true,
        stateful: opts.stateful ?? false,
        recurrentActivation: 'sigmoid',
        kernelInitializer: 'glorotUniform',
        recurrentInitializer: 'glorotUniform',
        unitForgetBias: true,
      }),
    );
    model.add(tfl.layers.dropout({ name: `dropout_${i + 1}`, rate: spec.dropout }));
  });
  model.add(
    tfl.layers.dense({
      name: 'dense',
      units: spec.vocabSize,
      activation: 'softmax',
      kernelRegularizer: tfl.regularizers.l2({ l2: spec.denseL2 }),
    }),
  );
  return model;
}

export function setLayersModelWeights(model: tfl.LayersModel, weights: ModelWeights): void {
  const entries = weightEntries(weights.spec);
  const list = weightList(weights);
  tf.tidy(() => model.setWeights(list.map((a, i) => tf.tensor(a, entries[i].shape))));
}

/** The layers model's topology as stored in model.json. */
export function modelTopology(spec: ModelSpec): object {
  const model = buildLayersModel(spec);
  const json = model.toJSON(null, false) as object;
  model.dispose();
  return json;
}
