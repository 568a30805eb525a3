/**
 * Generation validity: samples of N characters at several temperatures from a few start strings, each cut
 * at its last complete logical line, checked with the Python parser; the share that parse and the kinds of
 * errors of the rest.
 */
import { ModelWeights } from '../model/architecture';
import { LstmStepper } from '../inference/lstm-stepper';
import { InferenceSession } from '../inference/session';
import { mulberry32 } from '../util/rng';
import { loadPythonParser, checkPython, cutAtLogicalLine, ParseErrorKind } from '../python/python-parse';

export interface ValidityOptions {
  samples?: number;
  chars?: number;
  temperatures?: number[];
  starts?: string[];
  seed?: number;
}

export interface ValidityRow {
  temperature: number;
  samples: number;
  parseRate: number;
  errors: Partial<Record<ParseErrorKind, number>>;
  example: string;
}

export const DEFAULT_STARTS = ['def ', 'class ', 'import ', 'if __name__ == "__main__":\n    '];

export async function generationValidity(weights: ModelWeights, opts: ValidityOptions = {}): Promise<ValidityRow[]> {
  const parser = await loadPythonParser();
  const n = opts.samples ?? 100;
  const starts = opts.starts ?? DEFAULT_STARTS;
  const session = new InferenceSession(new LstmStepper(weights));
  const rows: ValidityRow[] = [];
  for (const temperature of opts.temperatures ?? [0.2, 0.5, 1.0]) {
    const rng = mulberry32((opts.seed ?? 1) * 7919 + Math.round(temperature * 1000));
    const errors: Partial<Record<ParseErrorKind, number>> = {};
    let ok = 0;
    let example = '';
    for (let i = 0; i < n; i++) {
      const start = starts[i % starts.length];
      session.feed(start);
      const text = start + session.generate({ maxChars: opts.chars ?? 1000, temperature, rng }).text;
      const check = checkPython(parser, cutAtLogicalLine(text));
      if (check.ok) ok++;
      for (const e of check.errors) errors[e] = (errors[e] ?? 0) + 1;
      if (i === 0) example = text.slice(0, 400);
    }
    rows.push({ temperature, samples: n, parseRate: ok / n, errors, example });
  }
  return rows;
}
