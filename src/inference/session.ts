/**
 * An inference session holds the LSTM state after a text (e.g. a document up to the cursor). feed() moves
 * it to a new text as cheaply as it can: a text that extends the last one costs only the new characters;
 * otherwise it resumes from the latest cached line-start snapshot whose prefix still matches. generate()
 * samples a continuation without disturbing the fed state. Sessions of several documents can share one
 * stepper (the weights); each keeps its own state.
 */
import { LstmStepper } from './lstm-stepper';
import { StateCache } from './state-cache';
import { PrefixHashes } from './prefix-hash';
import { Rng, mulberry32 } from '../util/rng';
import { argmax, sampleIndex, softmax } from './sampling';
import { encode, indexToChar, normalizeText, charToIndex, UNKNOWN_INDEX } from '../model/vocab';

const NEWLINE_INDEX = charToIndex('\n');

export interface FeedResult {
  /** Characters stepped through the LSTM to reach the new text. */
  stepped: number;
  /** Length of the prefix the state was resumed from (0 = from scratch). */
  resumedAt: number;
}

export interface GenerateOptions {
  maxChars: number;
  temperature: number;
  topK?: number;
  rng?: Rng;
  /** Called with the text so far and the next character; returning true ends before that character. */
  stopBefore?: (generated: string, next: string) => boolean;
  /** Checked between steps; returning true ends generation (e.g. a cancelled completion request). */
  isCancelled?: () => boolean;
  /**
   * End before a character that would bring the product of the emitted characters' probabilities (at
   * temperature 1) below this: with greedy decoding the text after that point cannot be shown anyway.
   */
  minCumulativeProbability?: number;
  /**
   * Makes decoding greedy whatever the temperature: adjusts the next-character probabilities (indexed by the
   * vocabulary, summing to 1) in place before the most likely one is taken, e.g. to mix in what the document says
   * (`generated` is the text so far). The emitted probabilities are the adjusted ones. Only the search passes it.
   */
  adjust?: (generated: string, probs: Float64Array) => void;
  /** Move the fed state and text to the end of the generated text, instead of leaving them where they were. */
  advance?: boolean;
}

export interface GenerateResult {
  text: string;
  /** Probability (temperature 1) the model gave each emitted character. */
  probabilities: number[];
  stoppedBy: 'length' | 'rule' | 'cancelled' | 'confidence';
  /** The character generation stopped before (a rule or confidence stop), for boundary decisions. */
  next?: string;
}

export interface SessionOptions {
  maxSnapshots?: number;
  /** A cache shared with other sessions of the same stepper (snapshots are keyed by their text, so they fit any). */
  cache?: StateCache;
}

export class InferenceSession {
  private text = '';
  private state: Float32Array;
  private readonly cache: StateCache;
  private readonly logitsBuf: Float32Array;

  constructor(
    readonly stepper: LstmStepper,
    opts: SessionOptions = {},
  ) {
    this.state = new Float32Array(stepper.stateSize);
    this.cache = opts.cache ?? new StateCache(opts.maxSnapshots ?? 256);
    this.logitsBuf = new Float32Array(stepper.spec.vocabSize);
  }

  get currentText(): string {
    return this.text;
  }

  get snapshotCount(): number {
    return this.cache.size;
  }

  /**
   * Moves the state to the end of `raw` (normalised to LF line endings), keeping a snapshot at each line start
   * it steps through from offset `snapshotsFrom` on (default all: priming a screen keeps only the screen's).
   */
  feed(raw: string, snapshotsFrom = 0): FeedResult {
    const next = normalizeText(raw);
    const hashes = new PrefixHashes(next);
    const extendsLast = next.length >= this.text.length && next.startsWith(this.text);
    // The current state is usable when the text only grew; a snapshot further along beats it.
    const floor = extendsLast ? this.text.length : 0;
    const snap = this.latestSnapshot(next, hashes, floor);
    let start = floor;
    if (snap) {
      this.state.set(snap.state);
      start = snap.length;
    } else if (!extendsLast) {
      this.state.fill(0);
    }
    this.stepper.writeState(this.state);
    const codes = encode(next);
    for (let i = start; i < next.length; i++) {
      this.stepper.step(codes[i]);
      if (codes[i] === NEWLINE_INDEX && i + 1 >= snapshotsFrom) this.cache.put(hashes.key(i + 1), i + 1, this.stepper.readState(this.state));
    }
    this.stepper.readState(this.state);
    this.text = next;
    return { stepped: next.length - start, resumedAt: start };
  }

