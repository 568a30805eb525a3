/**
 * What the long-range metrics need from a model: the next-character distribution after the text fed so
 * far, one step forward, and saving/restoring the state (for greedy look-ahead such as predicted indentation).
 */
import { LstmStepper } from '../inference/lstm-stepper';
import { ModelWeights } from '../model/architecture';
import { softmax } from '../inference/sampling';

export interface Predictor {
  readonly name: string;
  reset(): void;
  /** P(next character) after everything fed since the last reset. */
  probabilities(): Float64Array;
  /** P(next character = index); may be cheaper than the whole distribution. */
  probabilityOf(index: number): number;
  step(index: number): void;
  save(): unknown;
  restore(state: unknown): void;
}

export class LstmPredictor implements Predictor {
  readonly name = 'lstm';
  private readonly stepper: LstmStepper;
  private readonly logits: Float32Array;
  private readonly probs: Float64Array;

  constructor(weights: ModelWeights) {
    this.stepper = new LstmStepper(weights);
    this.logits = new Float32Array(weights.spec.vocabSize);
    this.probs = new Float64Array(weights.spec.vocabSize);
  }

  reset(): void {
    this.stepper.resetState();
  }

  probabilities(): Float64Array {
    return softmax(this.stepper.logits(this.logits), 1, this.probs);
  }

  probabilityOf(index: number): number {
    return this.probabilities()[index];
  }

  step(index: number): void {
    this.stepper.step(index);
  }

  save(): unknown {
    return this.stepper.readState();
  }

  restore(state: unknown): void {
    this.stepper.writeState(state as Float32Array);
  }
}
