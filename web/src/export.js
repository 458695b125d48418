// The shown result as a file: JSON (the result as the core returns it), CSV (one row per
// component) and Markdown (a table to paste into a pull request or a doc). Each one names the tool's
// version and carries the scenario, so `memcalc --scenario` can reproduce it. Pure: no DOM, so
// tests/js/export.test.mjs runs it in Node. Component labels come from the catalog, through `label`.
import { formatBytes, formatShare } from './format.js';

/**
 * @typedef {object} Export
 * @property {string} version   the core's version (catalog.version)
 * @property {object} scenario  the scenario, every field present
 * @property {object} result    the core's result for it
 * @property {(component: object) => string} [label]  a component's label (default: the result's)
 * @property {{ scenario: object, result: object }[]} [pinned]  scenarios pinned for comparison
 */

const defaultLabel = (component) => component.label ?? component.id;

export function toJson({ version, scenario, result, pinned = [] }) {
  const compared = pinned.length ? { pinned: pinned.map((p) => ({ scenario: p.scenario, result: p.result })) } : {};
  return `${JSON.stringify({ tool: 'memcalc', version, scenario, result, ...compared }, null, 2)}\n`;
}

// Every component id of the results, in the order they first appear.
function componentIds(results) {
  const ids = [];
  for (const r of results) for (const c of components(r)) if (!ids.includes(c.id)) ids.push(c.id);
  return ids;
}
const bytesOf = (result, id) => components(result).find((c) => c.id === id)?.bytes;

/**
 * Lines starting with # hold the version and the scenario (a CSV reader skips them with its comment
 * option); then a header and one row per component, bytes per GPU, and the total.
 */
export function toCsv({ version, scenario, result, label = defaultLabel, pinned = [] }) {
  // Pinned scenarios: one more bytes column each, after the current one's.
  const extra = pinned.map((_, i) => `pinned_${i + 1}_bytes_per_gpu`);
  const rows = [
    ['# memcalc', version],
    ['# scenario', JSON.stringify(scenario)],
    ...pinned.map((p, i) => [`# pinned ${i + 1}`, JSON.stringify(p.scenario)]),
    ['component', 'label', 'bytes_per_gpu', 'basis', 'formula', 'source', ...extra],
  ];
  const mine = new Map(components(result).map((c) => [c.id, c]));
  const all = [...components(result), ...pinned.flatMap((p) => components(p.result))];
  for (const id of componentIds([result, ...pinned.map((p) => p.result)])) {
    const c = mine.get(id) ?? all.find((x) => x.id === id);
    rows.push([id, label(c), mine.has(id) ? c.bytes : '', mine.has(id) ? c.basis : '', mine.has(id) ? c.formula : '',
      mine.has(id) ? c.source : '', ...pinned.map((p) => bytesOf(p.result, id) ?? '')]);
  }
  if (result.ok) rows.push(['total', 'Total', result.total_bytes, '', '', '', ...pinned.map((p) => (p.result.ok ? p.result.total_bytes : ''))]);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value) {
  const text = value == null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A Markdown table of the components in the reader's unit and language, under a line that names
 * the version, the model and the mode, with the scenario in a collapsed block below it.
 * `words` gives the column titles and other phrases (the page passes its translations).
 */
export function toMarkdown({ version, scenario, result, label = defaultLabel, unit = 'GB', locale = 'en', words = {}, modelName, pinned = [] }) {
  const w = { ...ENGLISH, ...words };
  const bytes = (n) => formatBytes(n, unit, locale);
  const model = modelName ?? (typeof scenario.model === 'string' ? scenario.model : w.custom);
  const lines = [`**memcalc ${version}**: ${cell(model)}, ${scenario.mode ?? 'training'}, ${w.perGpu}`, ''];
  if (result.ok) {
    lines.push(
      `| ${w.component} | ${w.memory} | ${w.share} | ${w.basis} | ${w.formula} |`,
      '|---|--:|--:|---|---|',
      ...components(result).map((c) => `| ${cell(label(c))} | ${bytes(c.bytes)} | ${formatShare(c.bytes, result.total_bytes, locale)} | ${cell(c.basis)} | ${c.formula ? `\`${cell(c.formula).replaceAll('`', "'")}\`` : ''} |`),
      `| **${w.total}** | **${bytes(result.total_bytes)}** | 100% | | |`,
    );
  } else {
    lines.push(`${w.invalid}`, '', ...(result.issues ?? []).map((i) => `- \`${cell(i.field)}\` ${cell(i.message)}`));
  }
  if (pinned.length && result.ok) {
    // The comparison: a column per pinned scenario, then the current one.
    const all = [...pinned.map((p) => p.result), result];
    const names = [...pinned.map((_, i) => w.pinned.replace('{n}', String(i + 1))), w.now];
    const labelOf = new Map(all.flatMap((r) => components(r)).map((c) => [c.id, label(c)]));
    const value = (r, id) => (bytesOf(r, id) === undefined ? '' : bytes(bytesOf(r, id)));
    lines.push('', `**${w.compare}**`, '', `| | ${names.map(cell).join(' | ')} |`, `|---|${names.map(() => '--:').join('|')}|`,
      `| ${w.model} | ${[...pinned.map((p) => p.scenario), scenario].map((s) => cell(typeof s.model === 'string' ? s.model : w.custom)).join(' | ')} |`,
      `| **${w.total}** | ${all.map((r) => (r.ok ? `**${bytes(r.total_bytes)}**` : '—')).join(' | ')} |`,
      `| ${w.fits} | ${all.map((r) => (r.fits ? (r.fits.fits ? '✓' : '✗') : '')).join(' | ')} |`,
      ...componentIds(all).map((id) => `| ${cell(labelOf.get(id))} | ${all.map((r) => value(r, id)).join(' | ')} |`));
  }
  lines.push('', `<details><summary>${w.scenario}</summary>`, '', '```json', fencedJson(scenario), '```', '', '</details>');
  return `${lines.join('\n')}\n`;
}

const ENGLISH = {
  component: 'Component', memory: 'Memory', share: 'Share', basis: 'Basis', formula: 'Formula', total: 'Total',
  perGpu: 'per GPU', custom: 'custom model', scenario: 'Scenario (memcalc --scenario)', invalid: 'No total: the scenario has errors.',
  compare: 'Compare', now: 'Now', pinned: 'Pinned {n}', fits: 'Fits', model: 'Model',
};

function components(result) {
  return result.ok && Array.isArray(result.components) ? result.components : [];
}

// One line in a table cell: pipes escaped, line breaks as spaces, HTML left inert.
function cell(text) {
  return String(text ?? '').replace(/[\r\n]+/g, ' ').replaceAll('|', '\\|').replaceAll('<', '&lt;');
}

// A backtick can only sit inside a JSON string, where \u0060 means the same and cannot end the fence.
function fencedJson(value) {
  return JSON.stringify(value, null, 2).replaceAll('`', '\\u0060');
}

/** A file name for an export: memcalc-<model>-<mode>.<ext>, with only safe characters. */
export function exportFileName(scenario, extension) {
  const model = typeof scenario.model === 'string' ? scenario.model : 'custom';
  const stem = `memcalc-${model}-${scenario.mode ?? 'training'}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return `${stem.slice(0, 80)}.${extension}`;
}
