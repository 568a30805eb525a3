/**
 * The long-range report as one self-contained HTML page (Chart.js inlined, data inlined), readable offline
 * and in a VS Code webview: every chart shows the LSTM against the n-gram baseline where both exist.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LongRangeReport } from './long-range';
import { ValidityRow } from './generation-validity';

export interface FullReport {
  checkpoint: string;
  createdAt: string;
  data: string[];
  split: string;
  lstm: LongRangeReport;
  ngram?: LongRangeReport & { order: number; trainedChars: number };
  validity?: ValidityRow[];
  seconds: number;
}

function chartJsSource(): string {
  const candidates = [
    path.join(__dirname, 'chart.umd.min.js'),
    path.join(__dirname, '..', 'chart.umd.min.js'),
    path.join(__dirname, '..', '..', 'dist', 'chart.umd.min.js'),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return fs.readFileSync(c, 'utf8');
  return fs.readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

export function reportHtml(r: FullReport): string {
  const data = JSON.stringify(r).replace(/</g, '\\u003c');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Long-range dependencies</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1100px}canvas{max-width:100%;max-height:320px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,360px),1fr));gap:1.5em}.grid>*{min-width:0}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #8884;padding:2px 8px;text-align:right}pre{white-space:pre-wrap;background:#8881;padding:.5em}</style>
<script>${chartJsSource()}</script></head><body>
<h1>What the LSTM remembers in Python</h1>
<p>Checkpoint <code>${esc(r.checkpoint)}</code>, ${r.lstm.chars} characters in ${r.lstm.files} files (${esc(r.split)} split of ${esc(r.data.join(', '))}), state carried through each file.
${r.ngram ? `Baseline: ${r.ngram.order}-gram with interpolated modified Kneser-Ney smoothing trained on ${r.ngram.trainedChars} characters of the training files.` : ''} Generated ${esc(r.createdAt)} in ${r.seconds.toFixed(0)} s.</p>
<div class="grid">
<div><h3>Closing brackets: top-1 accuracy by distance to the opener</h3><canvas id="bTop"></canvas></div>
<div><h3>Closing brackets: mean probability of the correct closer</h3><canvas id="bProb"></canvas></div>
<div><h3>Indentation at line starts (greedy, whole run of spaces)</h3><canvas id="indent"></canvas></div>
<div><h3>Indentation by distance to the line that opened the block</h3><canvas id="indentDist"></canvas></div>
<div><h3>Closing quotes: top-1 by string length</h3><canvas id="quotes"></canvas></div>
<div><h3>Loss by position in the file (nats/char)</h3><canvas id="pos"></canvas></div>
${r.validity ? '<div><h3>Samples that parse as Python, by temperature</h3><canvas id="parse"></canvas></div>' : ''}
<div><h3>Carried state vs reset every 256 characters</h3><table id="ctx"></table></div>
</div>
${r.validity ? `<h3>Parse errors by kind</h3><table id="perr"></table><h3>Example samples</h3>${r.validity.map((v) => `<p>temperature ${v.temperature}</p><pre>${esc(v.example)}</pre>`).join('')}` : ''}
<h3>More about what the model sees</h3>
<p>Which cells track strings, brackets, indentation and the column, drawn over a file: <b>LSTM: Show What the Cells Track in This File</b>
(<code>lstm-complete cells</code>). The lines of a file the model finds most surprising, often a typo or a slip: <b>LSTM: Surprise Lens</b>
(<code>lstm-complete surprise</code>). Both are described, with figures, in the project's docs/lab.md.</p>
<script>
const R = ${data};
const models = [['LSTM', R.lstm, '#1f77b4'], ...(R.ngram ? [[R.ngram.model, R.ngram, '#ff7f0e']] : [])];
const pct = (x) => (x == null || isNaN(x) ? null : +(100 * x).toFixed(2));
function bar(id, labels, series, yTitle, max) {
  new Chart(document.getElementById(id), { type: 'bar', data: { labels, datasets: series.map(([label, values, color]) => ({ label, data: values, backgroundColor: color })) },
    options: { animation: false, scales: { y: { beginAtZero: true, max, title: { display: true, text: yTitle } } } } });
}
const bl = R.lstm.brackets.byDistance.map((b) => b.bucket + ' (' + b.count + ')');
bar('bTop', bl, models.map(([n, m, c]) => [n, m.brackets.byDistance.map((b) => pct(b.top1)), c]), 'top-1 %', 100);
bar('bProb', bl, models.map(([n, m, c]) => [n, m.brackets.byDistance.map((b) => b.meanProbability), c]), 'mean p(correct)', 1);
const il = ['all', 'dedent', 'same/indent', ...R.lstm.indentation.byDepth.map((d) => 'depth ' + d.depth)];
const iv = (m) => [m.indentation.overall, m.indentation.dedent, m.indentation.sameOrIndent, ...R.lstm.indentation.byDepth.map((d) => m.indentation.byDepth.find((x) => x.depth === d.depth) || {})].map((t) => pct(t.top1));
bar('indent', il, models.map(([n, m, c]) => [n, iv(m), c]), 'correct %', 100);
bar('indentDist', R.lstm.indentation.byOpenerDistance.map((b) => b.bucket + ' (' + b.count + ')'), models.map(([n, m, c]) => [n, m.indentation.byOpenerDistance.map((b) => pct(b.top1)), c]), 'correct %', 100);
const ql = R.lstm.strings.byLength.map((s) => s.quote + ' ' + s.bucket + ' (' + s.count + ')');
bar('quotes', ql, models.map(([n, m, c]) => [n, R.lstm.strings.byLength.map((s) => pct((m.strings.byLength.find((x) => x.quote === s.quote && x.bucket === s.bucket) || {}).top1)), c]), 'top-1 %', 100);
new Chart(document.getElementById('pos'), { type: 'line', data: { labels: R.lstm.context.lossByPosition.map((p) => p.start), datasets: models.map(([n, m, c]) => ({ label: n, data: m.context.lossByPosition.map((p) => p.loss), borderColor: c, pointRadius: 0 })) },
  options: { animation: false, scales: { x: { title: { display: true, text: 'position in file (chars)' } }, y: { title: { display: true, text: 'nats/char' } } } } });
document.getElementById('ctx').innerHTML = '<tr><th></th><th>carried</th><th>reset every 256</th></tr>' + models.map(([n, m]) => '<tr><td>' + n + '</td><td>' + m.context.carriedLoss.toFixed(4) + '</td><td>' + m.context.resetEvery256Loss.toFixed(4) + '</td></tr>').join('');
if (R.validity) {
  bar('parse', R.validity.map((v) => 'T=' + v.temperature), [['LSTM', R.validity.map((v) => pct(v.parseRate)), '#1f77b4']], 'parse %', 100);
  const kinds = [...new Set(R.validity.flatMap((v) => Object.keys(v.errors)))];
  document.getElementById('perr').innerHTML = '<tr><th>temperature</th><th>samples</th><th>parse</th>' + kinds.map((k) => '<th>' + k + '</th>').join('') + '</tr>' +
    R.validity.map((v) => '<tr><td>' + v.temperature + '</td><td>' + v.samples + '</td><td>' + pct(v.parseRate) + '%</td>' + kinds.map((k) => '<td>' + (v.errors[k] || 0) + '</td>').join('') + '</tr>').join('');
}
</script></body></html>`;
}
