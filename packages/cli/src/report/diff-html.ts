import { matchingBlocks } from '@srl/rewards';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Side-by-side HTML of a model step and an expert step: characters inside difflib's matching
 * blocks (what the similarity reward counts) are plain, the rest are highlighted.
 */
export function diffHtml(model: string, expert: string): { model: string; expert: string } {
  const a = Array.from(model);
  const b = Array.from(expert);
  const blocks = matchingBlocks(model, expert);
  const render = (chars: string[], spans: [number, number][], cls: string): string => {
    let html = '';
    let at = 0;
    for (const [start, size] of spans) {
      if (start > at) html += `<span class="${cls}">${escapeHtml(chars.slice(at, start).join(''))}</span>`;
      html += escapeHtml(chars.slice(start, start + size).join(''));
      at = start + size;
    }
    if (at < chars.length) html += `<span class="${cls}">${escapeHtml(chars.slice(at).join(''))}</span>`;
    return html;
  };
  const real = blocks.filter((m) => m.size > 0);
  return {
    model: render(
      a,
      real.map((m) => [m.a, m.size]),
      'del',
    ),
    expert: render(
      b,
      real.map((m) => [m.b, m.size]),
      'ins',
    ),
  };
}

export { escapeHtml };
