/** Entry point of the checkpoint reader (bundled to dist/checkpoint-worker.js): see checkpoint-loader.ts. */
import { parentPort, workerData } from 'worker_threads';
import { loadCheckpoint } from '../model/checkpoint';
import { LoaderReply, shareWeights } from './checkpoint-loader';

let reply: LoaderReply;
try {
  const ck = loadCheckpoint((workerData as { dir: string }).dir);
  reply = { ok: true, checkpoint: { ...ck, weights: shareWeights(ck.weights) } };
} catch (e) {
  reply = { ok: false, message: e instanceof Error ? e.message : String(e) };
}
parentPort!.postMessage(reply);
