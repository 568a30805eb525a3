/**
 * Loads the model completions use (which one is extension.ts's choice) and hands its weights and calibrated
 * confidence threshold to what serves them (the completion worker).
 * Loading a checkpoint that is missing or broken falls back to the bundled model with a warning that names
 * the file and the problem; the previous model keeps serving until a new one has loaded. No VS Code import:
 * callers pass callbacks.
 */
import { loadCheckpoint, Checkpoint } from '../model/checkpoint';
import { bundledModelDir } from '../model/model-store';
import { ModelWeights } from '../model/architecture';

export type ModelSource = 'bundled' | 'workspace' | 'chosen';

export interface ActiveModel {
  dir: string;
  name: string;
  source: ModelSource;
  bestValLoss: number | null;
  /** The confidence threshold calibrated for this model by the run that trained it, if any. */
  confidenceThreshold?: number;
}

export interface ModelManagerHooks {
  log(line: string): void;
  warn(message: string): void;
  changed(model: ActiveModel | undefined): void;
  /** The weights completions use from now on, and the confidence threshold calibrated for them (meta.json's serving). */
  serve(weights: ModelWeights, confidenceThreshold: number | undefined): void;
}

export class ModelManager {
  private current: ActiveModel | undefined;

  constructor(
    private readonly hooks: ModelManagerHooks,
    private readonly bundledDir: () => string | undefined = bundledModelDir,
  ) {}

  get active(): ActiveModel | undefined {
    return this.current;
  }

  /** Loads `dir` (or the bundled model); on failure keeps serving, falling back to the bundled model. */
  load(dir: string | undefined, source: ModelSource): ActiveModel | undefined {
    const target = dir ?? this.bundledDir();
    if (!target) {
      this.hooks.warn('LSTM Complete: no model is available (the bundled model is missing). Run "LSTM: Train on Workspace".');
      return this.current;
    }
    try {
      const ck = loadCheckpoint(target);
      if (ck.recoveredFrom) this.hooks.log(`checkpoint: ${target} was interrupted mid-write; loaded the previous one from ${ck.recoveredFrom}`);
      return this.install(ck, dir ? source : 'bundled');
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.hooks.log(`model load failed: ${msg}`);
      const bundled = this.bundledDir();
      if (dir && bundled && target !== bundled) {
        this.hooks.warn(`LSTM Complete: could not load the model (${msg}). Using the bundled model instead.`);
        try {
          return this.install(loadCheckpoint(bundled), 'bundled');
        } catch (e2) {
          this.hooks.log(`bundled model failed too: ${e2 instanceof Error ? e2.message : e2}`);
        }
      } else {
        this.hooks.warn(`LSTM Complete: could not load the model (${msg}).`);
      }
      return this.current;
    }
  }

  private install(ck: Checkpoint, source: ModelSource): ActiveModel {
    const threshold = ck.meta.serving?.confidenceThreshold;
    this.hooks.serve(ck.weights, threshold);
    this.current = {
      dir: ck.dir,
      name: ck.meta.name,
      source,
      bestValLoss: ck.meta.training?.bestValLoss ?? null,
      ...(threshold !== undefined ? { confidenceThreshold: threshold } : {}),
    };
    this.hooks.log(
      `model: loaded ${ck.meta.name} from ${ck.dir} (${source}); inference in the completion worker on the WebAssembly SIMD kernel${threshold !== undefined ? `; its calibrated confidence threshold is ${threshold} (used unless lstmComplete.confidenceThreshold is set)` : ''}`,
    );
    this.hooks.changed(this.current);
    return this.current;
  }
}
