import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { SECTION, SETTINGS_DEFAULTS } from '../../src/editor/settings-defaults';

describe('settings defaults', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const conf = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
  const declared: Record<string, unknown> = Object.fromEntries(
    conf.flatMap((c: { properties: Record<string, { default: unknown }> }) => Object.entries(c.properties).map(([k, v]) => [k, v.default])),
  );

  it('package.json declares every setting readSettings() reads, with the same default', () => {
    for (const [name, value] of Object.entries(SETTINGS_DEFAULTS)) {
      const key = `${SECTION}.${name}`;
      assert.ok(key in declared, `${key} is read but not declared in package.json`);
      assert.deepEqual(declared[key], value, `${key}: package.json says ${JSON.stringify(declared[key])}, the code ${JSON.stringify(value)}`);
    }
  });

  it('and declares no setting the code does not read', () => {
    const read = new Set(Object.keys(SETTINGS_DEFAULTS).map((n) => `${SECTION}.${n}`));
    assert.deepEqual(
      Object.keys(declared).filter((k) => !read.has(k)),
      [],
    );
  });
});
