// The replay meets a real editor: type Python the model never trained on into VS Code (code-server, headless
// Chromium) at a steady pace, pressing Tab exactly when the ghost text on screen is what comes next, and count the
// keys; then compare with `lstm-complete replay` on the same text and settings (its realistic user at the same pace,
// taking every right suggestion, and its ideal Tab user). Prints both; writes a per-position trace to artifacts/.
//
// The text: gyp's Python (node-gyp, bundled with npm: on every machine with Node, BSD-licensed, never in the
// training corpus). The replay chooses the window (--seed) and writes it out (--write-tasks); the editor types it.
// Editor settings follow the replay's model of the editor: indentation at a line start is the editor's and is not
// typed (inserted here without counting), no auto-closed brackets or quotes, no suggest widget competing for Tab.
//
// Environment: LSTM_EDITOR_REPLAY_CHARS (typed characters, default 1000), LSTM_EDITOR_REPLAY_KEY_MS (the pace,
// default 200), LSTM_EDITOR_REPLAY_SEED (default 1), LSTM_EDITOR_REPLAY_DATA (a folder of Python files instead of gyp).
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { repo, artifacts, ensureTools, tempDir, packageExtension, extensionLogs, openVsCode } from './common.mjs';

const step = (msg) => console.log(`editor replay: ${msg}`);
const CHARS = Number(process.env.LSTM_EDITOR_REPLAY_CHARS ?? 1000);
const KEY_MS = Number(process.env.LSTM_EDITOR_REPLAY_KEY_MS ?? 200);
const SEED = Number(process.env.LSTM_EDITOR_REPLAY_SEED ?? 1);
/**
 * Beyond this gap between the editor and the replay's realistic user the run fails. The target is 3 points; measured
 * 0.0 (591 keys both) on an idle 2-core machine on 2026-12-04. The margin is for a loaded CI machine, where a late
 * ghost text costs the editor a key that the replay's fixed editor time does not.
 */
const GUARD_POINTS = Number(process.env.LSTM_EDITOR_REPLAY_GUARD ?? 5);

/** gyp's Python modules as npm bundles them, or the folder the environment names. */
function sourceFolder() {
  if (process.env.LSTM_EDITOR_REPLAY_DATA) return process.env.LSTM_EDITOR_REPLAY_DATA;
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
  const candidates = [root, path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules')].map((r) =>
    path.join(r, 'npm', 'node_modules', 'node-gyp', 'gyp', 'pylib', 'gyp'),
  );
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'common.py')));
  if (!found) throw new Error(`gyp's Python modules not found (looked in ${candidates.join(', ')}); set LSTM_EDITOR_REPLAY_DATA`);
  return found;
}

/** A flat workspace of the folder's .py files (so every one shows in the Explorer). */
function copyWorkspace(from) {
  const ws = tempDir('lstm-replay-ws-');
  for (const f of fs.readdirSync(from)) if (f.endsWith('.py')) fs.copyFileSync(path.join(from, f), path.join(ws, f));
  return ws;
}

/** The replay on the workspace: its figures, and the typing task it chose. */
function runReplay(ws) {
  const tasksFile = path.join(tempDir('lstm-replay-tasks-'), 'tasks.json');
  const args = [path.join(repo, 'dist', 'cli.js'), 'replay', '--data', ws, '--max-chars', String(CHARS), '--file-chars', String(CHARS)];
  args.push('--edits', '0', '--seed', String(SEED), '--key-interval-ms', String(KEY_MS), '--accept-probability', '1', '--json', '--write-tasks', tasksFile);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replay failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout);
  const tasks = JSON.parse(fs.readFileSync(tasksFile, 'utf8')).typing;
  if (!tasks.length) throw new Error('the replay typed nothing');
  const row = (user) => out.typing.rows.find((x) => x.completer === 'model' && x.user === user).figures;
  const word = out.typing.rows.find((x) => x.completer === 'word completion' && x.user === 'realistic').figures;
  return { tasks, tab: row('tab'), realistic: row('realistic'), word, threshold: out.settings.confidenceThreshold };
}

/** The ghost text on screen (one line: the replay's settings are single-line), or '' when none. */
const ghostText = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.monaco-editor .ghost-text-decoration')]
      .map((e) => e.textContent ?? '')
      .join('')
      .replace(/\u00a0/g, ' '),
  );

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits for the extension's "workspace index: ..." log line; returns it. */
async function indexBuilt(dataDir) {
  for (let i = 0; i < 240; i++) {
    const line = extensionLogs(dataDir)
      .flatMap((t) => t.match(/workspace index: [^\n]*/g) ?? [])
      .at(-1);
    if (line) return line;
    await sleep(500);
  }
  throw new Error('the extension logged no workspace index within 2 minutes');
}

/**
 * Types `task.intended` at one key every KEY_MS: after each key (or Tab), waits out the interval, then looks at the
 * screen; Tab when the ghost text is exactly what comes next, else the next character. Indentation after a line
 * break is inserted without counting (the replay's editor does it). Returns the keys, the trace and the shown count.
 */
