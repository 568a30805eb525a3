import { strict as assert } from 'assert';
import { evaluateWithCache } from '../../src/completion/cache-scoring';
import { LstmStepper } from '../../src/inference/lstm-stepper';
import { encode } from '../../src/model/vocab';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { useBackend } from '../helpers';

describe('scoring with the completion cache', function () {
  this.timeout(60_000);
  const weights = initWeights(makeSpec({ embeddingDim: 8, lstmUnits: [16, 16] }), 2);
  // Two files that share a long name; each repeats its own lines.
  const files = [
    { key: 'a.py', text: 'def frobnicate_widget(x):\n    return x + 1\n\ndef other(y):\n    return y + 1\n' },
    { key: 'b.py', text: 'from a import frobnicate_widget\nvalue = frobnicate_widget(2)\ntotal = frobnicate_widget(3)\n' },
  ];
  before(() => useBackend('cpu'));

  it("without a cache it is the model's own cross-entropy: the state carried through each file, reset between files", () => {
    // The textbook figure, from the stepper's logits: log-sum-exp minus the true character's logit.
    let nats = 0;
    let right = 0;
    let chars = 0;
    const stepper = new LstmStepper(weights);
    for (const f of files) {
      const ids = encode(f.text);
      stepper.resetState();
      for (let i = 0; i + 1 < ids.length; i++) {
        stepper.step(ids[i]);
        const logits = stepper.logits();
        const m = Math.max(...logits);
        nats += Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0)) + m - logits[ids[i + 1]];
        if (logits.indexOf(m) === ids[i + 1]) right++;
        chars++;
      }
    }
    const scored = evaluateWithCache(weights, files, { cache: 'none', contextChars: 4000 });
    assert.equal(scored.chars, chars);
    assert.ok(Math.abs(scored.nats_per_char - nats / chars) < 1e-4, `${scored.nats_per_char} vs ${nats / chars}`);
    assert.ok(Math.abs(scored.accuracy - right / chars) < 1e-9);
  });

  it('what the document repeats, and then what the other file says, lower the loss of an untrained model', () => {
    const none = evaluateWithCache(weights, files, { cache: 'none', contextChars: 4000 });
    const doc = evaluateWithCache(weights, files, { cache: 'document', contextChars: 4000 });
    const ws = evaluateWithCache(weights, files, { cache: 'workspace', contextChars: 4000 });
    assert.ok(doc.nats_per_char < none.nats_per_char - 0.3, `${doc.nats_per_char} vs ${none.nats_per_char}`);
    assert.ok(ws.nats_per_char < doc.nats_per_char, `${ws.nats_per_char} vs ${doc.nats_per_char}`);
    assert.ok(ws.accuracy > none.accuracy);
    assert.equal(ws.files, 2);
  });
});
