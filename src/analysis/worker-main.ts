/** Entry point of the analysis worker thread (dist/analysis-worker.js): runs the study off the editor's thread. */
import { parentPort, workerData } from 'worker_threads';
import { loadCheckpoint } from '../model/checkpoint';
import { runAnalysis, AnalysisOptions } from './run-analysis';
import { reportHtml } from './report-html';

const input = workerData as { checkpoint: string; options: Omit<AnalysisOptions, 'log'> };
runAnalysis(loadCheckpoint(input.checkpoint), { ...input.options, log: (line) => parentPort!.postMessage({ type: 'log', line }) }).then(
  (report) => parentPort!.postMessage({ type: 'done', report, html: reportHtml(report) }),
  (e: unknown) => parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
