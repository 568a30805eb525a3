/**
 * Entry point loaded by VS Code's extension host (extensionTestsPath): runs the mocha suite below inside a
 * real VS Code and writes the outcome to the JSON file named by LSTM_TEST_RESULT, which the runner waits for.
 */
import * as fs from 'fs';
import Mocha from 'mocha';
import { registerRestrictedSuite, registerSuite } from './extension.test';
import { notes } from './notes';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
  const lines: string[] = [];
  const failures: { title: string; error: string }[] = [];
  mocha.suite.emit('pre-require', globalThis, 'suite', mocha);
  if (process.env.LSTM_TEST_RESTRICTED === '1') registerRestrictedSuite();
  else registerSuite();
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failed) => {
      const out = { passed: runner.stats?.passes ?? 0, failed, failures, lines, notes };
      const file = process.env.LSTM_TEST_RESULT;
      if (file) fs.writeFileSync(file, JSON.stringify(out, null, 2));
      if (failed > 0) reject(new Error(`${failed} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => lines.push(`ok   ${t.fullTitle()} (${t.duration} ms)`));
    runner.on('fail', (t, err: Error) => {
      failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err) });
      lines.push(`FAIL ${t.fullTitle()}: ${err?.message}`);
    });
  });
}
