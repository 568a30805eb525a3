/** Training progress on stderr: a redrawn bar on a terminal, periodic plain lines otherwise. */
import { TrainEvent } from '../training/loop/train-config';
import { formatDuration } from '../util/eta';
import { describeSkips } from '../data/corpus';

export function progressLine(e: Extract<TrainEvent, { type: 'batch' }>, width = 24): string {
  const frac = e.batch / e.batchesPerEpoch;
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  return `epoch ${e.epoch + 1} [${bar}] ${e.batch}/${e.batchesPerEpoch} loss ${e.loss.toFixed(3)} acc ${(e.accuracy * 100).toFixed(1)}% ${e.charsPerSec} chars/s ETA ${formatDuration(e.etaSeconds)}`;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr, quiet = false): (e: TrainEvent) => void {
  const tty = Boolean(stream.isTTY);
  let lastPlain = 0;
  let barShown = false;
  const clearBar = () => {
    if (barShown) stream.write('\r\x1b[K');
    barShown = false;
  };
  return (e) => {
    if (quiet && e.type !== 'log') return;
    switch (e.type) {
      case 'log':
        clearBar();
        stream.write(e.message + '\n');
        break;
      case 'corpus':
        clearBar();
        stream.write(
          `corpus: ${e.report.files} files, ${e.report.chars} chars (train ${e.trainChars}, validation ${e.valChars} in ${e.validationFiles} files), unknown ${(e.report.unknownRate * 100).toFixed(3)}%` +
            (Object.keys(e.report.skipped).length ? `, skipped ${describeSkips(e.report)}` : '') +
            '\n',
        );
        break;
      case 'batch':
        if (tty) {
          stream.write('\r\x1b[K' + progressLine(e));
          barShown = true;
        } else if (Date.now() - lastPlain > 30_000) {
          lastPlain = Date.now();
          stream.write(progressLine(e) + '\n');
        }
        break;
      case 'eval': {
        clearBar();
        const r = e.record;
        stream.write(
          `eval @ epoch ${r.epoch}: train ${r.trainLoss.toFixed(4)} nats/char, validation ${Number.isFinite(r.valLoss) ? `${r.valLoss.toFixed(4)} nats/char (${(r.valLoss / Math.LN2).toFixed(4)} bits/char, acc ${((r.valAccuracy ?? 0) * 100).toFixed(1)}%)` : 'n/a'}${e.best ? ' *best*' : ''}\n`,
        );
        break;
      }
      case 'checkpoint':
        clearBar();
        stream.write(`saved best checkpoint ${e.dir}\n`);
        break;
    }
  };
}

/**
 * A progress bar for long CLI jobs other than training: redrawn on a terminal, a plain line every 30 s
 * otherwise. Call it with (done, total, stage); done() clears it.
 */
export function progressBar(stream: NodeJS.WriteStream, label: string, width = 24): ((done: number, total: number, stage?: string) => void) & { done(): void } {
  const tty = Boolean(stream.isTTY);
  const t0 = Date.now();
  let lastPlain = t0;
  let shown = false;
  const draw = (done: number, total: number, stage?: string) => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - t0) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : 0;
    const line = `${label}${stage ? ` ${stage}` : ''} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}% ETA ${formatDuration(eta)}`;
    if (tty) {
      stream.write('\r\x1b[K' + line);
      shown = true;
    } else if (Date.now() - lastPlain > 30_000) {
      lastPlain = Date.now();
      stream.write(line + '\n');
    }
  };
  return Object.assign(draw, {
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  });
}
