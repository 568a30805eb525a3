// Bundles the extension, the CLI, the training worker and the benchmarks with esbuild, and copies the
// tfjs wasm binaries next to the bundles, where src/backends/backend.ts looks for them at run time.
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');

const entries = {
  cli: 'src/cli.ts',
  extension: 'src/extension.ts',
  'training-worker': 'src/training/runner/worker-main.ts',
  'analysis-worker': 'src/analysis/worker-main.ts',
  'lens-worker': 'src/lens/worker-main.ts',
  'gradient-worker': 'src/training/graph/gradient-worker-main.ts',
  'training-process': 'src/training/runner/process-main.ts',
  'index-worker': 'src/workspace-index/index-worker-main.ts',
  'completion-worker': 'src/serving/completion-worker-main.ts',
  'checkpoint-worker': 'src/serving/checkpoint-worker-main.ts',
  'dawn-probe': 'src/backends/dawn-probe-main.ts',
  // The resumable run's format and arithmetic, for scripts/pretrain.mjs, model-card.mjs and scripts/gpu/ (not shipped).
  'scripts/run-state': 'src/training/loop/run-state.ts',
  // The model card's rules for replacing the bundled model, for scripts/gpu/evaluate-and-ship.mjs (not shipped).
  'scripts/ship-verdict': 'src/training/loop/ship-verdict.ts',
  // Corpus shards and Debian licences, for scripts/gpu/pick-shard.mjs and scripts/grow-corpus-list.mjs (not shipped).
  'scripts/corpus-shards': 'src/data/corpus-shards.ts',
  'scripts/debian-licence': 'src/data/debian-licence.ts',
  // VS Code's editor as the replay models it, for the real-editor replay's indentation keys (not shipped).
  'scripts/vscode-editor': 'src/replay/vscode-editor.ts',
  // VS Code's Accept Next Word as the replay models it, for the ghost-text table's check of it (not shipped).
  'scripts/accept-next-word': 'src/completion/accept-next-word.ts',
};
for (const f of fs.existsSync(path.join(root, 'bench')) ? fs.readdirSync(path.join(root, 'bench')) : []) {
  if (f.endsWith('.ts')) entries[`bench/${f.slice(0, -3)}`] = `bench/${f}`;
}
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, f]) => fs.existsSync(path.join(root, f))));

fs.mkdirSync(dist, { recursive: true });
const options = {
  absWorkingDir: root,
  entryPoints,
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Native backends are optional and loaded at run time if they resolve; vscode comes from the host.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'],
  banner: { js: '' },
};

await esbuild.build(options);
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
const cli = path.join(dist, 'cli.js');
const src = fs.readFileSync(cli, 'utf8');
if (!src.startsWith('#!')) fs.writeFileSync(cli, '#!/usr/bin/env node\n' + src.replace(/^#!.*\n/m, ''));

const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  fs.copyFileSync(path.join(wasmDir, f), path.join(dist, f));
}
// The Python grammar and runtime for the parse check, and Chart.js for the HTML report.
fs.copyFileSync(path.join(root, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm'), path.join(dist, 'tree-sitter.wasm'));
fs.copyFileSync(path.join(root, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm'), path.join(dist, 'tree-sitter-python.wasm'));
fs.copyFileSync(path.join(root, 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js'), path.join(dist, 'chart.umd.min.js'));
// h5wasm (the HDF5 reader for Keras files) is an ES module that finds its WebAssembly through import.meta.url, so it
// is copied whole and imported at run time (src/model/keras/hdf5.ts); its package.json marks the folder as ESM.
const h5wasmDir = path.join(dist, 'h5wasm');
fs.mkdirSync(h5wasmDir, { recursive: true });
for (const f of ['hdf5_hl.js', 'hdf5_util.js']) fs.copyFileSync(path.join(root, 'node_modules', 'h5wasm', 'dist', 'node', f), path.join(h5wasmDir, f));
fs.copyFileSync(path.join(root, 'node_modules', 'h5wasm', 'LICENSE.txt'), path.join(h5wasmDir, 'LICENSE.txt'));
fs.writeFileSync(path.join(h5wasmDir, 'package.json'), JSON.stringify({ type: 'module', private: true }) + '\n');
console.error(`built ${Object.keys(entryPoints).join(', ')} -> dist/`);
if (watch) console.error('(--watch is not supported; rerun npm run build)');

// The suite that runs inside VS Code's extension host (npm run test:vscode).
if (process.argv.includes('--tests')) {
  await esbuild.build({
    ...options,
    entryPoints: { 'suite/index': 'test/vscode/suite/index.ts', 'ghost-table/oracle': 'test/vscode/ghost-table/oracle.ts' },
    outdir: path.join(root, 'dist-test'),
    external: [...options.external, 'mocha'],
  });
  console.error('built dist-test/suite/index.js, dist-test/ghost-table/oracle.js');
}
