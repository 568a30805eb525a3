/** The lens worker's job and its replies (types only: the editor and the worker both import them). */
import type { CellReport } from './cell-study';
import type { HeatmapChunk } from './heatmap-html';
import type { LineSurprise } from './surprise';

export type LensJob =
  | { kind: 'cells'; checkpoint: string; text: string; title: string; maxChars?: number; studyChars?: number }
  | { kind: 'surprise'; checkpoint: string; text: string; top: number };

/**
 * The first reply ends a surprise job. A cells job first sends the page with what is drawn so far (`drawn` of
 * `chars` characters), then the rest of the file in 'cells-more' chunks, the last one `done`.
 */
export type LensReply =
  | { type: 'cells'; html: string; report: CellReport; chars: number; drawn: number; seconds: number }
  | { type: 'surprise'; ranked: LineSurprise[]; scoredLines: number; seconds: number }
  | { type: 'error'; message: string };

export interface LensMore {
  type: 'cells-more';
  chunk: HeatmapChunk;
  done: boolean;
  seconds: number;
}
