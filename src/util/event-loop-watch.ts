/**
 * How responsive this thread's event loop is over a stretch of time: the delay histogram's p50, p99 and max
 * (perf_hooks, 10 ms resolution) and the stalls over 50 ms with the wall-clock time each ended, to match with a
 * log's lines (the histogram says how long the worst one was, this says when).
 */
import { monitorEventLoopDelay } from 'perf_hooks';

export interface EventLoopFigures {
  p50: number;
  p99: number;
  max: number;
  /** The five longest stalls over STALL_MS, longest first. */
  stalls: { ms: number; at: string }[];
}

export const STALL_MS = 50;

export function watchEventLoop(): { stop(): EventLoopFigures } {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const every = 20;
  const found: { ms: number; at: string }[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - every;
    if (late > STALL_MS) found.push({ ms: late, at: new Date().toISOString().slice(11, 23) });
    last = now;
  }, every);
  timer.unref?.();
  return {
    stop: () => {
      clearInterval(timer);
      lag.disable();
      const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
      return {
        p50: ms(lag.percentile(50)),
        p99: ms(lag.percentile(99)),
        max: ms(lag.max),
        stalls: found.sort((a, b) => b.ms - a.ms).slice(0, 5),
      };
    },
  };
}

/** "67 ms at 10:48:55.385, 52 ms at 10:48:57.001". */
export const describeStalls = (stalls: EventLoopFigures['stalls']): string => stalls.map((w) => `${w.ms.toFixed(0)} ms at ${w.at}`).join(', ');

/** One log line's worth: "p50 10.1 ms, p99 30.0 ms, max 51.1 ms; stalls 67 ms at 10:48:55.385". */
export function describeEventLoop(f: EventLoopFigures): string {
  const stalls = f.stalls.length ? `; stalls ${describeStalls(f.stalls)}` : '';
  return `p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms${stalls}`;
}
