/** `lstm-complete generate`: the seed's inference.py, non-interactive unless run bare on a terminal. */
import * as readline from 'node:readline/promises';
import { COMMON_OPTIONS, parse, numberOpt, logger, UsageError } from './args';
import { loadModelOrBundled } from '../model/model-store';
import { LstmStepper } from '../inference/lstm-stepper';
import { InferenceSession } from '../inference/session';
import { mulberry32, randomSeed } from '../util/rng';
import { GENERATION_LIMITS, sampleContext } from '../inference/generation-limits';

export const GENERATE_HELP = `Usage: lstm-complete generate [--model DIR] [--chars N] [--temperature T] [--start STR] [--seed S] [--top-k K] [--json]

Samples N characters from a checkpoint, starting after STR.
  --model DIR        checkpoint folder (default: the bundled model)
  --chars N          characters to generate, 1 to 100000 (default 300)
  --temperature T    0 to 2: 0 = greedy, 1 = the model's distribution (default 0.5)
  --start STR        text the sample continues (default "def ")
  --seed S           random seed, for reproducible samples
  --top-k K          sample only among the K most likely characters
  --json             print {"text", "chars", "seed", ...} instead of the text
With no flags on a terminal, asks for length, temperature and start string.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  chars: { type: 'string' },
  temperature: { type: 'string' },
  start: { type: 'string' },
  seed: { type: 'string' },
  'top-k': { type: 'string' },
} as const;

async function ask(): Promise<Record<string, string>> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const chars = (await rl.question('How many characters to generate? [300] ')).trim();
    const temperature = (await rl.question('Temperature (0 = greedy, 1 = model)? [0.5] ')).trim();
    const start = await rl.question('Start string? [def ] ');
    const out: Record<string, string> = {};
    if (chars) out.chars = chars;
    if (temperature) out.temperature = temperature;
    if (start) out.start = start.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    return out;
  } finally {
    rl.close();
  }
}

export async function runGenerate(argv: string[]): Promise<number> {
  const { values: parsed } = parse(argv, OPTIONS);
  let values = parsed;
  if (argv.length === 0 && process.stdin.isTTY && process.stderr.isTTY) values = { ...parsed, ...(await ask()) };
  const log = logger(Boolean(values.verbose));
  const L = GENERATION_LIMITS;
  const chars = numberOpt(values, 'chars', 300, { min: L.minChars, max: L.maxChars, integer: true });
  const temperature = numberOpt(values, 'temperature', 0.5, { min: L.minTemperature, max: L.maxTemperature });
  const seed = numberOpt(values, 'seed', randomSeed(), { min: 0, integer: true });
  const topK = numberOpt(values, 'top-k', 0, { min: 0, integer: true });
  const start = (values.start as string | undefined) ?? 'def ';
  if (values.backend !== undefined) throw new UsageError('generate runs on the built-in SIMD kernel and takes no --backend');
  const ck = loadModelOrBundled(values.model as string | undefined);
  log.debug(`model: ${ck.dir} (${ck.meta.name})`);
  log.debug('inference: WebAssembly SIMD kernel (no TensorFlow.js backend needed)');
  const session = new InferenceSession(new LstmStepper(ck.weights));
  const t0 = performance.now();
  session.feed(sampleContext(start));
  const result = session.generate({ maxChars: chars, temperature, topK: topK || undefined, rng: mulberry32(seed) });
  const ms = performance.now() - t0;
  log.debug(`generated ${result.text.length} chars in ${ms.toFixed(0)} ms (seed ${seed})`);
  if (values.json) {
    process.stdout.write(JSON.stringify({ model: ck.dir, start, text: result.text, chars: result.text.length, temperature, seed, ms: Math.round(ms) }) + '\n');
  } else {
    process.stdout.write(start + result.text + '\n');
  }
  return 0;
}
