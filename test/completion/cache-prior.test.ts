import { strict as assert } from 'assert';
import { cachePrior } from '../../src/completion/cache-prior';
import { initWeights } from '../../src/model/initializers';
import { makeSpec } from '../../src/model/architecture';
import { encodeFiles } from '../../src/data/dataset';

describe('cache prior over training text (cache-aware fine-tuning, issue 42)', () => {
  const line = 'result = compute_the_total_of_everything(values, weights)\n';
  const files = [{ text: 'import os\n' + line + 'print(result)\n' }, { text: 'import sys\n' + 'x = 1\n' + line + 'y = 2\n' }];

  it('lines up with the training stream: what the workspace cache gives each character, from the other files only', () => {
    const prior = cachePrior(initWeights(makeSpec({ embeddingDim: 4, lstmUnits: [8, 8] }), 3), files);
    const stream = encodeFiles(files.map((f, i) => ({ path: `/r/${i}.py`, relative: `${i}.py`, text: f.text })));
    assert.equal(prior.lambda.length, stream.length);
    assert.equal(prior.mass.length, stream.length);
    // Each file's first character is predicted by nothing.
    assert.equal(prior.lambda[0], 0);
    assert.equal(prior.lambda[files[0].text.length], 0);
    // Deep into the line the other file also holds, the cache is weighted heavily and right (an untrained model knows nothing).
    const second = files[0].text.length + files[1].text.indexOf(line);
    const deep = second + line.indexOf('everything');
    assert.ok(prior.lambda[deep] > 0.5, `λ ${prior.lambda[deep]}`);
    assert.ok(prior.mass[deep] > 0.5 && prior.mass[deep] <= prior.lambda[deep] + 1e-6, `mass ${prior.mass[deep]}`);
    // Where nothing repeats (the start of a line no file shares) it gives less.
    const fresh = files[0].text.length + files[1].text.indexOf('y = 2');
    assert.ok(prior.mass[fresh] < prior.mass[deep]);
    for (let i = 0; i < stream.length; i++) assert.ok(prior.mass[i] >= 0 && prior.mass[i] <= prior.lambda[i] + 1e-6 && prior.lambda[i] <= 1);
  });
});
