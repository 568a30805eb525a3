// The ghost-text table: in a real VS Code (code-server's 1.139, headless Chromium) with the editor settings as VS
// Code ships them (auto-closed brackets and quotes, auto-indent, the suggest widget with word-based suggestions), each
// row types its keys with the real keyboard, lets the extension's inline provider and completion engine show ghost
// text, accepts it whole (Tab) or word by word (Ctrl+Right, VS Code's Accept Next Word) and checks the file holds
// exactly the row's intended text: no stray or doubled closer, quote or character. The model is an oracle (it always
// predicts the row's text; test/vscode/ghost-table/oracle.ts), so a failure is the editor glue's, not a prediction's.
// Prints one line per row and mode; exits 1 when any row fails. LSTM_TABLE_ONLY=name runs one row.
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { createRequire } from 'module';
import {
  repo,
  node24,
  codeServerDir,
  artifacts,
  ensureTools,
  tempDir,
  freePort,
  waitForPort,
  startGroup,
  launchBrowser,
  isolatedEnv,
  cursorLineInPage,
} from './common.mjs';

/**
 * A row: keys typed (strings are typed character by character; {press} is one key), the text before the cursor after
 * them (`from`: the oracle answers from there on), and the text the row means.
 */
const ROWS = [
  { name: 'auto-closed ( in a def', keys: ['def compose_file('], intended: 'def compose_file(stream, Loader=Loader):' },
  { name: 'a call closed, another opened', keys: ['x = foo('], intended: 'x = foo(a) + bar(b)' },
  { name: 'auto-closed [', keys: ['items = ['], intended: 'items = [x * 2 for x in range(10)]' },
  { name: 'auto-closed {', keys: ['d = {'], intended: "d = {'a': 1, 'b': 2}" },
  { name: "auto-closed '", keys: ["name = '"], intended: "name = 'hello world'" },
  { name: 'auto-closed " inside (', keys: ['with open(path, "'], intended: 'with open(path, "rb") as f:' },
  { name: "f-string's { and '", keys: ["msg = f'{"], intended: "msg = f'{name}: {value}'" },
  { name: 'two auto-closed )', keys: ['value = max(len('], intended: 'value = max(len(items), 1)' },
  { name: "subscript's [ and '", keys: ["d['"], intended: "d['key'] = 1" },
  {
    name: 'triple quotes after auto-indent',
    keys: ['def f():', { press: 'Enter' }, '"""'],
    from: 'def f():\n    """',
    intended: 'def f():\n    """Return the value."""',
  },
  {
    name: 'text after the cursor',
    keys: ['x = compute() + 1', ...Array(5).fill({ press: 'ArrowLeft' }), 'a'],
    from: 'x = compute(a',
    intended: 'x = compute(a, b) + 1',
  },
  {
    name: 'suggest widget open',
    keys: ['some_variable = 1', { press: 'Enter' }, 'print(some_v'],
    from: 'some_variable = 1\nprint(some_v',
    intended: 'some_variable = 1\nprint(some_variable)',
  },
  // Multi-line suggestions (lstmComplete.multiline, on by default since 2026-12-08).
  { name: 'a line into the block it opens (multi-line)', keys: ['for x in items'], intended: 'for x in items:\n    total += x' },
  {
    name: 'the rest of a body after auto-indent (multi-line)',
    keys: ['def f():', { press: 'Enter' }],
    from: 'def f():\n    ',
    intended: 'def f():\n    a = 1\n    return a',
  },
  { name: 'a call over two lines, auto-closed ( (multi-line)', keys: ['x = foo('], intended: 'x = foo(a,\n        b)' },
];
const MODES = ['tab', 'word'];
/** Accept Next Word presses whose reach was checked against the replay's model. */
let wordChecks = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ghostText = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text')]
      .map((e) => e.textContent ?? '')
      .join('|')
      .replace(/\u00a0/g, ' '),
  );

async function waitGhost(page, ms) {
  const t0 = Date.now();
  for (;;) {
    const g = await ghostText(page);
    if (g || Date.now() - t0 > ms) return g;
    await sleep(100);
  }
}

/** True when ghost text is on screen and its first part starts at the cursor. */
const ghostAtCursor = (page) =>
  page.evaluate(() => {
    const c = document.querySelector('.monaco-editor .cursors-layer .cursor');
    const g = document.querySelector('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text');
    if (!c || !g) return false;
    const cr = c.getBoundingClientRect();
    const gr = g.getBoundingClientRect();
    return Math.abs(cr.left - gr.left) < 4 && Math.abs(cr.top - gr.top) < 10;
  });

