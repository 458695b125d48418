// Exports from the page: each download (JSON, CSV, Markdown) read back equals what the page shows
// and the CLI's result for the same scenario; "Copy Markdown" copies the same table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCsv } from '../js/csv.mjs';
import { cliResult, dist, encodeScenario, gotoCalculator, openPage, shown, useServerAndBrowser, waitForCli } from './harness.mjs';

const { catalog } = await import(`${dist}/memcalc.mjs`);
const { defaults, version, components: labels } = await catalog();
const label = (id) => labels.find((c) => c.id === id);

const session = useServerAndBrowser({ locale: 'en-US' });
const scenario = { model: defaults.model, mode: 'training', training: { batch_size: 2, seq_len: 8192, recompute: 'selective', parallel: { zero: 2, dp: 4 } } };

async function calculator(context = session.browser.context) {
  const { page, problems } = await openPage(context);
  await gotoCalculator(page, session.server.url + encodeScenario(scenario));
  const outcome = await waitForCli(page, scenario);
  assert.ok(!outcome.mismatch, JSON.stringify(outcome));
  return { page, problems };
}

async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const text = readFileSync(await file.path(), 'utf8');
  await page.getByRole('status').filter({ hasText: `Saved ${file.suggestedFilename()}.` }).waitFor();
  return { name: file.suggestedFilename(), text };
}

test('JSON: the result the page shows (the CLI\'s), the version and the whole scenario', async () => {
  const { page, problems } = await calculator();
  const { name, text } = await download(page, 'Download JSON');
  assert.equal(name, `memcalc-${defaults.model}-training.json`);
  const back = JSON.parse(text);
  assert.equal(back.version, version);
  assert.deepEqual(back.result, cliResult(scenario));
  const onPage = await shown(page);
  assert.equal(String(back.result.total_bytes), onPage.total);
  assert.deepEqual(back.result.components.map((c) => [c.id, String(c.bytes)]), onPage.components);
  assert.equal(back.scenario.training.parallel.zero, 2);
  assert.equal(back.scenario.inference.context_len, defaults.inference.context_len, 'every field, defaults included');
  assert.deepEqual(cliResult(back.scenario), back.result, 'the exported scenario reproduces the result');
  assert.deepEqual(problems, []);
});

test('CSV: one row per shown component with its bytes, and the total', async () => {
  const { page, problems } = await calculator();
  const { name, text } = await download(page, 'Download CSV');
  assert.match(name, /\.csv$/);
  const rows = parseCsv(text);
  assert.deepEqual(rows[0], ['# memcalc', version]);
  assert.deepEqual(cliResult(JSON.parse(rows[1][1])), cliResult(scenario));
  const onPage = await shown(page);
  const body = rows.slice(3);
  assert.deepEqual(body.slice(0, -1).map((r) => [r[0], r[2]]), onPage.components);
  assert.deepEqual(body.at(-1).slice(0, 3), ['total', 'Total', onPage.total]);
  for (const row of body.slice(0, -1)) assert.equal(row[1], label(row[0]).label);
  assert.deepEqual(problems, []);
});

test('Markdown: the table has the shown components and values; Copy Markdown copies the same text', async () => {
  await session.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.server.url.slice(0, -1) });
  const { page, problems } = await calculator();
  await page.getByRole('button', { name: 'GiB' }).click();
  const { name, text } = await download(page, 'Download Markdown');
  assert.match(name, /\.md$/);
  assert.match(text, new RegExp(`memcalc ${version.replaceAll('.', '\\.')}`));
  const rows = text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Component'));
  const table = await page.locator('tbody tr[data-component]').evaluateAll((trs) => trs.map((tr) => [
    tr.querySelector('th').innerText.trim(), tr.querySelector('td').innerText.trim(),
  ]));
  assert.ok(table.length >= 5);
  assert.equal(rows.length, table.length + 1);
  table.forEach(([componentLabel, memory], i) => {
    assert.ok(rows[i].startsWith(`| ${componentLabel} | ${memory} |`), `${rows[i]} vs ${componentLabel} ${memory}`);
    assert.match(memory, /GiB|MiB|KiB/);
  });
  assert.ok(rows.at(-1).includes(`**${(await page.locator('#table-total').innerText()).trim()}**`));
  assert.deepEqual(cliResult(JSON.parse(/```json\n([\s\S]*?)\n```/.exec(text)[1])), cliResult(scenario));

  await page.getByRole('button', { name: 'Copy Markdown' }).click();
  await page.getByRole('status').filter({ hasText: 'Markdown table copied.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
  assert.deepEqual(problems, []);
});

test('in Chinese the Markdown table uses the catalog\'s Chinese labels', async () => {
  const { page, problems } = await calculator();
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByText('训练', { exact: true }).waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#export-md').click()]);
  const text = readFileSync(await file.path(), 'utf8');
  const ids = (await shown(page)).components.map(([id]) => id);
  for (const id of ids) assert.ok(text.includes(`| ${label(id).label_zh} |`), `${id}: ${label(id).label_zh}`);
  assert.match(text, /\| 组成部分 \|/);
  await page.getByRole('button', { name: 'English' }).click();
  assert.deepEqual(problems, []);
});
