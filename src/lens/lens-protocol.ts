/** The lens worker's job and its one reply (types only: the editor and the worker both import them). */
import type { CellReport } from './cell-study';
import type { LineSurprise } from './surprise';

export type LensJob =
  { kind: 'cells'; checkpoint: string; text: string; title: string; maxChars?: number } | { kind: 'surprise'; checkpoint: string; text: string; top: number };

export type LensReply =
  | { type: 'cells'; html: string; report: CellReport; chars: number; seconds: number }
  | { type: 'surprise'; ranked: LineSurprise[]; scoredLines: number; seconds: number }
  | { type: 'error'; message: string };
