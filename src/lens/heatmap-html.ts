/**
 * The Karpathy figure as a self-contained page: the file's text, each character's background coloured by the
 * chosen cell's value after reading it (blue negative, red positive), or by the feature the cell tracks, so the
 * two can be compared by eye. No network: the data and the script are inline, and the values travel as one
 * byte each (base64), so a 2,000-line file is a page of a few hundred KB that renders in one innerHTML.
 */
import { FEATURE_DESCRIPTIONS } from './char-features';
import { FileCells, cellName } from './cell-study';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Values in [-1, 1] as signed bytes, base64. */
function packSigned(values: Float32Array): string {
  const bytes = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.max(-127, Math.min(127, Math.round(values[i] * 127)));
  return Buffer.from(bytes.buffer).toString('base64');
}

/** A feature's values scaled to [0, 1] by its largest over the whole file (a count such as the column), as signed bytes. */
function packFeature(all: Float32Array, from: number, to: number): string {
  let max = 0;
  for (const v of all) max = Math.max(max, Math.abs(v));
  const part = all.slice(from, to);
  return packSigned(max > 0 ? part.map((v) => v / max) : part);
}

/** The characters [from, to) and the traces' values there: what the page appends when it gets them as a message. */
export function heatmapChunk(cells: FileCells, from: number, to: number): HeatmapChunk {
  return {
    type: 'more',
    text: cells.text.slice(from, to),
    traces: cells.traces.map((t) => ({ cell: packSigned(t.values.subarray(from, to)), feature: packFeature(t.featureValues, from, to) })),
  };
}

export interface HeatmapChunk {
  type: 'more';
  text: string;
  traces: { cell: string; feature: string }[];
}

/** The page with the characters [0, upTo) drawn; the rest can follow as heatmapChunk messages. */
/** The page's own script: draws the text under the chosen trace and appends the chunks posted to it. */
const PAGE_SCRIPT = `const data = JSON.parse(document.getElementById('data').textContent);
const select = document.getElementById('trace');
data.traces.forEach((t, i) => { const o = document.createElement('option'); o.value = i; o.textContent = t.label; select.appendChild(o); });
const unpack = (b64) => { const s = atob(b64); const a = new Int8Array(s.length); for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i) << 24 >> 24; return a; };
const concat = (a, b) => { const c = new Int8Array(a.length + b.length); c.set(a); c.set(b, a.length); return c; };
const values = data.traces.map((t) => ({ cell: unpack(t.cell), feature: unpack(t.feature) }));
const esc = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
const colour = (b) => b === 0 ? 'transparent' : b > 0 ? 'rgba(255,40,40,' + (b / 8).toFixed(3) + ')' : 'rgba(40,90,255,' + (-b / 8).toFixed(3) + ')';
const code = document.getElementById('code');
/** The spans of characters [from, to) of the text, under the chosen trace. */
function spans(from, to) {
  const by = document.querySelector('input[name=by]:checked').value;
  const v = values[select.value][by];
  const text = data.text;
  const parts = [];
  for (let i = from; i < to; ) {
    const b = Math.round(v[i] / 127 * 8);
    let j = i + 1;
    while (j < to && Math.round(v[j] / 127 * 8) === b) j++;
    parts.push('<span style="background:' + colour(b) + '">' + esc(text.slice(i, j)) + '</span>');
    i = j;
  }
  return parts.join('');
}
function progress() {
  document.getElementById('progress').textContent = data.text.length < data.total ? 'Reading the rest of the file: ' + data.text.length + ' of ' + data.total + ' characters drawn.' : '';
}
function render() {
  const t0 = performance.now();
  code.innerHTML = spans(0, data.text.length);
  document.body.dataset.renderMs = String(performance.now() - t0);
  progress();
}
window.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || m.type !== 'more') return;
  const from = data.text.length;
  data.text += m.text;
  m.traces.forEach((t, i) => { values[i].cell = concat(values[i].cell, unpack(t.cell)); values[i].feature = concat(values[i].feature, unpack(t.feature)); });
  code.insertAdjacentHTML('beforeend', spans(from, data.text.length));
  progress();
});
select.onchange = render;
document.querySelectorAll('input[name=by]').forEach((r) => (r.onchange = render));
render();
// In a VS Code webview: ask for the rest of the file once this script listens.
if (typeof acquireVsCodeApi === 'function') acquireVsCodeApi().postMessage({ type: 'ready' });
`;

export function heatmapHtml(cells: FileCells, title: string, upTo = cells.text.length): string {
  const first = heatmapChunk(cells, 0, upTo);
  const data = {
    text: first.text,
    total: cells.text.length,
    traces: cells.traces.map((t, i) => ({ label: `${t.feature}: ${cellName(t.cell)} (r = ${t.r.toFixed(2)})`, ...first.traces[i] })),
  };
  const rows = cells.report.features
    .map(
      (f) =>
        `<tr><td>${f.feature}</td><td>${escapeHtml(FEATURE_DESCRIPTIONS[f.feature])}</td><td>${f.best.map((b) => `${cellName(b)} <b>${b.r.toFixed(2)}</b>`).join(', ')}</td></tr>`,
    )
    .join('');
  // The data sits in a JSON script element: every "<" is escaped (\u003c, the same string to JSON.parse), so the
  // file's text can neither end the element ("</script>") nor open an HTML comment ("<!--<script>", which made
  // the parser swallow the page's own script and blank the heatmap).
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: sans-serif; margin: 1em; }
pre { font-family: monospace; line-height: 1.35; white-space: pre; }
table { border-collapse: collapse; font-size: 90%; } td, th { padding: 2px 8px; border-bottom: 1px solid #ccc; text-align: left; }
.legend span { display: inline-block; width: 3em; text-align: center; }
</style></head>
<body>
<h2>${escapeHtml(title)}</h2>
<p>Each character is coloured by the chosen cell's value after the model read it (blue: negative, red: positive),
or by the feature that cell tracks best. The cells were chosen on the first ${cells.report.chars} characters of this file.
<span id="progress"></span></p>
<p><label>cell: <select id="trace"></select></label>
<label><input type="radio" name="by" value="cell" checked> the cell</label>
<label><input type="radio" name="by" value="feature"> the feature</label>
<span class="legend"><span style="background:rgba(40,90,255,0.8)">−1</span><span>0</span><span style="background:rgba(255,40,40,0.8)">+1</span></span></p>
<pre id="code"></pre>
<h3>The best cells for each feature</h3>
<table><tr><th>feature</th><th>what it is</th><th>cells (Pearson r)</th></tr>${rows}</table>
<script type="application/json" id="data">${json}</script>
<script>
${PAGE_SCRIPT}</script>
</body></html>
`;
}
