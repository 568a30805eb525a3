/** The context window on its own: where the text the LSTM reads starts. */
import { strict as assert } from 'assert';
import { contextStart, MIN_CONTEXT_CHARS } from '../../src/completion/context-window';

describe('context window', () => {
  it('contextStart: short documents from 0; long ones from a line start that stays put while typing', () => {
    assert.equal(contextStart('x'.repeat(500), 1000), 0);
    const line = 'value = compute(alpha, beta)\n'; // 29 characters
    const doc = line.repeat(200); // 5,800 characters
    const s = contextStart(doc, 2000, 1024);
    assert.ok(
      doc.length - s <= 2000 && doc.length - s > 2000 - 1024 - line.length,
      `between contextChars less a block and contextChars kept: ${doc.length - s}`,
    );
    assert.equal(doc[s - 1], '\n', 'starts at a line start');
    for (const typed of ['v', 'va', 'val', 'valu = 1']) assert.equal(contextStart(doc + typed, 2000, 1024), s, `unchanged after typing ${typed}`);
    assert.ok(contextStart(doc + 'x'.repeat(1100), 2000, 1024) > s, 'moves on by a block once the text grows past it');
  });

  it('contextStart: from the latest top-level definition at least MIN_CONTEXT_CHARS back, fixed by the code, not the offsets', () => {
    const fn = (i: number) => `def handler_${i}(request):\n` + Array.from({ length: 8 }, (_, j) => `    value_${j} = compute(request, ${j})\n`).join('');
    const doc = Array.from({ length: 30 }, (_, i) => fn(i)).join(''); // ~9 KB, a definition every ~300 characters
    const s = contextStart(doc, 4000);
    assert.ok(doc.startsWith('def handler_', s), `starts at a definition: ${JSON.stringify(doc.slice(s, s + 20))}`);
    assert.ok(doc.length - s >= MIN_CONTEXT_CHARS, 'at least MIN_CONTEXT_CHARS back');
    assert.ok(doc.length - s < MIN_CONTEXT_CHARS + fn(0).length + 30, 'the latest such definition');
    for (const typed of ['    v', '    val', '    value = 1\n']) assert.equal(contextStart(doc + typed, 4000), s, `unchanged after typing ${typed}`);
    const grown = doc + fn(30) + fn(31);
    assert.ok(contextStart(grown, 4000) > s, 'moves to a later definition once the cursor is far enough past it');
    // An edit above the context's start moves its offset, not the text the state reads.
    const edited = '# a new first line\n' + doc;
    assert.equal(edited.slice(contextStart(edited, 4000)), doc.slice(s));
    // A definition nearer than MIN_CONTEXT_CHARS is not a start; a short file with none starts at 0.
    assert.equal(contextStart('x = 1\n'.repeat(50) + 'def f():\n    return 1\n', 4000), 0);
    // Inside a class longer than the context, the latest method at least MIN_CONTEXT_CHARS back; a long stretch with
    // no definition at all falls back to the window rule.
    const cls = 'class Big:\n' + Array.from({ length: 300 }, (_, i) => `    def m_${i}(self):\n        return ${i}\n`).join('');
    const c = contextStart(cls, 2000, 1024);
    assert.ok(cls.startsWith('    def m_', c) && cls.length - c >= MIN_CONTEXT_CHARS && cls.length - c < MIN_CONTEXT_CHARS + 40, `a method: ${cls.length - c}`);
    const flat = 'class Big:\n' + Array.from({ length: 300 }, (_, i) => `    m_${i} = compute(${i})\n`).join('');
    const f = contextStart(flat, 2000, 1024);
    assert.ok(flat.length - f <= 2000 && flat.length - f > 2000 - 1024 - 40, `the window rule: ${flat.length - f}`);
  });
});
