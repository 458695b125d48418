// The breakdown: total, fit on the chosen GPUs, inverse answers, a stacked bar (with the inference
// rule-of-thumb band beside it), the table and the issues. The DOM hooks of CONTRACTS.md §4 live
// here: data-component / data-bytes on each table row, data-total-bytes on the total.
import { el } from './dom.js';
import { formatBytes, formatCount, formatParams, formatShare } from './format.js';
import { language, t } from './i18n.js';
import { colorSlot } from './palette.js';

export function createResults({ root, catalog, state }) {
  const $ = (selector) => root.querySelector(selector);
  const labels = new Map((catalog.components ?? []).map((c) => [c.id, c]));
  const gpus = new Map(catalog.gpus.map((g) => [g.id, g]));
  const total = $('#total');
  const tbody = $('#breakdown tbody');

  let ids = [];
  const colorIndex = (id) => colorSlot(id, ids);
  const label = (c) => {
    const entry = labels.get(c.id);
    if (!entry) return c.label;
    return language() === 'zh' && entry.label_zh ? entry.label_zh : (entry.label ?? c.label);
  };

  function render(result) {
    const locale = language();
    const unit = state.unit;
    const bytes = (n) => formatBytes(n, unit, locale);
    const ok = result.ok && Array.isArray(result.components);
    const components = ok ? result.components : [];
    ids = components.map((c) => c.id);
    root.classList.toggle('invalid', !ok);

    // Total.
    if (ok) {
      total.dataset.totalBytes = String(result.total_bytes);
      total.replaceChildren(bytes(result.total_bytes), el('small', { textContent: ` ${t('total.per_gpu')}` }));
      total.title = `${formatCount(result.total_bytes, locale)} B`;
    } else {
      delete total.dataset.totalBytes;
      total.textContent = '—';
      total.title = t('invalid.total');
    }

    // Parameters.
    const params = $('#params');
    params.textContent = ok && result.params
      ? `${formatParams(result.params.total, locale)} ${t('model.params')}` +
        (result.params.active !== result.params.total
          ? ` · ${formatParams(result.params.active, locale)} ${t('model.active')}` : '')
      : '';

    // Fit and inverse answers.
    const fit = $('#fit');
    const gpu = result.fits;
    if (ok && gpu) {
      const chosen = state.scenario.gpu ?? {};
      const name = gpus.get(chosen.preset)?.name ?? bytes(gpu.gpu_bytes);
      const values = { count: formatCount(gpu.count, locale), gpu: name,
        headroom: bytes(gpu.headroom_bytes), short: bytes(-gpu.headroom_bytes) };
      const refused = result.engine && !result.engine.starts;
      fit.textContent = `${gpu.fits ? '✓' : '✗'} ${t(gpu.fits ? 'fit.yes' : refused ? 'fit.no_start' : 'fit.no', values)}`;
      fit.className = `fit ${gpu.fits ? 'yes' : 'no'}`;
      fit.dataset.fits = String(gpu.fits);
    } else {
      fit.textContent = '';
      fit.className = 'fit';
      delete fit.dataset.fits;
    }
    const limits = $('#limits');
    limits.replaceChildren();
    if (ok && result.limits) {
      const { max_seq_len: seq, max_batch_size: batch, min_gpus: gpusNeeded, min_gpus_layout: layout } = result.limits;
      const value = (n) => (n >= 0 ? formatCount(n, locale) : t('limit.none'));
      const seqKey = state.scenario.mode === 'inference' ? 'limit.context' : 'limit.seq';
      limits.append(
        limitItem(t(seqKey), value(seq), 'max_seq_len', seq),
        limitItem(t('limit.batch'), value(batch), 'max_batch_size', batch),
        limitItem(t('limit.gpus'), gpusNeeded >= 0 ? `${value(gpusNeeded)}${layout ? ` · ${layout}` : ''}` : value(-1),
          'min_gpus', gpusNeeded),
      );
    }

    renderBars(result, components, bytes);

    // Table.
    const sum = ok ? result.total_bytes : 0;
    tbody.replaceChildren(...components.map((c) => {
      const row = el('tr', { dataset: { component: c.id, bytes: String(c.bytes) } });
      if (!(c.bytes > 0)) row.className = 'zero';
      row.append(
        el('th', { scope: 'row' }, [el('span', { className: `swatch c${colorIndex(c.id)}`, aria: { hidden: 'true' } }), label(c)]),
        el('td', { className: 'num', textContent: bytes(c.bytes), title: `${formatCount(c.bytes, locale)} B` }),
        el('td', { className: 'num', textContent: formatShare(c.bytes, sum, locale) }),
        el('td', {}, [el('span', { className: `basis ${c.basis}`, textContent: t(`basis.${c.basis}`) })]),
        el('td', { className: 'formula' }, [el('code', { textContent: c.formula ?? '' })]),
        el('td', { className: 'source', textContent: c.source ?? '' }),
      );
      return row;
    }));
    $('#table-total').textContent = ok ? bytes(result.total_bytes) : '—';
    const sumNote = ok && result.sum_bytes > result.total_bytes
      ? t('table.peak_note', { phase: t(`phase.${result.peak_phase}`), sum: bytes(result.sum_bytes) }) : '';
    $('#activation-formula').textContent = [sumNote, ok && result.activation_formula ? result.activation_formula : ''].filter(Boolean).join(' · ');

    // Issues.
    const issues = $('#issues');
    const list = [...(result.issues ?? [])];
    issues.replaceChildren(
      ...(state.hashNotice ? [hashNotice(state.hashNotice)] : []),
      ...list.map((i) => el('li', { className: i.severity, dataset: { field: i.field } }, [
        el('strong', { textContent: `${t(`issue.${i.severity}`)} ` }),
        el('code', { textContent: i.field }), ` ${i.message}`,
      ])),
    );
  }

  // The link's scenario was not used: why, in the link's own words only as text.
  function hashNotice({ error, issues = [] }) {
    const details = issues.flatMap((i, n) => [n ? '; ' : ' ', el('code', { textContent: i.field }), ` ${i.message}`]);
    return el('li', { className: 'warning', dataset: { notice: 'hash' } }, [
      el('strong', { textContent: `${t('issue.warning')} ` }),
      error ? t('hash.unreadable', { error }) : t('hash.invalid'),
      ...details,
    ]);
  }

  function limitItem(name, text, key, n) {
    return el('li', { dataset: { limit: key, value: String(n) } }, [`${name}: `, el('strong', { textContent: text })]);
  }

  // One scale for the explicit stack, the rule band and the GPU's memory.
  function renderBars(result, components, bytes) {
    const bars = $('#bars');
    bars.replaceChildren();
    if (!components.length) {
      bars.removeAttribute('role');
      bars.removeAttribute('aria-label');
      return;
    }
    const gpuBytes = result.fits?.gpu_bytes ?? 0;
    const rule = state.scenario.mode === 'inference' && !result.engine && result.peak_rule?.high > 0 ? result.peak_rule : null;
    const scale = Math.max(result.total_bytes, gpuBytes, rule?.high ?? 0) * 1.04 || 1;
    const pct = (n) => `${((Math.max(0, n) / scale) * 100).toFixed(3)}%`;

    // The stack shows what is alive at the peak (the total); the table lists each component whole.
    const peak = result.phases?.find((p) => p.id === result.peak_phase);
    const stack = el('div', { className: 'track' });
    for (const c of components) {
      const alive = peak ? peak.components[c.id] ?? 0 : c.bytes;
      if (!(alive > 0)) continue;
      const seg = el('span', { className: `seg-fill c${colorIndex(c.id)}`, title: `${label(c)}: ${bytes(alive)}` });
      seg.dataset.segment = c.id;
      seg.style.width = pct(alive);
      stack.append(seg);
    }
    bars.append(barRow(t('bar.total'), bytes(result.total_bytes), stack));

    if (rule) {
      const band = el('div', { className: 'track' });
      const fill = el('span', { className: 'band', title: `${bytes(rule.low)} – ${bytes(rule.high)}` });
      fill.style.marginLeft = pct(rule.low);
      fill.style.width = pct(rule.high - rule.low);
      const mark = el('span', { className: 'mark', title: t('bar.total') });
      mark.style.left = pct(result.total_bytes);
      band.append(fill, mark);
      bars.append(barRow(t('bar.rule'), `${bytes(rule.low)} – ${bytes(rule.high)}`, band, 'rule'));
    }
    if (gpuBytes > 0) {
      const line = el('span', { className: 'gpu-line', title: `${t('bar.gpu')}: ${bytes(gpuBytes)}` });
      line.style.left = `calc(var(--bar-label) + (100% - var(--bar-label)) * ${(gpuBytes / scale).toFixed(5)})`;
      line.append(el('span', { textContent: `${t('bar.gpu')} ${bytes(gpuBytes)}` }));
      bars.append(line);
    }
    bars.setAttribute('role', 'img');
    bars.setAttribute('aria-label', t('bar.label', { total: bytes(result.total_bytes) }));
  }

  function barRow(name, value, track, extra = '') {
    return el('div', { className: `bar-row ${extra}` }, [
      el('span', { className: 'bar-name' }, [name, el('small', { textContent: value })]), track,
    ]);
  }

  return { render };
}
