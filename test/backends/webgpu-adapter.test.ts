import { strict as assert } from 'assert';
import { chooseAdapter, GpuAdapterLike } from '../../src/backends/webgpu';

const adapter = (device: string): GpuAdapterLike => ({ info: { device }, features: new Set<string>(), limits: {}, requestDevice: async () => ({}) });

/** A fake of Dawn's module: what each backend flag's instance answers. */
function fakeDawn(answers: Record<string, GpuAdapterLike | null | Error>) {
  const asked: { flags: string[]; options?: Record<string, unknown> }[] = [];
  return {
    asked,
    dawn: {
      globals: {},
      create: (flags: string[]) => ({
        requestAdapter: async (options?: Record<string, unknown>) => {
          asked.push({ flags, options });
          const a = answers[flags.join(',') || 'default'];
          if (a instanceof Error) throw a;
          return a ?? null;
        },
      }),
    },
  };
}

describe('WebGPU adapter choice', () => {
  it('prefers the native API, and asks OpenGL ES for a compatibility adapter only when it has none', async () => {
    const gpu = fakeDawn({ default: adapter('NVIDIA H100 80GB HBM3'), 'backend=opengles': adapter('llvmpipe') });
    const c = await chooseAdapter(gpu.dawn);
    assert.equal(c?.api, 'default');
    assert.equal(c?.software, false);
    assert.equal(gpu.asked.length, 1);

    const gl = fakeDawn({ default: null, 'backend=opengles': adapter('llvmpipe (LLVM 15.0.6, 256 bits)') });
    const s = await chooseAdapter(gl.dawn);
    assert.equal(s?.api, 'opengles');
    assert.equal(s?.software, true);
    assert.equal(gl.asked[1].options?.featureLevel, 'compatibility');
  });

  it('takes a hardware adapter over an earlier software one, logs failures, and returns null when there is none', async () => {
    const mixed = fakeDawn({ default: adapter('lavapipe'), 'backend=opengles': adapter('Mesa Intel(R) UHD Graphics 620') });
    assert.equal((await chooseAdapter(mixed.dawn))?.description, 'Mesa Intel(R) UHD Graphics 620');
    const lines: string[] = [];
    const none = fakeDawn({ default: new Error('vkCreateInstance failed\nstack'), 'backend=opengles': null });
    assert.equal(await chooseAdapter(none.dawn, (l) => lines.push(l)), null);
    assert.deepEqual(lines, ['webgpu: default adapter failed: vkCreateInstance failed']);
  });
});
