/**
 * The developer setup's system packages (scripts/vscode-test/apt-missing.sh, which install.sh runs before the tests
 * in a real VS Code): only what is missing, said before it is done, upgrades held where Debian allows, and never
 * installed without a yes (a terminal's answer, CI=true or LSTM_TEST_INSTALL=yes). Run against fake dpkg and
 * apt-get that print what Debian's would and record the install they are asked for.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const script = path.join(__dirname, '..', 'scripts', 'vscode-test', 'apt-missing.sh');

/** A bin folder of fakes: `installed` are known to dpkg; `libdep` (installed, 1.0-old) gets upgraded unless held. */
function fakes(opts: { installed: string[]; pinWorks: boolean }): { bin: string; log: string } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-apt-'));
  const log = path.join(bin, 'log');
  const write = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  write('id', 'echo 0');
  write('dpkg', `for p in ${opts.installed.join(' ')} libdep; do [ "$2" = "$p" ] && exit 0; done; exit 1`);
  write('dpkg-query', 'echo -n 1.0-old');
  write(
    'apt-get',
    [
      `echo "$*" >> ${log}`,
      'case " $* " in *" -s "*) ;; *) exit 0 ;; esac',
      'held=0; for a in "$@"; do case "$a" in *=*) held=1 ;; esac; done',
      `if [ $held = 1 ] && [ ${opts.pinWorks ? 1 : 0} = 0 ]; then echo "E: Unable to correct problems, you have held broken packages."; exit 100; fi`,
      'for a in "$@"; do case "$a" in -*|install|*=*) ;; *) echo "Inst $a (2.0 Debian:12 [amd64])" ;; esac; done',
      '[ $held = 1 ] || echo "Inst libdep [1.0-old] (1.1 Debian:12 [amd64])"',
    ].join('\n'),
  );
  return { bin, log };
}

function run(bin: string, env: Record<string, string>, pkgs: string[]) {
  const r = spawnSync('bash', [script, ...pkgs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: os.tmpdir(), ...env },
  });
  const log = path.join(bin, 'log');
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: r.status, stderr: r.stderr, installs: calls.filter((c) => !c.includes(' -s ')) };
}

describe('developer setup: Debian packages for the tests in a real VS Code', () => {
  it('does nothing when every package is there', () => {
    const { bin } = fakes({ installed: ['chromium', 'pkg-config'], pinWorks: true });
    const r = run(bin, { CI: '' }, ['chromium', 'pkg-config']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.installs, []);
    assert.equal(r.stderr, '');
  });

  it('without a terminal and without a yes, says what it would install and installs nothing', () => {
    const { bin } = fakes({ installed: ['pkg-config'], pinWorks: false });
    const r = run(bin, { CI: '' }, ['chromium', 'pkg-config']);
    assert.equal(r.status, 1);
    assert.deepEqual(r.installs, []);
    assert.match(r.stderr, /missing: chromium\n/);
    assert.match(r.stderr, /would add: chromium\n/);
    assert.match(r.stderr, /would upgrade, since the new packages need their newer versions: libdep/);
    assert.match(r.stderr, /LSTM_TEST_INSTALL=yes/);
  });

  it('holds an installed package at its version when Debian allows, and installs only what was missing', () => {
    const { bin } = fakes({ installed: [], pinWorks: true });
    const r = run(bin, { CI: 'true' }, ['chromium', 'libsecret-1-dev']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.installs.length, 1);
    assert.match(r.installs[0], /^install -y -qq --no-install-recommends --no-upgrade chromium libsecret-1-dev libdep=1\.0-old$/);
    assert.doesNotMatch(r.stderr, /upgrade/);
  });

  it('with LSTM_TEST_INSTALL=yes installs even when an upgrade cannot be avoided, having named it', () => {
    const { bin } = fakes({ installed: [], pinWorks: false });
    const r = run(bin, { CI: '', LSTM_TEST_INSTALL: 'yes' }, ['chromium']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.installs[0] ?? '', /--no-upgrade chromium$/);
    assert.match(r.stderr, /would upgrade[^\n]*libdep/);
  });
});
