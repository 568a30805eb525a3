#!/usr/bin/env node
/**
 * Makes a trained checkpoint the bundled model:
 *   node scripts/ship-model.mjs CKPT --out models/NAME [--name NAME] [--held-out-from models/OLD [--held-out-name NAME]] [--corpus-note TEXT] [--fine-tuned-from TEXT]
 * 1. `lstm-complete export --float16` into --out (the shipped weights are half floats: 1.8 MB, same loss to ~1e-6);
 * 2. rewrites meta.json so it holds no path of the build machine (the corpus roots become --corpus-note, the
 *    checkpoint it was fine-tuned from becomes --fine-tuned-from or its folder name), which the packaging test checks;
 * 3. adds to the held-out files (meta.corpus.validationFiles, what `--split validation` selects) those of the
 *    model it replaces (--held-out-from): the standard-library files scripts/build-corpus.mjs left out of the
 *    corpus for that reason, so `eval --data <stdlib> --split validation` keeps measuring the same files.
 * Run `npm run build` first.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ckpt = args[0];
const out = opt('--out');
if (!ckpt || ckpt.startsWith('-') || !out) {
  console.error(
    'usage: node scripts/ship-model.mjs CKPT --out models/NAME [--name NAME] [--held-out-from models/OLD [--held-out-name NAME]] [--corpus-note TEXT] [--fine-tuned-from TEXT]',
  );
  process.exit(2);
}
const name = opt('--name') ?? path.basename(out);
// Everything is made and checked in a staging folder beside --out; --out changes only once all checks pass (this
// script once replaced models/python and then failed its own check).
fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.staging-`));
const fail = (message) => {
  console.error(`ship-model: ${message}; ${out} is unchanged`);
  fs.rmSync(staging, { recursive: true, force: true });
  process.exit(1);
};
const stage = path.join(staging, 'model');
const r = spawnSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'export', '--model', ckpt, '--out', stage, '--float16', '--name', name], {
  stdio: 'inherit',
});
if (r.status !== 0) fail(`export failed (exit ${r.status})`);

const metaFile = path.join(stage, 'meta.json');
const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
// export keeps the weights, history and corpus; what `average` recorded it averaged comes along too.
const source = JSON.parse(fs.readFileSync(path.join(ckpt, 'meta.json'), 'utf8'));
if (source.averagedFrom) meta.averagedFrom = source.averagedFrom;
const note = opt('--corpus-note');
if (meta.corpus) meta.corpus.roots = note ? [note] : meta.corpus.roots.map((r) => `<${path.basename(r)}>`);
if (meta.training?.fineTunedFrom) meta.training.fineTunedFrom = opt('--fine-tuned-from') ?? path.basename(meta.training.fineTunedFrom);
const heldOutFrom = opt('--held-out-from');
if (heldOutFrom) {
  const old = JSON.parse(fs.readFileSync(path.join(heldOutFrom, 'meta.json'), 'utf8'));
  const union = new Set([...(old.corpus?.validationFiles ?? []), ...(meta.corpus?.validationFiles ?? [])]);
  meta.corpus.validationFiles = [...union];
  meta.corpus.heldOutNote = `validationFiles: the by-package validation files of this run and the standard-library files ${opt('--held-out-name') ?? path.basename(heldOutFrom)} held out (never in this model's corpus either)`;
}
const leftover = /(?:\/root\/|\/home\/[\w.-]+\/|\/Users\/[\w.-]+\/|\/work\/|\/tmp\/)/.exec(JSON.stringify(meta));
if (leftover) fail(`meta.json would still name a build-machine path (${leftover[0]})`);
fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2) + '\n');
const check = spawnSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'generate', '--model', stage, '--chars', '20', '--seed', '1'], {
  encoding: 'utf8',
});
if (check.status !== 0) fail(`the staged model does not load: ${check.stderr.trim().split('\n').pop()}`);

// Into place: each file written beside its old one and renamed over it, meta.json last (a reader sees the old
// model or the new one); the model card and pictures in --out are left alone.
fs.mkdirSync(out, { recursive: true });
const files = ['weights.bin', 'model.json', 'meta.json'];
try {
  for (const f of files) fs.copyFileSync(path.join(stage, f), path.join(out, `${f}.partial`));
} catch (e) {
  for (const f of files) fs.rmSync(path.join(out, `${f}.partial`), { force: true });
  fail(`could not write into ${out}: ${e.message}`);
}
for (const f of files) fs.renameSync(path.join(out, `${f}.partial`), path.join(out, f));
fs.rmSync(staging, { recursive: true, force: true });
console.error(`shipped ${ckpt} as ${out} (${name}); held-out files: ${meta.corpus?.validationFiles?.length ?? 0}`);
