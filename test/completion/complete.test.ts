import { strict as assert } from 'assert';
import { complete, CompletionSession, DEFAULT_COMPLETION_SETTINGS } from '../../src/completion/complete';
import { GenerateOptions, GenerateResult, InferenceSession } from '../../src/inference/session';
import { LstmStepper } from '../../src/inference/lstm-stepper';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { FIXTURES, splitDoc } from './fixtures';

/** A session whose "model" emits a fixed script, so the rules can be checked exactly. */
class ScriptedSession implements CompletionSession {
  fed = '';
  constructor(
    private readonly script: string,
    private readonly prob = 0.9,
  ) {}
  resumePoint(): number {
    return 0;
  }
  feed(text: string) {
    const stepped = text.length - (text.startsWith(this.fed) ? this.fed.length : 0);
    this.fed = text;
    return { stepped, resumedAt: text.length - stepped };
  }
  generate(opts: GenerateOptions): GenerateResult {
    let text = '';
    for (const ch of this.script) {
      if (text.length >= opts.maxChars) return { text, probabilities: text.split('').map(() => this.prob), stoppedBy: 'length' };
      if (opts.isCancelled?.()) return { text, probabilities: [], stoppedBy: 'cancelled' };
      if (opts.stopBefore?.(text, ch)) return { text, probabilities: text.split('').map(() => this.prob), stoppedBy: 'rule' };
      text += ch;
    }
    return { text, probabilities: text.split('').map(() => this.prob), stoppedBy: 'length' };
  }
}

describe('completion rules (golden fixtures, cursor marked █)', () => {
  for (const f of FIXTURES) {
    it(f.name, async () => {
      const { prefix, lineSuffix } = splitDoc(f.doc);
      const r = await complete(new ScriptedSession(f.model, f.prob), {
        prefix,
        lineSuffix,
        settings: { ...DEFAULT_COMPLETION_SETTINGS, multiline: f.multiline ?? false, maxCompletionChars: f.maxChars ?? 120 },
      });
      assert.equal(r.outcome === 'ok' ? r.text : null, f.expect, `outcome ${r.outcome}`);
      if (f.outcome) assert.equal(r.outcome, f.outcome);
      assert.equal(r.replaceSuffix, f.replaceSuffix ?? 0);
    });
  }
});

describe('completion engine with a real session', () => {
  const session = () => new InferenceSession(new LstmStepper(initWeights(makeSpec({ embeddingDim: 8, lstmUnits: [32, 32] }), 3)));
  const doc = Array.from({ length: 200 }, (_, i) => `value_${i} = compute(${i})\n`).join('');

  it('a keystroke after a completion costs only the new character', async () => {
    const s = session();
    const settings = { ...DEFAULT_COMPLETION_SETTINGS, contextChars: 100_000 };
    const first = await complete(s, { prefix: doc, lineSuffix: '', settings });
    assert.equal(first.stepped, doc.length);
    const next = await complete(s, { prefix: doc + 'v', lineSuffix: '', settings });
    assert.equal(next.stepped, 1);
  });

  it('yields to the event loop while priming a long document and stops when cancelled', async () => {
    const s = session();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let cancelled = false;
    setTimeout(() => (cancelled = true), 5);
    const r = await complete(s, { prefix: doc.repeat(3), lineSuffix: '', settings: { ...DEFAULT_COMPLETION_SETTINGS, contextChars: 100_000 }, sliceChars: 200, isCancelled: () => cancelled });
    clearInterval(timer);
    assert.equal(r.outcome, 'cancelled');
    assert.ok(ticks > 0);
    assert.ok(s.currentText.length < doc.length * 3);
  });

  it('a long document is cut to a stable window of about contextChars', async () => {
    const s = session();
    const settings = { ...DEFAULT_COMPLETION_SETTINGS, contextChars: 2000 };
    await complete(s, { prefix: doc, lineSuffix: '', settings });
    assert.ok(s.currentText.length <= 2000 && s.currentText.length > 900, `fed ${s.currentText.length}`);
    assert.ok(s.currentText.startsWith('value_'));
    const r = await complete(s, { prefix: doc + 'x', lineSuffix: '', settings });
    assert.equal(r.stepped, 1);
  });
});
