/**
 * A corpus larger than one device call can carry (64 MiB: the bundle and ~110 MB of Python as xz), read a shard per
 * call. Packages go to shards in the order their lists name them, each shard filled up to a size, so a list that
 * grows at its end leaves the earlier shards as they were; a shard's id names its place and its packages, so a model's
 * record of what it read stays true. A device job reads the first shard its model has not read (the shipped model's
 * ledger, models/python/SHARDS-READ, and the shard of the checkpoint it continues).
 */
import { createHash } from 'crypto';

export interface PackageSize {
  name: string;
  chars: number;
}

export interface Shard {
  id: string;
  packages: string[];
  chars: number;
}

/** Packages in the given order, greedily into shards of at most `capChars` (a package over the cap alone in its shard). */
export function assignShards(packages: PackageSize[], capChars: number): Shard[] {
  if (!(capChars > 0)) throw new RangeError('the shard size must be positive');
  const groups: PackageSize[][] = [];
  let current: PackageSize[] = [];
  let size = 0;
  for (const p of packages) {
    if (current.length && size + p.chars > capChars) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(p);
    size += p.chars;
  }
  if (current.length) groups.push(current);
  return groups.map((g, i) => ({
    id: shardId(
      i,
      g.map((p) => p.name),
    ),
    packages: g.map((p) => p.name),
    chars: g.reduce((s, p) => s + p.chars, 0),
  }));
}

/** `s03-1a2b3c4d`: the shard's place and the first 8 hex digits of the SHA-256 of its package names. */
export function shardId(index: number, packages: string[]): string {
  return `s${String(index).padStart(2, '0')}-${createHash('sha256').update(packages.join('\n')).digest('hex').slice(0, 8)}`;
}

/** Shard ids in a text: a ledger's lines, or a checkpoint's corpus roots (…/corpus/s03-1a2b3c4d). */
export function shardIdsIn(text: string): string[] {
  return [...text.matchAll(/\bs\d{2,}-[0-9a-f]{8}\b/g)].map((m) => m[0]);
}

/** The first shard not read: its id not among `readIds`, and not every one of its packages among `readPackages`. */
export function nextShard(shards: Shard[], readIds: Iterable<string>, readPackages: Iterable<string> = []): Shard | undefined {
  const ids = new Set(readIds);
  const pkgs = new Set(readPackages);
  return shards.find((s) => !ids.has(s.id) && !s.packages.every((p) => pkgs.has(p)));
}

/**
 * What a ledger says was read: `shard ID` lines, `package NAME` lines, and `packages-of FILE` lines (every package a
 * corpus list names, for the corpus a model was built on before shards existed). `readList` reads such a file.
 */
export function parseLedger(text: string, readList: (file: string) => string): { ids: string[]; packages: string[] } {
  const ids: string[] = [];
  const packages: string[] = [];
  for (const raw of text.split('\n')) {
    const [kind, value] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (kind === 'shard' && value) ids.push(value);
    else if (kind === 'package' && value) packages.push(value);
    else if (kind === 'packages-of' && value) packages.push(...listedPackages(readList(value)));
  }
  return { ids, packages };
}

/** The package names a corpus list names (scripts/corpus-packages.txt: names separated by blanks, # comments). */
export function listedPackages(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .flatMap((l) => l.split(/\s+/));
}
