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
 */

const defaultLabel = (component) => component.label ?? component.id;

export function toJson({ version, scenario, result }) {
  return `${JSON.stringify({ tool: 'memcalc', version, scenario, result }, null, 2)}\n`;
}

/**
 * Lines starting with # hold the version and the scenario (a CSV reader skips them with its comment
 * option); then a header and one row per component, bytes per GPU, and the total.
 */
export function toCsv({ version, scenario, result, label = defaultLabel }) {
  const rows = [
    ['# memcalc', version],
    ['# scenario', JSON.stringify(scenario)],
    ['component', 'label', 'bytes_per_gpu', 'basis', 'formula', 'source'],
    ...components(result).map((c) => [c.id, label(c), c.bytes, c.basis, c.formula, c.source]),
  ];
  if (result.ok) rows.push(['total', 'Total', result.total_bytes, '', '', '']);
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
export function toMarkdown({ version, scenario, result, label = defaultLabel, unit = 'GB', locale = 'en', words = {}, modelName }) {
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
  lines.push('', `<details><summary>${w.scenario}</summary>`, '', '```json', fencedJson(scenario), '```', '', '</details>');
  return `${lines.join('\n')}\n`;
}

const ENGLISH = {
  component: 'Component', memory: 'Memory', share: 'Share', basis: 'Basis', formula: 'Formula', total: 'Total',
  perGpu: 'per GPU', custom: 'custom model', scenario: 'Scenario (memcalc --scenario)', invalid: 'No total: the scenario has errors.',
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
