/** Typed access to the extension's settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import { CacheSource, DEFAULT_COMPLETION_SETTINGS, RequestedSettings } from '../serving/completion-protocol';
import { SECTION, SETTINGS_DEFAULTS as D, SettingName, settingValue } from './settings-defaults';
import { BackendPreference } from '../backends/backend';

export { SECTION };

export interface TrainingSettings {
  /** Time budget offered first (minutes; 0: until stopped). */
  minutes: number;
  epochs: number;
  batchSize: number;
  seqLength: number;
  learningRate: number;
  validationSplit: number;
  maxCorpusMB: number;
  maxFileMB: number;
  exclude: string[];
  mode: 'windows' | 'carried-state';
  /** 0: all cores but one. */
  threads: number;
  /** Fine-tune in the background after saves (off by default). */
  keepLearning: boolean;
  keepLearningMinutesPerHour: number;
}

export interface Settings {
  enable: boolean;
  modelPath: string;
  debounceMs: number;
  /** List the document's words in the suggest widget with the model's word first (suggest-provider.ts). */
  suggestWidget: boolean;
  /** A log line per completion and per background priming at the info level (otherwise at trace). */
  logCompletions: boolean;
  backend: BackendPreference;
  /** A plain Node.js for GPU training (empty: this process if it is Node, else `node` on PATH). */
  nodePath: string;
  /**
   * The engine's settings. Its threshold is the user's when they set confidenceThreshold themselves (in any scope),
   * else 'calibrated': a trained model serves at its own (serving/model-threshold.ts).
   */
  completion: RequestedSettings;
  /** Characters of workspace text the completion cache indexes (MB). */
  cacheMaxMB: number;
  /** Memory for the model states kept at the line starts of open Python files (MB, all files together). */
  primedStatesMB: number;
  training: TrainingSettings;
}

/** Whether a setting has a value of the user's in any scope (not only the default). */
function setByUser(i: { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown } | undefined): boolean {
  return i !== undefined && [i.globalValue, i.workspaceValue, i.workspaceFolderValue].some((v) => v !== undefined);
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  // Typed and clamped to the declared range: VS Code shows the range but a settings.json can hold anything.
  const get = <K extends SettingName>(key: K): (typeof D)[K] => settingValue(key, c.get(key, D[key]));
  return {
    enable: get('enable'),
    modelPath: get('modelPath'),
    debounceMs: get('debounceMs'),
    suggestWidget: get('suggestWidget'),
    logCompletions: get('logCompletions'),
    backend: get('backend') as BackendPreference,
    nodePath: get('nodePath'),
    completion: {
      ...DEFAULT_COMPLETION_SETTINGS,
      temperature: get('temperature'),
      confidenceThreshold: setByUser(c.inspect('confidenceThreshold')) ? get('confidenceThreshold') : 'calibrated',
      maxCompletionChars: get('maxCompletionChars'),
      multiline: get('multiline'),
      contextChars: get('contextChars'),
      minConfidence: get('minConfidence'),
      cache: get('cache') as CacheSource,
    },
    cacheMaxMB: get('cacheMaxMB'),
    primedStatesMB: get('primedStatesMB'),
    training: {
      minutes: get('training.minutes'),
      epochs: get('training.epochs'),
      batchSize: get('training.batchSize'),
      seqLength: get('training.seqLength'),
      learningRate: get('training.learningRate'),
      validationSplit: get('training.validationSplit'),
      maxCorpusMB: get('training.maxCorpusMB'),
      maxFileMB: get('training.maxFileMB'),
      exclude: [...get('training.exclude')],
      mode: get('training.mode') as TrainingSettings['mode'],
      threads: get('training.threads'),
      keepLearning: get('training.keepLearning'),
      keepLearningMinutesPerHour: get('training.keepLearningMinutesPerHour'),
    },
  };
}
