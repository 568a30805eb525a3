/** The `lstm-complete` command: dispatches to one module per subcommand. Exit 2: bad arguments, 1: failure. */
import { UsageError } from './args';
import { runGenerate, GENERATE_HELP } from './generate';
import { runTrain, TRAIN_HELP } from './train';
import { runEval, EVAL_HELP } from './eval';
import { runExport, EXPORT_HELP } from './export';
import { runAnalyze, ANALYZE_HELP } from './analyze';
import { runAverage, AVERAGE_HELP } from './average';
import { runReplay, REPLAY_HELP } from './replay';
import { runCells, CELLS_HELP } from './cells';
import { runSurprise, SURPRISE_HELP } from './surprise';
import { runImportTorch, IMPORT_TORCH_HELP } from './import-torch';
import { runImportKeras, IMPORT_KERAS_HELP } from './import-keras';
import { runExportKeras, EXPORT_KERAS_HELP } from './export-keras';

type Command = (argv: string[]) => Promise<number>;

/** Each command with its --help text, which main() prints before the command parses its flags (one place for all). */
const COMMANDS: Record<string, { run: Command; help: string; summary: string }> = {
  generate: { run: runGenerate, help: GENERATE_HELP, summary: 'sample text from a checkpoint' },
  train: { run: runTrain, help: TRAIN_HELP, summary: 'train or fine-tune a checkpoint on folders of Python files' },
  eval: { run: runEval, help: EVAL_HELP, summary: 'measure a checkpoint on Python files (nats/bits per char, accuracy)' },
  analyze: { run: runAnalyze, help: ANALYZE_HELP, summary: 'long-range dependency metrics: brackets, indentation, quotes, context use' },
  export: { run: runExport, help: EXPORT_HELP, summary: 'copy a checkpoint, optionally with float16 weights' },
  average: { run: runAverage, help: AVERAGE_HELP, summary: 'one checkpoint whose weights are the mean of several (snapshots of a run)' },
  replay: { run: runReplay, help: REPLAY_HELP, summary: 'keystrokes the ghost text saves while a simulated user types files, against word completion' },
  cells: { run: runCells, help: CELLS_HELP, summary: "the model's cells that track strings, brackets, indentation...; a file's heatmap" },
  surprise: { run: runSurprise, help: SURPRISE_HELP, summary: "a file's most surprising lines; the lens measured as a typo finder" },
  'import-torch': { run: runImportTorch, help: IMPORT_TORCH_HELP, summary: 'a checkpoint from a PyTorch run (train/torch/)' },
  'import-keras': { run: runImportKeras, help: IMPORT_KERAS_HELP, summary: "a checkpoint from a Keras .keras or .h5 model (the seed's train.py)" },
  'export-keras': { run: runExportKeras, help: EXPORT_KERAS_HELP, summary: "a checkpoint as a Keras 3 .keras file in the seed's layout" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(12)} ${c.summary}`);
  return `Usage: lstm-complete <command> [options]   (lstm-complete <command> --help for its options)\n\nCommands:\n${lines.join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`lstm-complete: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.help + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lstm-complete ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`lstm-complete ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.LSTM_COMPLETE_DEBUG) console.error(e);
    return 1;
  }
}
