/**
 * npm run bench:infer — inference speed of the SIMD stepper (in the precision the editor serves with, and in float32)
 * vs a stateful tf.layers model (the baseline),
 * measured in the same run on the design's model, and the jump scenario: the first completion after the cursor
 * jumps to a line end inside a 200 KB document, with today's path (the engine re-primes the context window
 * there), after the provider's priming at the resting cursor (primeAt), and in a document the completion worker
 * primed whole beforehand (primeDocument). Prints JSON. Options: --model DIR,
 * --trials N, --backend B, --jumps N, --jump-file FILE (a real file instead of the generated one).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as os from 'os';
import { parseArgs } from 'util';
import { makeSpec, ModelWeights } from '../src/model/architecture';
import { initWeights } from '../src/model/initializers';
import { loadCheckpoint } from '../src/model/checkpoint';
import { buildLayersModel, setLayersModelWeights } from '../src/model/layers-model';
import { selectBackend, BackendPreference } from '../src/backends/backend';
import { LstmStepper, SERVING_PRECISION, StepperPrecision } from '../src/inference/lstm-stepper';
import { InferenceSession } from '../src/inference/session';
import { sampleIndex } from '../src/inference/sampling';
import { mulberry32 } from '../src/util/rng';
import { encode } from '../src/model/vocab';
import { complete, DEFAULT_COMPLETION_SETTINGS } from '../src/completion/complete';
import { primeAt } from '../src/completion/document-primer';
import { primeDocument } from '../src/completion/document-primer';
import * as fs from 'fs';

const { values } = parseArgs({
  options: { model: { type: 'string' }, trials: { type: 'string' }, backend: { type: 'string' }, jumps: { type: 'string' }, 'jump-file': { type: 'string' } },
});
const TRIALS = Number(values.trials ?? 200);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function makeDoc(n: number): string {
  const lines: string[] = [];
  // The joined length kept as it grows (joining every line after each one was quadratic: ~400 MB at 200 KB).
  for (let i = 0, joined = 0; joined < n; i++) {
    lines.push(i % 5 === 0 ? `def handler_${i}(request, *args):` : `    value_${i} = compute(request.data[${i}], key="k${i}")`);
    joined += (i > 0 ? 1 : 0) + lines[i].length;
  }
  return lines.join('\n').slice(0, n);
}

function benchStepper(weights: ModelWeights, doc: string, precision: StepperPrecision) {
  const stepper = new LstmStepper(weights, { precision });
  const ids = encode(doc);
  for (let i = 0; i < 200; i++) stepper.step(ids[i]); // warm up
  let t0 = performance.now();
  const N = 4000;
  for (let i = 0; i < N; i++) stepper.step(ids[i % ids.length]);
  const stepMs = (performance.now() - t0) / N;
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    stepper.step(ids[i % ids.length]);
    stepper.logits();
  }
  const stepWithLogitsMs = (performance.now() - t0) / N;

  const primes: number[] = [];
  for (let r = 0; r < 5; r++) {
    const s = new InferenceSession(stepper);
    t0 = performance.now();
    s.feed(doc);
    primes.push(performance.now() - t0);
  }
  const session = new InferenceSession(stepper);
  session.feed(doc);
  const lat: number[] = [];
  const rng = mulberry32(1);
  const keys = 'abcdefghij';
  let text = doc;
  for (let t = 0; t < TRIALS; t++) {
    text += keys[t % keys.length];
    t0 = performance.now();
    session.feed(text);
    session.generate({ maxChars: 60, temperature: 0.5, rng });
    lat.push(performance.now() - t0);
  }
  return {
    ms_per_char_step: r3(stepMs),
    ms_per_char_step_with_logits: r3(stepWithLogitsMs),
    prime_2000_ms: r3(percentile(primes, 50)),
    completion_60_after_keystroke_ms: { p50: r3(percentile(lat, 50)), p95: r3(percentile(lat, 95)), trials: TRIALS },
  };
}

function benchLayers(weights: ModelWeights, doc: string) {
  const model = buildLayersModel(weights.spec, { stateful: true });
  setLayersModelWeights(model, weights);
  const lstms = model.layers.filter((l) => l.getClassName() === 'LSTM') as unknown as { states: tf.Tensor[]; resetStates(s?: tf.Tensor[]): void }[];
  const ids = encode(doc);
  const step = (id: number): Float32Array => tf.tidy(() => (model.predict(tf.tensor2d([id], [1, 1], 'int32')) as tf.Tensor).dataSync() as Float32Array);
  for (let i = 0; i < 50; i++) step(ids[i]);
  const N = 500;
  let t0 = performance.now();
  for (let i = 0; i < N; i++) step(ids[i % ids.length]);
  const stepMs = (performance.now() - t0) / N;
  model.resetStates();
  t0 = performance.now();
  for (const id of ids) step(id);
  const primeMs = performance.now() - t0;
  const lat: number[] = [];
  const rng = mulberry32(1);
  const trials = Math.min(TRIALS, 100);
  for (let t = 0; t < trials; t++) {
    t0 = performance.now();
    let probs = step(ids[t % ids.length]); // the new keystroke
    const saved = lstms.map((l) => l.states.map((s) => s.clone()));
    for (let i = 0; i < 60; i++) {
      const logp = Array.from(probs, (p) => Math.log(p + 1e-12));
      probs = step(sampleIndex(logp, { temperature: 0.5 }, rng));
    }
    lstms.forEach((l, i) => {
      l.resetStates(saved[i]);
      saved[i].forEach((s) => s.dispose());
    });
    lat.push(performance.now() - t0);
  }
  model.dispose();
  return {
    ms_per_char_step: r3(stepMs),
    prime_2000_ms: r3(primeMs),
    completion_60_after_keystroke_ms: { p50: r3(percentile(lat, 50)), p95: r3(percentile(lat, 95)), trials },
  };
}

/** First completion after each of `jumps` jumps to a line end, without and with priming at the resting cursor. */
async function benchJump(weights: ModelWeights, doc: string, jumps: number) {
  const settings = DEFAULT_COMPLETION_SETTINGS;
  const rng = mulberry32(7);
  const sites: number[] = [];
  while (sites.length < jumps) {
    const at = doc.indexOf('\n', Math.floor(rng() * doc.length));
    if (at > 0) sites.push(at);
  }
  const result: Record<string, unknown> = { document_chars: doc.length, jumps };
  for (const primed of [false, true]) {
    const session = new InferenceSession(new LstmStepper(weights, { precision: SERVING_PRECISION }));
    const first: number[] = [];
    const next: number[] = [];
    const primeMs: number[] = [];
    for (const at of sites) {
      const prefix = doc.slice(0, at);
      const after = doc.slice(at, at + 8000);
      if (primed) {
        const t = performance.now();
        await primeAt(session, prefix, settings.contextChars, () => false);
        primeMs.push(performance.now() - t);
      }
      let t0 = performance.now();
      await complete(session, { prefix: prefix + ' ', lineSuffix: '', settings, after });
      first.push(performance.now() - t0);
      t0 = performance.now();
      await complete(session, { prefix: prefix + ' x', lineSuffix: '', settings, after });
      next.push(performance.now() - t0);
    }
    const q = (xs: number[]) => ({ p50: r3(percentile(xs, 50)), p95: r3(percentile(xs, 95)) });
    result[primed ? 'primed_at_rest' : 'today'] = {
      first_completion_ms: q(first),
      next_keystroke_ms: q(next),
      ...(primed ? { background_prime_ms: q(primeMs) } : {}),
    };
  }
  result.document_primed = await benchPrimedDocument(weights, doc, sites);
  return result;
}

