/**
 * Why Vulkan can find no GPU on a Linux machine that has one: NVIDIA's Vulkan driver (its ICD is
 * libGLX_nvidia.so.0) loads only with the Vulkan loader and glvnd's libGLdispatch present. Seen on an NVIDIA
 * H200 container: "vkCreateInstance: Found no drivers!" until Debian's libglvnd0 was unpacked. The hint goes
 * into the no-adapter message, so a user learns what to install instead of only that wasm was used.
 */
import * as fs from 'fs';

export interface DriverFacts {
  platform: string;
  /** An NVIDIA kernel driver is loaded (/proc/driver/nvidia). */
  nvidiaKernelDriver: boolean;
  libvulkan: boolean;
  libGLdispatch: boolean;
}

/** The hint for these facts, or '' when there is nothing to suggest. */
export function missingDriverHint(f: DriverFacts): string {
  if (f.platform !== 'linux' || !f.nvidiaKernelDriver) return '';
  const missing = [
    ...(f.libvulkan ? [] : ['the Vulkan loader libvulkan.so.1 (Debian/Ubuntu: libvulkan1)']),
    ...(f.libGLdispatch ? [] : ["glvnd's libGLdispatch.so.0, which NVIDIA's Vulkan driver needs (Debian/Ubuntu: libglvnd0)"]),
  ];
  return missing.length ? `an NVIDIA driver is loaded, but ${missing.join(' and ')} is missing` : '';
}

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64'];

function hasLib(name: string): boolean {
  const extra = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return [...extra, ...LIB_DIRS].some((d) => fs.existsSync(`${d}/${name}`));
}

/** Looks at this machine (a few file checks; only called when no adapter was found). */
export function probeDriverFacts(): DriverFacts {
  const linux = process.platform === 'linux';
  return {
    platform: process.platform,
    nvidiaKernelDriver: linux && fs.existsSync('/proc/driver/nvidia'),
    libvulkan: linux && hasLib('libvulkan.so.1'),
    libGLdispatch: linux && hasLib('libGLdispatch.so.0'),
  };
}
