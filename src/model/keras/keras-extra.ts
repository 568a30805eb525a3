/**
 * What our export adds to a Keras file beside Keras's own layers: the unknown symbol's embedding row and dense column,
 * which the seed's vocabulary has no place for. Keras loads by walking the model's own paths (saving_lib.py,
 * `_load_state`), so a group it never walks is left alone; an import of our export reads it back, bit for bit.
 */
export const EXTRA_GROUP = 'lstm_complete';

export const EXTRA_UNKNOWN = {
  embedding: 'unknown_symbol_embedding',
  denseKernel: 'unknown_symbol_dense_kernel',
  denseBias: 'unknown_symbol_dense_bias',
} as const;
