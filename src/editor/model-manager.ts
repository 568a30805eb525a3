/**
 * Loads the model completions use (which one is model-choice.ts's to say) and hands its weights and calibrated
 * confidence threshold to what serves them (the completion worker).
 * Loading a checkpoint that is missing or broken falls back to the bundled model with a warning that names
 * the file and the problem; the previous model keeps serving until a new one has loaded. Checkpoints are read off
 * the host's thread (serving/checkpoint-loader); when loads overlap, the last one asked for wins. No VS Code
 * import: callers pass callbacks.
 */
import { Checkpoint } from '../model/checkpoint';
import { loadCheckpointOffThread } from '../serving/checkpoint-loader';
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
  /** Loads asked for so far: a load that finishes after a later one was asked for is dropped. */
  private asked = 0;
  /** The last load asked for. */
  private latest: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly hooks: ModelManagerHooks,
    private readonly bundledDir: () => string | undefined = bundledModelDir,
    private readonly read: (dir: string) => Promise<Checkpoint> = (dir) => loadCheckpointOffThread(dir),
  ) {}

  get active(): ActiveModel | undefined {
    return this.current;
  }

  /**
   * Resolves once no load is under way (at activation the model loads off the host's thread: tens of ms), or after
   * `timeoutMs` at most: a checkpoint on a hung network drive must not hold every command (a later load still wins).
   */
  async settled(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const loads = (async () => {
      for (let p = this.latest; ; p = this.latest) {
        await p.catch(() => undefined);
        if (p === this.latest) return;
      }
    })();
    await Promise.race([loads, timeout]);
    clearTimeout(timer);
  }

  /** Loads `dir` (or the bundled model); on failure keeps serving, falling back to the bundled model. */
  load(dir: string | undefined, source: ModelSource): Promise<ActiveModel | undefined> {
    const p = this.loadNow(dir, source);
    this.latest = p;
    return p;
  }

  private async loadNow(dir: string | undefined, source: ModelSource): Promise<ActiveModel | undefined> {
    const ticket = ++this.asked;
    const target = dir ?? this.bundledDir();
    if (!target) {
      this.hooks.warn('LSTM Complete: no model is available (the bundled model is missing). Run "LSTM: Train on Workspace".');
      return this.current;
    }
    try {
      const ck = await this.read(target);
      if (ticket !== this.asked) return this.current;
      if (ck.recoveredFrom) this.hooks.log(`checkpoint: ${target} was interrupted mid-write; loaded the previous one from ${ck.recoveredFrom}`);
      return this.install(ck, dir ? source : 'bundled');
    } catch (e) {
      if (ticket !== this.asked) return this.current;
      const msg = e instanceof Error ? e.message : String(e);
      this.hooks.log(`model load failed: ${msg}`);
      const bundled = this.bundledDir();
      if (dir && bundled && target !== bundled) {
        this.hooks.warn(`LSTM Complete: could not load the model (${msg}). Using the bundled model instead.`);
        try {
          const ck = await this.read(bundled);
          return ticket === this.asked ? this.install(ck, 'bundled') : this.current;
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
