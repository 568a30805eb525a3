/**
 * The Dawn probe (dist/dawn-probe.js), run as a child process by webgpu.ts's probeAdaptersQuietly: loads Dawn from
 * the file URL it is given, asks for each adapter of ADAPTER_TRIES, and prints what it found as JSON. Dawn's native
 * warnings ("Couldn't load Vulkan") go to this process's stderr, which the parent shows only when asked to.
 * Exit 3: Dawn did not load.
 */
import { ADAPTER_TRIES } from './adapter-tries';

interface ProbedAdapter {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}
interface Dawn {
  create(flags: string[]): { requestAdapter(options: Record<string, unknown>): Promise<ProbedAdapter | null> };
}

async function probe(dawn: Dawn): Promise<{ api: string; adapter: ProbedAdapter }[]> {
  const found: { api: string; adapter: ProbedAdapter }[] = [];
  for (const { api, flags, options } of ADAPTER_TRIES) {
    try {
      const a = await dawn.create(flags).requestAdapter(options);
      const i = a?.info;
      if (a)
        found.push({
          api,
          adapter: {
            isFallbackAdapter: a.isFallbackAdapter,
            info: i && { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter },
          },
        });
    } catch {
      /* this API has no adapter here: the next is tried */
    }
  }
  return found;
}

// A specifier the bundler cannot see: Dawn's package is loaded from where the parent resolved it, at run time.
const url = process.argv[2];
import(url).then(
  async (dawn: Dawn) => process.stdout.write(JSON.stringify(await probe(dawn)), () => process.exit(0)),
  () => process.exit(3),
);
