// The replay meets a real editor: type Python the model never trained on into VS Code (code-server, headless
// Chromium) at a steady pace, pressing Tab exactly when the ghost text on screen is what comes next, and count the
// keys; then compare with `lstm-complete replay` on the same text and settings (its realistic user at the same pace,
// taking every right suggestion, and its ideal Tab user). Prints both; writes a per-position trace to artifacts/.
//
// The text: gyp's Python (node-gyp, bundled with npm: on every machine with Node, BSD-licensed, never in the
// training corpus). The replay chooses the window (--seed) and writes it out (--write-tasks); the editor types it.
// Two editors, each against the replay's model of it (--editor):
// - vscode: VS Code's editor settings as shipped (auto-closed brackets and quotes, auto-indent, the suggest widget).
//   Keys type through auto-closing and overtyping; before Enter the user presses Escape where the suggest widget is
//   open and Ctrl+Delete where closers are left after the cursor; after Enter the indentation VS Code gave is read
//   from the status bar and fixed to the one meant, counted as the replay counts it (a level a key).
// - plain: auto-closing, auto-indent and the suggest widget off; indentation is inserted without counting.
// Both users take a suggestion with Tab only when accepting it leaves the line they mean (the replay runs its
// realistic user Tab-only, --word-by-word off, to match).
//
// Environment: LSTM_EDITOR_REPLAY_EDITORS (vscode,plain: which to run), LSTM_EDITOR_REPLAY_SETTINGS (JSON: user
// settings on top, for experiments), LSTM_EDITOR_REPLAY_CHARS (typed characters, default 1000), LSTM_EDITOR_REPLAY_KEY_MS (the pace,
// default 200), LSTM_EDITOR_REPLAY_SEED (default 1), LSTM_EDITOR_REPLAY_DATA (a folder of Python files instead of gyp).
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { createRequire } from 'module';
import { repo, artifacts, ensureTools, tempDir, packageExtension, extensionLogs, openVsCode, cursorLineInPage } from './common.mjs';

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
function runReplay(ws, editor) {
  const tasksFile = path.join(tempDir('lstm-replay-tasks-'), 'tasks.json');
  const args = [path.join(repo, 'dist', 'cli.js'), 'replay', '--data', ws, '--max-chars', String(CHARS), '--file-chars', String(CHARS)];
  args.push('--edits', '0', '--seed', String(SEED), '--key-interval-ms', String(KEY_MS), '--accept-probability', '1', '--json', '--write-tasks', tasksFile);
  args.push('--editor', editor, '--word-by-word', 'off');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replay failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout);
  const tasks = JSON.parse(fs.readFileSync(tasksFile, 'utf8')).typing;
  if (!tasks.length) throw new Error('the replay typed nothing');
  const row = (user) => out.typing.rows.find((x) => x.completer === 'model' && x.user === user).figures;
  const word = out.typing.rows.find((x) => x.completer === 'word completion' && x.user === 'realistic').figures;
  return { tasks, tab: row('tab'), realistic: row('realistic'), word, threshold: out.settings.confidenceThreshold };
}

/** The ghost text on screen on the cursor's line, or '' when none (used by the plain editor's loop). */
const ghostText = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.monaco-editor .ghost-text-decoration')]
      .map((e) => e.textContent ?? '')
      .join('')
      .replace(/\u00a0/g, ' '),
  );

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The cursor's line as shown, with the lines a multi-line ghost text adds (common.mjs's `cursorLineInPage`). */
const lineState = (page) => page.evaluate(cursorLineInPage);

/**
 * The line state once the status bar shows the cursor on line `ln` (1-based) and, when given, at column `col`
 * (0-based). The status bar follows the cursor a moment later, and on a loaded machine a column read just after Enter
 * was the line above's: the indentation fix then pressed Backspace into that line and erased its end (CI, 2026-12-07:
 * `(dependency, target)` typed, `(dependency, )` saved). Waiting for it keeps the user's reading of the screen true;
 * a cursor that never gets there means the editor's text left the task, said at once.
 */
