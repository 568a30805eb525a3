/** The analysis worker's job and its messages (types only: the editor and the worker both import them). */
import type { AnalysisOptions } from './run-analysis';
import type { FullReport } from './report-html';

export interface AnalysisJob {
  checkpoint: string;
  options: Omit<AnalysisOptions, 'log'>;
}

export type AnalysisMessage =
  /** A progress line, for the log and the notification. */
  { type: 'log'; line: string } | { type: 'done'; report: FullReport; html: string } | { type: 'error'; message: string };
