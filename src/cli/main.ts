/** The `lstm-complete` command: dispatches to one module per subcommand. Exit 2: bad arguments, 1: failure. */
import { UsageError } from './args';
import { runGenerate } from './generate';
import { runTrain } from './train';
import { runEval } from './eval';
import { runExport } from './export';
import { runAnalyze } from './analyze';
import { runAverage } from './average';
import { runReplay } from './replay';
import { runCells } from './cells';
import { runSurprise } from './surprise';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  generate: { run: runGenerate, summary: 'sample text from a checkpoint' },
  train: { run: runTrain, summary: 'train or fine-tune a checkpoint on folders of Python files' },
  eval: { run: runEval, summary: 'measure a checkpoint on Python files (nats/bits per char, accuracy)' },
  analyze: { run: runAnalyze, summary: 'long-range dependency metrics: brackets, indentation, quotes, context use' },
  export: { run: runExport, summary: 'copy a checkpoint, optionally with float16 weights' },
  average: { run: runAverage, summary: 'one checkpoint whose weights are the mean of several (snapshots of a run)' },
  replay: { run: runReplay, summary: 'keystrokes the ghost text saves while a simulated user types files, against word completion' },
  cells: { run: runCells, summary: "the model's cells that track strings, brackets, indentation...; a file's heatmap" },
  surprise: { run: runSurprise, summary: "a file's most surprising lines; the lens measured as a typo finder" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
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
