/**
 * What the completion cache already gives at every position of a workspace's training text, for a cache-aware
 * fine-tune (data/dataset.ts's CachePrior, train-graph.ts's mixture loss). The starting model reads each file as
 * the ghost text would (its state carried through the file), the workspace cache predicts from the text before the
 * position and from the other training files (never the file itself, as in serving), and the gate weighs the two
 * (cache-mixture.ts). The prior is fixed for the run: it says what the served mixture already knows, so the
 * fine-tune is spent on the rest. A plain fine-tune learned mostly what the cache supplies: on a 692 KB package it
 * gained 11 points of keystrokes with the cache off and none with it on (issue 42).
 */
import type { ModelWeights } from '../model/architecture';
import { scorePositions } from './cache-scoring';
import { mixtureWeight } from './cache-mixture';
import { DEFAULT_COMPLETION_SETTINGS } from './complete';

/**
 * The prior for `files` in the order `encodeFiles` streams them (the train stream): position j of the stream holds
 * the cache's weight and mass for predicting character j. Each file's first character has none (0).
 */
export function cachePrior(weights: ModelWeights, files: readonly { text: string }[]): { lambda: Float32Array; mass: Float32Array } {
  const offsets: number[] = [];
  let total = 0;
  for (const f of files) {
    offsets.push(total);
    total += f.text.length;
  }
  // data/dataset.ts's CachePrior, which this layer does not import.
  const prior = { lambda: new Float32Array(total), mass: new Float32Array(total) };
  // Files keyed by their place in the stream, so two files with one relative name (two roots) stay apart.
  const scored = files.map((f, i) => ({ key: String(i), text: f.text }));
  let file = -1;
  let at = 0;
  scorePositions(weights, scored, { sources: { workspace: true }, contextChars: DEFAULT_COMPLETION_SETTINGS.contextChars }, (p) => {
    const k = Number(p.file);
    if (k !== file) {
      file = k;
      at = offsets[k] + 1; // scorePositions predicts every character of a file but its first
    } else at++;
    const pred = p.workspace;
    if (pred && pred.total) {
      const lambda = mixtureWeight(pred, p.probs);
      prior.lambda[at] = lambda;
      prior.mass[at] = (lambda * (pred.counts.get(p.char) ?? 0)) / pred.total;
    }
  });
  return prior;
}
