/**
 * The confidence threshold a completion is served at: the user's lstmComplete.confidenceThreshold when they set
 * it themselves, else the one calibrated for the model being served (stored in its meta.json by the training run
 * that made it), else the setting's default. Decided in the worker, which knows which model it is serving, so a
 * request that crosses a model switch still uses the threshold of the model that answers it.
 */
import type { CompletionSettings } from '../completion/complete';

export function servingSettings(settings: CompletionSettings, modelThreshold: number | undefined, thresholdSetByUser: boolean | undefined): CompletionSettings {
  if (thresholdSetByUser || modelThreshold === undefined) return settings;
  return { ...settings, confidenceThreshold: modelThreshold };
}
