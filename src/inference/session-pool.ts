/** One inference session per open document, least recently used dropped first, all sharing one stepper. */
import { LstmStepper } from './lstm-stepper';
import { InferenceSession } from './session';

export class SessionPool {
  private readonly sessions = new Map<string, InferenceSession>();

  constructor(
    private stepper: LstmStepper,
    readonly maxSessions = 8,
  ) {}

  get(key: string): InferenceSession {
    let s = this.sessions.get(key);
    if (s) this.sessions.delete(key);
    else s = new InferenceSession(this.stepper);
    this.sessions.set(key, s);
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    return s;
  }

  drop(key: string): void {
    this.sessions.delete(key);
  }

  /** A new model invalidates every cached state. */
  replaceStepper(stepper: LstmStepper): void {
    this.stepper = stepper;
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }
}
