/** The WebGPU adapters looked for, in order: the platform's native API, then OpenGL ES (compatibility mode). */
export const ADAPTER_TRIES: readonly { api: string; flags: string[]; options: Record<string, unknown> }[] = [
  { api: 'default', flags: [], options: { powerPreference: 'high-performance' } },
  { api: 'opengles', flags: ['backend=opengles'], options: { featureLevel: 'compatibility', powerPreference: 'high-performance' } },
];