/**
 * The document primed whole first, as the completion worker does while the file is open (primeDocument), then the
 * same jumps: the first completion there resumes from the snapshot at its line's start.
 */
async function benchPrimedDocument(weights: ModelWeights, doc: string, sites: number[]) {
  const settings = DEFAULT_COMPLETION_SETTINGS;
  const session = new InferenceSession(new LstmStepper(weights, { precision: SERVING_PRECISION }), { maxSnapshots: 50_000 });
  let t0 = performance.now();
  const primed = await primeDocument(session, doc, 0, { contextChars: settings.contextChars, isCancelled: () => false, maxSnapshots: 50_000 });
  const primeSeconds = (performance.now() - t0) / 1000;
  const first: number[] = [];
  const stepped: number[] = [];
  for (const at of sites) {
    t0 = performance.now();
    const r = await complete(session, { prefix: doc.slice(0, at) + ' ', lineSuffix: '', settings, after: doc.slice(at, at + 8000) });
    first.push(performance.now() - t0);
    stepped.push(r.stepped);
  }
  return {
    prime_document_seconds: Math.round(primeSeconds * 10) / 10,
    prime_steps_per_char: Math.round((primed.stepped / doc.length) * 100) / 100,
    first_completion_ms: { p50: r3(percentile(first, 50)), p95: r3(percentile(first, 95)) },
    first_completion_stepped: { p50: percentile(stepped, 50), max: Math.max(...stepped) },
  };
}

async function main() {
  const sel = await selectBackend({ preferred: (values.backend as BackendPreference) ?? 'wasm' });
  const weights = values.model ? loadCheckpoint(values.model).weights : initWeights(makeSpec(), 1);
  const doc = makeDoc(2000);
  const ours = benchStepper(weights, doc, SERVING_PRECISION);
  const float32 = benchStepper(weights, doc, 'float32');
  const baseline = benchLayers(weights, doc);
  const jumpDoc = values['jump-file'] ? fs.readFileSync(values['jump-file'], 'utf8') : makeDoc(200_000);
  const jump = await benchJump(weights, jumpDoc, Number(values.jumps ?? 40));
  void tfl;
  const out = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    model: values.model ?? 'design spec, random weights',
    simd_stepper: { engine: 'WebAssembly SIMD kernel', precision: SERVING_PRECISION, ...ours },
    simd_stepper_float32: { engine: 'WebAssembly SIMD kernel', precision: 'float32', ...float32 },
    baseline_stateful_tf_layers: { backend: sel.name, ...baseline },
    jump_in_a_long_document: { file: values['jump-file'] ?? 'generated', ...jump },
    targets: { ms_per_char_step: 0.2, prime_2000_ms: 300, completion_p95_ms: 20, first_completion_after_jump_p95_ms: 30 },
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
