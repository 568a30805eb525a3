/** The loss curve of a training run as a standalone SVG and a self-contained HTML page with the numbers. */
import * as fs from 'fs';
import * as path from 'path';
import { EpochRecord } from '../../model/checkpoint';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A loss chart's frame: scales from the data's ranges, the grid and its tick labels, the title and the x label. */
function chartFrame(o: {
  title: string;
  xLabel: string;
  xMax: number;
  ys: number[];
  width: number;
  height: number;
  xTick: (x: number) => string;
  /** What the y axis measures (default 'loss (nats/char)'; the editor's chart says it in words). */
  yLabel?: string;
}): {
  X: (x: number) => number;
  Y: (y: number) => number;
  m: { l: number; r: number; t: number; b: number };
  svg: (body: string) => string;
} {
  const { width, height } = o;
  const m = { l: 56, r: 16, t: 32, b: 44 };
  const xMax = Math.max(1e-9, o.xMax);
  const lo = o.ys.length ? Math.max(0, Math.min(...o.ys) - 0.1) : 0;
  const hi = o.ys.length ? Math.max(...o.ys) + 0.1 : 1;
  const X = (x: number) => m.l + (x / xMax) * (width - m.l - m.r);
  const Y = (y: number) => m.t + (1 - (y - lo) / (hi - lo)) * (height - m.t - m.b);
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const y = lo + ((hi - lo) * i) / 5;
    ticks.push(
      `<line x1="${m.l}" x2="${width - m.r}" y1="${Y(y)}" y2="${Y(y)}" stroke="#ddd"/><text x="${m.l - 6}" y="${Y(y) + 4}" text-anchor="end" font-size="11">${y.toFixed(2)}</text>`,
    );
    const x = (xMax * i) / 5;
    ticks.push(`<text x="${X(x)}" y="${height - m.b + 16}" text-anchor="middle" font-size="11">${o.xTick(x)}</text>`);
  }
  // The viewBox lets a narrow view (VS Code's side split) scale the chart down instead of cutting off its axis.
  const svg = (
    body: string,
  ) => `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${esc(o.title)}: ${esc(o.yLabel ?? 'loss (nats/char)')}</text>
${ticks.join('\n')}
<text x="${width / 2}" y="${height - 6}" text-anchor="middle" font-size="12">${o.xLabel}</text>
${body}
</svg>`;
  return { X, Y, m, svg };
}

export function lossCurveSvg(history: EpochRecord[], title: string, width = 640, height = 360): string {
  const pts = history.filter((h) => Number.isFinite(h.trainLoss) || Number.isFinite(h.valLoss));
  const ys = pts.flatMap((h) => [h.trainLoss, h.valLoss]).filter(Number.isFinite);
  const f = chartFrame({ title, xLabel: 'epoch', xMax: Math.max(0, ...pts.map((h) => h.epoch)), ys, width, height, xTick: (x) => x.toFixed(2) });
  const line = (key: 'trainLoss' | 'valLoss', color: string) => {
    const p = pts.filter((h) => Number.isFinite(h[key])).map((h) => `${f.X(h.epoch).toFixed(1)},${f.Y(h[key]).toFixed(1)}`);
    return p.length
      ? `<polyline fill="none" stroke="${color}" stroke-width="2" points="${p.join(' ')}"/>` +
          p.map((q) => `<circle cx="${q.split(',')[0]}" cy="${q.split(',')[1]}" r="2.5" fill="${color}"/>`).join('')
      : '';
  };
  return f.svg(`${line('trainLoss', '#1f77b4')}${line('valLoss', '#d62728')}
<text x="${width - f.m.r - 120}" y="${f.m.t + 14}" font-size="12" fill="#1f77b4">train</text>
<text x="${width - f.m.r - 60}" y="${f.m.t + 14}" font-size="12" fill="#d62728">validation</text>`);
}

/** Writes `<file>` (HTML) and the SVG beside it (same name, .svg). */
export function writeLossCurve(file: string, history: EpochRecord[], title: string): void {
  const svg = lossCurveSvg(history, title);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file.replace(/\.html$/, '') + '.svg', svg);
  const rows = history
    .map(
      (h) =>
        `<tr><td>${h.epoch}</td><td>${h.trainLoss.toFixed(4)}</td><td>${Number.isFinite(h.valLoss) ? h.valLoss.toFixed(4) : '-'}</td><td>${Number.isFinite(h.valLoss) ? (h.valLoss / Math.LN2).toFixed(4) : '-'}</td><td>${h.chars}</td><td>${h.seconds}</td></tr>`,
    )
    .join('\n');
  fs.writeFileSync(
    file,
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)} loss</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head>
<body>${svg}<table><tr><th>epoch</th><th>train nats/char</th><th>val nats/char</th><th>val bits/char</th><th>chars seen</th><th>seconds</th></tr>${rows}</table></body></html>`,
  );
}

/** One line of a chart over time: [minutes, nats/char] points, drawn as a line or as dots. */
export interface TimeSeries {
  name: string;
  color: string;
  points: [number, number][];
  dots?: boolean;
}

/**
 * A loss chart over minutes of a run (the editor's live report): training loss from the first seconds, validation
 * points as they come. Minutes, not epochs: a workspace run is planned in minutes and may not finish one epoch.
 */
export function timeCurveSvg(series: TimeSeries[], title: string, width = 640, height = 360): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const f = chartFrame({
    title,
    xLabel: 'minutes',
    xMax: Math.max(0, ...all.map(([x]) => x)),
    ys: all.map(([, y]) => y),
    width,
    height,
    xTick: (x) => (x < 10 ? x.toFixed(1) : x.toFixed(0)),
    yLabel: 'loss, lower is better',
  });
  const draw = (s: TimeSeries) => {
    const p = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => [f.X(x).toFixed(1), f.Y(y).toFixed(1)]);
    if (!p.length) return '';
    const dots = p.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="${s.dots ? 4 : 1.5}" fill="${s.color}"/>`).join('');
    return s.dots
      ? dots
      : `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${p.map((q) => q.join(',')).join(' ')}"/>${p.length === 1 ? dots : ''}`;
  };
  const legend = series.map((s, i) => `<text x="${f.m.l + 10 + i * 140}" y="${f.m.t + 14}" font-size="12" fill="${s.color}">${esc(s.name)}</text>`).join('');
  return f.svg(`${series.map(draw).join('')}${legend}`);
}
