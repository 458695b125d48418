// The page in the reader's hands: what makes a scenario fit (and a click that makes it fit), the room
// a fitting one leaves, pinned scenarios side by side (in the link and the exports), the longest
// context stopping at the model's, the total in view on a phone, and the table inside its card at 1280 px.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliResult, encodeScenario, gotoCalculator, launch, openPage, serve, settled, useServerAndBrowser } from './harness.mjs';

const session = useServerAndBrowser({ locale: 'en-US', colorScheme: 'light' });

test('a scenario that does not fit lists what makes it fit, as the CLI does; Apply makes it fit', async () => {
  // Llama 3.1 70B in bf16 (141 GB of weights) on one H100.
  const scenario = { model: 'llama-3.1-70b', mode: 'inference', inference: { context_len: 8192 }, gpu: { preset: 'h100-80gb', count: 1 } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  assert.equal(await page.locator('#fit').getAttribute('data-fits'), 'false');
  const cli = cliResult(scenario).suggestions;
  assert.ok(cli.length >= 2);
  const items = page.locator('#suggestions li[data-suggestion]');
  assert.equal(await items.count(), cli.length);
  assert.equal(await page.locator('#suggestions h3').innerText(), 'What makes it fit');
  for (const [i, s] of cli.entries()) {
    assert.equal(await items.nth(i).getAttribute('data-new-total'), String(s.total_bytes));
    assert.match(await items.nth(i).innerText(), new RegExp(s.label.replace(/[()]/g, '.')));
  }
  // One click: the change lands in the form and the scenario fits with the total the suggestion gave.
  const first = cli[0];
  await items.nth(0).getByRole('button', { name: 'Apply' }).click();
  await settled(page);
  assert.equal(await page.locator('#fit').getAttribute('data-fits'), 'true');
  assert.equal(await page.locator('#total').getAttribute('data-total-bytes'), String(first.total_bytes));
  assert.match(await page.locator('#suggestions .suggest-status').textContent(), /Applied/);
  // Focus stays in the list's heading, not lost to <body>.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'suggestions-title');
  assert.deepEqual(problems, []);
});

test('a scenario that fits shows the room it leaves; applying it still fits', async () => {
  const scenario = { model: 'llama-3.1-8b', mode: 'inference', inference: { context_len: 4096, batch_size: 1 }, gpu: { preset: 'h100-80gb', count: 1 } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  assert.equal(await page.locator('#suggestions h3').innerText(), 'Room to spare');
  const cli = cliResult(scenario).suggestions;
  const batch = cli.find((s) => 'inference.batch_size' in s.change);
  const item = page.locator(`#suggestions li[data-new-total="${batch.total_bytes}"]`);
  await item.getByRole('button', { name: 'Apply' }).click();
  await settled(page);
  assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), String(batch.change['inference.batch_size']));
  assert.equal(await page.locator('#fit').getAttribute('data-fits'), 'true');
  assert.deepEqual(problems, []);
});

