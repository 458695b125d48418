// The layer layout as a strip: one cell per layer, coloured by what it keeps (a growing KV cache, a
// windowed one, an MLA latent, a fixed recurrent state, nothing), marked when it holds experts.
// The cells are patched in place; the strip's label says the same in words.
import { el } from './dom.js';
import { formatCount } from './format.js';
import { language, t } from './i18n.js';

// What a layer keeps, from the result's `layers` entry.
function kind(layer) {
  const first = layer.mixer.split('+')[0];
  if (layer.mixer === 'none') return 'none';
  if (layer.state && !layer.kv) return 'recurrent';
  if (!layer.kv) return 'shared';
  return first;
}

export function createLayerStrip(root) {
  const strip = root.querySelector('.layer-cells');
  const legend = root.querySelector('.layer-legend');

  function render(result) {
    // The result lists runs of alike layers ({ ..., count }); the strip has a cell per layer.
    const layers = result.ok && Array.isArray(result.layers)
      ? result.layers.flatMap((run) => Array.from({ length: run.count ?? 1 }, () => run)) : [];
    root.hidden = layers.length === 0;
    if (!layers.length) return;
    while (strip.children.length > layers.length) strip.lastChild.remove();
    while (strip.children.length < layers.length) strip.append(el('span', { className: 'layer' }));
    const counts = new Map();
    let experts = 0;
    layers.forEach((layer, i) => {
      const k = kind(layer);
      counts.set(k, (counts.get(k) ?? 0) + 1);
      if (layer.ffn === 'moe') experts += 1;
      const cell = strip.children[i];
      const className = `layer k-${k}${layer.ffn === 'moe' ? ' moe' : ''}`;
      if (cell.className !== className) cell.className = className;
      cell.title = `${i}: ${layer.mixer} · ${layer.ffn}`;
    });
    const locale = language();
    const parts = [...counts].map(([k, n]) => `${formatCount(n, locale)} ${t(`mixer.${k}`)}`);
    if (experts) parts.push(t('layers.moe', { count: formatCount(experts, locale) }));
    const text = t('layers.label', { count: formatCount(layers.length, locale), parts: parts.join(', ') });
    if (strip.getAttribute('aria-label') !== text) strip.setAttribute('aria-label', text);
    legend.replaceChildren(...[...counts.keys()].map((k) => el('li', {}, [
      el('span', { className: `layer k-${k}`, aria: { hidden: 'true' } }), ` ${t(`mixer.${k}`)}`,
    ])), ...(experts ? [el('li', {}, [el('span', { className: 'layer moe', aria: { hidden: 'true' } }), ` ${t('layers.moe', { count: formatCount(experts, locale) })}`])] : []));
  }

  return { render };
}
