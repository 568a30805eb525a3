/**
 * node dist/bench/document-cache.js --data DIR [--data DIR...] [--model DIR] [--max-chars N] [--max-order N] [--gate JSON] [--fit]
 * Nats per character of the LSTM alone and mixed with the completion cache (src/completion/document-cache.ts,
 * weighed by the gate of src/completion/cache-mixture.ts), as a user typing each file sees it: the document
 * cache knows only the text before each character (the model's context window); the workspace cache also
 * searches the other files given (never the scored one). For reference, on the same positions: a fixed
 * 50/50 mixture wherever the cache predicts.
 * --fit  also fits the gate's weights for nats/char on these positions (the document and the workspace
 *        predictions together; damped Newton steps) and prints them with the nats/char they reach: how
 *        GATE_WEIGHTS were chosen, on the tuning packages only.
 * --max-order N  the longest context the cache compares (default the engine's, DEFAULT_CACHE_OPTIONS.maxOrder).
 * --gate JSON    other gate weights to compare with GATE_WEIGHTS on the same positions.
 * Also reported apart: the positions inside a name that only the workspace's other files know (the workspace
 * match covers the whole name being typed; the document has no such match), where the cache must outvote an LSTM
 * that never saw the name. A gate fitted for nats/char over all positions can lose them (2026-12-07).
 */
import { parseArgs } from 'util';
import { loadModelOrBundled } from '../src/model/model-store';
import { buildCorpus } from '../src/data/corpus';
import { scorePositions } from '../src/completion/cache-scoring';
import { DEFAULT_COMPLETION_SETTINGS } from '../src/completion/complete';
import { gate, GATE_FEATURES, GATE_WEIGHTS, gateFeatures, vocabIndexOf } from '../src/completion/cache-mixture';
import { CachePrediction, DEFAULT_CACHE_OPTIONS } from '../src/completion/document-cache';

const { values } = parseArgs({
  options: {
    data: { type: 'string', multiple: true },
    model: { type: 'string' },
    'max-chars': { type: 'string', default: '100000' },
    fit: { type: 'boolean', default: false },
    'max-order': { type: 'string' },
    gate: { type: 'string' },
  },
});
if (!values.data?.length) {
  process.stderr.write('usage: node dist/bench/document-cache.js --data DIR [--data DIR...] [--model DIR] [--max-chars N] [--fit]\n');
  process.exit(2);
}

/** One cache prediction at one position: the gate's features, the LSTM's and the cache's probability of the true character. */
interface Point {
  x: number[];
  pLstm: number;
  pCache: number;
}

const ck = loadModelOrBundled(values.model);
const files = buildCorpus(values.data).files.map((f) => ({ key: f.path, text: f.text }));
const lstmOnly: number[] = [];
const sets: Record<'document' | 'workspace', (Point | undefined)[]> = { document: [], workspace: [] };
const t0 = Date.now();
scorePositions(
  ck.weights,
  files,
  {
    sources: { document: true, workspace: true },
    contextChars: DEFAULT_COMPLETION_SETTINGS.contextChars,
    maxChars: Number(values['max-chars']),
    matches: { ...DEFAULT_CACHE_OPTIONS, maxOrder: Number(values['max-order'] ?? DEFAULT_CACHE_OPTIONS.maxOrder) },
  },
  (p) => {
    let max = 0;
    for (const q of p.probs) if (q > max) max = q;
    const point = (pred: CachePrediction | undefined): Point | undefined => {
      if (!pred?.total) return undefined;
      const top = vocabIndexOf(pred.top);
      return { x: gateFeatures(pred, top >= 0 ? p.probs[top] : 0, max), pLstm: p.pLstm, pCache: (pred.counts.get(p.char) ?? 0) / pred.total };
    };
    lstmOnly.push(p.pLstm);
    sets.document.push(point(p.document));
    sets.workspace.push(point(p.workspace));
  },
);

/** −ln of the mixture's probability of the true character at one position, the cache weighing `w`. */
const mixedNats = (q: Point, w: number): number => -Math.log((1 - w) * q.pLstm + w * q.pCache);

/** Nats/char over all positions, the LSTM alone where the cache has nothing. */
function nats(points: (Point | undefined)[], weight: (q: Point) => number): number {
  let sum = 0;
  points.forEach((q, i) => {
    sum += q ? mixedNats(q, weight(q)) : -Math.log(lstmOnly[i]);
  });
  return sum / lstmOnly.length;
}

