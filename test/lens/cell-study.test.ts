import { strict as assert } from 'assert';
import { makeSpec, ModelWeights } from '../../src/model/architecture';
import { charToIndex } from '../../src/model/vocab';
import { CorrelationAccumulator } from '../../src/lens/cell-correlation';
import { cellAt, cellName, cellTrace, parseCellName, stateIndex, studyCells, studyFile } from '../../src/lens/cell-study';
import { heatmapChunk, heatmapHtml } from '../../src/lens/heatmap-html';
import { mulberry32 } from '../../src/util/rng';

/**
 * A one-layer model of 8 units whose cell 3 counts brackets: its input gate opens (+20) only on a bracket, its
 * forget gate is always shut (+20: keep everything), and its candidate is +1 on an opener and -1 on a closer.
 * The other cells see only their own noise (bias and recurrent weights), so they track nothing in particular.
 */
function bracketCounter(): ModelWeights {
  const units = 8;
  const spec = makeSpec({ embeddingDim: 2, lstmUnits: [units] });
  const rng = mulberry32(3);
  const noise = (n: number) => Float32Array.from({ length: n }, () => (rng() - 0.5) * 0.2);
  const V = spec.vocabSize;
  const embedding = new Float32Array(V * 2);
  for (const c of '([{') embedding[charToIndex(c) * 2] = 1;
  for (const c of ')]}') embedding[charToIndex(c) * 2] = -1;
  for (const c of '([{)]}') embedding[charToIndex(c) * 2 + 1] = 1;
  const n = 4 * units;
  const kernel = new Float32Array(2 * n); // only cell 3 sees the characters
  const bias = noise(n);
  const u = 3;
  kernel[1 * n + u] = 40; // gate i: from "is a bracket"
  bias[u] = -20;
  bias[units + u] = 20; // gate f: always open
  kernel[0 * n + 2 * units + u] = 20; // candidate: the bracket's sign
  bias[2 * units + u] = 0;
  const recurrentKernel = noise(units * n);
  for (let j = 0; j < units; j++)
    for (let g = 0; g < 4; g++) {
      recurrentKernel[j * n + g * units + u] = 0; // nothing reaches cell 3 but the characters
      recurrentKernel[u * n + g * units + j] = 0; // and it reaches no other cell
    }
  return {
    spec,
    embedding,
    lstm: [{ inputSize: 2, units, kernel, recurrentKernel, bias }],
    denseKernel: noise(units * V),
    denseBias: new Float32Array(V),
  };
}

const CODE = 'f(a[1], g(b, {2: (c)}))\nx = [y[0] for y in z]\n' + 'print(((a)))\n'.repeat(3);

