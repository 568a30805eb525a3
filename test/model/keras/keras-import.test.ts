import { strict as assert } from 'assert';
import { zipSync } from 'fflate';
import { importKeras } from '../../../src/model/keras/keras-import';
import { exportKeras } from '../../../src/model/keras/keras-export';
import { dataset, group, writeHdf5, H5Group } from '../../../src/model/keras/hdf5';
import { SEED_ALL_CHARS } from '../../../src/model/keras/seed-vocab';
import { LstmStepper } from '../../../src/inference/lstm-stepper';
import { charToIndex, VOCAB_SIZE, UNKNOWN_INDEX } from '../../../src/model/vocab';
import { loadCheckpoint } from '../../../src/model/checkpoint';
import { ModelWeights, weightList } from '../../../src/model/architecture';
import { SeedArrays, kerasV2Tree, kerasV3File, kerasV3Tree, keras2Config, seedArrays, seedConfig } from './keras-fixtures';

/**
 * The seed's model computed from its own arrays, in float64, the way Keras's LSTM computes it (gates i, f, c, o;
 * sigmoid gates, tanh cell), over the seed's own vocabulary: the reference an import must agree with.
 */
function referenceDistributions(a: SeedArrays, text: string): number[][] {
  const v = a.vocab.length;
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const h = a.lstm.map((l) => new Float64Array(l.units));
  const c = a.lstm.map((l) => new Float64Array(l.units));
  const out: number[][] = [];
  for (const ch of text) {
    const s = a.vocab.indexOf(ch);
    let x: Float64Array = Float64Array.from(a.embedding.subarray(s * a.dim, (s + 1) * a.dim));
    a.lstm.forEach((l, k) => {
      const u = l.units;
      const z = Float64Array.from(l.bias);
      for (let i = 0; i < l.input; i++) for (let j = 0; j < 4 * u; j++) z[j] += x[i] * l.kernel[i * 4 * u + j];
      for (let i = 0; i < u; i++) for (let j = 0; j < 4 * u; j++) z[j] += h[k][i] * l.recurrent[i * 4 * u + j];
      for (let j = 0; j < u; j++) {
        c[k][j] = sig(z[u + j]) * c[k][j] + sig(z[j]) * Math.tanh(z[2 * u + j]);
        h[k][j] = sig(z[3 * u + j]) * Math.tanh(c[k][j]);
      }
      x = Float64Array.from(h[k]);
    });
    const logits = Array.from(a.denseBias, (b) => b as number);
    for (let i = 0; i < x.length; i++) for (let j = 0; j < v; j++) logits[j] += x[i] * a.denseKernel[i * v + j];
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const sum = e.reduce((p, q) => p + q, 0);
    out.push(e.map((q) => q / sum));
  }
  return out;
}

/** Our stepper's distribution over our vocabulary after each character of `text`. */
function ourDistributions(weights: ModelWeights, text: string): Float32Array[] {
  const stepper = new LstmStepper(weights, { precision: 'float32' });
  const out: Float32Array[] = [];
  for (const ch of text) {
    stepper.step(charToIndex(ch));
    const logits = stepper.logits();
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const sum = e.reduce((p, q) => p + q, 0);
    out.push(e.map((q) => q / sum));
  }
  return out;
}

const TEXT = 'def f(a, b):\n\treturn a + b\n';
/** A seed vocabulary as `sorted(set(text))` makes one from lower-case code: code-point order, no capitals, no '@' or '~'. */
const SMALL_VOCAB = SEED_ALL_CHARS.filter((c) => TEXT.includes(c) || /[a-z0-9]/.test(c));
const N = SMALL_VOCAB.length;

