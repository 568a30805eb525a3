import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_COMPLETION_SETTINGS } from '../src/completion/complete';

describe('extension package', () => {
  it('ships every bundled entry point and runtime file that dist/ holds (.vscodeignore is a whitelist)', () => {
    const root = path.join(__dirname, '..');
    const dist = path.join(root, 'dist');
    assert.ok(fs.existsSync(path.join(dist, 'extension.js')), 'run npm run build first');
    const allowed = new Set(
      fs
        .readFileSync(path.join(root, '.vscodeignore'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('!dist/'))
        .map((l) => l.slice(6).trim()),
    );
    const shipped = fs.readdirSync(dist).filter((f) => /\.(js|wasm)$/.test(f));
    assert.deepEqual(
      shipped.filter((f) => !allowed.has(f)),
      [],
    );
  });

  it("declares the completion settings with the engine's defaults (the ones the replay chose)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    const declared: [string, keyof typeof DEFAULT_COMPLETION_SETTINGS][] = [
      ['temperature', 'temperature'],
      ['confidenceThreshold', 'confidenceThreshold'],
      ['maxCompletionChars', 'maxCompletionChars'],
      ['multiline', 'multiline'],
      ['contextChars', 'contextChars'],
      ['minConfidence', 'minConfidence'],
    ];
    for (const [setting, key] of declared) assert.equal(props[`lstmComplete.${setting}`]?.default, DEFAULT_COMPLETION_SETTINGS[key], setting);
  });
});

describe("the settings table (docs/settings.md) and the README's settings that matter", () => {
  it('lists every setting package.json declares, with the same default', () => {
    const root = path.join(__dirname, '..');
    const props = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).contributes.configuration.properties as Record<
      string,
      { default: unknown }
    >;
    const table = fs.readFileSync(path.join(root, 'docs', 'settings.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const m of table.matchAll(/^\| `(lstmComplete\.[\w.]+)` \| ([^|]*) \|/gm)) rows.set(m[1], m[2].trim());
    // The README's short table of the settings that matter agrees with the full one.
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const short = [...readme.matchAll(/^\| `(lstmComplete\.[\w.]+)` \| ([^|]*) \|/gm)];
    assert.ok(short.length >= 4, 'the README names the settings that matter');
    for (const m of short) assert.equal(m[2].trim(), rows.get(m[1]), `README and docs/settings.md agree on ${m[1]}'s default`);
    for (const [key, p] of Object.entries(props)) {
      if (key === 'lstmComplete.diagnostics') continue;
      const cell = rows.get(key);
      assert.ok(cell !== undefined, `README's settings table lacks ${key}`);
      const d = p.default;
      const ok = typeof d === 'string' ? (d === '' ? cell === '""' || /^\(.*\)$/.test(cell) : cell === d) : cell === JSON.stringify(d);
      assert.ok(ok, `${key}: README says ${cell}, package.json ${JSON.stringify(d)}`);
    }
  });
});

describe('shipped files', () => {
  const root = path.join(__dirname, '..');

  it('hold no build machine paths (the bundled model and its card)', () => {
    const walk = (d: string): string[] =>
      fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    for (const f of walk(path.join(root, 'models')).filter((f) => /\.(json|md|svg)$/.test(f))) {
      const m = /(?:\/root\/|\/home\/[\w.-]+\/|\/Users\/[\w.-]+\/|\/work\/|[A-Z]:\\\\Users)/.exec(fs.readFileSync(f, 'utf8'));
      assert.equal(m, null, `${path.relative(root, f)} holds the path ${m?.[0]}`);
    }
  });

  it('include every image the README shows (the Extensions page renders it from the package)', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const shipped = fs
      .readFileSync(path.join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).trim());
    for (const m of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
      assert.ok(fs.existsSync(path.join(root, m[1])), `${m[1]} exists`);
      assert.ok(shipped.includes(m[1]) || shipped.some((s) => s.endsWith('/**') && m[1].startsWith(s.slice(0, -2))), `${m[1]} is whitelisted in .vscodeignore`);
    }
  });
});

describe('workspace trust', () => {
  it('settings that name programs or models, start training or change what it reads come only from the user in Restricted Mode; completions stay on', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    assert.equal(pkg.contributes.configuration.properties['lstmComplete.nodePath'].scope, 'machine', 'a workspace cannot set the Node that training runs');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [
      'lstmComplete.backend',
      'lstmComplete.modelPath',
      'lstmComplete.nodePath',
      // What training reads and how much (issue 43): an untrusted workspace cannot widen or steer it.
      'lstmComplete.training.exclude',
      'lstmComplete.training.keepLearning',
      'lstmComplete.training.keepLearningMinutesPerHour',
      'lstmComplete.training.maxCorpusMB',
      'lstmComplete.training.maxFileMB',
    ]);
  });
});

describe('the command palette', () => {
  it('offers Clear Surprise Lens only while a file is shaded, under the context key the lens commands set', () => {
    const root = path.join(__dirname, '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const palette = pkg.contributes.menus.commandPalette as { command: string; when: string }[];
    const clear = palette.find((m) => m.command === 'lstmComplete.clearSurpriseLens');
    const key = /LENS_SHOWN_CONTEXT = '([\w.]+)'/.exec(fs.readFileSync(path.join(root, 'src', 'editor', 'lens-commands.ts'), 'utf8'))?.[1];
    assert.ok(key, 'lens-commands.ts names its context key');
    assert.equal(clear?.when, key);
    assert.equal(
      palette.find((m) => m.command === 'lstmComplete.surpriseLens'),
      undefined,
      'the command that shades is always offered',
    );
  });
});

describe('plain words in what the editor shows (issue 44)', () => {
  const JARGON = /\bnats\b|\bBPTT\b|\bepochs?\b|\bGPU default\b/i;

  it("settings and command titles say it in the user's words: no nats, BPTT or epochs", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    const texts: string[] = [
      ...Object.entries(pkg.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>)
        // training.epochs is named by its key; its description may not lean on the word.
        .map(([k, v]) => `${k}: ${v.markdownDescription ?? v.description ?? ''}`.replace(/^lstmComplete\.training\.epochs: /, '')),
      ...(pkg.contributes.commands as { title: string }[]).map((c) => c.title),
    ];
    assert.deepEqual(
      texts.filter((t) => JARGON.test(t.replace(/^lstmComplete\.[\w.]+: /, ''))),
      [],
    );
  });

  it("the status bar, the lens and the training report's page say it in words (string literals, comments aside)", () => {
    const files = ['status-bar.ts', 'lens-panel.ts', 'lens-commands.ts', 'report-panel.ts'].map((f) => path.join(__dirname, '..', 'src', 'editor', f));
    const bad: string[] = [];
    for (const f of files) {
      const code = fs
        .readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const m of code.matchAll(/(['"`])((?:\\.|(?!\1).)*)\1/g)) if (JARGON.test(m[2])) bad.push(`${path.basename(f)}: ${m[2].slice(0, 80)}`);
    }
    assert.deepEqual(bad, []);
  });
});