async function settledState(page, ln, col) {
  let st;
  for (const t0 = Date.now(); Date.now() - t0 < 5000; await sleep(10)) {
    st = await lineState(page);
    if (st.ln === ln && (col === undefined || st.col === col)) return st;
  }
  throw new Error(`the cursor stayed at line ${st.ln}, column ${st.col + 1}; the task is at line ${ln}${col === undefined ? '' : `, column ${col + 1}`}`);
}

/**
 * The replay's own model of VS Code's indentation (src/replay/vscode-editor.ts, built to dist/scripts/): the unit of
 * a file and the keys from one indentation to another. Loaded once the build has run (packageExtension builds).
 */
const replayEditor = () => createRequire(import.meta.url)(path.join(repo, 'dist', 'scripts', 'vscode-editor.js'));

/**
 * What Tab inserts when the ghost text on screen spans lines and is exactly what comes next (else 0): the rest of the
 * cursor's line, then each added line, the last up to its last ghost character; the text after the cursor that VS Code
 * moved to the end of the last line must be what the rest of that line overtypes.
 */
function multiLineTake(st, text, at, inLine) {
  const rest = st.chars.slice(inLine);
  if (rest.some((c) => !c.ghost)) return 0;
  const last = st.preview[st.preview.length - 1];
  const lastGhost = last.map((c) => c.ghost).lastIndexOf(true);
  const added = st.preview.map((l, i) => (i < st.preview.length - 1 ? l : last.slice(0, lastGhost + 1)).map((c) => c.ch).join(''));
  const inserted = [rest.map((c) => c.ch).join(''), ...added].join('\n');
  if (!text.startsWith(inserted, at)) return 0;
  const left = last
    .slice(lastGhost + 1)
    .map((c) => c.ch)
    .join('');
  const after = text.slice(at + inserted.length);
  const nl = after.indexOf('\n');
  return inOrder(left, nl < 0 ? after : after.slice(0, nl)) ? inserted.length : 0;
}

/** True when `sub` is in `text` in order. */
function inOrder(sub, text) {
  let i = 0;
  for (const ch of text) if (ch === sub[i]) i++;
  return i >= sub.length;
}

/**
 * Types `task.intended` into VS Code as shipped at one key every KEY_MS. After each key, waits out the interval, looks
 * at the cursor's line: Tab when accepting the ghost text leaves the line meant (what it inserts is the line's next
 * text, and the closers after it are ones the rest of the line overtypes), else the next character.
 */
