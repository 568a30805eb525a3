// A user's-eye test in a real VS Code (code-server) driven by Playwright in Debian's headless Chromium:
// install the .vsix, open a .py file, type, see ghost text, accept it with Tab, run "Train on Workspace"
// and see the progress notification (then cancel it), change the temperature in the Settings editor.
// Screenshots go to artifacts/ (git-ignored). Exits non-zero on failure.
import * as fs from 'fs';
import * as path from 'path';
import { artifacts, ensureTools, tempDir, makeWorkspace, trainTinyModel, packageExtension, extensionLogs, openVsCode } from './common.mjs';

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `ui-${name}.png`) });
const step = (msg) => console.log(`ui: ${msg}`);
const LATENCY_SAMPLES = 20;
/** Keystrokes timed while a training run goes. */
const TRAINING_SAMPLES = 12;

/** Completion times the extension logged ("completion: ... in X ms"). */
const providerTimes = (dataDir) => extensionLogs(dataDir).flatMap((t) => [...t.matchAll(/completion: .* in ([\d.]+) ms/g)].map((m) => Number(m[1])));

/**
 * Keystroke → visible ghost text, over `want` keystrokes: each at the start of a new function's body ("ret"), the
 * same kind of place every time. Returns the times (ms); the lines typed are left complete. `marks`, if given, gets
 * each sample's keydown and visible times (epoch ms), for latencySplit.
 */
async function ghostLatency(page, want, tag, marks) {
  const samples = [];
  for (let attempt = 0; attempt < want * 2 && samples.length < want; attempt++) {
    // A new top-level function each time, so every sample asks at the same kind of place: the start of a body.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab'); // back to column 0 if the editor kept the body's indentation
    await page.keyboard.type(`def func_${tag}_${attempt + 1}(x, y):\n`, { delay: 20 });
    await page.keyboard.type('re', { delay: 40 });
    // From the keydown: type()'s delay waits between keydown and keyup, so a clock started after it missed 40 ms.
    const t0 = Date.now();
    await page.keyboard.press('t');
    try {
      await page.waitForSelector('.ghost-text-decoration, .ghost-text', { timeout: 3000 });
      samples.push(Date.now() - t0);
      marks?.push({ t0, t1: Date.now() });
    } catch {
      /* no suggestion here: try the next line */
    }
    if (samples.length < want) {
      // Leave this suggestion and its line: Escape, then the rest of the line by hand.
      await page.keyboard.press('Escape');
      await page.keyboard.type('urn x', { delay: 10 });
    }
  }
  return samples;
}

