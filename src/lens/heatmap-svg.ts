/**
 * A still of the heatmap for documents: the first lines of a text, each character's background coloured by one
 * cell's value (blue negative, red positive, as on the heatmap page), as an SVG image that any Markdown viewer
 * shows. Runs of characters with the same colour share one rectangle, so a 25-line picture stays a few KB.
 */
const CHAR_W = 7.2;
const LINE_H = 16;
const PAD = 6;

const escapeXml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The colour of a value in [-1, 1], in eight steps each way. */
function fill(v: number): string | undefined {
  const b = Math.round(Math.max(-1, Math.min(1, v)) * 8);
  if (b === 0) return undefined;
  return b > 0 ? `rgba(255,40,40,${(b / 8).toFixed(3)})` : `rgba(40,90,255,${(-b / 8).toFixed(3)})`;
}

export function heatmapSvg(text: string, values: ArrayLike<number>, caption: string, maxLines = 25, maxColumns = 90): string {
  const rects: string[] = [];
  const texts: string[] = [];
  let line = 0;
  let width = 0;
  for (let start = 0; start <= text.length && line < maxLines; line++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const shown = Math.min(end - start, maxColumns);
    const y = PAD + 30 + line * LINE_H;
    // The newline's own value is drawn as one cell after the line's last character.
    for (let i = 0; i <= shown && start + i < text.length;) {
      const colour = fill(values[start + i]);
      let j = i + 1;
      while (j <= shown && start + j < text.length && fill(values[start + j]) === colour) j++;
      if (colour)
        rects.push(`<rect x="${(PAD + i * CHAR_W).toFixed(1)}" y="${y - 12}" width="${((j - i) * CHAR_W).toFixed(1)}" height="${LINE_H}" fill="${colour}"/>`);
      i = j;
    }
    const s = text.slice(start, start + shown).replace(/\t/g, ' ');
    if (s.trim()) texts.push(`<text x="${PAD}" y="${y}" xml:space="preserve">${escapeXml(s)}</text>`);
    width = Math.max(width, shown + 1);
    if (nl < 0) {
      line++;
      break;
    }
    start = nl + 1;
  }
  const w = Math.ceil(PAD * 2 + Math.max(width, caption.length * 0.85) * CHAR_W);
  const h = PAD * 2 + 30 + line * LINE_H;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${PAD}" y="${PAD + 10}" font-family="sans-serif" font-size="12" font-weight="bold">${escapeXml(caption)}</text>
${rects.join('\n')}
<g font-family="monospace" font-size="12" fill="#000">
${texts.join('\n')}
</g>
</svg>
`;
}
