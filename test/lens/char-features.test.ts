import { strict as assert } from 'assert';
import { charFeatures, CharFeature } from '../../src/lens/char-features';

/** The feature's value after each character, as a string of digits (values above 9 shown as '+'). */
function row(text: string, f: CharFeature): string {
  return Array.from(charFeatures(text)[f], (v) => (v > 9 ? '+' : String(v))).join('');
}

describe('charFeatures', () => {
  // Each case: text, then the expected value after each of its characters (a closing quote is still inside its
  // string; the colon that ends a signature and the newline that ends a comment are outside).
  const cases: [CharFeature, string, string][] = [
    ['in-string', `x = 'a"b' + "c\\"d"`, '000011111000111111'],
    ['in-string', `s = """a'\nb""" ; t`, '000011111111110000'],
    ['in-comment', 'x = 1  # no (\ny', '000000011111100'],
    ['bracket-depth', 'f(a[1], "(", {2})', '01122111111112210'],
    ['indent', 'if x:\n    y\n\tz', '00000012344088'],
    ['column', 'ab\ncd', '12012'],
    ['in-def-signature', 'def f(a: int) -> x:\n  pass', '00111111111111111100000000'],
    ['to-line-end', 'abc\nd', '21010'],
  ];
  for (const [feature, text, expected] of cases) {
    it(`${feature}: ${JSON.stringify(text)}`, () => {
      assert.equal(row(text, feature), expected);
    });
  }

  it('keeps a bracket inside a string or comment out of the depth, and a def inside a string out of signatures', () => {
    const f = charFeatures('x = "def f(:" # [\n');
    assert.ok(f['bracket-depth'].every((v) => v === 0));
    assert.ok(f['in-def-signature'].every((v) => v === 0));
  });
});