/**
 * The ghost text's first part, as VS Code's Accept Next Word sees it: the ghost characters from the cursor on its line
 * (up to the first character already in the line) and, when they reach the line's end, the lines a multi-line ghost
 * text adds below.
 */
async function ghostPartAtCursor(page) {
  const { chars, col, preview } = await page.evaluate(cursorLineInPage);
  let end = col;
  while (end < chars.length && chars[end].ghost) end++;
  const text = (cs) => cs.map((c) => c.ch).join('');
  let part = text(chars.slice(col, end));
  if (end === chars.length) for (const l of preview) part += '\n' + text(l.filter((c) => c.ghost));
  return part;
}

/**
 * Saves, waits until the editor's tab no longer shows unsaved changes (at most 5 s), and reads the file. A fixed 300 ms
 * once read it before a busy machine had written it (CI, 2026-12-07: a row read "" with its text on screen).
 */
async function saved(page, file) {
  await page.keyboard.press('Control+S');
  const t0 = Date.now();
  do await sleep(150);
  while ((await page.locator('.tabs-container .tab.active.dirty').count()) > 0 && Date.now() - t0 < 5000);
  await sleep(150);
  return fs.readFileSync(file, 'utf8');
}

/** The saved file's text and the cursor's offset in it (from the status bar's "Ln 2, Col 14"). */
async function documentAndCursor(page, file) {
  const text = await saved(page, file);
  const where = await page.locator('[id="status.editor.selection"]').first().textContent();
  const [, ln, col] = /Ln (\d+), Col (\d+)/.exec(where ?? '') ?? [];
  if (!ln) throw new Error(`no cursor position in the status bar: ${where}`);
  const lines = text.split('\n');
  return { text, at: lines.slice(0, Number(ln) - 1).reduce((n, l) => n + l.length + 1, 0) + Number(col) - 1 };
}

/** The editor's lines as shown, without ghost text (VS Code draws spaces as no-break spaces). */
const shownLines = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.monaco-editor .view-lines .view-line')]
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((line) => {
        const copy = line.cloneNode(true);
        copy.querySelectorAll('.ghost-text-decoration, .ghost-text, .ghost-text-hidden').forEach((g) => g.remove());
        return (copy.textContent ?? '').replace(/\u00a0/g, ' ');
      })
      .join('\n'),
  );

/** Empties the file and types the row's keys; true when they reached the editor (the text before the cursor shows). */
async function typeRow(page, row, from) {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await sleep(200);
  for (const k of row.keys) {
    if (typeof k === 'string') await page.keyboard.type(k, { delay: 60 });
    else await page.keyboard.press(k.press);
  }
  await sleep(100);
  return (await shownLines(page)).startsWith(from);
}

/**
 * Waits until a probe key typed into the editor shows in it: on a busy machine the workbench can take seconds more to
 * give the editor the keyboard after its first click, and the first row once typed into nothing (CI, 2026-12-07).
 */
async function waitForKeyboard(page, dir, ms) {
  fs.writeFileSync(path.join(dir, 'row.json'), JSON.stringify({ intended: '', from: '' })); // the oracle offers nothing
  const t0 = Date.now();
  for (;;) {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.type('#');
    await sleep(300);
    const ok = (await shownLines(page)).includes('#');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    if (ok) return;
    if (Date.now() - t0 > ms) throw new Error(`keys typed into the editor did not show there within ${ms / 1000} s`);
    await sleep(1000);
  }
}

async function runRow(page, dir, file, row, mode) {
  const from = row.from ?? row.keys.join('');
  fs.writeFileSync(path.join(dir, 'row.json'), JSON.stringify({ intended: row.intended, from }));
  // Keys that never reached the editor say nothing about the glue under test; such a row is typed once more.
  if (!(await typeRow(page, row, from)) && !(await typeRow(page, row, from))) {
    return { shown: '', got: await shownLines(page), ok: false, why: 'the typed keys did not reach the editor' };
  }
  const shown = await waitGhost(page, 4000);
  if (mode === 'tab') await page.keyboard.press('Tab');
  else {
    // Word by word: Accept Next Word while ghost text starts at the cursor; where it does not (its next part lies
    // beyond a closer already in the line, which Accept Next Word would jump over), the user types the next
    // character, overtyping the closer, as they would. Fails as soon as the text before the cursor is not what the
    // user meant, or when a press takes other than what the replay's model of Accept Next Word says it takes
    // (src/completion/accept-next-word.ts: the word user's and the realistic user's keys rest on it).
    const { acceptNextWordLength } = createRequire(import.meta.url)(path.join(repo, 'dist', 'scripts', 'accept-next-word.js'));
    let expected;
    for (let i = 0; i < 80; i++) {
      const { text, at } = await documentAndCursor(page, file);
      if (text.slice(0, at) !== row.intended.slice(0, at)) return { shown, got: text, ok: false };
      if (expected && at - expected.from !== expected.chars) {
        return {
          shown,
          got: text,
          ok: false,
          why: `Accept Next Word on ${JSON.stringify(expected.part)} took ${at - expected.from} characters; the replay's model says ${expected.chars}`,
        };
      }
      if (expected) wordChecks++;
      expected = undefined;
      if (text === row.intended) break;
      if (at >= row.intended.length) return { shown, got: text, ok: false };
      if (await ghostAtCursor(page)) {
        const part = await ghostPartAtCursor(page);
        if (part) expected = { from: at, part, chars: acceptNextWordLength(part) };
        await page.keyboard.press('Control+ArrowRight');
      } else await page.keyboard.type(row.intended[at]);
      await sleep(250);
    }
  }
  await sleep(300);
  await page.keyboard.press('Escape');
  const got = await saved(page, file);
  return { shown, got, ok: got === row.intended };
}

