/**
 * Which text before the cursor should the LSTM read? Measures the next-character loss (nats/char) of every
 * character of a corpus under several designs of the state at the cursor, with one model, in one run:
 * - whole: the state carried from the start of the file (what `lstm-complete eval` measures; the reference);
 * - window: the context window used before (about contextChars before the cursor, its start moving in
 *   1,024-character blocks), from a zero state;
 * - engine: what context-window.ts does now (the anchors below, methods inside long classes, else the window);
 * - anchor-M: from a zero state at the latest top-level `def`/`class`/decorator line at least M characters before
 *   the cursor (the file start when there is none) — a start fixed by the code itself, not by offsets, so an edit
 *   elsewhere leaves a snapshot's text and key alone; method-anchor-M also starts at definitions indented 4 (methods).
 * Also the characters each design steps to cover the corpus once per start (its priming cost, relative to whole).
 * Options: --data DIR (repeatable), --model DIR (default the bundled model), --max-chars N, --context N, --designs a,b.
 */
import { parseArgs } from 'util';
import { buildCorpus } from '../src/data/corpus';
import { loadCheckpoint } from '../src/model/checkpoint';
import { bundledModelDir } from '../src/model/model-store';
import { LstmStepper } from '../src/inference/lstm-stepper';
import { encode, normalizeText } from '../src/model/vocab';
import { contextStart, contextStartAt } from '../src/completion/context-window';

const { values } = parseArgs({
  options: {
    data: { type: 'string', multiple: true },
    model: { type: 'string' },
    'max-chars': { type: 'string' },
    context: { type: 'string' },
    designs: { type: 'string' },
  },
});
const CONTEXT = Number(values.context ?? 4000);
const MAX_CHARS = Number(values['max-chars'] ?? 300_000);

/** Line starts of definitions (`def`, `async def`, `class` or a decorator) at column 0, or also 4 (methods). */
export function anchorStarts(text: string, methods: boolean): number[] {
  const out: number[] = [0];
  const re = methods ? /^(?: {4})?(?:def |async def |class |@)/gm : /^(?:def |async def |class |@)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m.index > 0) out.push(m.index);
  return out;
}

type StartOf = (text: string, p: number) => number;

/** Loss of each character p of `text` read from startOf(text, p), and the characters stepped to get there. */
function lossUnder(stepper: LstmStepper, text: string, startOf: StartOf): { nats: number; chars: number; stepped: number } {
  const codes = encode(text);
  const zero = new Float32Array(stepper.stateSize);
  const logits = new Float32Array(stepper.spec.vocabSize);
  let nats = 0;
  let stepped = 0;
  let start = -1;
  let at = 0; // the state holds text[start, at)
  for (let p = 0; p < codes.length; p++) {
    const s = startOf(text, p);
    if (s !== start) {
      start = s;
      stepper.writeState(zero);
      at = s;
    }
    for (; at < p; at++, stepped++) stepper.step(codes[at]);
    stepper.logits(logits);
    let max = -Infinity;
    for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
    nats += Math.log(sum) + max - logits[codes[p]];
  }
  return { nats, chars: codes.length, stepped };
}

function anchorDesign(minChars: number, methods = false): (anchors: number[], methodAnchors: number[]) => StartOf {
  return (topLevel, withMethods) => {
    const anchors = methods ? withMethods : topLevel;
    let i = 0;
    return (_text, p) => {
      // anchors ascend and p only grows within a file: walk forward.
      while (i + 1 < anchors.length && anchors[i + 1] <= p - minChars) i++;
      return anchors[i] <= p - minChars ? anchors[i] : 0;
    };
  };
}

const ck = loadCheckpoint(values.model ?? bundledModelDir()!);
const stepper = new LstmStepper(ck.weights);
const files = buildCorpus(values.data ?? [], {}).files;
const ALL: Record<string, (anchors: number[], methodAnchors: number[]) => StartOf> = {
  whole: () => () => 0,
  window: () => (text, p) => contextStart(text.slice(0, p), CONTEXT),
  // What the completion engine uses now (context-window.ts): definitions at column 0, then methods, then the window.
  engine: () => (text, p) => contextStartAt(text, p, CONTEXT),
  'anchor-0': anchorDesign(0),
  'anchor-100': anchorDesign(100),
  'anchor-250': anchorDesign(250),
  'anchor-500': anchorDesign(500),
  'anchor-1000': anchorDesign(1000),
  'anchor-2000': anchorDesign(2000),
  'method-anchor-0': anchorDesign(0, true),
  'method-anchor-500': anchorDesign(500, true),
  'method-anchor-1000': anchorDesign(1000, true),
};
// --designs a,b,c measures those only (whole, the reference, always).
const chosen = values.designs ? ['whole', ...values.designs.split(',')] : Object.keys(ALL);
const designs = Object.fromEntries(chosen.map((k) => [k, ALL[k]]));
const totals = Object.fromEntries(Object.keys(designs).map((k) => [k, { nats: 0, chars: 0, stepped: 0 }]));
let used = 0;
let anchorCount = 0;
let methodAnchorCount = 0;
for (const f of files) {
  if (used >= MAX_CHARS) break;
  const text = normalizeText(f.text);
  used += text.length;
  const anchors = anchorStarts(text, false);
  const methodAnchors = anchorStarts(text, true);
  anchorCount += anchors.length;
  methodAnchorCount += methodAnchors.length;
  for (const [name, design] of Object.entries(designs)) {
    const r = lossUnder(stepper, text, design(anchors, methodAnchors));
    totals[name].nats += r.nats;
    totals[name].chars += r.chars;
    totals[name].stepped += r.stepped;
  }
  process.stderr.write(`${used} chars\r`);
}
const whole = totals.whole;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
console.log(
  JSON.stringify(
    {
      model: ck.meta.name,
      data: values.data,
      chars: whole.chars,
      files: files.length,
      meanAnchorGap: Math.round(whole.chars / anchorCount),
      meanMethodAnchorGap: Math.round(whole.chars / methodAnchorCount),
      contextChars: CONTEXT,
      designs: Object.fromEntries(
        Object.entries(totals).map(([k, t]) => [
          k,
          {
            natsPerChar: round6(t.nats / t.chars),
            vsWhole: round6((t.nats - whole.nats) / t.chars),
            stepsPerChar: Math.round((t.stepped / whole.stepped) * 100) / 100,
          },
        ]),
      ),
    },
    null,
    2,
  ),
);
