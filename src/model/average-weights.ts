/**
 * Checkpoint averaging: the element-wise mean of several weight sets of one architecture (the snapshots taken
 * along the end of a training run). Averaging points of the same low-learning-rate descent lands nearer the middle
 * of the valley than any single one of them (Polyak averaging; Izmailov et al. 2018, "Averaging weights leads to
 * wider optima"). Weights of different runs or architectures must not be mixed; they are refused.
 */
import { ModelSpec, ModelWeights, weightList, weightsFromList } from './architecture';

function sameSpec(a: ModelSpec, b: ModelSpec): boolean {
  return a.vocabSize === b.vocabSize && a.embeddingDim === b.embeddingDim && a.lstmUnits.join(',') === b.lstmUnits.join(',');
}

function describe(spec: ModelSpec): string {
  return `vocab ${spec.vocabSize}, embedding ${spec.embeddingDim}, LSTM ${spec.lstmUnits.join('+')}`;
}

export function averageWeights(sets: readonly ModelWeights[]): ModelWeights {
  if (!sets.length) throw new Error('nothing to average: no weight sets given');
  const spec = sets[0].spec;
  sets.forEach((w, i) => {
    if (!sameSpec(w.spec, spec)) throw new Error(`weight set ${i + 1} has another architecture (${describe(w.spec)}; the first has ${describe(spec)})`);
  });
  const lists = sets.map(weightList);
  const mean = lists[0].map((first, k) => {
    const sum = new Float64Array(first.length); // float64 sums: no drift however many sets
    for (const list of lists) {
      const a = list[k];
      for (let i = 0; i < a.length; i++) sum[i] += a[i];
    }
    return Float32Array.from(sum, (v) => v / lists.length);
  });
  return weightsFromList({ ...spec, lstmUnits: [...spec.lstmUnits] }, mean);
}
