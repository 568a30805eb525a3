/**
 * Where a training run goes, and its start: the one entry point the editor and the CLI both call. Given the run's
 * configuration and the facts of the caller (its backend preference, where native modules live, a configured Node),
 * it decides between a worker thread and a separate Node process (training-host.ts) and starts the run there.
 */
import { webgpuResolvable } from '../../backends/webgpu';
import { BackendPreference } from '../../backends/backend';
import { TrainConfig, TrainEvent } from '../loop/train-config';
import { startTrainingProcess } from './process-client';
import { chooseTrainingHost, findPlainNode, TrainingHost, wantsGpu } from './training-host';
import { startTraining, TrainingJob } from './worker-client';

export type { TrainingJob, TrainingHost };

export interface Placement {
  backend: BackendPreference;
  /** Where the native backends were installed (the extension's storage), for resolving webgpu. */
  modulePaths?: string[];
  /** lstmComplete.nodePath: a plain Node.js to run a process in. */
  nodePath?: string;
  /**
   * The caller is itself a plain Node that waits for the run (the CLI): a worker thread of it runs any backend,
   * Dawn included, and nothing else shares its process, so no separate process is needed.
   */
  callerIsPlainNode?: boolean;
}

export interface StartedRun {
  job: TrainingJob;
  host: TrainingHost;
}

/** What starting a run needs from the system; tests replace them. */
export interface RunStarters {
  webgpuResolvable: typeof webgpuResolvable;
  findPlainNode: typeof findPlainNode;
  startTraining: typeof startTraining;
  startTrainingProcess: typeof startTrainingProcess;
}

const SYSTEM: RunStarters = { webgpuResolvable, findPlainNode, startTraining, startTrainingProcess };

export async function startRun(config: TrainConfig, onEvent: (e: TrainEvent) => void, placement: Placement, sys: RunStarters = SYSTEM): Promise<StartedRun> {
  const webgpuInstalled = sys.webgpuResolvable(placement.modulePaths);
  const lowPriority = Boolean(config.lowPriority);
  const needsNode = !placement.callerIsPlainNode && (wantsGpu(placement.backend, webgpuInstalled) || lowPriority);
  const found = needsNode ? await sys.findPlainNode(placement.nodePath) : {};
  const host = chooseTrainingHost({
    backend: placement.backend,
    webgpuInstalled,
    node: found.node,
    nodeProblem: found.problem,
    lowPriority,
    callerIsPlainNode: placement.callerIsPlainNode,
  });
  const job = host.kind === 'process' ? sys.startTrainingProcess(config, onEvent, host.node) : sys.startTraining(config, onEvent);
  return { job, host };
}
