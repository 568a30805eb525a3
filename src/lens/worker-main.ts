/**
 * Entry point of the lens worker thread (dist/lens-worker.js): the cell heatmap or the surprise lens of one
 * file, with the model in use, off the extension host's thread. One job per worker; the editor terminates it to
 * cancel.
 */
import { parentPort, workerData } from 'worker_threads';
import { loadCheckpoint } from '../model/checkpoint';
import { studyFile } from './cell-study';
import { heatmapChunk, heatmapHtml } from './heatmap-html';
import { DEFAULT_SURPRISE_OPTIONS, surprisingLines } from './surprise';
import { LensJob, LensMore, LensReply } from './lens-protocol';

const job = workerData as LensJob;
const post = (m: LensReply | LensMore) => parentPort!.postMessage(m);

try {
  const t0 = Date.now();
  const weights = loadCheckpoint(job.checkpoint).weights;
  if (job.kind === 'cells') {
    if (!job.text.trim()) throw new Error('the file is empty');
    let first = true;
    studyFile(weights, job.text, {
      maxChars: job.maxChars,
      studyChars: job.studyChars,
      onChunk: (from, to, cells) => {
        const seconds = (Date.now() - t0) / 1000;
        if (first)
          post({
            type: 'cells',
            html: heatmapHtml(cells, `${job.title}: what the LSTM's cells track`, to),
            report: cells.report,
            chars: cells.text.length,
            drawn: to,
            seconds,
          });
        else post({ type: 'cells-more', chunk: heatmapChunk(cells, from, to), done: to === cells.text.length, seconds });
        first = false;
      },
    });
  } else {
    const { lines, ranked } = surprisingLines(weights, job.text, { ...DEFAULT_SURPRISE_OPTIONS, top: job.top });
    const scored = lines.filter((l) => !Number.isNaN(l.score)).length;
    post({ type: 'surprise', ranked, scoredLines: scored, seconds: (Date.now() - t0) / 1000 });
  }
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