async function main() {
  ensureTools();
  fs.mkdirSync(artifacts, { recursive: true });
  const b = spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs'), '--tests'], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
  const ws = tempDir('lstm-table-ws-');
  const file = path.join(ws, 'table.py');
  fs.writeFileSync(file, '');
  const dir = tempDir('lstm-table-');
  const dirs = Object.fromEntries(['server', 'user', 'ext'].map((k) => [k, tempDir(`lstm-table-${k}-`)]));
  fs.mkdirSync(path.join(dirs.server, 'data', 'User'), { recursive: true });
  // VS Code's editor defaults stand; only the extension's own ghost text is off (the oracle's provider serves instead).
  const userSettings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'lstmComplete.enable': false };
  fs.writeFileSync(path.join(dirs.server, 'data', 'User', 'settings.json'), JSON.stringify(userSettings));
  const port = await freePort();
  const server = startGroup(
    node24,
    [
      path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js'),
      ...['--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver'],
      ...['--server-data-dir', dirs.server, '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, '--disable-telemetry', '--disable-workspace-trust'],
    ],
    { env: isolatedEnv({ LSTM_TABLE_DIR: dir }), log: path.join(artifacts, 'ghost-table-server.log') },
  );
  let browser;
  let failed = 0;
  try {
    await waitForPort(port, 60_000);
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repo)],
      ['extensionTestsPath', remote(path.join(repo, 'dist-test', 'ghost-table', 'oracle.js'))],
    ]);
    browser = await launchBrowser();
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
    for (let i = 0; i < 240 && !fs.existsSync(path.join(dir, 'ready')); i++) await sleep(500);
    if (!fs.existsSync(path.join(dir, 'ready'))) throw new Error('the oracle provider did not start within 2 minutes');
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'table.py' }).first().dblclick();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
    await sleep(3000); // the workbench settles (the first row once saw no ghost text without this)
    await waitForKeyboard(page, dir, 60_000);
    const only = process.env.LSTM_TABLE_ONLY;
    for (const row of ROWS.filter((r) => !only || r.name === only)) {
      for (const mode of MODES) {
        const r = await runRow(page, dir, file, row, mode);
        if (!r.ok) failed++;
        console.log(
          `${r.ok ? 'ok  ' : 'FAIL'} ${row.name} (${mode === 'tab' ? 'Tab' : 'word by word'}): ghost ${JSON.stringify(r.shown)} -> ${JSON.stringify(r.got)}` +
            (r.ok ? '' : ` (meant ${JSON.stringify(row.intended)}${r.why ? `; ${r.why}` : ''})`),
        );
      }
    }
    await page.screenshot({ path: path.join(artifacts, 'ghost-table.png') });
  } finally {
    fs.writeFileSync(path.join(dir, 'done'), '');
    await sleep(500);
    await browser?.close().catch(() => {});
    server.stop();
    if (fs.existsSync(path.join(dir, 'provider.log'))) fs.copyFileSync(path.join(dir, 'provider.log'), path.join(artifacts, 'ghost-table-provider.log'));
  }
  console.log(`ghost-text table under VS Code's default editor settings: ${ROWS.length * MODES.length - failed} passed, ${failed} failed`);
  // Every word-by-word row presses Accept Next Word at least once; none checked means the check itself broke.
  console.log(`Accept Next Word: ${wordChecks} presses took what the replay's model says they take`);
  process.exitCode = failed || !wordChecks ? 1 : 0;
}

main().catch((e) => {
  console.error(`ghost-text table: ${e.message}`);
  process.exitCode = 1;
});
