import { strict as assert } from 'assert';
import { assignShards, nextShard, parseLedger, shardIdsIn } from '../../src/data/corpus-shards';

const pkgs = (...sizes: number[]) => sizes.map((chars, i) => ({ name: `python3-p${i}`, chars }));

describe('corpus shards: a corpus larger than a device call, read a shard per call', () => {
  it('fills shards in list order up to the cap; a package over the cap is a shard alone', () => {
    const shards = assignShards(pkgs(40, 50, 30, 200, 10), 100);
    assert.deepEqual(
      shards.map((s) => [s.packages.map((p) => p.slice(-2)), s.chars]),
      [
        [['p0', 'p1'], 90],
        [['p2'], 30],
        [['p3'], 200],
        [['p4'], 10],
      ],
    );
    assert.match(shards[0].id, /^s00-[0-9a-f]{8}$/);
    assert.throws(() => assignShards(pkgs(1), 0), /positive/);
  });

  it('a list that grows at its end leaves the earlier shards and their ids as they were', () => {
    const before = assignShards(pkgs(60, 50, 30), 100);
    const after = assignShards(pkgs(60, 50, 30, 20, 90), 100);
    assert.equal(before.length, 2);
    assert.deepEqual(after[0], before[0]);
    // The last shard had room and took the first new package: it is another shard now, to be read again.
    assert.deepEqual(after[1].packages, ['python3-p1', 'python3-p2', 'python3-p3']);
    assert.notEqual(after[1].id, before[1].id);
    assert.equal(after.length, 3);
  });

  it("picks the first shard the model has not read, from the ledger and the continued checkpoint's roots", () => {
    const shards = assignShards(pkgs(60, 60, 60), 100);
    const ledger = `# shards the shipped model read\n${shards[0].id}\tpython3-p0\t2026-12-04\n`;
    const roots = JSON.stringify({ corpus: { roots: [`/tmp/lstm-continue/corpus/${shards[1].id}`] } });
    assert.deepEqual(shardIdsIn(ledger + roots), [shards[0].id, shards[1].id]);
    assert.equal(nextShard(shards, shardIdsIn(ledger))?.id, shards[1].id);
    assert.equal(nextShard(shards, shardIdsIn(ledger + roots))?.id, shards[2].id);
    assert.equal(
      nextShard(
        shards,
        shards.map((s) => s.id),
      ),
      undefined,
    );
  });

  it('a ledger names shards, packages, and the packages of a list read before shards existed', () => {
    const shards = assignShards([{ name: 'stdlib', chars: 50 }, ...pkgs(40, 60, 60)], 100);
    const lists: Record<string, string> = { 'old.txt': '# the first corpus\npython3-p0 python3-p1\n' };
    const ledger = parseLedger('# read\npackage stdlib\npackages-of old.txt\nshard s09-00000000 2026-12-08\n', (f) => lists[f]);
    assert.deepEqual(ledger, { ids: ['s09-00000000'], packages: ['stdlib', 'python3-p0', 'python3-p1'] });
    // stdlib+p0 and p1 were read as packages: the next shard is p2's.
    assert.deepEqual(nextShard(shards, ledger.ids, ledger.packages)?.packages, ['python3-p2']);
  });
});
