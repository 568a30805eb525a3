/**
 * Crafted checkpoints (issue 31): a checkpoint reads only regular files inside its own folder, bounded by the
 * sizes its spec implies, never hangs, and refuses weights no checksum ties to it or that are not numbers.
 * Each case fails without the guard that handles it (the reads outside the folder succeeded, /dev/zero grew
 * without bound, a FIFO hung).
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { makeSpec } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { saveCheckpoint, loadCheckpoint, CheckpointError } from '../../src/model/checkpoint';
import { tempDir } from '../helpers';

const spec = makeSpec({ embeddingDim: 8, lstmUnits: [16, 12] });
// Parsed JSON that the tests change freely, as a hostile author would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function fixture(): { dir: string; model: () => Json; meta: () => Json; setModel: (m: unknown) => void; setMeta: (m: unknown) => void } {
  const root = tempDir();
  const dir = path.join(root, 'ck');
  saveCheckpoint(dir, initWeights(spec, 1), { name: 'hostile' });
  const file = (n: string) => path.join(dir, n);
  return {
    dir,
    model: () => JSON.parse(fs.readFileSync(file('model.json'), 'utf8')),
    meta: () => JSON.parse(fs.readFileSync(file('meta.json'), 'utf8')),
    setModel: (m) => fs.writeFileSync(file('model.json'), JSON.stringify(m)),
    setMeta: (m) => fs.writeFileSync(file('meta.json'), JSON.stringify(m)),
  };
}

const refuses = (dir: string, pattern: RegExp) =>
  assert.throws(
    () => loadCheckpoint(dir),
    (e: Error) => e instanceof CheckpointError && pattern.test(e.message),
  );

function withWeightsPath(p: string) {
  const f = fixture();
  const m = f.model();
  m.weightsManifest[0].paths = [p];
  f.setModel(m);
  return f;
}

describe('checkpoint: crafted folders are refused with a clear message', () => {
  it('a weights path that climbs out of the folder, or is absolute, is not read', () => {
    refuses(withWeightsPath('../../../../etc/passwd').dir, /reads only files in its own folder/);
    refuses(withWeightsPath('/dev/zero').dir, /reads only files in its own folder/);
    refuses(withWeightsPath('sub/weights.bin').dir, /reads only files in its own folder/);
  });

  it('a link inside the folder that leads out (to a device or a right-sized file elsewhere) is not read', () => {
    const f = fixture();
    const outside = path.join(path.dirname(f.dir), 'elsewhere.bin');
    fs.copyFileSync(path.join(f.dir, 'weights.bin'), outside); // right size and right checksum
    fs.rmSync(path.join(f.dir, 'weights.bin'));
    fs.symlinkSync(outside, path.join(f.dir, 'weights.bin'));
    refuses(f.dir, /outside the checkpoint folder/);
    fs.rmSync(path.join(f.dir, 'weights.bin'));
    fs.symlinkSync('/dev/zero', path.join(f.dir, 'weights.bin'));
    refuses(f.dir, /outside the checkpoint folder/);
    const g = fixture();
    fs.rmSync(path.join(g.dir, 'meta.json'));
    fs.symlinkSync('/dev/zero', path.join(g.dir, 'meta.json'));
    refuses(g.dir, /outside the checkpoint folder/);
  });

  it('a FIFO or a folder named as the weights does not hang and is not read', function () {
    if (process.platform === 'win32') this.skip();
    const f = withWeightsPath('pipe');
    execFileSync('mkfifo', [path.join(f.dir, 'pipe')]);
    refuses(f.dir, /not a regular file/);
    const g = withWeightsPath('sub');
    fs.mkdirSync(path.join(g.dir, 'sub'));
    refuses(g.dir, /not a regular file/);
  });

  it('a weights file larger than the spec implies is refused before it is read', () => {
    const f = fixture();
    fs.appendFileSync(path.join(f.dir, 'weights.bin'), Buffer.alloc(1 << 20));
    refuses(f.dir, /more than a checkpoint of this model can hold/);
  });

  it('a right-sized file with the checksum removed is refused: the checksum is required', () => {
    const f = fixture();
    const meta = f.meta();
    delete meta.weightsSha256;
    f.setMeta(meta);
    refuses(f.dir, /has no weightsSha256/);
  });

  it('NaN weights with a matching checksum are refused, naming the weight', () => {
    const f = fixture();
    const bin = fs.readFileSync(path.join(f.dir, 'weights.bin'));
    bin.writeFloatLE(NaN, 8);
    fs.writeFileSync(path.join(f.dir, 'weights.bin'), bin);
    const meta = f.meta();
    meta.weightsSha256 = createHash('sha256').update(bin).digest('hex');
    f.setMeta(meta);
    refuses(f.dir, /holds NaN or infinite values/);
  });

  it('wrong types and absurd sizes in the manifest or the spec give a message, not a JavaScript error', () => {
    const shapes = fixture();
    const m = shapes.model();
    m.weightsManifest[0].weights[0].shape = 'abc';
    shapes.setModel(m);
    refuses(shapes.dir, /malformed weight entry/);

    const extra = fixture();
    const m2 = extra.model();
    m2.weightsManifest[0].weights.push({ name: 'huge', shape: [1e9], dtype: 'float32' });
    extra.setModel(m2);
    refuses(extra.dir, /lists \d+ weights, the spec has \d+/);

    const huge = fixture();
    const meta = huge.meta();
    meta.spec.lstmUnits = [1e6, 1e6];
    huge.setMeta(meta);
    refuses(huge.dir, /has no valid model spec/);

    // Each size allowed, the whole far too big: 7 × 4096 units over a sparse weights.bin of the right length.
    const wide = fixture();
    const wm = wide.meta();
    wm.spec.lstmUnits = Array(7).fill(4096);
    wide.setMeta(wm);
    const t0 = Date.now();
    const rss0 = process.memoryUsage().rss;
    refuses(wide.dir, /declares a model of \d+ weights, more than this build loads/);
    assert.ok(Date.now() - t0 < 1000 && process.memoryUsage().rss - rss0 < 100e6, 'refused before anything is allocated');

    const notObject = fixture();
    notObject.setModel(null);
    refuses(notObject.dir, /has no weightsManifest/);
  });

  it('an untouched checkpoint still loads (the guards do not refuse what the project writes)', () => {
    const f = fixture();
    assert.equal(loadCheckpoint(f.dir).meta.name, 'hostile');
    const linked = path.join(path.dirname(f.dir), 'link-to-ck');
    fs.symlinkSync(f.dir, linked);
    assert.equal(loadCheckpoint(linked).meta.name, 'hostile', 'a link to the folder itself is fine');
  });
});
