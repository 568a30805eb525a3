/**
 * Fast weight initialisation in plain JS, matching the Keras defaults in distribution: uniform embeddings,
 * Glorot-uniform kernels, orthogonal recurrent kernels (by modified Gram-Schmidt, ~50 ms for 256x1024
 * instead of the 255 s the tfjs cpu initialiser takes), unit forget-gate bias.
 */
import { ModelSpec, ModelWeights, LstmLayerWeights } from './architecture';
import { Rng, mulberry32, gaussian } from '../util/rng';

function uniform(n: number, limit: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng() * 2 - 1) * limit;
  return a;
}

function glorotUniform(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  return uniform(fanIn * fanOut, Math.sqrt(6 / (fanIn + fanOut)), rng);
}

/** A [rows, cols] matrix with orthonormal rows (rows <= cols) or columns (rows > cols). */
export function orthogonal(rows: number, cols: number, rng: Rng): Float32Array {
  const nVec = Math.min(rows, cols);
  const len = Math.max(rows, cols);
  const v = new Float64Array(nVec * len);
  for (let i = 0; i < v.length; i++) v[i] = gaussian(rng);
  for (let i = 0; i < nVec; i++) {
    const vi = v.subarray(i * len, (i + 1) * len);
    for (let j = 0; j < i; j++) {
      const vj = v.subarray(j * len, (j + 1) * len);
      let dot = 0;
      for (let k = 0; k < len; k++) dot += vi[k] * vj[k];
      for (let k = 0; k < len; k++) vi[k] -= dot * vj[k];
    }
    let norm = 0;
    for (let k = 0; k < len; k++) norm += vi[k] * vi[k];
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < len; k++) vi[k] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = rows <= cols ? v[r * len + c] : v[c * len + r];
    }
  }
  return out;
}

export function initLstmLayer(inputSize: number, units: number, rng: Rng): LstmLayerWeights {
  const bias = new Float32Array(4 * units);
  bias.fill(1, units, 2 * units); // unitForgetBias
  return {
    inputSize,
    units,
    kernel: glorotUniform(inputSize, 4 * units, rng),
    recurrentKernel: orthogonal(units, 4 * units, rng),
    bias,
  };
}

export function initWeights(spec: ModelSpec, seed = 1): ModelWeights {
  const rng = mulberry32(seed);
  let inputSize = spec.embeddingDim;
  const lstm = spec.lstmUnits.map((units) => {
    const layer = initLstmLayer(inputSize, units, rng);
    inputSize = units;
    return layer;
  });
  return {
    spec,
    embedding: uniform(spec.vocabSize * spec.embeddingDim, 0.05, rng),
    lstm,
    denseKernel: glorotUniform(inputSize, spec.vocabSize, rng),
    denseBias: new Float32Array(spec.vocabSize),
  };
}