describe('the cell study', () => {
  it('finds the cell that counts brackets: c3 follows the depth exactly (r > 0.99), and no other unit comes close', () => {
    const w = bracketCounter();
    const r = studyCells(w, [{ text: CODE }], { top: 16 });
    const depth = r.features.find((f) => f.feature === 'bracket-depth')!;
    assert.deepEqual({ ...depth.best[0], r: undefined }, { layer: 0, unit: 3, kind: 'c', r: undefined });
    assert.ok(depth.best[0].r > 0.99, `r = ${depth.best[0].r}`);
    // Only the same unit's output (h3 = o · tanh(c3)) follows it too.
    const others = depth.best.filter((b) => b.unit !== 3);
    assert.ok(Math.abs(others[0].r) < 0.9, `best other unit: ${cellName(others[0])} r = ${others[0].r}`);
    const trace = cellTrace(w, CODE, [{ layer: 0, unit: 3, kind: 'c' }])[0];
    assert.ok(
      Math.abs(trace[3] - 2) < 1e-3 && Math.abs(trace[CODE.indexOf('\n')]) < 1e-3,
      `c3 after "f(a[": ${trace[3]}; at the line end: ${trace[CODE.indexOf('\n')]}`,
    );
    assert.equal(r.chars, CODE.length);
  });

  it('studyFile chooses the cells on the first characters, traces them through the file in chunks, and the page takes the chunks', () => {
    const w = bracketCounter();
    const chunks: [number, number][] = [];
    const file = studyFile(w, CODE, { studyChars: 40, chunkChars: 30, onChunk: (from, to) => chunks.push([from, to]) });
    assert.deepEqual(chunks[0], [0, 40]);
    for (let k = 1; k < chunks.length; k++) assert.ok(chunks[k][0] === chunks[k - 1][1] && chunks[k][1] - chunks[k][0] <= 30);
    assert.equal(chunks[chunks.length - 1][1], CODE.length);
    assert.equal(file.report.chars, 40);
    const depth = file.traces.find((t) => t.feature === 'bracket-depth')!;
    assert.deepEqual(depth.cell, { layer: 0, unit: 3, kind: 'c' });
    // Drawn as tanh(c), at the serving precision (and rounded to a byte in the studied part).
    const exact = cellTrace(w, CODE, [depth.cell])[0];
    for (let i = 0; i < exact.length; i++)
      assert.ok(Math.abs(depth.values[i] - Math.tanh(exact[i])) <= 0.02, `at ${i}: ${depth.values[i]} vs ${Math.tanh(exact[i])}`);
    const html = heatmapHtml(file, 'test </script> page', 40);
    assert.ok(html.includes('bracket-depth: L1 c3') && !html.includes('test </script>'));
    // Text that opens an HTML comment and a script inside the data element (issue 43): the element holds no "<" at
    // all, so the page's own script that follows it stays a script, and the data reads back whole.
    const tricky = '# <!--<script> x = "</script>"\n';
    const page = heatmapHtml(studyFile(w, tricky, { studyChars: 40 }), 't', 40);
    const data = /<script type="application\/json" id="data">([^]*?)<\/script>/.exec(page)![1];
    assert.ok(!data.includes('<'), 'no "<" inside the data element');
    assert.equal(JSON.parse(data).text, tricky);
    const more = heatmapChunk(file, 40, CODE.length);
    assert.equal(more.text, CODE.slice(40));
    assert.equal(Buffer.from(more.traces[2].cell, 'base64').length, CODE.length - 40);
  });

  it('names cells and maps them to state indices both ways', () => {
    const w = bracketCounter();
    for (let i = 0; i < 16; i++) assert.equal(stateIndex(w, cellAt(w, i)), i);
    assert.deepEqual(cellAt(w, 11), { layer: 0, unit: 3, kind: 'c' });
    assert.equal(cellName({ layer: 1, unit: 37, kind: 'c' }), 'L2 c37');
    assert.deepEqual(parseCellName('L2 c37'), { layer: 1, unit: 37, kind: 'c' });
    assert.throws(() => stateIndex(w, { layer: 1, unit: 0, kind: 'h' }), /no cell L2 h0/);
  });
});

describe('CorrelationAccumulator', () => {
  it('gives Pearson r: +1 for a linear copy, -1 for a reversed one, ~0 for an unrelated series, 0 for a constant', () => {
    const acc = new CorrelationAccumulator(4, 1);
    const rng = mulberry32(9);
    for (let i = 0; i < 5000; i++) {
      const y = Math.sin(i / 7) * 3 + (i % 5);
      acc.add([2 * y + 1, -0.5 * y, rng(), 4], [y]);
    }
    const r = acc.correlations(0);
    assert.ok(Math.abs(r[0] - 1) < 1e-9 && Math.abs(r[1] + 1) < 1e-9, `r = ${[...r]}`);
    assert.ok(Math.abs(r[2]) < 0.05 && r[3] === 0, `r = ${[...r]}`);
    assert.deepEqual(
      acc
        .best(0, 2)
        .map((b) => b.index)
        .sort(),
      [0, 1],
    );
  });
});
