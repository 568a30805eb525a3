/**
 * The carried LSTM state of carried-state training (per layer, h and c of every stream) as a file beside the
 * resumable checkpoint, so a resumed run continues each stream where it stopped instead of from zeros.
 * Layout: for each layer, h then c, float32 [batch, units]; a layer without state is stored as zeros.
 */
import { LstmState } from '../ops/lstm-op';

/** Floats in the file: h and c of every layer, [batch, units] each. */
const floatCount = (units: number[], batch: number): number => units.reduce((s, u) => s + 2 * u * batch, 0);

export function serializeCarriedState(states: (LstmState | undefined)[], units: number[], batch: number): Buffer {
  const out = new Float32Array(floatCount(units, batch));
  let off = 0;
  units.forEach((u, i) => {
    const s = states[i];
    if (s && s.h.length === u * batch && s.c.length === u * batch) {
      out.set(s.h, off);
      out.set(s.c, off + u * batch);
    }
    off += 2 * u * batch;
  });
  return Buffer.from(out.buffer);
}

/** The state back, or undefined when the file does not fit this model and batch size (then training starts from zeros). */
export function restoreCarriedState(buf: Buffer, units: number[], batch: number): LstmState[] | undefined {
  if (buf.length !== floatCount(units, batch) * 4) return undefined;
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  let off = 0;
  return units.map((u) => {
    const n = u * batch;
    const s = { h: all.slice(off, off + n), c: all.slice(off + n, off + 2 * n) };
    off += 2 * n;
    return s;
  });
}