test('the longest context stops at the model\'s and says so; a longer setting is warned', async () => {
  // Llama 3.1 8B: max_position_embeddings 131072 (meta-llama/Llama-3.1-8B config.json); an H100 holds more.
  const scenario = { model: 'llama-3.1-8b', mode: 'inference', inference: { context_len: 4096 }, gpu: { preset: 'h100-80gb', count: 1 } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  const limit = page.locator('#limits [data-limit="max_seq_len"]');
  assert.equal(await limit.getAttribute('data-value'), '131072');
  assert.equal(await limit.getAttribute('data-capped'), 'true');
  assert.match(await limit.innerText(), /the model's longest/);
  await page.getByLabel('Context length', { exact: true }).fill('200000');
  await settled(page);
  const field = page.locator('.field[data-path="inference.context_len"] .error');
  assert.match(await field.innerText(), /max_position_embeddings \(131,072\)/);
  assert.deepEqual(problems, []);
});

test('compare: pinned scenarios stand beside the current one, in the link and in the exports', async () => {
  const context = session.browser.context;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.server.url.slice(0, -1) });
  const h100 = { model: 'llama-3.1-8b', mode: 'inference', inference: { weight_dtype: 'q4_k_m' }, gpu: { preset: 'h100-80gb', count: 1 } };
  const rtx = { ...h100, gpu: { preset: 'rtx-4090-24gb', count: 1 } };
  const { page, problems } = await openPage(context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(h100)}`);
  assert.equal(await page.locator('#compare').isHidden(), true);
  await page.getByRole('button', { name: 'Pin for comparison' }).click();
  await page.locator('#gpu-card').selectOption('rtx-4090-24gb');
  await settled(page);
  const totals = () => page.locator('#compare [data-row="total"] td').evaluateAll((tds) => tds.map((td) => td.dataset.total));
  const want = [String(cliResult(h100).total_bytes), String(cliResult(rtx).total_bytes)];
  assert.deepEqual(await totals(), want);
  assert.equal(await page.locator('#compare [data-row="fits"] td').count(), 2);

  // The link carries the pin; opening it shows the same comparison.
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#s=[A-Za-z0-9_-]+&p=[A-Za-z0-9_-]+$/);
  const other = await openPage(context);
  await gotoCalculator(other.page, link);
  assert.deepEqual(await other.page.locator('#compare [data-row="total"] td').evaluateAll((tds) => tds.map((td) => td.dataset.total)), want);

  // The Markdown export has the comparison table; the JSON export the pinned scenario and its result.
  await page.getByRole('button', { name: 'Copy Markdown' }).click();
  await page.waitForFunction(() => /Markdown/.test(document.querySelector('#share-status').textContent));
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(md, /\*\*Compare\*\*/);
  assert.match(md, /\| \| Pinned 1 \| Now \|/);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download JSON' }).click();
  const json = JSON.parse(await (await (await download).createReadStream()).toArray().then((c) => Buffer.concat(c).toString()));
  assert.equal(json.pinned.length, 1);
  assert.equal(json.pinned[0].result.total_bytes, cliResult(h100).total_bytes);

  // Edit loads the pinned one; remove empties the comparison.
  await page.getByRole('button', { name: 'Edit pinned 1' }).click();
  await settled(page);
  assert.equal(await page.locator('#total').getAttribute('data-total-bytes'), want[0]);
  await page.getByRole('button', { name: 'Remove pinned 1' }).click();
  assert.equal(await page.locator('#compare').isHidden(), true);
  assert.deepEqual(problems, []);
  assert.deepEqual(other.problems, []);
});

test('phone: the total and the fit stay in view while the inputs scroll, and lead to the results', async () => {
  const server = await serve();
  const phone = await launch({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
  try {
    const { page, problems } = await openPage(phone.context);
    await gotoCalculator(page, server.url);
    await page.getByLabel('Sequence length', { exact: true }).focus();
    const pocket = page.locator('#pocket');
    await pocket.waitFor({ state: 'visible' });
    const box = await pocket.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 844, `in view: ${JSON.stringify(box)}`);
    assert.equal(await pocket.getAttribute('data-total'), await page.locator('#total').getAttribute('data-total-bytes'));
    assert.match(await pocket.getAttribute('aria-label'), /per GPU/);
    // Typing changes it at once.
    await page.getByLabel('Sequence length', { exact: true }).fill('3000');
    assert.equal(await pocket.getAttribute('data-total'), await page.locator('#total').getAttribute('data-total-bytes'));
    // No sideways scrolling, and the bar leads to the results.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
    await pocket.click();
    await page.waitForFunction(() => document.querySelector('#total').getBoundingClientRect().top < innerHeight);
    await pocket.waitFor({ state: 'hidden' });
    assert.deepEqual(problems, []);
  } finally {
    await phone.close();
    server.close();
  }
});

test('1280 px: the breakdown table stays inside its card for every engine', async () => {
  const scenarios = [
    { model: 'llama-3.1-8b', mode: 'inference' },
    { model: 'qwen3-32b', mode: 'inference', inference: { engine: { name: 'vllm' } } },
    { model: 'deepseek-v3', mode: 'inference', inference: { engine: { name: 'sglang' } } },
    { model: 'qwen3-32b', mode: 'inference', inference: { engine: { name: 'llamacpp' } } },
    { model: 'gpt-oss-20b', mode: 'inference', inference: { engine: { name: 'transformers' } } },
    { model: 'qwen3-next-80b-a3b', mode: 'training', training: { parallel: { pp: 4, dp: 2 } } },
  ];
  const { page, problems } = await openPage(session.browser.context);
  await page.setViewportSize({ width: 1280, height: 900 });
  for (const scenario of scenarios) {
    await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
    const m = await page.evaluate(() => {
      const wrap = document.querySelector('#breakdown').parentElement;
      const card = document.querySelector('#results').getBoundingClientRect();
      const cells = [...document.querySelectorAll('#breakdown td.source, #breakdown td.formula')].map((td) => td.getBoundingClientRect().right);
      return { scroll: wrap.scrollWidth, client: wrap.clientWidth, right: Math.max(...cells), card: card.right };
    });
    assert.ok(m.scroll <= m.client, `${JSON.stringify(scenario)}: the table scrolls sideways (${m.scroll} > ${m.client})`);
    assert.ok(m.right <= m.card, `${JSON.stringify(scenario)}: a cell ends outside the card`);
  }
  assert.deepEqual(problems, []);
});
