/**
 * npm run bench:index [-- --data DIR] [--mb N] [--queries N]
 * Indexes a large workspace as the extension does (src/workspace-index/workspace-indexer.ts: a worker thread, the
 * training corpus's filters) while this thread runs a timer every 5 ms, and reports: build seconds, the
 * index's memory, the event-loop lag of this thread during the build (what the extension host would feel),
 * and the time of a cache prediction against the index. The default workspace is the system Python's
 * standard library, capped at --mb megabytes of text (default 20).
 */
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parseArgs } from 'util';
import { WorkspaceIndexer } from '../src/workspace-index/workspace-indexer';
import { DocumentCache } from '../src/completion/document-cache';

const { values } = parseArgs({ options: { data: { type: 'string' }, mb: { type: 'string', default: '20' }, queries: { type: 'string', default: '2000' } } });

function stdlib(): string {
  const r = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('python3 is needed to find the standard library (or pass --data DIR)');
  return r.stdout.trim();
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const folder = values.data ?? stdlib();
  const maxChars = Math.round(Number(values.mb) * 1e6);
  const indexer = new WorkspaceIndexer({ log: (l) => process.stderr.write(`${l}\n`), changed: () => {} }, path.join(__dirname, '..', 'index-worker.js'));
  // The lag of a 5 ms timer: how late this thread runs it (0 when nothing blocks it).
  const lags: number[] = [];
  let expected = performance.now() + 5;
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + 5;
  }, 5);
  const heap0 = process.memoryUsage();
  const t0 = performance.now();
  await indexer.rebuild({ folders: [folder], exclude: [], maxChars });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const index = indexer.index;
  if (!index) throw new Error(`nothing indexed in ${folder}`);
  // Once the worker has exited and its garbage is collected (run with --expose-gc for a settled figure).
  await new Promise((r) => setTimeout(r, 500));
  (globalThis as { gc?: () => void }).gc?.();
  const heap1 = process.memoryUsage();

  // Predictions as a completion makes them: contexts taken from the indexed text itself.
  const times: number[] = [];
  let found = 0;
  const n = Number(values.queries);
  for (let q = 0; q < n; q++) {
    const at = 4000 + Math.floor((((q * 2654435761) % 2 ** 32) / 2 ** 32) * (index.chars - 8000));
    const before = index.text.slice(at - 4000, at);
    const t = performance.now();
    if (new DocumentCache(before, '', undefined, { index }).predict('')) found++;
    times.push(performance.now() - t);
  }
  indexer.dispose();
  const report = {
    workspace: folder,
    files: index.files,
    text_mb: r1(index.chars / 1e6),
    build_seconds: r1(seconds),
    index_mb: r1(index.bytes / 1e6),
    rss_growth_mb: r1((heap1.rss - heap0.rss) / 1e6),
    event_loop_lag_ms: { samples: lags.length, p50: r1(quantile(lags, 0.5)), p99: r1(quantile(lags, 0.99)), max: r1(Math.max(0, ...lags)) },
    prediction_ms: {
      queries: n,
      with_prediction: found,
      p50: r1(quantile(times, 0.5) * 10) / 10,
      p95: r1(quantile(times, 0.95) * 10) / 10,
      max: r1(Math.max(...times)),
    },
  };
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
});
