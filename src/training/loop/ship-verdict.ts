/**
 * Whether a newly trained checkpoint (or a mix of it with the shipped model) replaces the bundled model: the model
 * card's rules as one pure function, so scripts/gpu/evaluate-and-ship.mjs cannot ship by a rule the card does not
 * state. Only the tuning figures decide (the by-package validation packages and the standard-library files held
 * out); the evaluation packages are reported, never used to choose, or they would stop being independent.
 */

/** What is measured of one model on the tuning data. */
export interface ShipFigures {
  /** nats/char on the by-package validation packages (whole projects never trained on). */
  tuning: number;
  /** nats/char on the standard-library files the bundled models held out. */
  stdlib: number;
  /** Keystrokes saved (0..1) typing the tuning packages with the editor's defaults (workspace cache on). */
  keystrokes?: number;
}

export interface ShipCandidate extends ShipFigures {
  name: string;
}

export interface ShipRules {
  /** The least gain on the tuning packages worth a new model (nats/char): below it the change is not felt. */
  minGain: number;
  /** How much worse than the shipped model the standard-library files may get (nats/char). */
  stdlibSlack: number;
  /** How far keystrokes saved may fall (a share): less than the replay's paired noise on the same text. */
  keystrokeSlack: number;
}

export const CARD_RULES: ShipRules = { minGain: 0.005, stdlibSlack: 0.01, keystrokeSlack: 0.005 };

export interface ShipVerdict {
  ship: boolean;
  /** The candidate chosen: the lowest tuning loss among those within the standard-library limit. */
  chosen?: ShipCandidate;
  /** One line per rule, in order, saying what it found. */
  reasons: string[];
}

const f4 = (x: number) => x.toFixed(4);
const pts = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Step 1 (choose): the candidate with the lowest tuning loss among those whose standard-library loss is within the
 * slack of the shipped model's. Step 2 (ship): it must gain at least minGain on the tuning packages, and, when both
 * keystroke figures are given, save no fewer keystrokes than the shipped model less the slack.
 */
export function shipVerdict(shipped: ShipFigures, candidates: readonly ShipCandidate[], rules: ShipRules = CARD_RULES): ShipVerdict {
  const reasons: string[] = [];
  const limit = shipped.stdlib + rules.stdlibSlack;
  const eligible = candidates.filter((c) => Number.isFinite(c.tuning) && c.stdlib <= limit);
  for (const c of candidates)
    if (!eligible.includes(c))
      reasons.push(`${c.name}: standard library ${f4(c.stdlib)} > limit ${f4(limit)} (shipped ${f4(shipped.stdlib)} + ${rules.stdlibSlack})`);
  if (!eligible.length) return { ship: false, reasons: [...reasons, 'no candidate within the standard-library limit: the shipped model stays'] };
  const chosen = eligible.reduce((a, b) => (b.tuning < a.tuning ? b : a));
  reasons.push(
    `chosen ${chosen.name}: tuning ${f4(chosen.tuning)} nats/char (lowest within the standard-library limit), standard library ${f4(chosen.stdlib)}`,
  );
  const gain = shipped.tuning - chosen.tuning;
  if (gain < rules.minGain) {
    reasons.push(`gain ${f4(gain)} nats/char on the tuning packages < ${rules.minGain}: the shipped model stays`);
    return { ship: false, chosen, reasons };
  }
  reasons.push(`gain ${f4(gain)} nats/char on the tuning packages (${f4(shipped.tuning)} -> ${f4(chosen.tuning)})`);
  if (shipped.keystrokes !== undefined && chosen.keystrokes !== undefined) {
    if (chosen.keystrokes < shipped.keystrokes - rules.keystrokeSlack) {
      reasons.push(
        `keystrokes saved fell ${pts(shipped.keystrokes)} -> ${pts(chosen.keystrokes)} (more than ${pts(rules.keystrokeSlack)}): the shipped model stays`,
      );
      return { ship: false, chosen, reasons };
    }
    reasons.push(`keystrokes saved ${pts(shipped.keystrokes)} -> ${pts(chosen.keystrokes)}`);
  } else {
    reasons.push('keystrokes not measured: decided on loss alone');
  }
  return { ship: true, chosen, reasons };
}
