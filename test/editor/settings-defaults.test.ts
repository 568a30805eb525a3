import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_EXCLUDE_GLOBS, SECTION, SETTINGS_BOUNDS, SETTINGS_DEFAULTS, SettingName, settingValue } from '../../src/editor/settings-defaults';

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

  it('every numeric setting is clamped to the range package.json declares; wrong types fall back to the default (issue 43)', () => {
    const props: Record<string, { type: string; minimum?: number; maximum?: number }> = Object.assign(
      {},
      ...conf.map((c: { properties: object }) => c.properties),
    );
    for (const [name, dflt] of Object.entries(SETTINGS_DEFAULTS)) {
      const p = props[`${SECTION}.${name}`];
      if (typeof dflt !== 'number') continue;
      const b = SETTINGS_BOUNDS[name as SettingName];
      assert.ok(b, `${name} has bounds`);
      assert.deepEqual([b.min, b.max, Boolean(b.integer)], [p.minimum, p.maximum, p.type === 'integer'], `${name}: bounds as package.json declares`);
      assert.equal(settingValue(name as SettingName, 1e12), b.max, `${name}: a huge value is clamped`);
      assert.equal(settingValue(name as SettingName, -1e12), b.min);
      assert.equal(settingValue(name as SettingName, 'x'), dflt, `${name}: a string falls back to the default`);
      assert.equal(settingValue(name as SettingName, NaN), dflt);
    }
    assert.equal(settingValue('primedStatesMB', 1e9), 1024);
    assert.deepEqual(settingValue('training.exclude', ['a/**', 7, '', 'x'.repeat(5000)]), ['a/**']);
    assert.equal(settingValue('training.exclude', Array(1000).fill('a')).length, MAX_EXCLUDE_GLOBS);
    assert.equal(settingValue('enable', 'yes'), true);
  });

  it('settings that change what the extension reads are restricted in untrusted workspaces', () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const k of ['training.exclude', 'training.maxFileMB', 'training.maxCorpusMB', 'modelPath']) assert.ok(restricted.includes(`${SECTION}.${k}`), k);
  });
});