async function typeTask(page, task) {
  const text = task.intended;
  const skipIndent = (at) => {
    const lineStart = at === 0 ? task.before === '' || task.before.endsWith('\n') : text[at - 1] === '\n';
    if (!lineStart) return at;
    let i = at;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i > at) return { to: i, indent: text.slice(at, i) };
    return at;
  };
  let keys = 0;
  let shown = 0;
  let accepted = 0;
  let acceptedChars = 0;
  const trace = [];
  let at = 0;
  const advanceIndent = async () => {
    const s = skipIndent(at);
    if (typeof s === 'object') {
      await page.keyboard.insertText(s.indent);
      at = s.to;
    }
  };
  await advanceIndent();
  let last = Date.now();
  while (at < text.length) {
    await sleep(Math.max(0, last + KEY_MS - Date.now()));
    const ghost = await ghostText(page);
    if (ghost) shown++;
    if (ghost && text.startsWith(ghost, at)) {
      await page.keyboard.press('Tab');
      trace.push({ at, ghost, key: 'Tab' });
      at += ghost.length;
      accepted++;
      acceptedChars += ghost.length;
    } else {
      const ch = text[at];
      if (ch === '\n') await page.keyboard.press('Enter');
      else await page.keyboard.type(ch);
      trace.push({ at, ghost, key: ch });
      at++;
    }
    keys++;
    last = Date.now();
    await advanceIndent();
  }
  return { keys, shown, accepted, acceptedChars, trace };
}

async function main() {
  ensureTools();
  fs.mkdirSync(artifacts, { recursive: true });
  const vsix = packageExtension();
  const ws = copyWorkspace(sourceFolder());
  const replay = runReplay(ws);
  const { tasks } = replay;
  const typedChars = tasks.reduce((n, t) => n + t.typedChars, 0);
  for (const t of tasks) {
    step(`the replay types ${t.typedChars} characters of ${path.basename(t.file)} from line ${t.before.split('\n').length}`);
    // The file as the user found it: the text above the window; the rest is what they type.
    fs.writeFileSync(path.join(ws, path.basename(t.file)), t.before);
  }
  let vscode;
  try {
    vscode = await openVsCode({
      vsix,
      workspace: ws,
      logName: 'editor-replay-code-server.log',
      settings: {
        'editor.autoIndent': 'none',
        'editor.autoClosingBrackets': 'never',
        'editor.autoClosingQuotes': 'never',
        'editor.autoSurround': 'never',
        'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        'editor.suggestOnTriggerCharacters': false,
        'editor.wordBasedSuggestions': 'off',
        'editor.acceptSuggestionOnEnter': 'off',
        'editor.formatOnType': false,
        'files.insertFinalNewline': false,
        'files.trimTrailingWhitespace': false,
      },
    });
    const { page } = vscode;
    let index;
    const typed = { keys: 0, shown: 0, accepted: 0, acceptedChars: 0, trace: [] };
    let typingMs = 0;
    for (const task of tasks) {
      const file = path.basename(task.file);
      const exact = new RegExp(`^${file.replace(/[.]/g, '\\.')}$`);
      await page
        .locator('.explorer-folders-view .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: exact }) })
        .first()
        .dblclick();
      await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+End');
      // The extension starts with the first Python file; the workspace cache the replay also uses must be built.
      if (!index) index = await indexBuilt(vscode.dataDir);
      await sleep(2000); // the document is primed when opened
      const t0 = Date.now();
      const r = await typeTask(page, task);
      typingMs += Date.now() - t0;
      for (const k of ['keys', 'shown', 'accepted', 'acceptedChars']) typed[k] += r[k];
      typed.trace.push({ file, trace: r.trace });
      await page.keyboard.press('Control+S');
      await sleep(1500);
      const onDisk = fs.readFileSync(path.join(ws, file), 'utf8');
      const want = task.before + task.intended;
      if (onDisk !== want) {
        let i = 0;
        while (i < want.length && onDisk[i] === want[i]) i++;
        throw new Error(
          `the editor's text in ${file} differs from the task at ${i}: ${JSON.stringify(onDisk.slice(i - 20, i + 30))} vs ${JSON.stringify(want.slice(i - 20, i + 30))}`,
        );
      }
    }
    const seconds = typingMs / 1000;
    step(`${index}; typed at one key every ${KEY_MS} ms (threshold ${replay.threshold})`);
    await page.screenshot({ path: path.join(artifacts, 'editor-replay.png') });
    fs.writeFileSync(path.join(artifacts, 'editor-replay.json'), JSON.stringify({ replay, typed }, null, 1));
    const savings = 1 - typed.keys / typedChars;
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    step(
      `real editor: ${typed.keys} keys for ${typedChars} characters in ${seconds.toFixed(0)} s: saved ${pct(savings)}; ` +
        `ghost text seen at ${typed.shown} of ${typed.keys} keys, ${typed.accepted} accepted (mean ${(typed.acceptedChars / Math.max(1, typed.accepted)).toFixed(1)} chars)`,
    );
    step(
      `replay, same text and settings: realistic user (${KEY_MS} ms/key, every right suggestion taken) saved ${pct(replay.realistic.savings)}, ` +
        `ideal Tab user ${pct(replay.tab.savings)}; word completion (realistic) ${pct(replay.word.savings)}`,
    );
    const gap = (savings - replay.realistic.savings) * 100;
    step(`real editor - replay (realistic): ${gap >= 0 ? '+' : ''}${gap.toFixed(1)} points (target: within 3); trace in artifacts/editor-replay.json`);
    if (Math.abs(gap) > GUARD_POINTS) throw new Error(`the real editor and the replay differ by ${gap.toFixed(1)} points (guard ${GUARD_POINTS})`);
  } catch (e) {
    if (vscode) await vscode.page.screenshot({ path: path.join(artifacts, 'editor-replay-failure.png') }).catch(() => {});
    throw e;
  } finally {
    await vscode?.close();
  }
}

main().catch((e) => {
  console.error(`editor replay: ${e.message}`);
  process.exitCode = 1;
});
