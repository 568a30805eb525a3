import { strict as assert } from 'assert';
import { planPasses, nearestFirst, primeDocument } from '../../src/completion/document-primer';
import { contextStart } from '../../src/completion/context-window';
import { InferenceSession } from '../../src/inference/session';
import { LstmStepper } from '../../src/inference/lstm-stepper';
import { StateCache } from '../../src/inference/state-cache';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';

const stepper = new LstmStepper(initWeights(makeSpec({ embeddingDim: 8, lstmUnits: [16, 16] }), 5));
const fn = (i: number) => `def handler_${i}(request):\n` + Array.from({ length: 8 }, (_, j) => `    value_${j} = compute(request, ${j})\n`).join('');
const CONTEXT = 4000;
const forever = { contextChars: CONTEXT, isCancelled: () => false, maxSnapshots: 100_000 };

/** Line-start offsets of `text`. */
const lineStarts = (text: string) => [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1).filter((i) => i < text.length)];

/** Characters a completion at the end of each line would step (the session resumes from the shared cache). */
function steppedAtLineEnds(cache: StateCache, text: string): number[] {
  const session = new InferenceSession(stepper, { cache });
  return lineStarts(text).map((ls) => {
    const end = text.indexOf('\n', ls);
    const prefix = text.slice(0, end < 0 ? text.length : end);
    return session.feed(prefix.slice(contextStart(prefix, CONTEXT))).stepped - (prefix.length - ls);
  });
}

describe('document primer', () => {
  const doc = Array.from({ length: 60 }, (_, i) => fn(i)).join(''); // ~17 KB

  it('plans one pass per context start, covering every line start once, and orders them nearest the cursor first', () => {
    const passes = planPasses(doc, CONTEXT);
    const covered = passes.flatMap((p) => lineStarts(doc).filter((ls) => ls >= p.first && ls <= p.last));
    assert.deepEqual(
      covered,
      lineStarts(doc)
        .concat(doc.endsWith('\n') ? [doc.length] : [])
        .slice(0, covered.length),
    );
    for (const p of passes) assert.equal(contextStart(doc.slice(0, p.first), CONTEXT), p.start);
    // Consecutive passes start at different places (else they would be one).
    for (let i = 1; i < passes.length; i++) assert.notEqual(passes[i].start, passes[i - 1].start);
    const cursor = Math.floor(doc.length / 2);
    const ordered = nearestFirst(passes, cursor);
    assert.ok(ordered[0].first <= cursor && ordered[0].last >= cursor - 200, 'the pass holding the cursor first');
  });

  it('plans the lines on screen as the whole plan does, clipped to them: their starts only, in the same passes', () => {
    const starts = lineStarts(doc);
    const lines = { first: 40, last: 70 };
    const visible = planPasses(doc, CONTEXT, lines);
    const inRange = (ls: number) => ls >= starts[lines.first] && ls <= starts[lines.last];
    const whole = planPasses(doc, CONTEXT)
      .map((p) => ({ ...p, covered: starts.filter((ls) => ls >= p.first && ls <= p.last && inRange(ls)) }))
      .filter((p) => p.covered.length)
      .map((p) => ({ start: p.start, first: p.covered[0], last: p.covered[p.covered.length - 1] }));
    assert.deepEqual(visible, whole);
    assert.deepEqual(planPasses(doc, CONTEXT, { first: 5, last: 5 }), [
      { start: contextStart(doc.slice(0, starts[5]), CONTEXT), first: starts[5], last: starts[5] },
    ]);
    assert.deepEqual(planPasses('', CONTEXT, { first: 3, last: 9 }), [], 'lines past the end: nothing');
  });

  it('leaves a snapshot at every line start, so a completion at any line end steps only that line', async () => {
    const cache = new StateCache(100_000);
    const r = await primeDocument(new InferenceSession(stepper, { cache }), doc, doc.length / 2, forever);
    assert.equal(r.passesDone, r.passes);
    // Definitions every ~300 characters here: each pass re-reads the MIN_CONTEXT_CHARS before its lines (real code: 1.35x, bench/context-designs.ts).
    assert.ok(r.stepped < doc.length * 3, `priming stepped ${r.stepped} for ${doc.length} characters`);
    assert.deepEqual(
      steppedAtLineEnds(cache, doc).filter((n) => n > 0),
      [],
      'every line resumed from its own start',
    );
    const again = await primeDocument(new InferenceSession(stepper, { cache }), doc, 0, forever);
    assert.equal(again.stepped, 0, 'a document primed again costs nothing');
  });

  for (const where of [
    { name: 'before the cursor', at: 0.2 },
    { name: 'at the cursor', at: 0.5 },
    { name: 'after the cursor', at: 0.8 },
  ]) {
    it(`after an edit ${where.name}, steps again only the passes whose context holds the edit`, async () => {
      const cache = new StateCache(100_000);
      const cursor = Math.floor(doc.length / 2);
      await primeDocument(new InferenceSession(stepper, { cache }), doc, cursor, forever);
      const e = doc.indexOf('\n', Math.floor(doc.length * where.at)) + 1;
      const edited = doc.slice(0, e) + '    extra = 1  # typed\n' + doc.slice(e);
      const touched = planPasses(edited, CONTEXT).filter((p) => p.start <= e && e < p.last);
      const bound = touched.reduce((n, p) => n + (p.last - p.start), 0);
      const r = await primeDocument(new InferenceSession(stepper, { cache }), edited, cursor, forever);
      assert.ok(r.stepped > 0 && r.stepped <= bound, `stepped ${r.stepped}, the passes holding the edit span ${bound}`);
      assert.ok(r.stepped < edited.length / 4, `far less than the document (${r.stepped} of ${edited.length})`);
      assert.deepEqual(
        steppedAtLineEnds(cache, edited).filter((n) => n > 0),
        [],
      );
    });
  }

  it('stops when cancelled and within its snapshot budget, nearest the cursor first', async () => {
    const cache = new StateCache(100_000);
    let calls = 0;
    const cancelled = await primeDocument(new InferenceSession(stepper, { cache }), doc, 0, { ...forever, isCancelled: () => ++calls > 3 });
    assert.equal(cancelled.cancelled, true);
    const small = await primeDocument(new InferenceSession(stepper, { cache: new StateCache(100_000) }), doc, doc.length, { ...forever, maxSnapshots: 40 });
    assert.ok(small.passesDone < small.passes && small.passesDone > 0, `${small.passesDone} of ${small.passes}`);
  });
});
