/**
 * node dist/bench/document-cache.js --data DIR [--data DIR...] [--model DIR] [--max-chars N]
 * Nats per character of the LSTM alone and mixed with the completion cache (src/completion/document-cache.ts),
 * as a user typing each file sees it: the document cache knows only the text before each character (the
 * model's context window); the workspace cache also searches the other files given (never the scored one),
 * with the replay's weights and, for reference, a fixed 50/50 mixture wherever the cache predicts. Also prints, on the same text, what the weights should be: how often the cache's first
 * choice is right by match length and occurrences, and the nats-optimal weight for each match length, with
 * the nats/char that those per-length weights reach.
 */
import { parseArgs } from 'util';
import { loadModelOrBundled } from '../src/model/model-store';
import { buildCorpus } from '../src/training/corpus';
import { cacheWeight, DEFAULT_CACHE_OPTIONS } from '../src/completion/document-cache';
import { scorePositions } from '../src/adapt/cache-scoring';
import { DEFAULT_COMPLETION_SETTINGS } from '../src/completion/complete';

const { values } = parseArgs({ options: { data: { type: 'string', multiple: true }, model: { type: 'string' }, 'max-chars': { type: 'string', default: '100000' } } });
if (!values.data?.length) {
  process.stderr.write('usage: node dist/bench/document-cache.js --data DIR [--data DIR...] [--model DIR] [--max-chars N]\n');
  process.exit(2);
}

interface Point {
  pLstm: number;
  order: number;
  total: number;
  /** Occurrences followed by the true character. */
  hits: number;
  /** Whether the cache's most frequent next character is the true one. */
  topRight: boolean;
  /** The same with the workspace's other files searched too. */
  ws: { weight: number; hits: number; total: number };
}

const ck = loadModelOrBundled(values.model);
const files = buildCorpus(values.data).files.map((f) => ({ key: f.path, text: f.text }));
const points: Point[] = [];
const t0 = Date.now();
scorePositions(ck.weights, files, { sources: { document: true, workspace: true }, contextChars: DEFAULT_COMPLETION_SETTINGS.contextChars, maxChars: Number(values['max-chars']) }, (p) => {
  const pred = p.document;
  const top = pred ? [...pred.counts].sort((a, b) => b[1] - a[1])[0][0] : undefined;
  const wp = p.workspace;
  points.push({
    pLstm: p.pLstm,
    order: pred?.order ?? 0,
    total: pred?.total ?? 0,
    hits: pred?.counts.get(p.char) ?? 0,
    topRight: top === p.char,
    ws: { weight: wp?.weight ?? 0, hits: wp?.counts.get(p.char) ?? 0, total: wp?.total ?? 0 },
  });
});

function nats(weight: (q: Point) => number): number {
  let sum = 0;
  for (const q of points) {
    const w = q.total ? weight(q) : 0;
    sum -= Math.log((1 - w) * q.pLstm + (w * q.hits) / Math.max(1, q.total));
  }
  return sum / points.length;
}

const lstm = nats(() => 0);
const def = nats((q) => cacheWeight(DEFAULT_CACHE_OPTIONS, q.order, q.total));
let wsSum = 0;
let fixedSum = 0;
for (const q of points) {
  const w = q.ws.total ? q.ws.weight : 0;
  wsSum -= Math.log((1 - w) * q.pLstm + (w * q.ws.hits) / Math.max(1, q.ws.total));
  // A fixed 50/50 mixture with the workspace cache where it has a prediction, as a reference.
  const f = q.ws.total ? 0.5 : 0;
  fixedSum -= Math.log((1 - f) * q.pLstm + (f * q.ws.hits) / Math.max(1, q.ws.total));
}
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
// How often the cache's first choice is right, by match length and occurrences (what its weight should follow).
const byBucket: Record<string, { n: number; right: number; lstm: number }> = {};
for (const q of points) {
  if (!q.total) continue;
  const ob = q.order < 6 ? '3-5' : q.order < 12 ? '6-11' : q.order < 24 ? '12-23' : '24+';
  const nb = q.total === 1 ? '1' : q.total < 4 ? '2-3' : '4+';
  const b = (byBucket[`order ${ob}, n ${nb}`] ??= { n: 0, right: 0, lstm: 0 });
  b.n++;
  if (q.topRight) b.right++;
  b.lstm += q.pLstm;
}
// The best cache weight for each match length on its own (the positions of one length are a partition).
const lambdaByOrder: Record<string, number> = {};
let perLengthSum = 0;
for (const [lo, hi] of [[3, 4], [4, 5], [5, 6], [6, 8], [8, 10], [10, 12], [12, 16], [16, 20], [20, 24], [24, 33]]) {
  const qs = points.filter((q) => q.total && q.order >= lo && q.order < hi);
  let bestL = 0;
  let bestN = Infinity;
  for (let l = 0; l <= 0.99; l += 0.01) {
    let sum = 0;
    for (const q of qs) sum -= Math.log((1 - l) * q.pLstm + (l * q.hits) / q.total);
    if (sum < bestN) {
      bestN = sum;
      bestL = l;
    }
  }
  lambdaByOrder[`${lo}-${hi - 1}`] = Math.round(bestL * 100) / 100;
  perLengthSum += bestN;
}
for (const q of points) if (!q.total) perLengthSum -= Math.log(q.pLstm);
const accuracy = Object.fromEntries(Object.entries(byBucket).map(([k, b]) => [k, { positions: b.n, cache_top1: r4(b.right / b.n), lstm_mean_p: r4(b.lstm / b.n) }]));
process.stdout.write(
  JSON.stringify(
    {
      model: ck.dir,
      data: values.data,
      chars: points.length,
      nats_per_char: {
        lstm: r4(lstm),
        document_cache: r4(def),
        document_cache_per_length_optimum: r4(perLengthSum / points.length),
        workspace_cache: r4(wsSum / points.length),
        workspace_cache_fixed_50_50: r4(fixedSum / points.length),
      },
      cache_accuracy: accuracy,
      best_weight_by_match_length: lambdaByOrder,
      seconds: (Date.now() - t0) / 1000,
    },
    null,
    1,
  ) + '\n',
);
