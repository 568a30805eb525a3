import { strict as assert } from 'assert';
import { sampleContext, GENERATION_LIMITS } from '../../src/inference/generation-limits';
import { InferenceSession } from '../../src/inference/session';
import { LstmStepper } from '../../src/inference/lstm-stepper';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { bundledModelDir } from '../../src/model/model-store';
import { checkPython, cutAtLogicalLine, loadPythonParser } from '../../src/python/python-parse';
import { mulberry32 } from '../../src/util/rng';

describe('Generate Sample (issue 44)', () => {
  it('with its defaults (500 characters, temperature 0.5, start "def "), at least 80% of samples parse as Python', async function () {
    this.timeout(60_000);
    const weights = loadCheckpoint(bundledModelDir()!).weights;
    const parser = await loadPythonParser();
    const session = new InferenceSession(new LstmStepper(weights));
    const parsed = (lead: boolean) => {
      let ok = 0;
      for (let seed = 1; seed <= 20; seed++) {
        session.feed(lead ? sampleContext('def ') : 'def ');
        const text = 'def ' + session.generate({ maxChars: 500, temperature: 0.5, rng: mulberry32(seed) }).text;
        if (checkPython(parser, cutAtLogicalLine(text)).ok) ok++;
      }
      return ok / 20;
    };
    const withLead = parsed(true);
    assert.ok(withLead >= 0.8, `${withLead * 100}% parse`);
    // Without the lead the model reads "def " as the middle of some text: the samples were not Python.
    assert.ok(parsed(false) < withLead / 2);
    assert.ok(GENERATION_LIMITS.maxChars >= 500);
  });
});