async function typeTaskDefaults(page, task) {
  const text = task.intended;
  const { indentUnit, indentKeys } = replayEditor();
  const unit = indentUnit(task.before + text);
  let keys = 0;
  let shown = 0;
  let accepted = 0;
  let acceptedChars = 0;
  let indentFixKeys = 0;
  let enterExtraKeys = 0;
  const trace = [];
  let at = 0;
  const lineOf = (i) => {
    const all = task.before + text;
    const abs = task.before.length + i;
    const start = all.lastIndexOf('\n', abs - 1) + 1;
    const end = all.indexOf('\n', abs);
    return { line: all.slice(start, end < 0 ? all.length : end), inLine: abs - start };
  };
  const beforeLines = task.before.split('\n').length;
  const lineNo = (i) => beforeLines + (text.slice(0, i).match(/\n/g)?.length ?? 0);
  // The task starts at a line start: its indentation is put there as the text above left it (not counted).
  const first = /^[ \t]*/.exec(text)[0];
  if (first) await page.keyboard.insertText(first);
  at = first.length;
  let last = Date.now();
  while (at < text.length) {
    await sleep(Math.max(0, last + KEY_MS - Date.now()));
    const { line, inLine } = lineOf(at);
    // Only the line's number is waited for on a blank line (it keeps the indentation VS Code gave it) and where a tab
    // comes before the cursor (VS Code's columns count it as its width).
    const st = await settledState(page, lineNo(at), !line.trim() || line.slice(0, inLine).includes('\t') ? undefined : inLine);
    const ghostIdx = st.chars.map((c, i) => (c.ghost ? i : -1)).filter((i) => i >= 0);
    let took = false;
    const multi = st.preview.length ? multiLineTake(st, text, at, inLine) : 0;
    if (st.preview.length) shown++;
    if (multi) {
      await page.keyboard.press('Tab');
      trace.push({ at, ghost: text.slice(at, at + multi), key: 'Tab' });
      accepted++;
      acceptedChars += multi;
      at += multi;
      keys++;
      took = true;
    } else if (ghostIdx.length && !st.preview.length) {
      shown++;
      const end = ghostIdx[ghostIdx.length - 1] + 1;
      const shownLine = st.chars.map((c) => c.ch).join('');
      const left = st.chars
        .slice(end)
        .map((c) => c.ch)
        .join('');
      if (end > inLine && line.startsWith(shownLine.slice(0, end)) && inOrder(left, line.slice(end))) {
        await page.keyboard.press('Tab');
        trace.push({
          at,
          ghost: st.chars
            .filter((c) => c.ghost)
            .map((c) => c.ch)
            .join(''),
          key: 'Tab',
        });
        accepted++;
        acceptedChars += end - inLine;
        at += end - inLine;
        keys++;
        took = true;
      }
    }
    if (!took) {
      const ch = text[at];
      if (ch === '\n') {
        if (st.suggest) {
          await page.keyboard.press('Escape');
          keys++;
          enterExtraKeys++;
        }
        const plain = st.chars
          .filter((c) => !c.ghost)
          .map((c) => c.ch)
          .join('');
        if (plain.length > st.col) {
          await page.keyboard.press('Control+Delete');
          keys++;
          enterExtraKeys++;
        }
        await page.keyboard.press('Enter');
        keys++;
        at++;
        // The next line: blank ones stay as VS Code leaves them; others get the indentation meant.
        const nl = text.indexOf('\n', at);
        const next = text.slice(at, nl < 0 ? text.length : nl);
        if (next.trim()) {
          const gave = (await settledState(page, lineNo(at))).col;
          const want = /^[ \t]*/.exec(next)[0].length;
          const k = indentKeys(gave, want, unit);
          keys += k;
          indentFixKeys += k;
          for (let col = gave; col > want;) {
            await page.keyboard.press('Backspace');
            col = col % unit ? col - (col % unit) : col - unit;
            if (col < want) await page.keyboard.insertText(' '.repeat(want - col));
          }
          if (gave < want) await page.keyboard.insertText(' '.repeat(want - gave));
          at += want;
        }
        trace.push({ at, key: 'Enter' });
      } else {
        await page.keyboard.type(ch);
        trace.push({ at, key: ch, ghost: st.chars.map((c) => (c.ghost ? `[${c.ch}]` : c.ch)).join(''), suggest: st.suggest, selected: st.selected });
        at++;
        keys++;
      }
    }
    last = Date.now();
  }
  return { keys, shown, accepted, acceptedChars, indentFixKeys, enterExtraKeys, trace };
}

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

const PLAIN_SETTINGS = {
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
};

