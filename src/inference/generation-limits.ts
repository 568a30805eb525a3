/**
 * The limits of a generated sample, one set for the CLI's `generate` and the editor's Generate Sample: a
 * sample longer than this takes tens of seconds to step (the editor makes it in the completion worker, in chunks), and a
 * temperature above 2 is noise.
 */
export const GENERATION_LIMITS = { minChars: 1, maxChars: 100_000, minTemperature: 0, maxTemperature: 2 } as const;
