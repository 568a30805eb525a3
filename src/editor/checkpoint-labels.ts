/**
 * How Choose Checkpoint names the models a workspace kept: its history folders are named by the time they were
 * archived (`2026-12-07T02-42-57-897Z`, `-not-used` when the switch rule kept the model from before), which read
 * as noise in a list. Pure: the command adds the icons and the "in use" mark.
 */
import { keysIn100 } from '../training/loop/run-verdict';

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(-not-used)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface HistoryLabel {
  /** "7 Dec 2026, 02:42" in the machine's time zone, or the folder's own name when it is not a timestamp. */
  when: string;
  /** What the entry is, in words. */
  what: string;
}

/** The label of a history folder named by `name`, its time shown as the machine's local time. */
export function historyLabel(name: string, timeZoneOffsetMinutes = new Date().getTimezoneOffset()): HistoryLabel {
  const m = STAMP.exec(name);
  if (!m) return { when: name, what: 'an earlier workspace model' };
  const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const local = new Date(utc - timeZoneOffsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()}, ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  return {
    when,
    what: m[8] ? 'trained then, not used: it did not type better than the model before it' : 'the workspace model until a newer run replaced it',
  };
}

/** What a run's outcome (meta.json's `outcome`) says in Choose Checkpoint, or undefined when none was recorded. */
export function outcomeWords(o: { switched: boolean; keysGained?: number } | undefined): string | undefined {
  if (!o) return undefined;
  if (o.keysGained === undefined) return o.switched ? 'used after its run' : 'not used after its run';
  const typed = Math.round(Math.abs(o.keysGained)) === 0 ? 'typed as many keys as' : `typed ${keysIn100(o.keysGained)} in 100 than`;
  return `${typed} the model before it${o.switched ? '' : ' (not used)'}`;
}
