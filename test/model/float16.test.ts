import { strict as assert } from 'assert';
import { decodeFloat16, fromFloat16Bits, toFloat16Bits } from '../../src/model/float16';

describe('float16', () => {
  it('decodes every one of the 65,536 half-precision values as fromFloat16Bits does, little-endian, at any offset', () => {
    const bytes = new Uint8Array(1 + 2 * 65536);
    for (let h = 0; h < 65536; h++) {
      bytes[1 + 2 * h] = h & 0xff;
      bytes[2 + 2 * h] = h >>> 8;
    }
    const out = decodeFloat16(bytes, 1, 65536);
    for (let h = 0; h < 65536; h++) {
      const want = Math.fround(fromFloat16Bits(h));
      if (!(Object.is(out[h], want) || (Number.isNaN(out[h]) && Number.isNaN(want)))) assert.fail(`0x${h.toString(16)}: ${out[h]} vs ${want}`);
    }
  });

  it('round-trips values through toFloat16Bits within half precision', () => {
    for (const x of [0, 1, -2.5, 0.1, 65504, 6e-8, -1e-3]) {
      const h = toFloat16Bits(x);
      const back = decodeFloat16(new Uint8Array([h & 0xff, h >>> 8]), 0, 1)[0];
      assert.ok(Math.abs(back - x) <= Math.abs(x) * 1e-3 + 6e-8, `${x} -> ${back}`);
    }
  });
});
