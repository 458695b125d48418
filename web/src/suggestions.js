// What makes it fit: the core's suggestions under the fit line, each with its new total and a
// button that applies it. When the scenario fits, the room it leaves, the same way.
import { el } from './dom.js';
import { formatBytes } from './format.js';
import { language, t } from './i18n.js';

export function createSuggestions({ root, state, onApply }) {
  const title = root.querySelector('h3');
  const list = root.querySelector('ul');
  const status = root.querySelector('[role="status"]');
  let key = '';

  function render(result) {
    const items = result.ok ? result.suggestions : undefined;
    const fits = !!result.fits?.fits;
    root.hidden = !items || (fits && !items.length);
    if (root.hidden) {
      key = '';
      return;
    }
    const next = JSON.stringify([items, fits, state.unit, language()]);
    if (next === key) return;
    key = next;
    title.textContent = t(fits ? 'suggest.room' : 'suggest.fix');
    root.dataset.fits = String(fits);
    const locale = language();
    list.replaceChildren(...(items.length ? items.map((s, i) => {
      const id = `suggestion-${i}`;
      const apply = el('button', { type: 'button', textContent: t('suggest.apply'), aria: { describedby: id } });
      apply.addEventListener('click', () => {
        status.textContent = t('suggest.applied', { label: s.label });
        onApply(s.change);
        title.focus();
      });
      const change = Object.entries(s.change).map(([path, value]) => `${path} = ${JSON.stringify(value)}`).join(', ');
      return el('li', { dataset: { suggestion: String(i), newTotal: String(s.total_bytes) } }, [
        el('span', { className: 'suggestion-text', id }, [
          el('span', { textContent: s.label }),
          el('small', { textContent: ` · ${t('suggest.total', { total: formatBytes(s.total_bytes, state.unit, locale) })}` }),
          el('code', { className: 'suggestion-change', textContent: change }),
        ]),
        apply,
      ]);
    }) : [el('li', { className: 'none', textContent: t('suggest.none') })]));
  }

  return { render };
}
