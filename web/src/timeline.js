// The step as it runs: one stacked column per phase (forward, loss, backward, optimizer step; or
// prefill and decode), the components alive in each, the peak marked; what was alive at the peak;
// and with pipeline parallelism each distinct stage's peak. HTML columns, patched in place.
import { el } from './dom.js';
import { formatBytes } from './format.js';
import { language, t } from './i18n.js';
import { colorSlot } from './palette.js';

export function createTimeline({ root, catalog, state }) {
  const labels = new Map((catalog.components ?? []).map((c) => [c.id, c]));
  const columns = root.querySelector('.phase-columns');
  const peakList = root.querySelector('.peak-alive');
  const peakTitle = root.querySelector('.peak-title');
  const ranks = root.querySelector('.ranks');
  const label = (id) => {
    const entry = labels.get(id);
    return language() === 'zh' && entry?.label_zh ? entry.label_zh : (entry?.label ?? id);
  };

  function render(result) {
    const phases = result.ok && Array.isArray(result.phases) ? result.phases : [];
    root.hidden = phases.length < 2 || Boolean(result.engine);
    if (root.hidden) return;
    const locale = language();
    const bytes = (n) => formatBytes(n, state.unit, locale);
    const ids = result.components.map((c) => c.id);
    const top = Math.max(...phases.map((p) => p.bytes)) || 1;
    while (columns.children.length > phases.length) columns.lastChild.remove();
    while (columns.children.length < phases.length) {
      columns.append(el('div', { className: 'phase' }, [
        el('div', { className: 'phase-bar' }, [el('div', { className: 'phase-stack' })]),
        el('span', { className: 'phase-name' }), el('small', {}),
      ]));
    }
    phases.forEach((phase, i) => {
      const col = columns.children[i];
      const peak = phase.id === result.peak_phase;
      col.className = `phase${peak ? ' peak' : ''}`;
      col.dataset.phase = phase.id;
      col.dataset.bytes = String(phase.bytes);
      const stack = col.children[0].firstChild;
      stack.style.height = `${((phase.bytes / top) * 100).toFixed(2)}%`;
      const alive = ids.filter((id) => phase.components[id] > 0);
      stack.replaceChildren(...alive.slice().reverse().map((id) => {
        const seg = el('span', { className: `seg-fill c${colorSlot(id, ids)}`, title: `${label(id)}: ${bytes(phase.components[id])}` });
        seg.style.height = `${((phase.components[id] / phase.bytes) * 100).toFixed(3)}%`;
        return seg;
      }));
      col.children[1].textContent = t(`phase.${phase.id}`);
      col.children[2].textContent = `${bytes(phase.bytes)}${peak ? ` · ${t('phase.peak')}` : ''}`;
    });
    columns.setAttribute('aria-label', t('phase.label', {
      phases: phases.map((p) => `${t(`phase.${p.id}`)} ${bytes(p.bytes)}`).join(', '), peak: t(`phase.${result.peak_phase}`),
    }));

    // What was alive at the peak.
    const peak = phases.find((p) => p.id === result.peak_phase) ?? phases[0];
    peakTitle.textContent = t('phase.at_peak', { phase: t(`phase.${peak.id}`) });
    peakList.replaceChildren(...ids.filter((id) => peak.components[id] > 0).map((id) => el('li', { dataset: { alive: id } }, [
      el('span', { className: `swatch c${colorSlot(id, ids)}`, aria: { hidden: 'true' } }), `${label(id)}: `,
      el('strong', { textContent: bytes(peak.components[id]) }),
    ])));

    // Pipeline stages.
    ranks.hidden = !result.ranks?.length;
    if (result.ranks?.length) {
      ranks.replaceChildren(
        el('caption', { textContent: t('ranks.title') }),
        el('thead', {}, [el('tr', {}, ['ranks.rank', 'ranks.total', 'ranks.peak'].map((k, i) => el('th', { scope: 'col', className: i === 1 ? 'num' : '', textContent: t(k) })))]),
        el('tbody', {}, result.ranks.map((r) => el('tr', { dataset: { rank: r.id, bytes: String(r.total_bytes) } }, [
          el('th', { scope: 'row', textContent: r.id }),
          el('td', { className: 'num', textContent: bytes(r.total_bytes) }),
          el('td', { textContent: t(`phase.${r.peak_phase}`) }),
        ]))),
      );
    }
  }

  return { render };
}
