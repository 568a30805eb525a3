import { strict as assert } from 'assert';
import { loadModelOrBundled } from '../../src/model/model-store';
import { DEFAULT_SURPRISE_OPTIONS, SurpriseScorer, lineScore, lineStarts, surprisingLines } from '../../src/lens/surprise';
import { codeNames } from '../../src/lens/near-names';
import { findTypos, injectTypo, summarizeTypos, TYPO_KINDS } from '../../src/lens/typo-finder';
import { mulberry32 } from '../../src/util/rng';

const FIXTURE = `import os
import sys


def read_config(path, defaults=None):
    """Read a key = value file into a dict."""
    config = dict(defaults or {})
    if not os.path.exists(path):
        return config
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            config[key.strip()] = value.strip()
    return config


def main(argv):
    if len(argv) < 2:
        print("usage: config FILE", file=sys.stderr)
        return 2
    config = read_config(argv[1])
    for key in sorted(config):
        print(key, config[key])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
`;

describe('the surprise lens (bundled model)', function () {
  this.timeout(60_000);
  const weights = loadModelOrBundled().weights;

  it('ranks the line with a misspelt keyword first of the file by surprise alone', () => {
    const broken = FIXTURE.replace('    return config\n\n\ndef main', '    retrun config\n\n\ndef main');
    const line = broken.split('\n').findIndex((l) => l.includes('retrun'));
    const { ranked } = surprisingLines(weights, broken, { ...DEFAULT_SURPRISE_OPTIONS, nameSlips: false, top: 3 });
    assert.equal(ranked[0].line, line, `ranked: ${JSON.stringify(ranked.map((r) => [r.line, r.text, r.score.toFixed(2)]))}`);
    assert.equal(ranked[0].text.trim(), 'retrun config');
  });

  it('scores a range from the state at its line start exactly as a whole pass does', () => {
    const scorer = new SurpriseScorer(weights, DEFAULT_SURPRISE_OPTIONS);
    const whole = new Float32Array(FIXTURE.length);
    const states: Float32Array[] = [];
    scorer.score(FIXTURE, 0, FIXTURE.length, whole, undefined, (_p, s) => states.push(s.slice()));
    const starts = lineStarts(FIXTURE);
    assert.equal(states.length, starts.length - 1); // the file ends with a newline: no state after it
    const part = new Float32Array(FIXTURE.length);
    scorer.score(FIXTURE, starts[9], starts[12], part, states[9]);
    for (let i = starts[9]; i < starts[12]; i++) assert.ok(Math.abs(part[i] - whole[i]) < 1e-5, `at ${i}: ${part[i]} vs ${whole[i]}`);
    assert.ok(Number.isNaN(lineScore(FIXTURE, whole, starts[2], starts[3] - 1, 'max').score), 'a blank line is not ranked');
  });

  it('injects each kind of typo into a name in code, never into a string or a comment', () => {
    const text = 'value = compute(x)  # compute it\nname = "compute"\n';
    const names = codeNames(text);
    assert.deepEqual(
      names.map(([s, e]) => text.slice(s, e)),
      ['value', 'compute', 'name'],
    );
    const rng = mulberry32(5);
    for (const kind of TYPO_KINDS) {
      const t = injectTypo(text, names, kind, rng)!;
      assert.ok(t && t.before !== t.after && ['value', 'compute', 'name'].includes(t.before), `${kind}: ${JSON.stringify(t)}`);
      assert.equal(t.text.length - text.length, kind === 'insert' ? 1 : kind === 'delete' ? -1 : 0);
      assert.ok(t.text.endsWith('# compute it\nname = "compute"\n') || t.before === 'name');
      assert.equal(t.line, t.before === 'name' ? 1 : 0);
    }
  });

  it('ranks a line with a transposed name first, saying which name it looks like; without the rule it is not', () => {
    const broken = FIXTURE.replace('    config = read_config(argv[1])', '    cofnig = read_config(argv[1])');
    const line = broken.split('\n').findIndex((l) => l.includes('cofnig'));
    const { ranked } = surprisingLines(weights, broken, { ...DEFAULT_SURPRISE_OPTIONS, top: 3 });
    assert.equal(ranked[0].line, line);
    assert.deepEqual(ranked[0].slip, { name: 'cofnig', near: 'config', column: 4 });
    const plain = surprisingLines(weights, broken, { ...DEFAULT_SURPRISE_OPTIONS, nameSlips: false }).ranked;
    assert.equal(plain.find((l) => l.line === line)?.slip, undefined);
    assert.equal(surprisingLines(weights, FIXTURE, DEFAULT_SURPRISE_OPTIONS).ranked.filter((l) => l.slip).length, 0, 'the clean file has no slip');
  });

  it('the typo finder ranks injected typos among the top lines of the file more often than chance', () => {
    const results = findTypos(
      weights,
      { key: 'config.py', text: FIXTURE },
      { ...DEFAULT_SURPRISE_OPTIONS, nameSlips: false, rule: 'top2', perFile: 12, rng: mulberry32(2) },
    );
    assert.equal(results.length, 12);
    for (const r of results) assert.ok(r.rank >= 1 && r.rank <= r.lines);
    const s = summarizeTypos(results);
    // The top 5% of 26 lines is the top 2: chance puts a typo there one time in 13.
    assert.ok(s.top5pct >= 0.5, JSON.stringify(s));
    // With name slips first, a typo in a name the file uses elsewhere ranks at least as high as by surprise alone.
    const withSlips = findTypos(weights, { key: 'config.py', text: FIXTURE }, { ...DEFAULT_SURPRISE_OPTIONS, rule: 'top2', perFile: 12, rng: mulberry32(2) });
    assert.deepEqual(
      withSlips.map((r) => r.typo),
      results.map((r) => r.typo),
      'the same typos',
    );
    assert.ok(
      withSlips.every((r, i) => r.rank <= results[i].rank || results[i].rank > 1),
      'a typo first by surprise stays first',
    );
  });
});
