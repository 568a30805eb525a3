/**
 * What licence a Debian package's code is under, from its machine-readable copyright file (DEP-5): the `License:`
 * of the stanza whose `Files:` covers `*` (the package's own code; other stanzas are debian/ packaging or vendored
 * pieces). The corpus takes only permissive code, since the model ships under MIT: MIT/Expat, BSD, Apache, the PSF
 * licence, ISC, Zlib, public domain and the like. GPL, LGPL, AGPL, MPL, EPL and CDDL code is left out, and so is a
 * package whose copyright file says nothing readable (an old free-form file): unknown is never taken as permissive.
 */

export type LicenceClass = 'permissive' | 'copyleft' | 'unknown';

const COPYLEFT = /\b(A?GPL|LGPL|GFDL|MPL|EPL|CDDL|EUPL|OSL|CeCILL|Sleepycat|CC-BY-SA)/i;
const PERMISSIVE =
  /^(MIT|Expat|X11|BSD|0BSD|Apache|PSF|Python|ISC|Zlib|zlib|public[- ]domain|CC0|Unlicense|WTFPL|Boost|BSL-1\.0|HPND|MIT-CMU|NCSA|PIL|Unicode|W3C)/i;

/** The `License:` of the `Files: *` stanza (its first line: the short name), or undefined when there is none. */
export function mainLicence(copyright: string): string | undefined {
  const stanzas = copyright.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const s of stanzas) {
    const files = /^Files:\s*(.*(?:\n[ \t].*)*)/im.exec(s)?.[1];
    if (!files || !files.split(/\s+/).includes('*')) continue;
    const licence = /^License:[ \t]*(.*)$/im.exec(s)?.[1]?.trim();
    if (licence) return licence;
  }
  return undefined;
}

/**
 * Every licence named in an expression ("BSD-3-clause or GPL-2+", "Apache-2.0 and MIT") must be permissive for the
 * code to be taken when they are joined by "and"; one permissive choice is enough when they are joined by "or".
 */
export function classifyLicence(licence: string | undefined): LicenceClass {
  if (!licence) return 'unknown';
  const choices = licence.split(/\s+or\s+/i);
  const classes = choices.map((choice) => {
    const parts = choice
      .split(/\s+and\s+|,\s*/i)
      .map((p) => p.trim().replace(/^\(|\)$/g, ''))
      .filter(Boolean);
    if (parts.some((p) => COPYLEFT.test(p))) return 'copyleft';
    return parts.length && parts.every((p) => PERMISSIVE.test(p)) ? 'permissive' : 'unknown';
  });
  if (classes.includes('permissive')) return 'permissive';
  return classes.includes('copyleft') ? 'copyleft' : 'unknown';
}

/** The class of a copyright file's own code. */
export function copyrightClass(copyright: string): { licence?: string; class: LicenceClass } {
  const licence = mainLicence(copyright);
  return { licence, class: classifyLicence(licence) };
}
