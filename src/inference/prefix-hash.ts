/** Rolling hashes of every prefix of a text, so a cached state can be matched to a text in O(1). */

export class PrefixHashes {
  private readonly a: Uint32Array;
  private readonly b: Uint32Array;

  constructor(text: string) {
    const n = text.length;
    this.a = new Uint32Array(n + 1);
    this.b = new Uint32Array(n + 1);
    let ha = 0x811c9dc5;
    let hb = 0x1234567;
    this.a[0] = ha;
    this.b[0] = hb;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      ha = (Math.imul(ha ^ c, 0x01000193) + i) >>> 0;
      hb = (Math.imul(hb, 0x5bd1e995) + c + 1) >>> 0;
      this.a[i + 1] = ha;
      this.b[i + 1] = hb;
    }
  }

  /** A key naming the prefix of the given length (length included, so equal keys mean equal prefixes). */
  key(length: number): string {
    return `${length}:${this.a[length].toString(36)}:${this.b[length].toString(36)}`;
  }
}
