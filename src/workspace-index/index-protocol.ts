/** Messages between the editor and the workspace index worker. */
import { IndexParts } from './text-index';

export interface IndexRequest {
  folders: string[];
  exclude: string[];
  maxChars: number;
}

export type IndexReply = { type: 'done'; parts: IndexParts; seconds: number } | { type: 'error'; message: string };
