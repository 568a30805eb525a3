// The arithmetic of continuing a cosine-scheduled training run, shared by pretrain.mjs, model-card.mjs and the
// GPU scripts (scripts/gpu/*.sh import it with `await import(path)`).

/** Batches per epoch of a checkpoint's run, counted as the trainer counts them. */
export function batchesPerEpoch(meta) {
  const hp = meta.training.hyperParameters;
  return Math.floor(meta.corpus.trainChars / (hp.batchSize * hp.seqLen));
}

/**
 * The nominal --lr for which the trainer's cosine (over all `total` epochs from 0, down to `lrMin`) is at
 * `restart` at epoch `at`: how a resumed run gets a warm restart of a chosen height.
 */
export function restartPeakLr(at, total, restart, lrMin) {
  return lrMin + (restart - lrMin) / (0.5 * (1 + Math.cos((Math.PI * at) / total)));
}