describe('import-keras: a Keras model of the design as our weights', function () {
  this.timeout(60_000);

  it("reads the seed's Keras 3 .keras (subclassed model, optimizer saved) and predicts as the seed's own arrays do", async () => {
    assert.ok(
      [...TEXT].every((ch) => SMALL_VOCAB.includes(ch)),
      'the text uses only the seed vocabulary',
    );
    const a = seedArrays(SMALL_VOCAB, 8, [8, 16]);
    const file = await kerasV3File(kerasV3Tree(a, { optimizer: true }), seedConfig(SMALL_VOCAB.length));
    const { weights, source } = await importKeras(file, 'trained_model.keras', SMALL_VOCAB);
    assert.deepEqual(weights.spec.lstmUnits, [8, 16]);
    assert.equal(weights.spec.embeddingDim, 8);
    assert.equal(source.format, 'keras3');
    assert.equal(source.kerasVersion, '3.3.3');
    assert.deepEqual(source.layers, [
      'layers/sequential/layers/embedding/vars/0',
      'layers/sequential/layers/lstm/cell/vars/0',
      'layers/sequential/layers/lstm_1/cell/vars/0',
      'layers/sequential/layers/dense/vars/0',
    ]);
    assert.equal(source.seedVocabSize, N);
    assert.equal(source.unreachable, 97 - N);
    assert.equal(source.unknownSymbolRestored, false);
    const ref = referenceDistributions(a, TEXT);
    const ours = ourDistributions(weights, TEXT);
    const seedIndices = new Set(SMALL_VOCAB.map(charToIndex));
    let worst = 0;
    let unreachableMass = 0;
    ref.forEach((p, t) => {
      SMALL_VOCAB.forEach((ch, s) => (worst = Math.max(worst, Math.abs(Math.log(p[s]) - Math.log(ours[t][charToIndex(ch)])))));
      for (let j = 0; j < VOCAB_SIZE; j++) if (!seedIndices.has(j)) unreachableMass += ours[t][j];
    });
    assert.ok(worst <= 1e-5, `max |Δ log p| ${worst}`);
    assert.ok(unreachableMass < 1e-9, `characters the seed never had got ${unreachableMass} of the probability`);
  });

  it('reads Keras 2 .h5 files, whole model and weights only, as the same weights', async () => {
    const a = seedArrays(SMALL_VOCAB, 8, [8, 8], 5);
    const v3 = await importKeras(await kerasV3File(kerasV3Tree(a), seedConfig(N)), 'a.keras', SMALL_VOCAB);
    for (const wholeModel of [true, false]) {
      const h5 = await writeHdf5(kerasV2Tree(a, { wholeModel, config: keras2Config(N) }));
      const { weights, source } = await importKeras(h5, 'model.h5', SMALL_VOCAB);
      assert.equal(source.format, 'keras2-h5');
      assert.equal(source.kerasVersion, '2.15.0');
      const [x, y] = [weightList(weights), weightList(v3.weights)];
      x.forEach((arr, i) => assert.deepEqual(arr, y[i], `weight ${i} (whole model: ${wholeModel})`));
      // Equal LSTMs (8 and 8) chain either way: the file's own order (lstm_1 before lstm_2) decides.
      assert.deepEqual(weights.lstm[0].kernel, a.lstm[0].kernel);
      if (wholeModel) {
        assert.equal(weights.spec.dropout, 0.2, "the config's dropout rate");
        assert.equal(weights.spec.denseL2, 0.001, "the config's L2 penalty");
      }
    }
  });

  it('knows the vocabulary when the embedding has all 97 rows, and asks for it otherwise', async () => {
    const full = seedArrays([...SEED_ALL_CHARS], 8, [8, 8], 3);
    const { source } = await importKeras(await kerasV3File(kerasV3Tree(full), seedConfig(97)), 'full.keras');
    assert.equal(source.unreachable, 0);
    const small = await kerasV3File(kerasV3Tree(seedArrays(SMALL_VOCAB, 8, [8, 8])), seedConfig(N));
    await assert.rejects(importKeras(small, 'small.keras'), new RegExp(`knows ${N} characters.*--vocab-from`));
    await assert.rejects(importKeras(small, 'small.keras', SMALL_VOCAB.slice(1)), new RegExp(`${N - 1} characters; the model's embedding has ${N} rows`));
  });

  it('our export comes back bit for bit, the unknown symbol included', async () => {
    const ck = loadCheckpoint('models/python');
    const bytes = await exportKeras(ck.weights, { checkpoint: ck.meta.name });
    const { weights, source } = await importKeras(bytes, 'python.keras');
    assert.equal(source.unknownSymbolRestored, true);
    const [x, y] = [weightList(weights), weightList(ck.weights)];
    assert.equal(x.length, y.length);
    x.forEach((arr, i) =>
      assert.ok(
        Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).equals(Buffer.from(y[i].buffer, y[i].byteOffset, y[i].byteLength)),
        `weight ${i} differs`,
      ),
    );
    assert.notEqual(ck.weights.embedding[UNKNOWN_INDEX * 64], 0, "the bundled model's unknown row is not zero, so restoring it is tested");
  });

  it('refuses malformed files with a clear reason, and never writes their entries anywhere', async () => {
    const a = seedArrays(SMALL_VOCAB, 8, [8, 8]);
    const good = kerasV3Tree(a);
    const enc = new TextEncoder();
    const nan = kerasV3Tree({ ...a, denseBias: a.denseBias.map((x, i) => (i === 3 ? NaN : x)) });
    const noLstm = group({}, [['layers', group({}, [['dense', group({}, [['vars', group({}, [['0', dataset([4, N], new Float32Array(4 * N))]])]])]])]]);
    let deep: H5Group = group();
    for (let i = 0; i < 40; i++) deep = group({}, [['g', deep]]);
    const cases: [Promise<Uint8Array> | Uint8Array, RegExp][] = [
      [enc.encode('not a model at all'), /neither a Keras 3 \.keras archive .* nor a Keras 2 \.h5/],
      [zipSync({ 'config.json': enc.encode('{}'), 'metadata.json': enc.encode('{}') }), /holds no model\.weights\.h5/],
      [zipSync({ 'config.json': enc.encode('{}'), 'model.weights.npz': new Uint8Array(8) }), /model\.weights\.npz, which this build does not read/],
      [kerasV3File(good, seedConfig(N)).then((b) => b.subarray(0, b.length - 4000)), /not a readable zip|not an HDF5 file/],
      [zipSync({ 'config.json': enc.encode('{nope'), 'model.weights.h5': new Uint8Array(8) }), /config\.json that is not JSON/],
      [zipSync({ 'config.json': enc.encode('{}'), 'model.weights.h5': enc.encode('plain text') }), /not an HDF5 file/],
      [kerasV3File(nan, seedConfig(N)), /not finite numbers in layers\/sequential\/layers\/dense\/vars\/1/],
      [kerasV3File(noLstm, seedConfig(N)), /holds no LSTM layer/],
      [kerasV3File(deep, seedConfig(N)), /nests groups deeper than 32/],
      [
        writeHdf5(kerasV2Tree(a, { wholeModel: true, config: keras2Config(N, 'hard_sigmoid') })),
        /recurrent_activation hard_sigmoid; the design's uses sigmoid/,
      ],
      // An entry named to escape the folder is ignored (nothing is extracted): the archive is judged on its three entries.
      [kerasV3File(good, seedConfig(N), { '../../escape.txt': enc.encode('x') }), /^$/],
    ];
    for (const [bytes, re] of cases) {
      const b = await bytes;
      if (re.source === '^$') {
        await importKeras(b, 'ok.keras', SMALL_VOCAB);
        continue;
      }
      await assert.rejects(importKeras(b, 'bad.keras', SMALL_VOCAB), re);
    }
  });

  it('refuses an entry that states a size over its bound before inflating it', async () => {
    const zip = zipSync({ 'model.weights.h5': new Uint8Array(64), 'config.json': new TextEncoder().encode('{}') }, { level: 0 });
    // The central directory's uncompressed size of the first entry, made to state 1 GB (a zip bomb's claim).
    const buf = Buffer.from(zip);
    const cd = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    buf.writeUInt32LE(1 << 30, cd + 24);
    await assert.rejects(importKeras(buf, 'bomb.keras', SMALL_VOCAB), /model\.weights\.h5 of 1073741824 bytes, more than this build reads/);
  });
});
