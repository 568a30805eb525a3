/**
 * The layering docs/development.md's layout describes, kept by a test rather than by memory: which folders of src/ may
 * import which, no import cycles between files (type-only imports included: they still tie two modules'
 * designs together), and `vscode` only in the editor glue.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');

/** What each folder may import besides itself; a folder not listed here fails the test (add it on purpose). */
const ALLOWED: Record<string, string[]> = {
  util: [],
  python: ['util'],
  model: ['util'],
  data: ['model', 'util'],
  backends: ['util'],
  inference: ['model', 'util'],
  'training/ops': ['backends', 'util'],
  'training/graph': ['training/ops', 'inference', 'data', 'backends', 'model', 'util'],
  'training/loop': ['training/graph', 'training/ops', 'data', 'backends', 'model', 'util'],
  'training/runner': ['training/loop', 'training/graph', 'training/ops', 'replay', 'completion', 'data', 'backends', 'model', 'util'],
  'workspace-index': ['data', 'inference', 'model', 'util'],
  completion: ['workspace-index', 'inference', 'model', 'python', 'util'],
  serving: ['completion', 'workspace-index', 'inference', 'model', 'util'],
  replay: ['completion', 'workspace-index', 'inference', 'model', 'python', 'util'],
  analysis: ['data', 'inference', 'model', 'python', 'util'],
  lens: ['completion', 'workspace-index', 'inference', 'model', 'python', 'util'],
  cli: [
    'training/runner',
    'training/loop',
    'training/graph',
    'replay',
    'analysis',
    'lens',
    'completion',
    'workspace-index',
    'data',
    'backends',
    'inference',
    'model',
    'util',
  ],
  // The editor reports facts to the worker and reads the engine only through serving (issue 33): no completion/.
  editor: ['serving', 'training/runner', 'training/loop', 'analysis', 'lens', 'workspace-index', 'data', 'backends', 'inference', 'model', 'util'],
  '.': ['cli', 'editor', 'serving', 'workspace-index'],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The folder a file belongs to for layering: its first folder under src/, two levels inside training/. */
function layer(file: string): string {
  const parts = path.relative(SRC, path.dirname(file)).split(path.sep).filter(Boolean);
  if (parts.length === 0) return '.';
  return parts[0] === 'training' ? parts.slice(0, 2).join('/') : parts[0];
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'([^']+)'/gm;

function imports(file: string): { spec: string; target?: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => {
    const spec = m[1];
    if (!spec.startsWith('.')) return { spec };
    const base = path.resolve(path.dirname(file), spec);
    const target = [base + '.ts', path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
    return { spec, target };
  });
}

describe('architecture', () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((f) => [f, imports(f)]));

  it('every relative import names a source file', () => {
    const broken = files.flatMap((f) =>
      graph
        .get(f)!
        .filter((i) => i.spec.startsWith('.') && !i.target)
        .map((i) => `${path.relative(SRC, f)}: '${i.spec}'`),
    );
    assert.deepEqual(broken, []);
  });

  it('folders import only the layers below them (docs/development.md, Layout)', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layer(f);
      const allowed = ALLOWED[from];
      if (!allowed) {
        bad.push(`${from}/ has no entry in the allowed-imports table`);
        continue;
      }
      for (const i of graph.get(f)!) {
        if (!i.target) continue;
        const to = layer(i.target);
        if (to !== from && !allowed.includes(to)) bad.push(`${path.relative(SRC, f)} imports ${path.relative(SRC, i.target)} (${from} -> ${to})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the editor starts runs through training/runner and reads their types, never the training loop itself', () => {
    // trainer.ts pulls in tfjs and the whole loop; the editor only plans runs (budget-plan, run-verdict) and reads
    // their configuration and events (train-config). It once re-exported train-config, so this could not be told.
    const trainer = path.join(SRC, 'training', 'loop', 'trainer.ts');
    const bad = files
      .filter((f) => layer(f) === 'editor' || layer(f) === '.')
      .filter((f) => graph.get(f)!.some((i) => i.target === trainer))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(bad, []);
  });

  it('training starts in one place: the editor and the CLI start runs only through training/runner/start-run.ts', () => {
    // Where a run goes (worker thread, plain Node process, GPU process) is the runner's decision; the entry points
    // once each chose for themselves (the editor probed for Node and picked a host; the CLI always took a worker).
    const runner = path.join(SRC, 'training', 'runner');
    const allowed = new Set(['start-run.ts', 'progress-words.ts'].map((f) => path.join(runner, f)));
    const bad = files
      .filter((f) => ['editor', 'cli', '.'].includes(layer(f)))
      .flatMap((f) =>
        graph
          .get(f)!
          .filter((i) => i.target?.startsWith(runner + path.sep) && !allowed.has(i.target))
          .map((i) => `${path.relative(SRC, f)} -> ${path.relative(SRC, i.target!)}`),
      );
    assert.deepEqual(bad, []);
  });

  it("the editor only wires: no module but extension.ts takes the extension's whole state", () => {
    // registerCommands(state) once handed 12 fields to nine commands that used two or three each.
    const state = path.join(SRC, 'editor', 'extension-state.ts');
    const bad = files.filter((f) => path.basename(f) !== 'extension.ts' && graph.get(f)!.some((i) => i.target === state)).map((f) => path.relative(SRC, f));
    assert.deepEqual(bad, []);
  });

  it('has no import cycles between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const i of graph.get(f) ?? []) {
        if (!i.target) continue;
        if (state.get(i.target) === 'open') cycles.push([...stack.slice(stack.indexOf(i.target)), i.target].map((x) => path.relative(SRC, x)).join(' -> '));
        else if (!state.has(i.target)) visit(i.target);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    assert.deepEqual(cycles, []);
  });

  it('only the editor glue imports vscode (pure logic stays testable without it)', () => {
    const users = files.filter((f) => graph.get(f)!.some((i) => i.spec === 'vscode')).map((f) => layer(f));
    assert.ok(users.length > 0, 'the test sees the vscode imports');
    assert.deepEqual(
      [...new Set(users)].filter((l) => l !== 'editor' && l !== '.'),
      [],
    );
  });

  it('the layout table in docs/development.md names every folder of src/', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'development.md'), 'utf8');
    const folders = [...new Set(files.map(layer))].filter((l) => l !== '.');
    assert.deepEqual(
      folders.filter((l) => !readme.includes(`| \`src/${l}\` |`)),
      [],
    );
  });
});
