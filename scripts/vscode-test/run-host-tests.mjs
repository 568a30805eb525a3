// Runs test/vscode/suite inside the extension host of a real VS Code (the one inside code-server) opened in
// headless Chromium, as recorded in the shared notes: server-main.js with --enable-smoke-test-driver and a
// payload naming extensionDevelopmentPath and extensionTestsPath. Exits non-zero on failure or timeout.
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import {
  repo,
  node24,
  codeServerDir,
  artifacts,
  ensureTools,
  tempDir,
  makeWorkspace,
  trainTinyModel,
  freePort,
  waitForPort,
  startGroup,
  launchBrowser,
  isolatedEnv,
} from './common.mjs';

const TIMEOUT_MS = Number(process.env.LSTM_VSCODE_TEST_TIMEOUT_MS ?? 10 * 60_000);

/**
 * One pass of the suite in a fresh server. restricted: the folder opens untrusted (workspace trust on, no
 * startup prompt) with a .vscode/settings.json that names a model, and the suite checks Restricted Mode.
 */
async function runPass({ restricted }) {
  const ws = makeWorkspace();
  const model = trainTinyModel(ws, path.join(tempDir('lstm-model-'), 'tiny'));
  const dirs = Object.fromEntries(['server', 'user', 'ext'].map((k) => [k, tempDir(`lstm-vsc-${k}-`)]));
  fs.mkdirSync(path.join(dirs.server, 'data', 'Machine'), { recursive: true });
  fs.mkdirSync(path.join(dirs.server, 'data', 'User'), { recursive: true });
  const userSettings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };
  if (restricted) {
    Object.assign(userSettings, { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' });
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(ws, '.vscode', 'settings.json'),
      JSON.stringify({
        'lstmComplete.modelPath': '/workspace/chose/this/model',
        'lstmComplete.maxCompletionChars': 77,
        'lstmComplete.training.keepLearning': true,
      }),
    );
  }
  fs.writeFileSync(path.join(dirs.server, 'data', 'User', 'settings.json'), JSON.stringify(userSettings));
  const result = path.join(tempDir('lstm-result-'), 'result.json');
  const port = await freePort();
  const server = startGroup(
    node24,
    [
      path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--server-data-dir',
      dirs.server,
      '--user-data-dir',
      dirs.user,
      '--extensions-dir',
      dirs.ext,
      '--disable-telemetry',
      ...(restricted ? [] : ['--disable-workspace-trust']),
    ],
    {
      env: isolatedEnv({ LSTM_TEST_RESULT: result, LSTM_TEST_MODEL: model, ...(restricted ? { LSTM_TEST_RESTRICTED: '1' } : {}) }),
      log: path.join(artifacts, `vscode-host-server${restricted ? '-restricted' : ''}.log`),
    },
  );
  let browser;
  try {
    await waitForPort(port, 60_000);
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repo)],
      ['extensionTestsPath', remote(path.join(repo, 'dist-test', 'suite', 'index.js'))],
    ]);
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`;
    browser = await launchBrowser();
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(url);
    const t0 = Date.now();
    while (!fs.existsSync(result)) {
      if (Date.now() - t0 > TIMEOUT_MS) {
        await page.screenshot({ path: path.join(artifacts, `vscode-host-timeout${restricted ? '-restricted' : ''}.png`) }).catch(() => {});
        throw new Error(`no test result after ${TIMEOUT_MS / 1000} s (see artifacts/vscode-host-server.log)`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 200));
    const out = JSON.parse(fs.readFileSync(result, 'utf8'));
    for (const l of out.lines) console.log(l);
    for (const f of out.failures) console.log(`\n${f.title}\n${f.error}`);
    for (const n of out.notes ?? []) console.log(n);
    console.log(`\nextension-host suite${restricted ? ' (Restricted Mode)' : ''}: ${out.passed} passed, ${out.failed} failed`);
    return out.failed;
  } finally {
    await browser?.close().catch(() => {});
    server.stop();
  }
}

async function main() {
  ensureTools();
  fs.mkdirSync(artifacts, { recursive: true });
  const b = spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs'), '--tests'], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
  const failed = (await runPass({ restricted: false })) + (await runPass({ restricted: true }));
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(`vscode host tests: ${e.message}`);
  process.exitCode = 1;
});
