/**
 * One inference session per open document, least recently used dropped first, all sharing one stepper and one
 * state cache: snapshots are keyed by the text they summarise, so they are valid in any session, and one LRU
 * over all of them bounds the memory of every document together (a document primed whole takes most of it).
 */
import { LstmStepper } from './lstm-stepper';
import { InferenceSession } from './session';
import { StateCache } from './state-cache';

export class SessionPool {
  private readonly sessions = new Map<string, InferenceSession>();
  readonly cache: StateCache;

  constructor(
    private readonly current: LstmStepper,
    readonly maxSessions = 8,
    maxSnapshots = 2048,
  ) {
    this.cache = new StateCache(maxSnapshots);
  }

  get(key: string): InferenceSession {
    let s = this.sessions.get(key);
    if (s) this.sessions.delete(key);
    else s = new InferenceSession(this.current, { cache: this.cache });
    this.sessions.set(key, s);
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    return s;
  }

  /** The weights every session steps with. */
  get stepper(): LstmStepper {
    return this.current;
  }

  drop(key: string): void {
    this.sessions.delete(key);
  }

  get size(): number {
    return this.sessions.size;
  }
}
