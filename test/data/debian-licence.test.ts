import { strict as assert } from 'assert';
import { classifyLicence, copyrightClass, mainLicence } from '../../src/data/debian-licence';

const dep5 = (main: string, extra = '') => `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: thing

Files: debian/*
Copyright: 2020 A Maintainer
License: GPL-2+

Files: *
Copyright: 2019 Upstream
License: ${main}
 Permission is hereby granted...
${extra}
Files: thing/vendored/*
License: LGPL-2.1
`;

describe("a Debian package's licence, for the corpus", () => {
  it("reads the Files: * stanza's licence, not debian/ packaging's or a vendored piece's", () => {
    assert.equal(mainLicence(dep5('Expat')), 'Expat');
    assert.deepEqual(copyrightClass(dep5('Expat')), { licence: 'Expat', class: 'permissive' });
    assert.equal(copyrightClass(dep5('GPL-3+')).class, 'copyleft');
    // A Files: line that lists * among others still covers the package's code.
    assert.equal(mainLicence('Files: * thing/*\nLicense: BSD-3-clause\n'), 'BSD-3-clause');
  });

  it('takes only permissive code: "or" needs one permissive choice, "and" needs every part', () => {
    const cases: [string | undefined, string][] = [
      ['MIT', 'permissive'],
      ['BSD-3-clause', 'permissive'],
      ['Apache-2.0', 'permissive'],
      ['PSF-2', 'permissive'],
      ['public-domain', 'permissive'],
      ['Apache-2.0 or MIT', 'permissive'],
      ['BSD-3-clause or GPL-2+', 'permissive'],
      ['Apache-2.0 and MIT', 'permissive'],
      ['MIT and GPL-2+', 'copyleft'],
      ['LGPL-2.1+', 'copyleft'],
      ['MPL-2.0', 'copyleft'],
      ['AGPL-3', 'copyleft'],
      ['Custom-Licence', 'unknown'],
      [undefined, 'unknown'],
    ];
    for (const [l, want] of cases) assert.equal(classifyLicence(l), want, String(l));
  });

  it('an old free-form copyright file is unknown, never taken', () => {
    assert.deepEqual(copyrightClass('This package was debianized by someone.\nIt is licensed under the MIT licence.\n'), {
      licence: undefined,
      class: 'unknown',
    });
  });
});
