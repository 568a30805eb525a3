import { strict as assert } from 'assert';
import { splitByFile, encodeFiles, planBatches, makeBatch, focusTraining, parseHeldOutPart, filesOfSplit } from '../../src/data/dataset';
import { CorpusFile } from '../../src/data/corpus';
import { encode, decode } from '../../src/model/vocab';

const files: CorpusFile[] = Array.from({ length: 40 }, (_, i) => ({
  path: `/r/f${i}.py`,
  relative: `f${i}.py`,
  text: `# file ${i}\n` + `x${i} = ${i}\n`.repeat(10 + i),
}));

describe('dataset', () => {
  it('splits by file, deterministically, without leakage', () => {
    const a = splitByFile(files, 0.1, 7);
    const b = splitByFile(files, 0.1, 7);
    assert.deepEqual(
      a.validation.map((f) => f.relative),
      b.validation.map((f) => f.relative),
    );
    const valNames = new Set(a.validation.map((f) => f.relative));
    assert.ok(a.train.every((f) => !valNames.has(f.relative)));
    assert.equal(a.train.length + a.validation.length, files.length);
    const total = files.reduce((s, f) => s + f.text.length, 0);
    const valChars = a.validation.reduce((s, f) => s + f.text.length, 0);
    assert.ok(valChars >= 0.1 * total && valChars < 0.2 * total);
    // No validation file's text appears in the training stream.
    const trainText = decode(encodeFiles(a.train));
    for (const f of a.validation) assert.ok(!trainText.includes(f.text.split('\n')[0] + '\n'));
    const other = splitByFile(files, 0.1, 8);
    assert.notDeepEqual(
      other.validation.map((f) => f.relative),
      a.validation.map((f) => f.relative),
    );
  });

  it('splits a single file at a line', () => {
    const s = splitByFile([files[5]], 0.2);
    assert.equal(s.train[0].text + s.validation[0].text, files[5].text);
    assert.ok(s.train[0].text.endsWith('\n'));
  });

  it('few or lopsided files are split by characters: every file gives its tail, no run trains on a sliver (issue 42)', () => {
    // The workspace that trained on 1 KB: three files, one of them 49 KB of the 50.
    const big = { path: '/r/big.py', relative: 'big.py', text: 'value = compute(1)\n'.repeat(2600) };
    const small = [0, 1].map((i) => ({ path: `/r/s${i}.py`, relative: `s${i}.py`, text: `# small ${i}\nx = ${i}\n`.repeat(30) }));
    const few = [big, ...small];
    const total = few.reduce((n, f) => n + f.text.length, 0);
    for (const seed of [1, 2, 3, 4]) {
      const s = splitByFile(few, 0.2, seed);
      const trainChars = s.train.reduce((n, f) => n + f.text.length, 0);
      assert.ok(trainChars >= 0.75 * total && trainChars <= 0.85 * total, `seed ${seed}: trains on ${trainChars} of ${total}`);
      assert.equal(s.validation.length, 3);
      for (const v of s.validation) {
        const part = parseHeldOutPart(v.relative)!;
        const whole = few.find((f) => f.relative === part.relative)!;
        assert.equal(v.text, whole.text.slice(part.from, part.to), 'meta.json names exactly the text held out');
        assert.equal(part.to, whole.text.length);
        assert.equal(s.train.find((f) => f.relative === part.relative)!.text, whole.text.slice(0, part.from));
      }
    }
    // Many files, one of which dominates: held out whole it would be most of the text, so by characters too.
    const many = [big, ...Array.from({ length: 8 }, (_, i) => ({ path: `/r/m${i}.py`, relative: `m${i}.py`, text: `y = ${i}\n`.repeat(20) }))];
    const manyTotal = many.reduce((n, f) => n + f.text.length, 0);
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const s = splitByFile(many, 0.2, seed);
      const valChars = s.validation.reduce((n, f) => n + f.text.length, 0);
      assert.ok(valChars <= 0.4 * manyTotal, `seed ${seed}: held out ${valChars} of ${manyTotal}`);
    }
    // The usual corpus keeps its by-file split.
    assert.ok(splitByFile(files, 0.1, 7).validation.every((f) => !parseHeldOutPart(f.relative)));
  });

  it("a checkpoint's recorded parts give back the same held-out text and the rest of each file (eval, replay)", () => {
    const few = files.slice(0, 3);
    const s = splitByFile(few, 0.2, 1);
    const names = s.validation.map((f) => f.relative);
    const val = filesOfSplit(few, names, 'validation', 'meta.json');
    assert.deepEqual(
      val.map((f) => f.text),
      s.validation.map((f) => f.text),
    );
    const train = filesOfSplit(few, names, 'train', 'meta.json');
    assert.deepEqual(
      train.map((f) => f.text),
      s.train.map((f) => f.text),
    );
  });

  it('builds time-major windows with targets shifted by one', () => {
    const stream = encode('abcdefghijklmnop');
    const b = makeBatch(stream, [0, 8], 4);
    assert.equal(decode([b.inputs[0], b.inputs[2], b.inputs[4], b.inputs[6]]), 'abcd');
    assert.equal(decode([b.inputs[1], b.inputs[3], b.inputs[5], b.inputs[7]]), 'ijkl');
    assert.equal(decode([b.targets[1], b.targets[3], b.targets[5], b.targets[7]]), 'jklm');
  });

  it('shuffles windows per epoch and covers each once', () => {
    const stream = encodeFiles(files);
    const plan = planBatches(stream, 'windows', 8, 32, 3);
    const firstOf = (epoch: number) =>
      Array.from({ length: plan.batchesPerEpoch }, (_, i) => plan.batch(epoch, i)).flatMap((b) =>
        Array.from({ length: b.batch }, (_, r) => decode([...Array(32)].map((__, t) => b.inputs[t * b.batch + r]))),
      );
    const e0 = firstOf(0);
    const e1 = firstOf(1);
    assert.equal(e0.length, Math.floor((stream.length - 1) / 32));
    assert.deepEqual([...e0].sort(), [...e1].sort());
    assert.notDeepEqual(e0, e1);
  });

  it('carried-state batches continue each stream where the last window ended', () => {
    const stream = encodeFiles(files);
    const plan = planBatches(stream, 'carried-state', 4, 16);
    const b0 = plan.batch(0, 0);
    const b1 = plan.batch(0, 1);
    assert.equal(b0.resetState, true);
    assert.equal(b1.resetState, false);
    for (let r = 0; r < 4; r++) assert.equal(b1.inputs[r], b0.targets[15 * 4 + r]);
  });

  it('refuses text shorter than one window', () => {
    assert.throws(() => planBatches(encode('short'), 'windows', 4, 64), /shorter than one window/);
  });

  it('focused training: the saved files, and about three times their text from the other training files', () => {
    const file = (name: string, chars: number): CorpusFile => ({ path: `/ws/${name}`, relative: name, text: 'x'.repeat(chars) });
    const train = [file('a.py', 1000), ...Array.from({ length: 20 }, (_, i) => file(`o${i}.py`, 500))];
    const got = focusTraining(train, ['/ws/a.py', '/ws/held-out.py'], 1);
    assert.equal(got[0].relative, 'a.py');
    const others = got.slice(1);
    const added = others.reduce((n, f) => n + f.text.length, 0);
    assert.ok(added >= 3000 && added < 3500, `mixed in ${added} chars`);
    assert.equal(new Set(got.map((f) => f.relative)).size, got.length, 'no file twice');
    // Another seed mixes in other files; the same seed the same ones.
    assert.deepEqual(
      focusTraining(train, ['/ws/a.py'], 1).map((f) => f.relative),
      got.map((f) => f.relative),
    );
    assert.notDeepEqual(
      focusTraining(train, ['/ws/a.py'], 2).map((f) => f.relative),
      got.map((f) => f.relative),
    );
    // Windows paths match too; a focus that holds no training file gives nothing to train on.
    assert.equal(focusTraining([{ ...file('b.py', 10), path: 'C:\\ws\\b.py' }], ['C:/ws/b.py'])[0]?.relative, 'b.py');
    assert.deepEqual(focusTraining(train, ['/ws/held-out.py']), []);
  });
});
