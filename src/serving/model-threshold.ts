/**
 * The confidence threshold a completion is served at: a request names a value (the user set
 * lstmComplete.confidenceThreshold themselves) or asks for 'calibrated': the one calibrated for the model being
 * served (stored in its meta.json by the training run that made it), else the engine's default. Decided in the
 * worker, which knows which model it is serving, so a request that crosses a model switch still uses the threshold
 * of the model that answers it.
 */
import { CompletionSettings, DEFAULT_COMPLETION_SETTINGS } from '../completion/complete';

/** A threshold as a request carries it. */
export type Threshold = number | 'calibrated';

/** The engine's settings as the editor asks for them: the threshold a value or 'calibrated'. */
export type RequestedSettings = Omit<CompletionSettings, 'confidenceThreshold'> & { confidenceThreshold: Threshold };

export function servingSettings(settings: RequestedSettings, modelThreshold: number | undefined): CompletionSettings {
  const t = settings.confidenceThreshold;
  return { ...settings, confidenceThreshold: t === 'calibrated' ? (modelThreshold ?? DEFAULT_COMPLETION_SETTINGS.confidenceThreshold) : t };
}
