#!/usr/bin/env node
/**
 * Builds the bundled model's training corpus, reproducibly, into a folder outside the repository:
 *   node scripts/build-corpus.mjs DEST [--packages scripts/corpus-packages.txt[,MORE.txt...]] [--cap-mb 2]
 * (several lists, comma-separated, are read in order: the MANIFEST's rows follow them, which the shards follow)
 * 1. fetches each listed Debian python3-* package with scripts/fetch-debian-packages.sh (apt-get download +
 *    dpkg-deb -x into DEST/debian; never installed; packages of the base image are refused there: they are
 *    reserved for independent evaluation), skipping any that fail to download;
 * 2. copies into DEST/train/<package>/ its .py files in path order, up to --cap-mb of text per package (so a
 *    few large code bases do not drown the rest), leaving out test folders and any file whose content was
 *    already taken (vendored copies, duplicated modules);
 * 3. adds this machine's standard library as DEST/train/stdlib, except the files the current bundled model held
 *    out for validation, which go to DEST/stdlib-validation (the card's standard-library figure);
 * 4. writes DEST/MANIFEST.tsv: package, version, licence, files and characters taken.
 * The by-package validation set is not built here: it is whole packages the corpus never contains (see the
 * model card), fetched with scripts/fetch-debian-packages.sh.
 */
import { spawnSync, execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { pyFiles } from './python-files.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (args.length < 1 || args[0].startsWith('-')) {
  console.error('usage: node scripts/build-corpus.mjs DEST [--packages FILE] [--cap-mb N]');
  process.exit(2);
}
const dest = path.resolve(args[0]);
if ((dest + path.sep).startsWith(repo + path.sep)) {
  console.error(`DEST must be outside the repository (${repo})`);
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : dflt;
};
const listFile = opt('--packages', path.join(repo, 'scripts/corpus-packages.txt'));
const capChars = Number(opt('--cap-mb', '2')) * 1e6;
const names = listFile
  .split(',')
  .flatMap((f) => fs.readFileSync(path.resolve(repo, f), 'utf8').split('\n'))
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean)
  .flatMap((l) => l.split(/\s+/));

const debian = path.join(dest, 'debian');
fs.mkdirSync(debian, { recursive: true });
for (const name of names) {
  const r = spawnSync('bash', [path.join(repo, 'scripts/fetch-debian-packages.sh'), debian, name], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) console.error(`skipped ${name}: ${r.stderr.trim().split('\n').pop()}`);
}

const seen = new Set();
const train = path.join(dest, 'train');
fs.rmSync(train, { recursive: true, force: true });
fs.rmSync(path.join(dest, 'stdlib-validation'), { recursive: true, force: true });
/** Copies files under `root` into `to` (same relative paths) until `cap` characters; returns [files, chars]. */
function take(root, to, cap, keep = () => true) {
  let files = 0;
  let chars = 0;
  for (const f of pyFiles(root)) {
    if (chars >= cap) break;
    const rel = path.relative(root, f);
    if (!keep(rel)) continue;
    const buf = fs.readFileSync(f);
    if (buf.length > 1e6 || buf.includes(0)) continue; // the trainer skips these too
    const h = createHash('sha256').update(buf).digest('hex');
    if (seen.has(h)) continue;
    seen.add(h);
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.writeFileSync(path.join(to, rel), buf);
    files++;
    chars += buf.length;
  }
  return [files, chars];
}

const licences = new Map(
  fs.existsSync(path.join(debian, 'LICENSES.tsv'))
    ? fs
        .readFileSync(path.join(debian, 'LICENSES.tsv'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const [n, v, lic] = l.split('\t');
          return [n, { v, lic }];
        })
    : [],
);
const rows = [['package', 'version', 'licence', 'files', 'chars']];
const stdlib = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
const meta = JSON.parse(fs.readFileSync(path.join(repo, 'models/python/meta.json'), 'utf8'));
const heldOut = new Set(meta.corpus?.validationFiles ?? []);
// The standard library first, so a module vendored by a package counts as the standard library's.
const [vf, vc] = take(stdlib, path.join(dest, 'stdlib-validation'), Infinity, (rel) => heldOut.has(rel.split(path.sep).join('/')));
const [sf, sc] = take(stdlib, path.join(train, 'stdlib'), Infinity, (rel) => !heldOut.has(rel.split(path.sep).join('/')));
rows.push(['stdlib', `python ${execFileSync('python3', ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim()}`, 'PSF-2.0', sf, sc]);
for (const name of names) {
  const root = path.join(debian, name);
  if (!fs.existsSync(root)) continue;
  const [files, chars] = take(root, path.join(train, name), capChars);
  const l = licences.get(name) ?? { v: '?', lic: '?' };
  rows.push([name, l.v, l.lic, files, chars]);
}
fs.writeFileSync(path.join(dest, 'MANIFEST.tsv'), rows.map((r) => r.join('\t')).join('\n') + '\n');
const total = rows.slice(1).reduce((s, r) => s + r[4], 0);
console.error(
  `corpus: ${rows.length - 1} sources, ${(total / 1e6).toFixed(1)} MB in ${dest}/train; standard-library validation: ${vf} files, ${(vc / 1e6).toFixed(2)} MB in ${dest}/stdlib-validation`,
);
