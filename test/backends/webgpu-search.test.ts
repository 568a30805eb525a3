import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { webgpuSearchPaths } from '../../src/backends/webgpu';
import { tempDir } from '../helpers';

describe('webgpu package lookup (issue 31.5)', () => {
  it("never looks in the current folder's node_modules: a repository's own webgpu package is not run", () => {
    const repo = tempDir();
    const fake = path.join(repo, 'node_modules', 'webgpu');
    fs.mkdirSync(fake, { recursive: true });
    fs.writeFileSync(path.join(fake, 'package.json'), JSON.stringify({ name: 'webgpu', main: 'index.js' }));
    fs.writeFileSync(path.join(fake, 'index.js'), 'module.exports = "hostile";');
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const paths = webgpuSearchPaths(['/nonexistent/storage']);
      assert.ok(!paths.some((p) => path.resolve(p).startsWith(fs.realpathSync(repo)) || path.resolve(p).startsWith(repo)), paths.join(', '));
      let resolved: string | undefined;
      try {
        resolved = require.resolve('webgpu', { paths });
      } catch {
        resolved = undefined; // not installed beside this build: fine, as long as the fake is not found
      }
      assert.ok(!resolved || !fs.realpathSync(resolved).startsWith(fs.realpathSync(repo)), `resolved the working folder's copy: ${resolved}`);
      assert.deepEqual(paths.slice(1), ['/nonexistent/storage'], 'the extension storage folders given are searched');
    } finally {
      process.chdir(cwd);
    }
  });
});
