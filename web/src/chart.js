// Memory per GPU against sequence length or batch size: one line per component, the total and the
// GPU's memory, so the reader sees where activations or the KV cache take over.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, unitBytes } from './format.js';
import { language, t } from './i18n.js';
import { colorSlot } from './palette.js';
import { setPath } from './scenario.js';

const SEQ_POINTS = powersOfTwo(7, 17, true);  // 128 … 131,072 tokens, with half steps
const BATCH_POINTS = powersOfTwo(0, 9, true); // 1 … 512 sequences

// `root` holds the axis buttons (#axis-seq, #axis-batch) and the plot's box (.chart).
export function createChart({ root, api, catalog, state }) {
  const box = root.querySelector('.chart');
  const labels = new Map((catalog.components ?? []).map((c) => [c.id, c]));
  let plot = null;
  let axis = 'seq';
  let signature = '';
  let yCap = Infinity;

  const buttons = { seq: root.querySelector('#axis-seq'), batch: root.querySelector('#axis-batch') };
  for (const [name, button] of Object.entries(buttons)) {
    button.addEventListener('click', () => {
      axis = name;
      for (const [other, b] of Object.entries(buttons)) b.setAttribute('aria-pressed', String(other === axis));
      update();
    });
  }
  new ResizeObserver(() => plot?.setSize(size())).observe(box);

  function size() {
    return { width: Math.max(240, box.clientWidth), height: Math.min(300, Math.max(200, box.clientWidth * 0.45)) };
  }

  // Sweeps the axis field; the rest of the scenario stays as it is.
  function sweep() {
    const mode = state.scenario.mode === 'inference' ? 'inference' : 'training';
    const path = axis === 'seq' ? `${mode}.${mode === 'inference' ? 'context_len' : 'seq_len'}` : `${mode}.batch_size`;
    const xs = axis === 'seq' ? SEQ_POINTS : BATCH_POINTS;
    const ids = [];
    const rows = xs.map((x) => {
      const result = api.estimate(setPath(state.scenario, path, x));
      if (!result.ok) return null;
      const row = new Map(result.components.map((c) => [c.id, c.bytes]));
      for (const c of result.components) if (c.bytes > 0 && !ids.includes(c.id)) ids.push(c.id);
      row.set('$total', result.total_bytes);
      row.set('$gpu', result.fits?.gpu_bytes ?? null);
      return row;
    });
    return { xs, ids, rows };
  }

  function update() {
    const { xs, ids, rows } = sweep();
    const unit = unitBytes(state.unit);
    const column = (key) => rows.map((row) => (row && row.get(key) != null ? row.get(key) / unit : null));
    const data = [xs, column('$total'), ...ids.map(column), column('$gpu')];
    const current = state.result?.ok ? state.result.total_bytes / unit : 0;
    const gpu = (state.result?.fits?.gpu_bytes ?? 0) / unit;
    yCap = Math.max(2.5 * gpu, 1.5 * current) || Infinity;
    const next = [axis, state.unit, language(), document.documentElement.dataset.theme ?? '', ...ids].join('|');
    if (!plot || next !== signature) {
      signature = next;
      plot?.destroy();
      plot = new uPlot(options(ids), data, box);
    } else {
      plot.setData(data);
    }
    const name = t(axis === 'seq' ? 'chart.seq' : 'chart.batch');
    box.setAttribute('aria-label', t('chart.label', { axis: name }));
    box.dataset.ready = '';
  }

  function options(ids) {
    const css = getComputedStyle(document.documentElement);
    const color = (name) => css.getPropertyValue(name).trim();
    const shownIds = state.result?.ok ? state.result.components.map((c) => c.id) : ids;
    const name = (id) => {
      const entry = labels.get(id);
      return (language() === 'zh' ? entry?.label_zh : entry?.label) ?? entry?.label ?? id;
    };
    const axisStyle = { stroke: color('--fg-muted'), grid: { stroke: color('--grid') }, ticks: { stroke: color('--grid') } };
    const locale = language();
    return {
      ...size(),
      legend: { live: box.clientWidth > 600 },
      cursor: { drag: { x: false, y: false } },
      // The y range stops a little above the GPU's memory or the current total: the region where
      // the choice is made. Lines that leave it (s² activations at 128k tokens) are clipped.
      scales: { x: { distr: 3, log: 2 }, y: { range: (u, min, max) => [0, Math.min(max, yCap) * 1.05 || 1] } },
      axes: [
        { ...axisStyle, label: t(axis === 'seq' ? 'chart.seq' : 'chart.batch'),
          values: (u, splits) => splits.map((v) => (v == null ? '' : v >= 1024 ? `${v / 1024}k` : String(v))) },
        { ...axisStyle, label: state.unit, size: 56,
          values: (u, splits) => splits.map((v) => (v == null ? '' : formatNumber(v, locale, 1))) },
      ],
      series: [
        { label: t(axis === 'seq' ? 'chart.seq' : 'chart.batch'), value: (u, v) => (v == null ? '' : formatNumber(v, locale, 3)) },
        { label: t('chart.total'), stroke: color('--fg'), width: 2.5, value: fmt, points: { show: false } },
        ...ids.map((id) => ({
          label: name(id), stroke: color(`--c${colorSlot(id, shownIds)}`), width: 1.5, value: fmt,
          points: { show: false },
        })),
        { label: t('bar.gpu'), stroke: color('--bad'), width: 1.5, dash: [6, 4], value: fmt, points: { show: false } },
      ],
    };
    function fmt(u, v) {
      return v == null ? '—' : `${formatNumber(v, locale, 2)} ${state.unit}`;
    }
  }

  return {
    update,
    restyle() {
      signature = '';
      update();
    },
  };
}

function powersOfTwo(from, to, halfSteps) {
  const out = [];
  for (let k = from; k <= to; k++) {
    out.push(2 ** k);
    if (halfSteps && k < to) out.push(3 * 2 ** (k - 1));
  }
  return out.filter((v) => Number.isInteger(v));
}