const quantile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** The extension's completion log lines: when each answer left the provider (epoch ms), its time and the worker's. */
function completionLog(dataDir) {
  return extensionLogs(dataDir).flatMap((t) =>
    [...t.matchAll(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \[info\] completion: .* in ([\d.]+) ms \(worker ([\d.]+) ms/gm)].map((m) => ({
      end: new Date(`${m[1]}T${m[2]}`).getTime(), // local time, as the log writes it
      ms: Number(m[3]),
      workerMs: Number(m[4]),
    })),
  );
}

/**
 * Where the time between a keystroke and visible ghost text goes, per sample (medians over the samples): VS Code's
 * scheduling (keydown in the browser to the provider's call in the extension host), the host's part of the provider
 * (reading the document, the hop to the completion worker and back), the worker (the engine), and the way back to
 * the screen (the result to the workbench and rendering). Clocks: the browser's keydown is Playwright's, the log's
 * time is the extension host's; one machine, one clock, millisecond resolution.
 */
function latencySplit(marks, log) {
  const parts = { scheduling: [], host: [], worker: [], render: [] };
  for (const { t0, t1 } of marks) {
    // The answer that was shown: the last one that left the provider before the ghost text appeared.
    const c = log.filter((x) => x.end - x.ms >= t0 - 1 && x.end <= t1 + 1).at(-1);
    if (!c) continue;
    parts.scheduling.push(c.end - c.ms - t0);
    parts.host.push(c.ms - c.workerMs);
    parts.worker.push(c.workerMs);
    parts.render.push(t1 - c.end);
  }
  const n = parts.worker.length;
  const med = (xs) => quantile(xs, 0.5).toFixed(1);
  return n
    ? `over ${n} of ${marks.length} keystrokes (medians): VS Code to the provider ${med(parts.scheduling)} ms, the provider on the host ${med(parts.host)} ms, ` +
        `the completion worker ${med(parts.worker)} ms, back to the screen ${med(parts.render)} ms`
    : `no completion in the log matched the ${marks.length} keystrokes`;
}

/** The extension host's event-loop delay during the last training run, as the extension logged it. */
function trainingEventLoop(dataDir) {
  const m = extensionLogs(dataDir)
    .flatMap((t) => [...t.matchAll(/event-loop delay p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/g)])
    .at(-1);
  return m ? { p50: Number(m[1]), p99: Number(m[2]), max: Number(m[3]) } : undefined;
}

/** The host's event loop from activation to the run's start (LSTM_COMPLETE_HOST_WATCH): the same session without a run. */
function eventLoopBeforeRun(dataDir) {
  return extensionLogs(dataDir)
    .flatMap((t) => [...t.matchAll(/extension host event loop before this run: (.*)$/gm)])
    .at(-1)?.[1];
}

async function main() {
  ensureTools();
  fs.mkdirSync(artifacts, { recursive: true });
  const vsix = packageExtension();
  const ws = makeWorkspace();
  const model = trainTinyModel(ws, path.join(tempDir('lstm-model-'), 'tiny'));
  // The extension logs the host's event loop from activation to the run's start: the baseline for the run's figures.
  process.env.LSTM_COMPLETE_HOST_WATCH = '1';
  let vscode;
  try {
    vscode = await openVsCode({
      vsix,
      workspace: ws,
      settings: {
        'lstmComplete.modelPath': model,
        // The default debounce unless a run asks for another (LSTM_UI_DEBOUNCE_MS, to compare latencies).
        ...(process.env.LSTM_UI_DEBOUNCE_MS ? { 'lstmComplete.debounceMs': Number(process.env.LSTM_UI_DEBOUNCE_MS) } : {}),
        'lstmComplete.training.epochs': 100,
        'lstmComplete.training.batchSize': 8,
        'lstmComplete.training.seqLength': 32,
        // code-server's extension host looks for ports to forward every few seconds by starting a child process
        // (a fork of the whole host: 30-170 ms stalls in its CPU profile, with or without training); desktop VS
        // Code's local host does not. Off (code-server has a tunnel provider, so only the source setting stops
        // it), so the host's figures are the extension's and VS Code's own.
        'remote.autoForwardPorts': false,
        'remote.autoForwardPortsSource': 'output',
      },
    });
    const { page } = vscode;
    const dirs = { data: vscode.dataDir };
    step('workbench loaded');

    // Open a Python file by double-clicking it in the Explorer.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mod0.py' }).dblclick();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.statusbar-item:has-text("LSTM")', { timeout: 30_000 });
    step('extension active (status bar item shown)');

    // Type and time the ghost text after the last keystroke, over many keystrokes (the README's latency figures).
    await page.keyboard.type('def first(x):\n    return x', { delay: 10 });
    const marks = [];
    const samples = await ghostLatency(page, LATENCY_SAMPLES, 9, marks);
    const appearedMs = samples.length ? samples[samples.length - 1] : -1;
    await shot(page, 'ghost-text');
    if (appearedMs < 0) throw new Error('no ghost text appeared after typing');
    const q = quantile;
    const provider = providerTimes(dirs.data);
    step(
      `ghost text latency over ${samples.length} keystrokes (keystroke to visible ghost text): p50 ${q(samples, 0.5)} ms, p95 ${q(samples, 0.95)} ms; ` +
        `the provider itself (log): ${provider.length ? `p50 ${q(provider, 0.5).toFixed(1)} ms, p95 ${q(provider, 0.95).toFixed(1)} ms over ${provider.length} completions` : 'no timings in the log'}; ` +
        `the rest is the debounce setting (default 0), VS Code's own delay, the transport and rendering`,
    );
    step(`where the time goes, ${latencySplit(marks, completionLog(dirs.data))}`);
    if (samples.length < LATENCY_SAMPLES) throw new Error(`ghost text appeared after only ${samples.length} of ${LATENCY_SAMPLES} keystrokes`);
    const ghost = await page.locator('.ghost-text-decoration, .ghost-text').first().innerText();
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    const line = await page.locator('.view-line').filter({ hasText: 'ret' }).last().innerText();
    step(`accepted with Tab: line now ${JSON.stringify(line)} (ghost was ${JSON.stringify(ghost)})`);
    if (
      !line.replace(/\u00a0/g, ' ').includes(
        'ret' +
          ghost
            .replace(/\u00a0/g, ' ')
            .trim()
            .slice(0, 3),
      )
    )
      throw new Error('Tab did not insert the ghost text');
    await shot(page, 'accepted');

    // Train on Workspace from the command palette; the progress notification appears; cancel it.
    await page.keyboard.press('F1');
    await page.keyboard.type('LSTM: Train on Workspace');
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget .monaco-list-row', { timeout: 10_000 });
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Train from scratch' }).click();
    // How long: the time budget (the second question). A user moves the mouse over the rows before clicking one: no
    // hover may cover the row below (once a description's hover swallowed the click on "2 minutes" for 30 s).
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    for (let i = 0; i < Math.min(3, await rows.count()); i++) {
      await rows.nth(i).hover();
      await page.waitForTimeout(800);
    }
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '2 minutes' }).click({ timeout: 5_000 });
    step('picked "2 minutes" with a mouse click after hovering the rows');
    const toast = page.locator('.notification-toast', { hasText: 'LSTM: training on workspace' });
    await toast.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(4000);
    await shot(page, 'training');
    const toastText = await toast.innerText();
    step(`progress notification: ${JSON.stringify(toastText.replace(/\s+/g, ' ').slice(0, 160))}`);
    if (/epoch|nats/.test(toastText)) throw new Error(`the progress notification speaks in epochs or nats: ${toastText}`);

    // Typing never waits for training: the same latency, measured while the run goes.
    await editor.click();
    await page.keyboard.press('Control+End');
    const busyMarks = [];
    const busy = await ghostLatency(page, TRAINING_SAMPLES, 7, busyMarks);
    const ratio = busy.length ? quantile(busy, 0.5) / quantile(samples, 0.5) : Infinity;
    step(
      `ghost text latency while training, over ${busy.length} keystrokes: p50 ${quantile(busy, 0.5)} ms, p95 ${quantile(busy, 0.95)} ms ` +
        `(idle p50 ${quantile(samples, 0.5)} ms: ${ratio.toFixed(2)}x; target <= 1.3x)`,
    );
    step(`while training, where the time goes, ${latencySplit(busyMarks, completionLog(dirs.data))}`);
    if (busy.length < TRAINING_SAMPLES / 2) throw new Error(`while training, ghost text appeared after only ${busy.length} of ${TRAINING_SAMPLES} keystrokes`);
    // A regression guard, not the target (1.3x): with the run in a scheduling group of its own this measured 0.55x to
    // 1.07x in eleven runs on 2026-12-06; before, 1.19x-2.5x.
    if (ratio > 2) throw new Error(`typing waits for training: p50 ${ratio.toFixed(2)}x idle`);
    await toast.hover();
    await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Cancel' }).first().click();
    await toast.waitFor({ state: 'detached', timeout: 120_000 });
    step('training cancelled; notification closed');
    // The run logs it as it ends; the log file is written a moment later.
    let lag;
    for (let i = 0; i < 30 && !(lag = trainingEventLoop(dirs.data)); i++) await page.waitForTimeout(500);
    step(
      lag
        ? `extension host event loop while training: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (target: max <= 50 ms); ` +
            `from activation to the run (typing, no run): ${eventLoopBeforeRun(dirs.data) ?? 'not logged'}`
        : 'no event-loop figure in the log',
    );
    if (!lag) throw new Error('the training run logged no event-loop figure');

    // Change the temperature in the Settings editor.
    await page.keyboard.press('F1');
    await page.keyboard.type('Preferences: Open User Settings');
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');
    // The search box is a small Monaco editor that has focus when the Settings editor opens: type into it.
    await page.locator('.settings-editor .settings-header').first().waitFor({ timeout: 20_000 });
    await page.locator('.settings-editor .search-container').first().click();
    await page.keyboard.type('lstmComplete.temperature');
    const input = page.locator('.setting-item-contents:has-text("Temperature") input').first();
    await input.waitFor({ timeout: 20_000 });
    await input.fill('0.7');
    await input.press('Tab');
    await page.waitForTimeout(1500);
    await shot(page, 'settings');
    const saved = JSON.parse(fs.readFileSync(path.join(dirs.data, 'User', 'settings.json'), 'utf8').replace(/\/\/.*$/gm, ''));
    if (saved['lstmComplete.temperature'] !== 0.7) throw new Error(`temperature not saved (settings: ${JSON.stringify(saved)})`);
    step('temperature set to 0.7 in the Settings editor');
    console.log(`\nUI test passed; ghost text after ${appearedMs} ms; screenshots in artifacts/`);
  } catch (e) {
    if (vscode) await shot(vscode.page, 'failure').catch(() => {});
    throw e;
  } finally {
    await vscode?.close();
  }
}

main().catch((e) => {
  console.error(`ui test: ${e.message}`);
  process.exitCode = 1;
});
