// The breakdown: total, fit on the chosen GPUs, inverse answers, a stacked bar (with the inference
// rule-of-thumb band beside it), the table and the issues. The DOM hooks of CONTRACTS.md §4 live
// here: data-component / data-bytes on each table row, data-total-bytes on the total. Each update
// patches what is on screen (rows and segments are kept by component id), so a key press costs a
// few text writes.
import { el, keyed, setAttr, setData, setStyle, setText } from './dom.js';
import { formatBytes, formatCount, formatParams, formatShare } from './format.js';
import { language, t } from './i18n.js';
import { colorSlot } from './palette.js';

export function createResults({ root, catalog, state }) {
  const $ = (selector) => root.querySelector(selector);
  const labels = new Map((catalog.components ?? []).map((c) => [c.id, c]));
  const gpus = new Map(catalog.gpus.map((g) => [g.id, g]));
  const total = $('#total');
  const totalValue = el('span');
  const totalNote = el('small');
  const tbody = $('#breakdown tbody');
  const rows = new Map();
  const segments = new Map();

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
      if (total.firstChild !== totalValue) total.replaceChildren(totalValue, totalNote);
      setText(totalValue, bytes(result.total_bytes));
      setText(totalNote, ` ${t('total.per_gpu')}`);
      setData(total, 'totalBytes', String(result.total_bytes));
      setAttr(total, 'title', `${formatCount(result.total_bytes, locale)} B`);
    } else {
      delete total.dataset.totalBytes;
      total.textContent = '—';
      total.title = t('invalid.total');
    }

    // Parameters.
    setText($('#params'), ok && result.params
      ? `${formatParams(result.params.total, locale)} ${t('model.params')}` +
        (result.params.active !== result.params.total
          ? ` · ${formatParams(result.params.active, locale)} ${t('model.active')}` : '')
      : '');

    // Fit.
    const fit = $('#fit');
    const gpu = result.fits;
    if (ok && gpu) {
      const chosen = state.scenario.gpu ?? {};
      const name = gpus.get(chosen.preset)?.name ?? bytes(gpu.gpu_bytes);
      const values = { count: formatCount(gpu.count, locale), gpu: name,
        headroom: bytes(gpu.headroom_bytes), short: bytes(-gpu.headroom_bytes) };
      const refused = result.engine && !result.engine.starts;
      setText(fit, `${gpu.fits ? '✓' : '✗'} ${t(gpu.fits ? 'fit.yes' : refused ? 'fit.no_start' : 'fit.no', values)}`);
      setAttr(fit, 'class', `fit ${gpu.fits ? 'yes' : 'no'}`);
      setData(fit, 'fits', String(gpu.fits));
    } else {
      setText(fit, '');
      setAttr(fit, 'class', 'fit');
      setData(fit, 'fits', null);
    }
    if (!ok) $('#limits').replaceChildren();

    renderBars(result, components, bytes);

    // Table.
    const sum = ok ? result.total_bytes : 0;
    keyed(tbody, rows, components, (c) => c.id, (c) => {
      const swatch = el('span', { aria: { hidden: 'true' } });
      const name = el('th', { scope: 'row' }, [swatch, el('span')]);
      const cells = [el('td', { className: 'num' }), el('td', { className: 'num' }), el('td', {}, [el('span')]),
        el('td', { className: 'formula' }, [el('code')]), el('td', { className: 'source' })];
      return el('tr', { dataset: { component: c.id } }, [name, ...cells]);
    }, (row, c) => {
      // Most rows do not change on a key press (the weights stay when the sequence grows): skip them,
      // but for their share of the new total.
      const [name, value, share, basis, formula, source] = row.children;
      const shareKey = `${c.bytes}|${sum}|${locale}`;
      if (row.memcalcShare !== shareKey) {
        row.memcalcShare = shareKey;
        setText(share, formatShare(c.bytes, sum, locale));
      }
      const key = `${c.bytes}|${unit}|${locale}|${colorIndex(c.id)}|${c.formula}|${c.source}|${c.basis}`;
      if (row.memcalcKey === key) return;
      row.memcalcKey = key;
      setData(row, 'bytes', String(c.bytes));
      row.classList.toggle('zero', !(c.bytes > 0));
      setAttr(name.firstChild, 'class', `swatch c${colorIndex(c.id)}`);
      setText(name.lastChild, label(c));
      setText(value, bytes(c.bytes));
      setAttr(value, 'title', `${formatCount(c.bytes, locale)} B`);
      setAttr(basis.firstChild, 'class', `basis ${c.basis}`);
      setText(basis.firstChild, t(`basis.${c.basis}`));
      setText(formula.firstChild, c.formula ?? '');
      setText(source, c.source ?? '');
    });
    setText($('#table-total'), ok ? bytes(result.total_bytes) : '—');
    const sumNote = ok && result.sum_bytes > result.total_bytes
      ? t('table.peak_note', { phase: t(`phase.${result.peak_phase}`), sum: bytes(result.sum_bytes) }) : '';
    setText($('#activation-formula'), [sumNote, ok && result.activation_formula ? result.activation_formula : ''].filter(Boolean).join(' · '));

    renderIssues(result);
  }

  // Issues: rebuilt only when their text changes.
  let issuesKey = '';
  function renderIssues(result) {
    const list = [...(result.issues ?? [])];
    const key = JSON.stringify([state.hashNotice, list, language()]);
    if (key === issuesKey) return;
    issuesKey = key;
    $('#issues').replaceChildren(
      ...(state.hashNotice ? [hashNotice(state.hashNotice)] : []),
      ...list.map((i) => el('li', { className: i.severity, dataset: { field: i.field } }, [
        el('strong', { textContent: `${t(`issue.${i.severity}`)} ` }),
        el('code', { textContent: i.field }), ` ${i.message}`,
      ])),
    );
  }

  // The inverse answers: from the full estimate, which comes a moment after the breakdown.
  function renderLimits(result) {
    const limits = $('#limits');
    if (!(result.ok && result.limits)) {
      limits.replaceChildren();
      return;
    }
    const locale = language();
    const { max_seq_len: seq, max_batch_size: batch, min_gpus: gpusNeeded, min_gpus_layout: layout, max_seq_len_capped: capped } = result.limits;
    const value = (n) => (n >= 0 ? formatCount(n, locale) : t('limit.none'));
    const seqKey = state.scenario.mode === 'inference' ? 'limit.context' : 'limit.seq';
    limits.replaceChildren(
      limitItem(t(seqKey), `${value(seq)}${capped ? ` (${t('limit.capped')})` : ''}`, 'max_seq_len', seq, capped),
      limitItem(t('limit.batch'), value(batch), 'max_batch_size', batch),
      limitItem(t('limit.gpus'), gpusNeeded >= 0 ? `${value(gpusNeeded)}${layout ? ` · ${layout}` : ''}` : value(-1),
        'min_gpus', gpusNeeded),
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

  function limitItem(name, text, key, n, capped = false) {
    const item = el('li', { dataset: { limit: key, value: String(n) } }, [`${name}: `, el('strong', { textContent: text })]);
    if (capped) item.dataset.capped = 'true';
    return item;
  }

  // One scale for the explicit stack, the rule band and the GPU's memory.
  const bars = $('#bars');
  const stack = el('div', { className: 'track' });
  const stackName = el('small');
  const stackRow = el('div', { className: 'bar-row' }, [el('span', { className: 'bar-name' }, [el('span'), stackName]), stack]);
  const band = el('div', { className: 'track' });
  const bandFill = el('span', { className: 'band' });
  const bandMark = el('span', { className: 'mark' });
  band.append(bandFill, bandMark);
  const bandName = el('small');
  const bandRow = el('div', { className: 'bar-row rule' }, [el('span', { className: 'bar-name' }, [el('span'), bandName]), band]);
  const gpuLine = el('span', { className: 'gpu-line' }, [el('span')]);

  const unit = () => `${state.unit}|${language()}`;
  function renderBars(result, components, bytes) {
    if (!components.length) {
      bars.replaceChildren();
      bars.removeAttribute('role');
      bars.removeAttribute('aria-label');
      return;
    }
    const gpuBytes = result.fits?.gpu_bytes ?? 0;
    const rule = state.scenario.mode === 'inference' && !result.engine && result.peak_rule?.high > 0 ? result.peak_rule : null;
    const scale = Math.max(result.total_bytes, gpuBytes, rule?.high ?? 0) * 1.04 || 1;
    const pct = (n) => `${((Math.max(0, n) / scale) * 100).toFixed(3)}%`;
    const wanted = [stackRow, ...(rule ? [bandRow] : []), ...(gpuBytes > 0 ? [gpuLine] : [])];
    if (wanted.length !== bars.children.length || wanted.some((n, i) => bars.children[i] !== n)) bars.replaceChildren(...wanted);

    // The stack shows what is alive at the peak (the total); the table lists each component whole.
    const peak = result.phases?.find((p) => p.id === result.peak_phase);
    const alive = components.map((c) => [c, peak ? peak.components[c.id] ?? 0 : c.bytes]).filter(([, b]) => b > 0);
    setText(stackRow.firstChild.firstChild, t('bar.total'));
    setText(stackName, bytes(result.total_bytes));
    // A segment's width follows the scale (the total, on a key press); its name only its own bytes.
    keyed(stack, segments, alive, ([c]) => c.id, ([c]) => el('span', { dataset: { segment: c.id } }), (seg, [c, b]) => {
      setStyle(seg, 'width', pct(b));
      const key = `${b}|${unit()}|${colorIndex(c.id)}`;
      if (seg.memcalcKey === key) return;
      seg.memcalcKey = key;
      setAttr(seg, 'class', `seg-fill c${colorIndex(c.id)}`);
      setAttr(seg, 'title', `${label(c)}: ${bytes(b)}`);
    });

    if (rule) {
      const range = `${bytes(rule.low)} – ${bytes(rule.high)}`;
      setText(bandRow.firstChild.firstChild, t('bar.rule'));
      setText(bandName, range);
      setAttr(bandFill, 'title', range);
      setStyle(bandFill, 'marginLeft', pct(rule.low));
      setStyle(bandFill, 'width', pct(rule.high - rule.low));
      setAttr(bandMark, 'title', t('bar.total'));
      setStyle(bandMark, 'left', pct(result.total_bytes));
    }
    if (gpuBytes > 0) {
      const gpu = `${t('bar.gpu')} ${bytes(gpuBytes)}`;
      setAttr(gpuLine, 'title', `${t('bar.gpu')}: ${bytes(gpuBytes)}`);
      setStyle(gpuLine, 'left', `calc(var(--bar-label) + (100% - var(--bar-label)) * ${(gpuBytes / scale).toFixed(5)})`);
      setText(gpuLine.firstChild, gpu);
    }
    setAttr(bars, 'role', 'img');
    setAttr(bars, 'aria-label', t('bar.label', { total: bytes(result.total_bytes) }));
  }

  return { render, renderLimits };
}
