// Renders media/icon.svg to media/icon.png (256×256, transparent corners) with the Chromium the VS Code tests use:
// `node scripts/render-icon.mjs` after editing the SVG (needs `.vscode-test/`, which `npm test` installs).
import * as fs from 'fs';
import * as path from 'path';
import { repo, launchBrowser } from './vscode-test/common.mjs';

const svg = fs.readFileSync(path.join(repo, 'media', 'icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.setViewportSize({ width: 256, height: 256 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(repo, 'media', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
console.log('wrote media/icon.png');
