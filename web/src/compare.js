// Compare: pin the scenario on screen, change anything, and the pinned ones stand beside it: the
// fields that differ, the totals, the fit and every component. Pins travel in the share link and the
// exports; each can be loaded back into the form or removed.
import { el } from './dom.js';
import { formatBytes } from './format.js';
import { language, t } from './i18n.js';
import { MAX_PINNED, isPlainObject } from './scenario.js';

// Dotted paths of a scenario's scalar fields (a config.json model counts as one field).
function flatten(object, prefix = '', out = new Map()) {
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && key !== 'model') flatten(value, path, out);
    else out.set(path, value);
  }
  return out;
}

export function createCompare({ root, catalog, state, onPinsChange, onLoad }) {
  const labels = new Map((catalog.components ?? []).map((c) => [c.id, c]));
  const presets = new Map(catalog.presets.map((p) => [p.id, p]));
  const gpus = new Map(catalog.gpus.map((g) => [g.id, g]));
  const table = root.querySelector('table');
  const pin = document.querySelector('#pin');
  const status = document.querySelector('#share-status');

  const label = (id) => {
    const entry = labels.get(id);
    return (language() === 'zh' ? entry?.label_zh : entry?.label) ?? id;
  };
  const modelName = (model) => (typeof model === 'string' ? presets.get(model)?.name ?? model : model?._name_or_path ?? t('model.custom'));
  const gpuName = (gpu) => `${gpu?.count ?? 1} × ${gpus.get(gpu?.preset)?.name ?? formatBytes(gpu?.memory_bytes ?? 0, state.unit, language())}`;
  const show = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

  pin.addEventListener('click', () => {
    if (!state.result?.ok) return;
    if (state.pinned.length >= MAX_PINNED) state.pinned.shift();
    state.pinned.push({ scenario: state.scenario, result: state.api.estimate(state.scenario) });
    status.replaceChildren(t('compare.pinned_status'));
    onPinsChange();
    render();
  });

  let shownKey = '';
  function render() {
    const pinned = state.pinned;
    root.hidden = !pinned.length;
    if (!pinned.length) return;
    const key = JSON.stringify([pinned.map((p) => p.scenario), state.scenario, state.result?.components, state.unit, language()]);
    if (key === shownKey) return;
    shownKey = key;
    const locale = language();
    const bytes = (n) => formatBytes(n, state.unit, locale);
    const columns = [...pinned, { scenario: state.scenario, result: state.result, current: true }];

    // Header: a column per pinned scenario (with its buttons), then the current one.
    const head = el('tr', {}, [el('td'), ...columns.map((c, i) => {
      if (c.current) return el('th', { scope: 'col', textContent: t('compare.current') });
      const n = i + 1;
      const load = el('button', { type: 'button', textContent: '✎', title: t('compare.load', { n }), aria: { label: t('compare.load', { n }) } });
      load.addEventListener('click', () => onLoad(c.scenario));
      const remove = el('button', { type: 'button', textContent: '×', title: t('compare.remove', { n }), aria: { label: t('compare.remove', { n }) } });
      remove.addEventListener('click', () => {
        state.pinned.splice(i, 1);
        onPinsChange();
        render();
        (state.pinned.length ? root.querySelector('button') : pin).focus();
      });
      return el('th', { scope: 'col', dataset: { pinned: String(n) } }, [t('compare.pinned', { n }), ' ', load, remove]);
    })]);

    // The fields that differ between the columns.
    const flat = columns.map((c) => flatten(c.scenario));
    const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))]
      .filter((p) => p !== 'model' && p !== 'gpu' && new Set(flat.map((f) => show(f.get(p)))).size > 1);
    const row = (name, cells, dataset = {}) => el('tr', { dataset }, [el('th', { scope: 'row' }, [name]), ...cells.map((c) => (c instanceof Node ? c : el('td', { textContent: c })))]);
    const totals = columns.map((c) => (c.result?.ok ? c.result.total_bytes : NaN));
    const now = totals[totals.length - 1];
    const ids = [];
    for (const c of columns) for (const x of c.result?.components ?? []) if (!ids.includes(x.id)) ids.push(x.id);
    const bytesOf = (c, id) => c.result?.components?.find((x) => x.id === id)?.bytes;

    table.replaceChildren(
      el('caption', { className: 'visually-hidden', textContent: t('compare.caption') }),
      el('thead', {}, [head]),
      el('tbody', {}, [
        row(t('compare.model'), columns.map((c) => modelName(c.scenario.model))),
        row(t('compare.gpu'), columns.map((c) => gpuName(c.scenario.gpu))),
        ...paths.map((p) => row(el('code', { textContent: p }), flat.map((f) => show(f.get(p) ?? '')), { path: p })),
        row(t('compare.total'), columns.map((c, i) => {
          const cell = el('td', { className: 'num total-cell', dataset: { total: String(totals[i]) } }, [el('strong', { textContent: Number.isFinite(totals[i]) ? bytes(totals[i]) : '—' })]);
          if (!c.current && Number.isFinite(totals[i]) && now > 0) {
            const delta = (totals[i] - now) / now;
            cell.append(el('small', { textContent: ` ${delta >= 0 ? '+' : '−'}${Math.abs(delta * 100).toFixed(0)}%` }));
          }
          return cell;
        }), { row: 'total' }),
        row(t('compare.fits'), columns.map((c) => el('td', {
          className: c.result?.fits?.fits ? 'yes' : 'no', textContent: c.result?.fits ? (c.result.fits.fits ? '✓' : '✗') : '',
          dataset: { fits: String(!!c.result?.fits?.fits) },
        })), { row: 'fits' }),
        ...ids.map((id) => row(label(id), columns.map((c) => el('td', { className: 'num', textContent: bytesOf(c, id) === undefined ? '' : bytes(bytesOf(c, id)) })), { compareComponent: id })),
      ]),
    );
  }

  return { render };
}
