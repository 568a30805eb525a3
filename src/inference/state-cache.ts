/**
 * Snapshots of the LSTM state keyed by the text prefix they summarise, least recently used evicted first.
 * Taken at line starts, they let a cursor jump or an edit above the cursor cost only the text after the
 * nearest line start that still matches.
 */

export interface Snapshot {
  length: number;
  state: Float32Array;
}

export class StateCache {
  private readonly entries = new Map<string, Snapshot>();

  constructor(readonly maxEntries = 256) {
    if (maxEntries < 1) throw new RangeError('a state cache needs room for at least one snapshot');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Snapshot | undefined {
    const s = this.entries.get(key);
    if (s) {
      this.entries.delete(key);
      this.entries.set(key, s);
    }
    return s;
  }

  put(key: string, length: number, state: Float32Array): void {
    this.entries.delete(key);
    this.entries.set(key, { length, state: state.slice() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
