/**
 * Entry point of the workspace index worker (dist/index-worker.js): reads the workspace's Python files with
 * the training corpus's filters (size cap, binaries, virtual environments, excludes) and builds the text
 * index off the editor's thread; its arrays come back in shared memory, not copied.
 */
import { parentPort, workerData } from 'worker_threads';
import { buildCorpus, EmptyCorpusError } from '../data/corpus';
import { TextIndex } from './text-index';
import { IndexRequest, IndexReply } from './index-protocol';

const req = workerData as IndexRequest;
try {
  const t0 = Date.now();
  let files: { key: string; text: string }[] = [];
  try {
    files = buildCorpus(req.folders, { exclude: req.exclude, maxTotalChars: req.maxChars }).files.map((f) => ({ key: f.path, text: f.text }));
  } catch (e) {
    if (!(e instanceof EmptyCorpusError)) throw e;
  }
  const index = TextIndex.build(files, req.maxChars);
  const parts = index.toParts();
  const reply: IndexReply = { type: 'done', parts, seconds: (Date.now() - t0) / 1000 };
  parentPort!.postMessage(reply);
} catch (e) {
  const reply: IndexReply = { type: 'error', message: e instanceof Error ? e.message : String(e) };
  parentPort!.postMessage(reply);
}
