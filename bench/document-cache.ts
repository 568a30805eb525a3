/**
 * node dist/bench/document-cache.js --data DIR [--data DIR...] [--model DIR] [--max-chars N]
 * Nats per character of the LSTM alone and mixed with the document cache (src/completion/document-cache.ts),
 * as a user typing each file sees it: the cache knows only the text before each character (the model's
 * context window). Also fits the cache weight's two constants (halfCount κ, fullOrder) on the same text by
 * grid search and prints the best, so a choice of constants can be checked against the defaults.
 */
import { parseArgs } from 'util';
import { loadModelOrBundled } from '../src/model/model-store';
import { buildCorpus } from '../src/training/corpus';
import { LstmStepper } from '../src/inference/lstm-stepper';
import { softmax } from '../src/inference/sampling';
import { charToIndex, encode, normalizeText, UNKNOWN_INDEX } from '../src/model/vocab';
import { DEFAULT_CACHE_OPTIONS, DocumentCache } from '../src/completion/document-cache';
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
}

const ck = loadModelOrBundled(values.model);
const stepper = new LstmStepper(ck.weights);
const maxChars = Number(values['max-chars']);
const points: Point[] = [];
const window = DEFAULT_COMPLETION_SETTINGS.contextChars;
const t0 = Date.now();
for (const f of buildCorpus(values.data).files) {
  if (points.length >= maxChars) break;
  const text = normalizeText(f.text);
  const codes = encode(text);
  stepper.resetState();
  const logits = new Float32Array(ck.weights.spec.vocabSize);
  for (let i = 0; i < codes.length && points.length < maxChars; i++) {
    const p = softmax(stepper.logits(logits));
    if (codes[i] !== UNKNOWN_INDEX) {
      const pred = new DocumentCache(text.slice(Math.max(0, i - window), i), '', { ...DEFAULT_CACHE_OPTIONS, fullOrder: 1, halfCount: 1 }).predict('');
      const hits = pred && charToIndex(text[i]) !== UNKNOWN_INDEX ? (pred.counts.get(text[i]) ?? 0) : 0;
      points.push({ pLstm: p[codes[i]], order: pred?.order ?? 0, total: pred?.total ?? 0, hits });
    }
    stepper.step(codes[i]);
  }
}

function nats(halfCount: number, fullOrder: number): number {
  let sum = 0;
  for (const q of points) {
    const w = q.total ? (q.total / (q.total + halfCount)) * Math.min(1, q.order / fullOrder) : 0;
    sum -= Math.log((1 - w) * q.pLstm + (w * q.hits) / Math.max(1, q.total));
  }
  return sum / points.length;
}

const lstm = nats(1, Infinity);
const def = nats(DEFAULT_CACHE_OPTIONS.halfCount, DEFAULT_CACHE_OPTIONS.fullOrder);
let best = { halfCount: 0, fullOrder: 0, nats: Infinity };
for (const halfCount of [0.25, 0.5, 1, 2, 4, 8]) {
  for (const fullOrder of [4, 8, 12, 16, 24, 32, 48]) {
    const n = nats(halfCount, fullOrder);
    if (n < best.nats) best = { halfCount, fullOrder, nats: n };
  }
}
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
process.stdout.write(
  JSON.stringify(
    {
      model: ck.dir,
      data: values.data,
      chars: points.length,
      nats_per_char: { lstm: r4(lstm), with_cache_defaults: r4(def), with_cache_best_fit: r4(best.nats) },
      defaults: { halfCount: DEFAULT_CACHE_OPTIONS.halfCount, fullOrder: DEFAULT_CACHE_OPTIONS.fullOrder },
      best_fit: { halfCount: best.halfCount, fullOrder: best.fullOrder },
      seconds: (Date.now() - t0) / 1000,
    },
    null,
    1,
  ) + '\n',
);
