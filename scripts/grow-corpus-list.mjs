#!/usr/bin/env node
/**
 * Grows the corpus's package list (issue 45): looks at Debian python3-* packages the lists do not name yet, fetches
 * each without installing it (apt-get download, dpkg-deb -x, in WORK outside the repository), keeps those whose own
 * code is under a permissive licence (src/data/debian-licence.ts, from the copyright file's `Files: *` stanza) and that
 * hold enough Python, and appends them to OUT_LIST with their licence:
 *   node scripts/grow-corpus-list.mjs WORK OUT_LIST [--max N] [--min-kb 20] [--max-deb-mb 40]
 * Never considered: packages of the base image (reserved for independent evaluation: any installed python3-*
 * package is refused, as scripts/fetch-debian-packages.sh does), the evaluation and tuning packages (click,
 * requests, jinja2, attr, markdown), debug, doc and dev packages. Every decision is written to WORK/decisions.tsv
 * (package, version, licence, class, Python characters, decision), so the list's licences are on record.
 * Candidates are tried largest first (Installed-Size), so a few hundred make a few hundred MB.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';
import { pyFiles } from './python-files.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { copyrightClass } = createRequire(import.meta.url)(path.join(repo, 'dist/scripts/debian-licence.js'));
const { listedPackages } = createRequire(import.meta.url)(path.join(repo, 'dist/scripts/corpus-shards.js'));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const [workArg, outArg] = args;
if (!workArg || !outArg || workArg.startsWith('-')) {
  console.error('usage: node scripts/grow-corpus-list.mjs WORK OUT_LIST [--max N] [--min-kb 20] [--max-deb-mb 40]');
  process.exit(2);
}
const work = path.resolve(workArg);
if ((work + path.sep).startsWith(repo + path.sep)) {
  console.error(`WORK must be outside the repository (${repo})`);
  process.exit(2);
}
const out = path.resolve(outArg);
const max = Number(opt('--max', '200'));
const minChars = Number(opt('--min-kb', '20')) * 1000;
const maxDeb = Number(opt('--max-deb-mb', '40')) * 1e6;
fs.mkdirSync(path.join(work, 'debs'), { recursive: true });

const HELD_OUT = ['python3-click', 'python3-requests', 'python3-jinja2', 'python3-attr', 'python3-markdown'];
const known = new Set([
  ...HELD_OUT,
  ...listedPackages(fs.readFileSync(path.join(repo, 'scripts/corpus-packages.txt'), 'utf8')),
  ...(fs.existsSync(out) ? listedPackages(fs.readFileSync(out, 'utf8')) : []),
]);
const installed = new Set(execFileSync('dpkg-query', ['-W', '-f', '${Package}\\n', 'python3-*'], { encoding: 'utf8' }).split('\n').filter(Boolean));
const decisionsFile = path.join(work, 'decisions.tsv');
const decided = new Set(
  fs.existsSync(decisionsFile)
    ? fs
        .readFileSync(decisionsFile, 'utf8')
        .split('\n')
        .map((l) => l.split('\t')[0])
    : [],
);
const names = execFileSync('apt-cache', ['pkgnames', 'python3-'], { encoding: 'utf8', maxBuffer: 16 << 20 })
  .split('\n')
  .filter((n) => n && !/-(dbg|dbgsym|doc|dev)$/.test(n) && !known.has(n) && !installed.has(n) && !decided.has(n));

// Sizes from the package index, so the largest pure-Python packages come first and huge binaries are skipped.
const sizes = new Map();
for (let i = 0; i < names.length; i += 200) {
  const r = spawnSync('apt-cache', ['show', '--no-all-versions', ...names.slice(i, i + 200)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  let pkg;
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith('Package: ')) pkg = line.slice(9).trim();
    else if (pkg && line.startsWith('Installed-Size: ')) sizes.set(pkg, { ...(sizes.get(pkg) ?? {}), installed: Number(line.slice(16)) * 1024 });
    else if (pkg && line.startsWith('Size: ')) sizes.set(pkg, { ...(sizes.get(pkg) ?? {}), deb: Number(line.slice(6)) });
  }
}
const candidates = names
  .filter((n) => (sizes.get(n)?.deb ?? Infinity) <= maxDeb)
  .sort((a, b) => (sizes.get(b)?.installed ?? 0) - (sizes.get(a)?.installed ?? 0));
console.error(`${candidates.length} candidates (of ${names.length} not yet decided); trying up to ${max}`);

/** The Python the corpus would take from an unpacked package (before its cap and deduplication). */
function pythonChars(root) {
  return fs.existsSync(root) ? pyFiles(root).reduce((sum, f) => sum + fs.statSync(f).size, 0) : 0;
}

let kept = 0;
let keptChars = 0;
for (const name of candidates.slice(0, max)) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grow-'));
  let row;
  try {
    const dl = spawnSync('apt-get', ['download', name], { cwd: path.join(work, 'debs'), encoding: 'utf8' });
    const deb = fs.readdirSync(path.join(work, 'debs')).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
    if (dl.status !== 0 || !deb) {
      row = [name, '?', '?', '?', 0, 'download failed'];
    } else {
      const debPath = path.join(work, 'debs', deb);
      spawnSync('dpkg-deb', ['-x', debPath, tmp]);
      const version = execFileSync('dpkg-deb', ['-f', debPath, 'Version'], { encoding: 'utf8' }).trim();
      const copyright = path.join(tmp, 'usr/share/doc', name, 'copyright');
      const lic = fs.existsSync(copyright) ? copyrightClass(fs.readFileSync(copyright, 'utf8')) : { class: 'unknown' };
      const chars = pythonChars(path.join(tmp, 'usr/lib/python3/dist-packages'));
      const take = lic.class === 'permissive' && chars >= minChars;
      row = [
        name,
        version,
        lic.licence ?? '?',
        lic.class,
        chars,
        take ? 'kept' : lic.class !== 'permissive' ? `left out: ${lic.class} licence` : 'left out: too little Python',
      ];
      if (take) {
        kept++;
        keptChars += chars;
        fs.appendFileSync(out, `${name}  # ${lic.licence}, ${(chars / 1e3).toFixed(0)} KB of Python\n`);
      }
      fs.rmSync(debPath, { force: true });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.appendFileSync(decisionsFile, row.join('\t') + '\n');
}
console.error(
  `kept ${kept} packages, ${(keptChars / 1e6).toFixed(1)} MB of Python (before build-corpus.mjs's caps and deduplication); decisions in ${decisionsFile}`,
);