  /** Length of the prefix of `raw` that feed(raw) would start from (no stepping). */
  resumePoint(raw: string): number {
    const next = normalizeText(raw);
    const extendsLast = next.length >= this.text.length && next.startsWith(this.text);
    const floor = extendsLast ? this.text.length : 0;
    return this.latestSnapshot(next, new PrefixHashes(next), floor)?.length ?? floor;
  }

  /** The cached line-start snapshot of `next` with the longest prefix beyond `floor`, if any. */
  private latestSnapshot(next: string, hashes: PrefixHashes, floor: number): { length: number; state: Float32Array } | undefined {
    for (let i = next.length; i > floor; i--) {
      if (next.charCodeAt(i - 1) !== 10) continue;
      const snap = this.cache.get(hashes.key(i));
      if (snap) return snap;
    }
    return undefined;
  }

  /** The stepper is shared between sessions: make sure it holds this session's state. */
  private load(): void {
    this.stepper.writeState(this.state);
  }

  /** Next-character probabilities after the fed text (temperature 1). */
  probabilities(): Float64Array {
    this.load();
    return softmax(this.stepper.logits(this.logitsBuf));
  }

  /**
   * The probability (temperature 1) of each character of `continuation` after the fed text, without moving
   * the fed state. Stops early, returning fewer values, once their product falls below `minProduct`.
   */
  score(continuation: string, minProduct = 0): number[] {
    this.load();
    const codes = encode(normalizeText(continuation));
    const out: number[] = [];
    let product = 1;
    try {
      for (let i = 0; i < codes.length; i++) {
        const p = softmax(this.stepper.logits(this.logitsBuf))[codes[i]];
        out.push(p);
        product *= p;
        if (product < minProduct) break;
        if (i + 1 < codes.length) this.stepper.step(codes[i]);
      }
    } finally {
      this.stepper.writeState(this.state);
    }
    return out;
  }

  generate(opts: GenerateOptions): GenerateResult {
    const rng = opts.rng ?? mulberry32(1);
    this.load();
    let text = '';
    const probabilities: number[] = [];
    let stoppedBy: GenerateResult['stoppedBy'] = 'length';
    let cumulative = 1;
    let next: string | undefined;
    try {
      while (text.length < opts.maxChars) {
        if (opts.isCancelled?.()) {
          stoppedBy = 'cancelled';
          break;
        }
        const logits = this.stepper.logits(this.logitsBuf);
        let probs: Float64Array | undefined;
        let idx: number;
        if (opts.adjust) {
          probs = softmax(logits);
          opts.adjust(text, probs);
          idx = argmax(probs, [UNKNOWN_INDEX]);
        } else idx = sampleIndex(logits, { temperature: opts.temperature, topK: opts.topK, exclude: [UNKNOWN_INDEX] }, rng);
        const ch = indexToChar(idx);
        if (opts.stopBefore?.(text, ch)) {
          next = ch;
          stoppedBy = 'rule';
          break;
        }
        const p = (probs ?? softmax(logits))[idx];
        if (opts.minCumulativeProbability !== undefined && cumulative * p < opts.minCumulativeProbability) {
          next = ch;
          stoppedBy = 'confidence';
          break;
        }
        cumulative *= p;
        probabilities.push(p);
        text += ch;
        if (text.length < opts.maxChars || opts.advance) this.stepper.step(idx);
      }
      if (opts.advance) {
        // The generated text becomes part of the fed text (a long sample made in chunks).
        this.stepper.readState(this.state);
        this.text += text;
      }
    } finally {
      // Generation explores; unless asked to advance, the fed state stays where it was.
      this.stepper.writeState(this.state);
    }
    return { text, probabilities, stoppedBy, next };
  }
}