/** One editor: the replay's figures for it, then the same text typed in VS Code with those settings. */
async function runEditor(editor, vsix, source) {
  const ws = copyWorkspace(source);
  const replay = runReplay(ws, editor);
  const { tasks } = replay;
  const typedChars = tasks.reduce((n, t) => n + t.typedChars, 0);
  for (const t of tasks) {
    step(`[${editor}] the replay types ${t.typedChars} characters of ${path.basename(t.file)} from line ${t.before.split('\n').length}`);
    // The file as the user found it: the text above the window; the rest is what they type.
    fs.writeFileSync(path.join(ws, path.basename(t.file)), t.before);
  }
  let vscode;
  try {
    vscode = await openVsCode({
      vsix,
      workspace: ws,
      logName: `editor-replay-${editor}-code-server.log`,
      // VS Code as shipped changes nothing; files are saved as typed in both.
      settings: { ...(editor === 'plain' ? PLAIN_SETTINGS : {}), ...JSON.parse(process.env.LSTM_EDITOR_REPLAY_SETTINGS ?? '{}') },
    });
    const { page } = vscode;
    let index;
    const typed = { keys: 0, shown: 0, accepted: 0, acceptedChars: 0, indentFixKeys: 0, enterExtraKeys: 0, trace: [] };
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
      const r = editor === 'plain' ? await typeTask(page, task) : await typeTaskDefaults(page, task);
      typingMs += Date.now() - t0;
      for (const k of ['keys', 'shown', 'accepted', 'acceptedChars', 'indentFixKeys', 'enterExtraKeys']) typed[k] += r[k] ?? 0;
      typed.trace.push({ file, trace: r.trace });
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+S');
      await sleep(1500);
      // A task that ends with a line break leaves the indentation VS Code gave the next line, where typing would go on.
      const onDisk = fs.readFileSync(path.join(ws, file), 'utf8').replace(/\n[ \t]+$/, '\n');
      const want = task.before + task.intended;
      if (onDisk !== want) {
        let i = 0;
        while (i < want.length && onDisk[i] === want[i]) i++;
        fs.writeFileSync(path.join(artifacts, `editor-replay-${editor}.json`), JSON.stringify({ replay, typed }, null, 1));
        throw new Error(
          `[${editor}] the editor's text in ${file} differs from the task at ${i}: ${JSON.stringify(onDisk.slice(i - 20, i + 30))} vs ${JSON.stringify(want.slice(i - 20, i + 30))}`,
        );
      }
    }
    const seconds = typingMs / 1000;
    step(`[${editor}] ${index}; typed at one key every ${KEY_MS} ms (threshold ${replay.threshold})`);
    await page.screenshot({ path: path.join(artifacts, `editor-replay-${editor}.png`) });
    fs.writeFileSync(path.join(artifacts, `editor-replay-${editor}.json`), JSON.stringify({ replay, typed }, null, 1));
    const savings = 1 - typed.keys / typedChars;
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    const extra = editor === 'plain' ? '' : `; ${typed.indentFixKeys} keys fixing indentation, ${typed.enterExtraKeys} clearing before Enter`;
    step(
      `[${editor}] real editor: ${typed.keys} keys for ${typedChars} characters in ${seconds.toFixed(0)} s: saved ${pct(savings)}; ` +
        `ghost text seen at ${typed.shown} of ${typed.keys} keys, ${typed.accepted} accepted (mean ${(typed.acceptedChars / Math.max(1, typed.accepted)).toFixed(1)} chars)${extra}`,
    );
    step(
      `[${editor}] replay, same text and settings: realistic user (${KEY_MS} ms/key, every right suggestion taken with Tab) saved ${pct(replay.realistic.savings)}, ` +
        `ideal Tab user ${pct(replay.tab.savings)}; word completion (realistic) ${pct(replay.word.savings)}`,
    );
    const gap = (savings - replay.realistic.savings) * 100;
    step(
      `[${editor}] real editor - replay (realistic): ${gap >= 0 ? '+' : ''}${gap.toFixed(1)} points (target: within 3); trace in artifacts/editor-replay-${editor}.json`,
    );
    return gap;
  } catch (e) {
    if (vscode) await vscode.page.screenshot({ path: path.join(artifacts, `editor-replay-${editor}-failure.png`) }).catch(() => {});
    throw e;
  } finally {
    await vscode?.close();
  }
}

async function main() {
  ensureTools();
  fs.mkdirSync(artifacts, { recursive: true });
  const vsix = packageExtension();
  const source = sourceFolder();
  const editors = (process.env.LSTM_EDITOR_REPLAY_EDITORS ?? 'vscode,plain').split(',');
  const gaps = [];
  for (const editor of editors) gaps.push([editor, await runEditor(editor, vsix, source)]);
  const off = gaps.filter(([, g]) => Math.abs(g) > GUARD_POINTS);
  if (off.length)
    throw new Error(`the real editor and the replay differ by ${off.map(([e, g]) => `${g.toFixed(1)} points (${e})`).join(', ')} (guard ${GUARD_POINTS})`);
}

main().catch((e) => {
  console.error(`editor replay: ${e.message}`);
  process.exitCode = 1;
});