/** Damped Newton steps on the mean loss −ln((1 − σ(θ·x))·p_lstm + σ(θ·x)·p_cache). */
function fitGate(points: Point[], iterations = 40): number[] {
  const d = GATE_FEATURES.length;
  let theta = new Array<number>(d).fill(0);
  const loss = (th: number[]) => points.reduce((s, q) => s + mixedNats(q, gate(q.x, th)), 0);
  let current = loss(theta);
  let damping = 1e-3;
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (const q of points) {
      const s = gate(q.x, theta);
      const ds = s * (1 - s);
      const diff = q.pCache - q.pLstm;
      const p = q.pLstm + s * diff;
      const d1 = (-ds * diff) / p;
      const d2 = (-ds * (1 - 2 * s) * diff) / p + d1 * d1;
      for (let i = 0; i < d; i++) {
        g[i] += d1 * q.x[i];
        for (let j = 0; j <= i; j++) H[i][j] += d2 * q.x[i] * q.x[j];
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) H[j][i] = H[i][j];
    // Levenberg: raise the damping until the step lowers the loss.
    for (;;) {
      const step = solve(
        H.map((row, i) => row.map((v, j) => v + (i === j ? damping * (Math.abs(H[i][i]) + 1) : 0))),
        g,
      );
      const next = theta.map((t, i) => t - step[i]);
      const l = loss(next);
      if (l < current) {
        theta = next;
        const gain = current - l;
        current = l;
        damping = Math.max(1e-6, damping / 3);
        if (gain < 1e-7 * points.length) return theta;
        break;
      }
      damping *= 10;
      if (damping > 1e6) return theta;
    }
  }
  return theta;
}

/** Gaussian elimination with partial pivoting (d is small). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const lstm = nats(
  sets.workspace.map(() => undefined),
  () => 0,
);
const report: Record<string, unknown> = {
  model: ck.dir,
  data: values.data,
  chars: lstmOnly.length,
  nats_per_char: {
    lstm: r4(lstm),
    document_cache: r4(nats(sets.document, (q) => gate(q.x))),
    workspace_cache: r4(nats(sets.workspace, (q) => gate(q.x))),
    workspace_cache_fixed_50_50: r4(nats(sets.workspace, () => 0.5)),
  },
  gate_weights: Object.fromEntries(GATE_FEATURES.map((f, i) => [f, GATE_WEIGHTS[i]])),
};
const WHOLE_NAME = GATE_FEATURES.indexOf('whole name');
const namesElsewhere = sets.workspace.map((q, i) => (q && q.x[WHOLE_NAME] && !sets.document[i]?.x[WHOLE_NAME] ? q : undefined));
const nameCount = namesElsewhere.filter(Boolean).length;
/** Nats/char over only the positions `points` has (the others are left out, not scored by the LSTM). */
const natsAt = (points: (Point | undefined)[], weight: (q: Point) => number) => {
  const at = points.filter((q): q is Point => !!q);
  return at.reduce((s, q) => s + mixedNats(q, weight(q)), 0) / Math.max(1, at.length);
};
const other: number[] | undefined = values.gate ? JSON.parse(values.gate) : undefined;
report.names_only_other_files_know = {
  positions: nameCount,
  nats_per_char: {
    lstm: r4(natsAt(namesElsewhere, () => 0)),
    gate: r4(natsAt(namesElsewhere, (q) => gate(q.x))),
    ...(other ? { other_gate: r4(natsAt(namesElsewhere, (q) => gate(q.x, other))) } : {}),
  },
};
if (other) report.other_gate = { gate_weights: other, nats_per_char: { workspace_cache: r4(nats(sets.workspace, (q) => gate(q.x, other))) } };
if (values.fit) {
  const all = [...sets.document, ...sets.workspace].filter((q): q is Point => !!q);
  const theta = fitGate(all);
  report.fitted = {
    gate_weights: theta.map((t) => Math.round(t * 1000) / 1000),
    nats_per_char: { document_cache: r4(nats(sets.document, (q) => gate(q.x, theta))), workspace_cache: r4(nats(sets.workspace, (q) => gate(q.x, theta))) },
  };
}
report.seconds = (Date.now() - t0) / 1000;
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
