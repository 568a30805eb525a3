/** `lstm-complete eval`: loss and accuracy of a checkpoint on a folder of Python files, state carried per file. */
import * as path from 'path';
import { COMMON_OPTIONS, parse, numberOpt, stringList, dataAndSplit, choiceOpt } from './args';
import { evaluateWithCache } from '../completion/cache-scoring';
import { DEFAULT_COMPLETION_SETTINGS } from '../completion/complete';
import { loadModelOrBundled } from '../model/model-store';
import { buildCorpus, describeSkips } from '../data/corpus';
import { filesOfSplit } from '../data/dataset';

export const EVAL_HELP = `Usage: lstm-complete eval [--model DIR] --data DIR [--data DIR...] [--split all|validation|train] [--max-chars N]
                          [--cache none|off|document|workspace] [--json]

Prints {"chars", "nats_per_char", "bits_per_char", "accuracy"}; the LSTM state is carried through each file.
  --split validation   only the files the checkpoint held out for validation (from its meta.json)
  --split train        only the files it trained on
  --cache document     the LSTM mixed with the completion cache as it completes a file typed left to right: what
                       the text before each character (the context window) says comes next
  --cache workspace    also what the other files given say (never the file being scored)
  (with a cache, scoring runs character by character on the inference kernel: ~0.3 ms a character)`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  data: { type: 'string', multiple: true },
  split: { type: 'string' },
  'max-chars': { type: 'string' },
  exclude: { type: 'string', multiple: true },
  cache: { type: 'string' },
} as const;

export async function runEval(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, OPTIONS);
  const { data, split } = dataAndSplit(v);
  const maxChars = v['max-chars'] === undefined ? undefined : numberOpt(v, 'max-chars', 0, { min: 1, integer: true });
  const ck = loadModelOrBundled(v.model as string | undefined);
  const corpus = buildCorpus(data, { exclude: stringList(v, 'exclude') });
  // What was not scored, and why (binary, not UTF-8, too large...): a figure over fewer files should say so.
  const skipped = describeSkips(corpus.report);
  if (skipped) process.stderr.write(`skipped: ${skipped}\n`);
  const files = filesOfSplit(corpus.files, ck.meta.corpus?.validationFiles, split, path.join(ck.dir, 'meta.json'));
  // "off" is the setting's name for "none".
  const chosen = choiceOpt(v, 'cache', ['none', 'off', 'document', 'workspace'], 'none');
  const cache = chosen === 'off' ? 'none' : chosen;
  const t0 = Date.now();
  const r = evaluateWithCache(
    ck.weights,
    files.map((f) => ({ key: f.path, text: f.text })),
    {
      cache,
      contextChars: DEFAULT_COMPLETION_SETTINGS.contextChars,
      maxChars,
      onProgress: v.verbose ? (c) => process.stderr.write(`evaluated ${c} chars\n`) : undefined,
    },
  );
  const out = { model: ck.dir, split, cache, ...r, skipped: corpus.report.skipped, seconds: (Date.now() - t0) / 1000 };
  if (v.json) process.stdout.write(JSON.stringify(out) + '\n');
  else
    process.stdout.write(
      `${r.chars} chars in ${r.files} files${cache === 'none' ? '' : ` (cache: ${cache})`}: ${r.nats_per_char.toFixed(4)} nats/char, ${r.bits_per_char.toFixed(4)} bits/char, accuracy ${(r.accuracy * 100).toFixed(2)}%\n`,
    );
  return 0;
}
