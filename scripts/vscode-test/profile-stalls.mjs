// What the extension host did in its stalls: reads a .cpuprofile written with LSTM_COMPLETE_HOST_PROFILE set and
// prints each stretch of over MIN_MS (default 40) ms of busy samples (no "(idle)" between), with the functions that
// held it (self time) and the extension or VS Code file each came from.
// Usage: node scripts/vscode-test/profile-stalls.mjs FILE.cpuprofile [MIN_MS]
import * as fs from 'fs';

const [file, minArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-stalls.mjs FILE.cpuprofile [MIN_MS]');
  process.exit(2);
}
const minMs = Number(minArg ?? 40);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url) => (url ? url.replace(/^.*\/(extensions|out|node_modules)\//, '$1/').slice(-70) : '');
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
/** The stack of a sample, leaf first. */
function stack(id) {
  const out = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) out.push(nodes.get(cur));
  return out;
}
/** Which part of the host a stack belongs to: the first frame (from the leaf) in an extension, else VS Code or GC. */
function owner(id) {
  for (const n of stack(id)) {
    const m = /\/extensions\/([^/]+)\//.exec(n.callFrame.url);
    if (m) return m[1];
  }
  const leaf = nodes.get(id).callFrame.functionName;
  if (leaf.startsWith('(')) return leaf;
  return 'vscode';
}

// Sample times (ms from the profile's start) and ids.
let t = 0;
const samples = profile.samples.map((id, i) => ({ id, t: (t += profile.timeDeltas[i] / 1000) }));
const idle = (s) => nodes.get(s.id).callFrame.functionName === '(idle)';

const stalls = [];
let start = -1;
for (let i = 0; i <= samples.length; i++) {
  const busy = i < samples.length && !idle(samples[i]);
  if (busy && start < 0) start = i;
  if (!busy && start >= 0) {
    const ms = samples[i - 1].t - samples[start].t;
    if (ms >= minMs) stalls.push({ from: start, to: i, ms });
    start = -1;
  }
}

const total = samples.at(-1)?.t ?? 0;
const busyMs = samples.reduce((a, s, i) => a + (idle(s) || i === 0 ? 0 : s.t - samples[i - 1].t), 0);
console.log(`${file}: ${(total / 1000).toFixed(1)} s profiled, busy ${(busyMs / 1000).toFixed(1)} s; ${stalls.length} busy stretches >= ${minMs} ms`);
const tally = (list, key) => {
  const m = new Map();
  for (let i = 1; i < list.length; i++) m.set(key(list[i]), (m.get(key(list[i])) ?? 0) + list[i].t - list[i - 1].t);
  return [...m].sort((a, b) => b[1] - a[1]);
};
for (const s of stalls.sort((a, b) => b.ms - a.ms).slice(0, 10)) {
  const part = samples.slice(s.from, s.to);
  console.log(`\n${s.ms.toFixed(0)} ms at ${(part[0].t / 1000).toFixed(2)} s`);
  console.log(
    `  by owner: ${tally(part, (x) => owner(x.id))
      .slice(0, 5)
      .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
      .join(', ')}`,
  );
  for (const [k, v] of tally(part, (x) => label(nodes.get(x.id))).slice(0, 6)) console.log(`  self ${v.toFixed(0).padStart(4)} ms  ${k}`);
  // The deepest frames present in most of the stretch: what it was doing, not just where it ended.
  const inclusive = new Map();
  for (let i = 1; i < part.length; i++) {
    const dt = part[i].t - part[i - 1].t;
    for (const n of new Set(stack(part[i].id).map(label))) inclusive.set(n, (inclusive.get(n) ?? 0) + dt);
  }
  const held = [...inclusive].filter(([, v]) => v >= 0.5 * s.ms).map(([k]) => k);
  console.log(`  on the stack for half or more: ${held.slice(0, 8).join(' <- ') || '(none)'}`);
}
