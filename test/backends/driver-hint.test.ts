import * as assert from 'assert';
import { missingDriverHint, probeDriverFacts } from '../../src/backends/driver-hint';

describe('missingDriverHint', () => {
  const nvidia = { platform: 'linux', nvidiaKernelDriver: true, libvulkan: true, libGLdispatch: true };

  it('names glvnd when the NVIDIA driver is loaded without libGLdispatch (what an H200 container lacked)', () => {
    const hint = missingDriverHint({ ...nvidia, libGLdispatch: false });
    assert.match(hint, /NVIDIA driver is loaded/);
    assert.match(hint, /libglvnd0/);
    assert.doesNotMatch(hint, /libvulkan1/);
  });

  it('names both libraries when both are missing', () => {
    const hint = missingDriverHint({ ...nvidia, libvulkan: false, libGLdispatch: false });
    assert.match(hint, /libvulkan1\).* and .*libglvnd0/);
  });

  it('says nothing without an NVIDIA driver, off Linux, or when the libraries are there', () => {
    assert.strictEqual(missingDriverHint({ ...nvidia, nvidiaKernelDriver: false, libvulkan: false, libGLdispatch: false }), '');
    assert.strictEqual(missingDriverHint({ ...nvidia, platform: 'win32', libGLdispatch: false }), '');
    assert.strictEqual(missingDriverHint(nvidia), '');
  });

  it('probes this machine without throwing (no NVIDIA driver here, so no hint)', () => {
    const facts = probeDriverFacts();
    assert.strictEqual(facts.platform, process.platform);
    if (!facts.nvidiaKernelDriver) assert.strictEqual(missingDriverHint(facts), '');
  });
});
