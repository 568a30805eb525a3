#!/usr/bin/env node
/**
 * Which shard of a large corpus the next device call reads (issue 45):
 *   node scripts/gpu/pick-shard.mjs CORPUS_DEST [--cap-mb 110] [--from .gpu/from] [--json]
 * CORPUS_DEST is scripts/build-corpus.mjs's DEST (MANIFEST.tsv, train/<source>/). Its sources, less those the
 * shipped model read before shards existed (the ledger's `package` and `packages-of` lines), are cut into shards in
 * the MANIFEST's order (src/data/corpus-shards.ts), and the first shard not yet read is printed: not in the shipped
 * model's ledger (models/python/SHARDS-READ) and not the shard of the checkpoint the call continues (its meta.json's
 * corpus roots end in the shard's id). Prints the shard's id and its source folders, one per line; exit 1 when every
 * shard has been read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { assignShards, nextShard, parseLedger, shardIdsIn } = createRequire(import.meta.url)(path.join(repo, 'dist/scripts/corpus-shards.js'));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const dest = args[0];
if (!dest || dest.startsWith('-')) {
  console.error('usage: node scripts/gpu/pick-shard.mjs CORPUS_DEST [--cap-mb 110] [--from DIR] [--json]');
  process.exit(2);
}
const rows = fs
  .readFileSync(path.join(dest, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .map(([name, , , , chars]) => ({ name, chars: Number(chars) }))
  .filter((r) => r.chars > 0);
const ledgerFile = path.join(repo, 'models/python/SHARDS-READ');
const ledger = parseLedger(fs.existsSync(ledgerFile) ? fs.readFileSync(ledgerFile, 'utf8') : '', (f) => fs.readFileSync(path.join(repo, f), 'utf8'));
// The sources read before shards existed are not sharded at all: the shards are the rest, in the MANIFEST's order
// (a fixed set of old sources keeps every shard's packages, and so its id, the same from call to call).
const readBefore = new Set(ledger.packages);
const shards = assignShards(
  rows.filter((r) => !readBefore.has(r.name)),
  Number(opt('--cap-mb', '110')) * 1e6,
);
const fromMeta = path.join(opt('--from', path.join(repo, '.gpu/from')), 'meta.json');
const continued = fs.existsSync(fromMeta) ? shardIdsIn(JSON.stringify(JSON.parse(fs.readFileSync(fromMeta, 'utf8')).corpus?.roots ?? [])) : [];
const readIds = new Set([...ledger.ids, ...continued]);
const next = nextShard(shards, readIds);
const summary = { shards: shards.length, read: shards.filter((s) => readIds.has(s.id)).length, next };
if (args.includes('--json')) process.stdout.write(JSON.stringify(summary) + '\n');
if (!next) {
  console.error(`every one of the ${shards.length} shards has been read: grow the corpus (scripts/grow-corpus-list.mjs)`);
  process.exit(1);
}
console.error(`shard ${next.id}: ${next.packages.length} sources, ${(next.chars / 1e6).toFixed(1)} MB (${summary.read} of ${shards.length} shards read)`);
if (!args.includes('--json')) process.stdout.write([next.id, ...next.packages.map((p) => path.join(dest, 'train', p))].join('\n') + '\n');
