// The standard runner for machines with internet access: @vscode/test-electron downloads a VS Code build
// and runs the same extension-host suite as run-host-tests.mjs. On machines that reach only the npm
// registry the download fails; this says so and points at npm run test:vscode (code-server's VS Code).
import * as path from 'path';
import * as fs from 'fs';
import { spawnSync } from 'child_process';
import { repo, makeWorkspace, trainTinyModel, tempDir } from './common.mjs';

async function main() {
  const { runTests } = await import('@vscode/test-electron');
  const b = spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs'), '--tests'], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
  const ws = makeWorkspace();
  const model = trainTinyModel(ws, path.join(tempDir('lstm-model-'), 'tiny'));
  const result = path.join(tempDir('lstm-result-'), 'result.json');
  try {
    await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(repo, 'dist-test', 'suite', 'index.js'),
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { LSTM_TEST_RESULT: result, LSTM_TEST_MODEL: model },
    });
  } catch (e) {
    if (!fs.existsSync(result) && /ENOTFOUND|ECONNREFUSED|EAI_AGAIN|getaddrinfo|download/i.test(String(e?.message ?? e))) {
      throw new Error(`could not download VS Code (${e.message ?? e}); on a machine without internet use npm run test:vscode`);
    }
    throw e;
  }
}

main().catch((e) => {
  console.error(`test-electron: ${e.message ?? e}`);
  process.exitCode = 1;
});
