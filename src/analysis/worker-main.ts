/** Entry point of the analysis worker thread (dist/analysis-worker.js): runs the study off the editor's thread. */
import { parentPort, workerData } from 'worker_threads';
import { loadCheckpoint } from '../model/checkpoint';
import { runAnalysis } from './run-analysis';
import { reportHtml } from './report-html';
import type { AnalysisJob, AnalysisMessage } from './analysis-protocol';

const input = workerData as AnalysisJob;
const post = (m: AnalysisMessage) => parentPort!.postMessage(m);
runAnalysis(loadCheckpoint(input.checkpoint), { ...input.options, log: (line) => post({ type: 'log', line }) }).then(
  (report) => post({ type: 'done', report, html: reportHtml(report) }),
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
