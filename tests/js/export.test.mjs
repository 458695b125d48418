// web/src/export.js: the JSON, CSV and Markdown exports of a result, read back, against the core's
// own result (dist/memcalc.mjs) for the same scenario.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportFileName, toCsv, toJson, toMarkdown } from '../../web/src/export.js';
import { formatBytes } from '../../web/src/format.js';
import { withDefaults } from '../../web/src/scenario.js';
import { parseCsv } from './csv.mjs';
import { memcalc } from './memcalc-module.mjs';

const catalog = await memcalc.catalog();
const scenario = withDefaults(catalog.defaults, { model: catalog.defaults.model, mode: 'inference', inference: { context_len: 32768 } });
const result = await memcalc.estimate(scenario);
const labels = new Map(catalog.components.map((c) => [c.id, c]));
const label = (c) => labels.get(c.id).label;
const input = { version: catalog.version, scenario, result, label };

test('the scenario gives a valid result with several components (the fixture is meaningful)', () => {
  assert.equal(result.ok, true);
  assert.ok(result.components.length >= 4);
  assert.ok(result.components.some((c) => /,/.test(c.formula)), 'a formula with a comma tests CSV quoting');
});

test('JSON: the version, the scenario and the result, exactly', () => {
  const back = JSON.parse(toJson(input));
  assert.equal(back.tool, 'memcalc');
  assert.equal(back.version, catalog.version);
  assert.match(back.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(back.scenario, scenario);
  assert.deepEqual(back.result, result);
});

test('CSV: version and scenario lines, then one row per component with its bytes, then the total', () => {
  const rows = parseCsv(toCsv(input));
  assert.deepEqual(rows[0], ['# memcalc', catalog.version]);
  assert.equal(rows[1][0], '# scenario');
  assert.deepEqual(JSON.parse(rows[1][1]), scenario);
  assert.deepEqual(rows[2], ['component', 'label', 'bytes_per_gpu', 'basis', 'formula', 'source']);
  const body = rows.slice(3);
  assert.equal(body.length, result.components.length + 1);
  result.components.forEach((c, i) => {
    assert.deepEqual(body[i], [c.id, labels.get(c.id).label, String(c.bytes), c.basis, c.formula, c.source]);
  });
  assert.deepEqual(body.at(-1).slice(0, 3), ['total', 'Total', String(result.total_bytes)]);
  assert.equal(body.slice(0, -1).reduce((sum, row) => sum + Number(row[2]), 0), result.total_bytes);
});

test('Markdown: a table with every component, its memory and the total; the scenario below', () => {
  const md = toMarkdown({ ...input, unit: 'GiB' });
  assert.match(md.split('\n')[0], new RegExp(`memcalc ${catalog.version.replaceAll('.', '\\.')}`));
  const table = md.split('\n').filter((line) => line.startsWith('|'));
  assert.equal(table.length, 2 + result.components.length + 1);
  assert.match(table[1], /^\|---\|--:\|--:\|/);
  result.components.forEach((c, i) => {
    const cells = table[2 + i].split(' | ');
    assert.equal(cells[0], `| ${labels.get(c.id).label}`);
    assert.equal(cells[1], formatBytes(c.bytes, 'GiB', 'en'));
  });
  assert.match(table.at(-1), new RegExp(`\\*\\*${formatBytes(result.total_bytes, 'GiB', 'en')}\\*\\*`));
  const json = /```json\n([\s\S]*?)\n```/.exec(md)[1];
  assert.deepEqual(JSON.parse(json), scenario);
});

test('Markdown and CSV keep hostile text inert: pipes, line breaks, HTML, backticks, quotes', () => {
  const nasty = '<img src=x onerror=alert(1)> a|b\n"c",`d`';
  const fake = {
    ok: true, total_bytes: 10, issues: [],
    components: [{ id: 'x', label: nasty, bytes: 10, basis: 'rule', formula: nasty, source: nasty }],
  };
  const weird = { model: { name: '```\n</details>' }, mode: 'training' };
  const md = toMarkdown({ version: '1', scenario: weird, result: fake });
  const row = md.split('\n').find((line) => line.includes('a\\|b'));
  assert.ok(row, 'the pipe is escaped and the row stays one line');
  assert.doesNotMatch(md, /<img/);
  assert.equal(md.match(/```/g).length, 2, 'a backtick in the scenario cannot close the code block');
  assert.deepEqual(JSON.parse(/```json\n([\s\S]*?)\n```/.exec(md)[1]), weird);
  const rows = parseCsv(toCsv({ version: '1', scenario: weird, result: fake }));
  assert.deepEqual(rows[3], ['x', nasty, '10', 'rule', nasty, nasty]);
});

test('an invalid result exports its issues and no numbers', async () => {
  const bad = await memcalc.estimate({ model: 'no-such-model' });
  assert.equal(bad.ok, false);
  const rows = parseCsv(toCsv({ version: catalog.version, scenario: { model: 'no-such-model' }, result: bad }));
  assert.equal(rows.length, 3, 'the version, the scenario and the header only');
  const md = toMarkdown({ version: catalog.version, scenario: { model: 'no-such-model' }, result: bad });
  assert.doesNotMatch(md, /^\|/m);
  assert.match(md, /`model`/);
  assert.equal(JSON.parse(toJson({ version: catalog.version, scenario: {}, result: bad })).result.ok, false);
});

test('file names carry the model and mode, with only safe characters', () => {
  assert.equal(exportFileName({ model: 'llama-3.1-8b', mode: 'inference' }, 'csv'), 'memcalc-llama-3.1-8b-inference.csv');
  assert.equal(exportFileName({ model: { hidden_size: 8 }, mode: 'training' }, 'md'), 'memcalc-custom-training.md');
  assert.match(exportFileName({ model: '../../etc/passwd <x>', mode: 'training' }, 'json'), /^memcalc-[a-z0-9._-]+\.json$/);
  assert.doesNotMatch(exportFileName({ model: '../../etc/passwd', mode: 'training' }, 'json'), /\//);
});
