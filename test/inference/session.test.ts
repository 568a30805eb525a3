import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { LstmStepper } from '../../src/inference/lstm-stepper';
import { InferenceSession } from '../../src/inference/session';
import { mulberry32 } from '../../src/util/rng';
import { charToIndex } from '../../src/model/vocab';
import { useBackend } from '../helpers';

const spec = makeSpec({ embeddingDim: 8, lstmUnits: [32, 32] });
const doc = Array.from({ length: 40 }, (_, i) => `def f${i}(x):\n    return x + ${i}\n`).join('');

function fresh(): InferenceSession {
  return new InferenceSession(new LstmStepper(initWeights(spec, 5)));
}

describe('InferenceSession', () => {
  it('costs only the new characters when the text extends the last one', () => {
    const s = fresh();
    assert.deepEqual(s.feed(doc.slice(0, 500)), { stepped: 500, resumedAt: 0 });
    assert.deepEqual(s.feed(doc.slice(0, 503)), { stepped: 3, resumedAt: 500 });
  });

  it('gives the same probabilities as feeding from scratch, whatever path it took', () => {
    const s = fresh();
    s.feed(doc);
    s.feed(doc.slice(0, 301)); // cursor jump up
    s.feed(doc.slice(0, 200) + 'import os\n' + doc.slice(200, 400)); // edit above
    const target = doc.slice(0, 200) + 'import os\n' + doc.slice(200, 420);
    s.feed(target);
    const ref = fresh();
    ref.feed(target);
    const a = s.probabilities();
    const b = ref.probabilities();
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6));
  });

  it('resumes a cursor jump or an edit above from the nearest line-start snapshot', () => {
    const s = fresh();
    s.feed(doc);
    const lineStart = doc.lastIndexOf('\n', 300) + 1;
    const jump = s.feed(doc.slice(0, 300));
    assert.equal(jump.resumedAt, lineStart);
    assert.equal(jump.stepped, 300 - lineStart);
    // Jumping back down finds the snapshots taken on the first pass.
    const back = s.feed(doc);
    assert.equal(back.resumedAt, doc.length); // doc ends with a newline: the last snapshot is the end
    assert.equal(back.stepped, 0);
    // An edit on line 3 costs only the text after line 2's start.
    const editAt = doc.indexOf('\n', doc.indexOf('\n') + 1) + 5;
    const edited = doc.slice(0, editAt) + '#' + doc.slice(editAt);
    const r = s.feed(edited);
    assert.ok(r.resumedAt <= editAt && r.resumedAt >= editAt - 30, `resumed at ${r.resumedAt}`);
    assert.equal(r.stepped, edited.length - r.resumedAt);
  });

  it('treats CRLF text like LF text', () => {
    const a = fresh();
    const b = fresh();
    a.feed('x = 1\r\ny = 2\r\n');
    b.feed('x = 1\ny = 2\n');
    assert.deepEqual(a.probabilities(), b.probabilities());
  });

  it('keeps its snapshots bounded', () => {
    const s = new InferenceSession(new LstmStepper(initWeights(spec, 5)), { maxSnapshots: 10 });
    s.feed(doc);
    assert.equal(s.snapshotCount, 10);
  });

  it('generates reproducibly from a seed without moving the fed state', () => {
    const s = fresh();
    s.feed('def ');
    const before = s.probabilities();
    const g1 = s.generate({ maxChars: 50, temperature: 1, rng: mulberry32(42) });
    const g2 = s.generate({ maxChars: 50, temperature: 1, rng: mulberry32(42) });
    assert.equal(g1.text.length, 50);
    assert.equal(g1.text, g2.text);
    assert.deepEqual(s.probabilities(), before);
    const greedy1 = s.generate({ maxChars: 20, temperature: 0 });
    const greedy2 = s.generate({ maxChars: 20, temperature: 0, rng: mulberry32(9) });
    assert.equal(greedy1.text, greedy2.text);
  });

  it('stops by rule and by cancellation', () => {
    const s = fresh();
    s.feed('x = ');
    const r = s.generate({ maxChars: 100, temperature: 1, stopBefore: (t) => t.length === 7 });
    assert.equal(r.stoppedBy, 'rule');
    assert.equal(r.text.length, 7);
    let calls = 0;
    const c = s.generate({ maxChars: 100, temperature: 1, isCancelled: () => ++calls > 3 });
    assert.equal(c.stoppedBy, 'cancelled');
    assert.equal(c.text.length, 3);
  });

  it('greedy search with a probability floor stops before the character that would cross it', () => {
    const s = fresh();
    s.feed('def ');
    const free = s.generate({ maxChars: 30, temperature: 0 });
    const floor = free.probabilities.slice(0, 3).reduce((a, b) => a * b, 1) * 0.999;
    const cut = s.generate({ maxChars: 30, temperature: 0, minCumulativeProbability: floor });
    assert.equal(cut.stoppedBy, 'confidence');
    assert.ok(cut.text.length >= 3 && free.text.startsWith(cut.text), JSON.stringify([cut.text, free.text]));
    assert.equal(cut.next, free.text[cut.text.length]);
  });

  it('scores a continuation with the probabilities greedy decoding reports, without moving the state', () => {
    const s = fresh();
    s.feed('def ');
    const before = s.probabilities();
    const g = s.generate({ maxChars: 12, temperature: 0 });
    const scored = s.score(g.text);
    assert.equal(scored.length, g.text.length);
    scored.forEach((p, i) => assert.ok(Math.abs(p - g.probabilities[i]) < 1e-9, `char ${i}`));
    assert.deepEqual(s.probabilities(), before);
    // Early exit once the product falls below the floor.
    assert.ok(s.score(g.text, 2).length === 1);
  });

  it('an adjusting hook steers greedy decoding and its reported probabilities', () => {
    const s = fresh();
    s.feed('x = ');
    const z = charToIndex('z');
    const g = s.generate({
      maxChars: 5,
      temperature: 0,
      adjust: (_t, probs) => {
        probs.fill(0);
        probs[z] = 1;
      },
    });
    assert.equal(g.text, 'zzzzz');
    assert.deepEqual(g.probabilities, [1, 1, 1, 1, 1]);
  });

  it('allocates no tensors over 1000 steps on a tfjs backend', async () => {
    await useBackend('wasm');
    const s = fresh();
    s.feed('a');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      s.feed(doc.slice(0, 100 * (i + 1)));
      s.generate({ maxChars: 10, temperature: 0.5 });
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
