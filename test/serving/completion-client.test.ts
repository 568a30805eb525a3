import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CompletionClient } from '../../src/serving/completion-client';
import { DocumentPrimed, Threshold } from '../../src/serving/completion-protocol';
import { complete, CompletionRequest, DEFAULT_COMPLETION_SETTINGS } from '../../src/completion/complete';
import { InferenceSession } from '../../src/inference/session';
import { LstmStepper, SERVING_PRECISION } from '../../src/inference/lstm-stepper';
import { TextIndex } from '../../src/workspace-index/text-index';
import { MIN_CONTEXT_CHARS } from '../../src/completion/context-window';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { mulberry32 } from '../../src/util/rng';
import { sampleContext } from '../../src/inference/generation-limits';

const SCRIPT = path.join(__dirname, '..', '..', 'dist', 'completion-worker.js');
const weights = initWeights(makeSpec({ embeddingDim: 16, lstmUnits: [48, 48] }), 3);
/** A workspace that says what follows `Widget(size=size, col`: the cache completes it even with random weights. */
const WIDGETS = [1, 2, 3].map((i) => ({
  key: `/ws/widgets_${i}.py`,
  text: `def make_${i}(size):\n    return make_widget(kind="square", size=size, colour="teal")\n`,
}));
const WIDGET_PREFIX = '    return make_widget(kind="square", size=size, col';

/**
 * A long Python-like document: every line distinct, so nothing short-circuits the stepping. With `defs` false
 * it has no top-level definition, so the context falls back to contextChars (context-window.ts).
 */
function longDocument(lines: number, defs = true): string {
  const line = (i: number) => (defs && i % 5 === 0 ? `def handler_${i}(request):` : `${defs ? '    ' : ''}value_${i} = compute(request, key="k${i}")`);
  return Array.from({ length: lines }, (_, i) => line(i)).join('\n') + '\n';
}

/** The engine's result as the worker returned it, less the worker's timing. */
function engineOnly<T extends { workerMs?: number }>(r: T | undefined): Omit<T, 'workerMs'> | undefined {
  if (!r) return r;
  const rest: Partial<T> = { ...r };
  delete rest.workerMs;
  return rest as Omit<T, 'workerMs'>;
}

