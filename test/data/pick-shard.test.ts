import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'gpu', 'pick-shard.mjs');

describe('scripts/gpu/pick-shard.mjs: the shard the next device call reads', () => {
  it('shards what the shipped model has not read, and skips the shard the continued checkpoint read', () => {
    const dest = tempDir();
    // stdlib and python3-flask were read before shards (models/python/SHARDS-READ); the rest are new.
    const rows = [
      ['stdlib', '3.11', 'PSF-2.0', 10, 5_000_000],
      ['python3-flask', '2', 'BSD-3-clause', 10, 2_000_000],
      ['python3-new-a', '1', 'Expat', 10, 600_000],
      ['python3-new-b', '1', 'Expat', 10, 600_000],
      ['python3-new-c', '1', 'Expat', 10, 600_000],
    ];
    fs.writeFileSync(
      path.join(dest, 'MANIFEST.tsv'),
      [['package', 'version', 'licence', 'files', 'chars'], ...rows].map((r) => r.join('\t')).join('\n') + '\n',
    );
    const pick = (from: string) => spawnSync(process.execPath, [SCRIPT, dest, '--cap-mb', '1', '--from', from], { encoding: 'utf8' });
    const first = pick(tempDir());
    assert.equal(first.status, 0, first.stderr);
    const [id, ...dirs] = first.stdout.trim().split('\n');
    assert.match(id, /^s00-[0-9a-f]{8}$/);
    assert.deepEqual(dirs, [path.join(dest, 'train', 'python3-new-a')]);
    const from = tempDir();
    fs.writeFileSync(path.join(from, 'meta.json'), JSON.stringify({ corpus: { roots: [`/tmp/lstm-continue/corpus/${id}`] } }));
    const second = pick(from);
    assert.equal(second.stdout.trim().split('\n')[1], path.join(dest, 'train', 'python3-new-b'));
    assert.match(second.stderr, /1 of 3 shards read/);
  });
});