describe('completion worker', function () {
  this.timeout(60_000);
  const logs: string[] = [];
  let client: CompletionClient;
  before(() => assert.ok(fs.existsSync(SCRIPT), 'run npm run build first'));
  beforeEach(() => {
    client = new CompletionClient({ log: (l) => logs.push(l) }, SCRIPT);
    client.setModel(weights);
  });
  afterEach(() => client.dispose());

  const request = (prefix: string, extra: Partial<CompletionRequest['settings']> = {}) => ({
    prefix,
    lineSuffix: '',
    after: '',
    settings: { ...DEFAULT_COMPLETION_SETTINGS, temperature: 0.7, ...extra },
  });

  it('answers as the engine does on this thread, with the same model', async () => {
    const prefix = longDocument(40) + '    value = compute(req';
    const here = await complete(new InferenceSession(new LstmStepper(weights, { precision: SERVING_PRECISION })), request(prefix));
    const there = await client.complete('a.py', request(prefix));
    assert.ok(here.text.length > 0, `the sampled completion is not empty (${here.outcome})`);
    assert.deepEqual(engineOnly(there), here);
  });

  it('reads the workspace index it is given, as the engine does', async () => {
    const index = TextIndex.build(WIDGETS);
    const settings = { temperature: 0, cache: 'workspace' as const };
    const here = await complete(new InferenceSession(new LstmStepper(weights, { precision: SERVING_PRECISION })), {
      ...request(WIDGET_PREFIX, settings),
      workspace: { index },
    });
    assert.match(here.text, /^our="teal/, `the index's text is what a random model completes (${here.outcome})`);
    assert.equal((await client.complete('b.py', request(WIDGET_PREFIX, settings)))!.outcome, 'low-confidence', 'no index yet');
    client.setIndex(index.toParts());
    assert.deepEqual(engineOnly(await client.complete('b2.py', request(WIDGET_PREFIX, settings))), here);
  });

  it('serves at the threshold calibrated for its model unless the user set one', async () => {
    const index = TextIndex.build(WIDGETS);
    client.setIndex(index.toParts());
    const engine = async (confidenceThreshold: number) =>
      complete(new InferenceSession(new LstmStepper(weights, { precision: SERVING_PRECISION })), {
        ...request(WIDGET_PREFIX, { temperature: 0, cache: 'workspace', confidenceThreshold }),
        workspace: { index },
      });
    const [sure, loose, usual] = [await engine(0.9), await engine(0.05), await engine(DEFAULT_COMPLETION_SETTINGS.confidenceThreshold)];
    assert.notDeepEqual(sure, loose, 'the two thresholds give different ghost text here');
    const posted = (confidenceThreshold: Threshold) => {
      const r = request(WIDGET_PREFIX, { temperature: 0, cache: 'workspace' });
      return { ...r, settings: { ...r.settings, confidenceThreshold } };
    };
    client.setModel(weights, 0.9);
    assert.deepEqual(engineOnly(await client.complete('t1.py', posted('calibrated'))), sure, "the model's threshold");
    assert.deepEqual(engineOnly(await client.complete('t2.py', posted(0.05))), loose, "the user's threshold");
    client.setModel(weights); // a model without a calibration: the engine's default
    assert.deepEqual(engineOnly(await client.complete('t3.py', posted('calibrated'))), usual);
  });

  it('primes a document in the background, so the completion after steps only what was typed since', async () => {
    const doc = longDocument(200);
    const primed = await client.prime('c.py', doc, DEFAULT_COMPLETION_SETTINGS.contextChars);
    assert.ok(primed! >= MIN_CONTEXT_CHARS, `primed ${primed}`);
    const t0 = performance.now();
    const r = await client.complete('c.py', request(doc + 'x = 1\nimport o'));
    const hostMs = performance.now() - t0;
    assert.ok(r!.stepped <= 'x = 1\nimport o'.length, `stepped ${r!.stepped}`);
    // The worker's own time for it, a part of the host's wait (the rest is the hop), for the editor's latency split.
    assert.ok(r!.workerMs !== undefined && r!.workerMs > 0 && r!.workerMs <= hostMs, `worker ${r!.workerMs} ms of ${hostMs} ms`);
    // Snapshots are keyed by their text, shared by all documents: a file closed and opened again finds them.
    client.close('c.py');
    const again = await client.complete('c2.py', request(doc + 'x = 1\nimport o'));
    assert.ok(again!.stepped <= 'x = 1\nimport o'.length, `stepped ${again!.stepped}`);
  });

  it('primes the lines on screen it is told of (the worker plans the passes), so a completion at any of them steps only that line', async () => {
    const doc = longDocument(300);
    const lines = doc.split('\n');
    const upTo = (l: number) => lines.slice(0, l + 1).join('\n');
    const stepped = await client.visible('screen.py', upTo(259), { first: 230, last: 259 }, DEFAULT_COMPLETION_SETTINGS.contextChars);
    assert.ok(stepped! >= MIN_CONTEXT_CHARS, `stepped ${stepped}`);
    for (const l of [230, 247, 259]) {
      const r = await client.complete('screen.py', request(upTo(l)));
      assert.ok(r!.stepped <= lines[l].length, `line ${l}: stepped ${r!.stepped} of a ${lines[l].length}-character line`);
    }
  });

  it('primes a whole document sent to it while idle, so a completion at any line steps only that line', async () => {
    const primedDocs: DocumentPrimed[] = [];
    const c = new CompletionClient({ log: () => undefined, documentPrimed: (p) => primedDocs.push(p) }, SCRIPT);
    c.setModel(weights);
    const doc = longDocument(600); // ~25 KB
    c.document('g.py', doc, doc.length / 2, DEFAULT_COMPLETION_SETTINGS.contextChars);
    for (let i = 0; i < 200 && !primedDocs.length; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(primedDocs.length, 1, 'the document was primed');
    assert.equal(primedDocs[0].passesDone, primedDocs[0].passes);
    const lines = doc.split('\n');
    for (const line of [5, 150, 420, 599]) {
      const prefix = lines.slice(0, line).join('\n') + '\n' + lines[line].slice(0, 10);
      const r = await c.complete('g.py', request(prefix));
      assert.ok(r!.stepped <= 10, `line ${line}: stepped ${r!.stepped}`);
    }
    // A new model (a training run switched it) primes the document again.
    c.setModel(initWeights(makeSpec({ embeddingDim: 16, lstmUnits: [48, 48] }), 4));
    for (let i = 0; i < 200 && primedDocs.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(primedDocs.length, 2, 'primed again with the new model');
    assert.ok(primedDocs[1].stepped > doc.length, `stepped ${primedDocs[1].stepped}`);
    c.dispose();
  });

  it('primes a document reported before the model arrived (open at activation) once the model comes', async () => {
    const primedDocs: DocumentPrimed[] = [];
    const c = new CompletionClient({ log: () => undefined, documentPrimed: (p) => primedDocs.push(p) }, SCRIPT);
    const doc = longDocument(60);
    c.document('early.py', doc, doc.length, DEFAULT_COMPLETION_SETTINGS.contextChars);
    c.document('closed.py', doc, doc.length, DEFAULT_COMPLETION_SETTINGS.contextChars);
    c.close('closed.py');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(c.starts, 0, 'no worker without a model');
    c.setModel(weights);
    for (let i = 0; i < 200 && !primedDocs.length; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      primedDocs.map((p) => p.key),
      ['early.py'],
      'the early document is primed; the one closed meanwhile is not',
    );
    c.dispose();
  });

  it('keeps this thread free while it steps, and stops a cancelled request at once', async () => {
    const prefix = longDocument(4000, false); // ~170 KB with no definition: the context is contextChars
    const settings = { contextChars: 60_000 };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = Date.now();
    const whole = await client.complete('d.py', request(prefix, settings));
    const wholeMs = Date.now() - t0;
    clearInterval(timer);
    assert.ok(whole!.stepped > 50_000, `stepped ${whole!.stepped}`);
    assert.ok(ticks > wholeMs / 20, `${ticks} timer ticks in ${wholeMs} ms: this thread kept running`);

    // Text the cache has never seen (its snapshots are keyed by text), so this request has the whole context to step.
    const other = prefix.replace(/value_/g, 'other_');
    const abort = new AbortController();
    const t1 = Date.now();
    const pending = client.complete('d.py', request(other, settings), abort.signal);
    setTimeout(() => abort.abort(), 20);
    const cancelled = await pending;
    assert.equal(cancelled!.outcome, 'cancelled');
    assert.ok(Date.now() - t1 < wholeMs / 2, `cancelled after ${Date.now() - t1} ms (a whole request took ${wholeMs} ms)`);
  });

  it('starts again, with its model and index, when the worker dies', async () => {
    client.setIndex(TextIndex.build(WIDGETS).toParts());
    assert.ok(await client.complete('e.py', request('x = 1\n')));
    const worker = (client as unknown as { worker: Worker }).worker;
    await worker.terminate();
    assert.match(logs[logs.length - 1], /completion worker stopped/);
    const r = await client.complete('e.py', request(WIDGET_PREFIX, { temperature: 0, cache: 'workspace' }));
    assert.equal(client.starts, 2);
    assert.match(r!.text, /^our="teal/);
  });

  it('makes a sample in chunks, the same text one generate() call makes, and stops when cancelled', async () => {
    const here = new InferenceSession(new LstmStepper(weights, { precision: SERVING_PRECISION }));
    here.feed(sampleContext('def '));
    const expected = here.generate({ maxChars: 700, temperature: 0.8, rng: mulberry32(11) }).text;
    assert.deepEqual(await client.generate('def ', 700, 0.8, 11), { text: expected, cancelled: false });
    // A completion served while a long sample is being made, and the sample cancelled after it.
    const abort = new AbortController();
    const long = client.generate('def ', 100_000, 0.8, 12, abort.signal);
    const t0 = Date.now();
    const r = await client.complete('h.py', request('import os\n'));
    const completionMs = Date.now() - t0;
    assert.ok(r, 'a completion answered meanwhile');
    abort.abort();
    const sample = await long;
    assert.equal(sample!.cancelled, true);
    assert.ok(sample!.text.length > 0 && sample!.text.length < 100_000, `${sample!.text.length} characters before the cancel`);
    assert.ok(completionMs < 1000, `the completion waited ${completionMs} ms`);
  });

  it('gives up after three workers in a row stop before answering (a missing or broken worker script)', async () => {
    const lines: string[] = [];
    const broken = new CompletionClient({ log: (l) => lines.push(l) }, path.join(path.dirname(SCRIPT), 'no-such-worker.js'));
    broken.setModel(weights);
    for (let i = 0; i < 5; i++) assert.equal(await broken.complete('i.py', request('import os\n')), undefined);
    assert.equal(broken.starts, 3);
    assert.match(lines.join('\n'), /failed 3 times in a row without answering.*completions are off/);
    broken.dispose();
  });

  it('without a model, answers nothing and starts no worker', async () => {
    const bare = new CompletionClient({ log: () => undefined }, SCRIPT);
    assert.equal(await bare.complete('f.py', request('import os\n')), undefined);
    assert.equal(await bare.prime('f.py', 'import os\n', 4000), undefined);
    assert.equal(await bare.visible('f.py', 'import os\n', { first: 0, last: 0 }, 4000), undefined);
    assert.equal(bare.starts, 0);
    bare.dispose();
  });
});
