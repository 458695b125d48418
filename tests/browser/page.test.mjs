// The calculator page in Debian's Chromium: every number it shows is checked against the CLI's
// result for the same scenario (CONTRACTS.md §3 and §4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dist, encodeScenario, gotoCalculator, launch, openPage, screenshot, shown, useServerAndBrowser, waitForCli } from './harness.mjs';

const { catalog } = await import(`${dist}/memcalc.mjs`);
const { defaults, presets, gpus, components } = await catalog();
const model = defaults.model;
const other = presets.find((p) => p.id !== model && p.config);

const session = useServerAndBrowser({ locale: 'en-US', colorScheme: 'light' });

async function fresh(hash = '', context = session.browser.context) {
  const { page, problems } = await openPage(context);
  await gotoCalculator(page, session.server.url + hash);
  return { page, problems };
}

function assertMatch(outcome) {
  assert.ok(!outcome.mismatch, `page ${JSON.stringify(outcome.got)}\n CLI ${JSON.stringify(outcome.want)}`);
}

test('the page loads and shows the CLI breakdown of the default scenario', async () => {
  const { page, problems } = await fresh();
  assertMatch(await waitForCli(page, { model }));
  const rows = await page.locator('tbody tr[data-component]').count();
  assert.ok(rows >= 5, `${rows} component rows`);
  assert.match(await page.locator('#total').innerText(), /\d/);
  for (const header of ['Memory', 'Share', 'Basis', 'Formula', 'Source']) {
    await page.getByRole('columnheader', { name: header }).waitFor();
  }
  await screenshot(page, 'training.png');
  assert.deepEqual(problems, []);
});

test('changing inputs changes the breakdown to the CLI numbers', async () => {
  const { page, problems } = await fresh();
  await page.getByLabel('Micro-batch per GPU').fill('4');
  assertMatch(await waitForCli(page, { model, training: { batch_size: 4 } }));
  await page.getByLabel('Precision').selectOption('fp32');
  assertMatch(await waitForCli(page, { model, training: { batch_size: 4, precision: 'fp32' } }));

  await page.locator('#advanced summary').click();
  await page.getByLabel('ZeRO stage').fill('3');
  await page.getByLabel('Data parallel').fill('8');
  const training = { batch_size: 4, precision: 'fp32', parallel: { zero: 3, dp: 8 } };
  assertMatch(await waitForCli(page, { model, training }));

  await page.getByText('Inference', { exact: true }).click();
  await page.getByLabel('Context length').fill('32768');
  const gpu = gpus.at(-1);
  await page.getByLabel('Card').selectOption(gpu.id);
  await page.getByLabel('Count', { exact: true }).fill('2');
  const scenario = { model, mode: 'inference', training, inference: { context_len: 32768 }, gpu: { preset: gpu.id, count: 2 } };
  assertMatch(await waitForCli(page, scenario));
  // The 1.5–2.5× rule band is drawn beside the explicit total.
  await page.locator('.bar-row.rule .band').waitFor();
  await screenshot(page, 'inference.png');

  // The GB/GiB switch changes the text, not the numbers.
  const before = await shown(page);
  await page.getByRole('button', { name: 'GiB' }).click();
  assert.match(await page.locator('#total').innerText(), /GiB/);
  assert.deepEqual(await shown(page), before);
  await page.getByRole('button', { name: 'GB', exact: true }).click();

  // The page keeps its scenario in the hash (#s=, base64url JSON): reading it back gives the same numbers.
  await page.waitForFunction(() => location.hash.startsWith('#s=')
    && atob(location.hash.slice(3).replaceAll('-', '+').replaceAll('_', '/')).includes('32768'));
  const fromHash = JSON.parse(Buffer.from((await page.evaluate(() => location.hash)).slice(3), 'base64url').toString('utf8'));
  assert.equal(fromHash.inference.context_len, 32768);
  assertMatch(await waitForCli(page, fromHash));
  assert.deepEqual(problems, []);
});

test('the preset picker is searchable and works from the keyboard', async () => {
  const { page, problems } = await fresh();
  const search = page.getByRole('combobox', { name: 'Search models' });
  await search.focus();
  await page.keyboard.type(other.name);
  await page.getByRole('option', { name: other.name }).waitFor();
  await page.keyboard.press('Enter');
  assertMatch(await waitForCli(page, { model: other.id }));
  assert.equal(await search.inputValue(), other.name);
  assert.equal(await search.getAttribute('aria-expanded'), 'false');
  assert.deepEqual(problems, []);
});

test('hand-edited dimensions become a config.json model', async () => {
  const { page, problems } = await fresh();
  await page.locator('#dims summary').click();
  await page.getByLabel('num_hidden_layers', { exact: true }).fill('7');
  const config = presets.find((p) => p.id === model).config;
  assertMatch(await waitForCli(page, { model: { ...config, num_hidden_layers: 7 } }));
  assert.deepEqual(problems, []);
});

test('a config.json import works by paste, file and drop; a malformed one gets a message', async () => {
  const { page, problems } = await fresh();
  await page.locator('#import summary').click();
  const config = { ...other.config, num_hidden_layers: 5 };
  await page.getByLabel('config.json text').fill(JSON.stringify(config));
  await page.getByRole('button', { name: 'Use this config' }).click();
  assertMatch(await waitForCli(page, { model: config }));
  assert.match(await page.locator('#config-status').getAttribute('class'), /ok|warning/);

  // Malformed JSON: a message, and the numbers stay as they were.
  const shownBefore = await shown(page);
  await page.getByLabel('config.json text').fill('{"hidden_size": 4096,');
  await page.getByRole('button', { name: 'Use this config' }).click();
  await page.locator('#config-status.error').waitFor();
  assert.match(await page.locator('#config-status').innerText(), /JSON/);
  assert.deepEqual(await shown(page), shownBefore);

  // Valid JSON the core cannot use: its errors, and no total that pretends to be right.
  await page.getByLabel('config.json text').fill('{"hidden_size": -5}');
  await page.getByRole('button', { name: 'Use this config' }).click();
  await page.locator('#config-status.error li').first().waitFor();
  assert.match(await page.locator('#config-status').innerText(), /model/);
  assert.equal(await page.locator('[data-total-bytes]').count(), 0);

  // From a file.
  const fromFile = { ...other.config, num_hidden_layers: 3 };
  await page.locator('#config-file').setInputFiles({
    name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(fromFile)),
  });
  assertMatch(await waitForCli(page, { model: fromFile }));

  // Dropped on the page.
  const dropped = { ...other.config, num_hidden_layers: 2 };
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'config.json', { type: 'application/json' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, JSON.stringify(dropped));
  assertMatch(await waitForCli(page, { model: dropped }));
  assert.deepEqual(problems, []);
});

test('the #scenario= hash loads, and a malformed one gets a notice', async () => {
  const scenario = {
    model: other.id, mode: 'inference',
    inference: { batch_size: 8, context_len: 16384, kv_dtype: 'fp8' },
    gpu: { preset: gpus[0].id, count: 2 },
  };
  const { page, problems } = await fresh(encodeScenario(scenario));
  assertMatch(await waitForCli(page, scenario));
  assert.equal(await page.getByText('Inference', { exact: true }).locator('..').locator('input').isChecked(), true);
  assert.equal(await page.getByLabel('Batch size').inputValue(), '8');
  assert.equal(await page.getByRole('combobox', { name: 'Search models' }).inputValue(), other.name);

  await gotoCalculator(page, `${session.server.url}#scenario=%7Bnot-json`);
  assertMatch(await waitForCli(page, { model }));
  await page.locator('#issues li.warning', { hasText: '#scenario' }).waitFor();
  assert.deepEqual(problems, []);
});

test('Chinese renders, picked from the browser and switchable', async () => {
  const zh = await launch({ locale: 'zh-CN', colorScheme: 'light' });
  try {
    const { page, problems } = await fresh('', zh.context);
    assertMatch(await waitForCli(page, { model }));
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    const first = await page.locator('tbody tr[data-component]').first();
    const id = await first.getAttribute('data-component');
    const label = components.find((c) => c.id === id).label_zh;
    assert.match(await first.locator('th').innerText(), new RegExp(label));
    await page.getByText('训练', { exact: true }).waitFor();
    await screenshot(page, 'training-zh.png');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Training', { exact: true }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.deepEqual(problems, []);
  } finally {
    await zh.close();
  }
});

test('dark mode follows the system and the toggle', async () => {
  const dark = await launch({ locale: 'en-US', colorScheme: 'dark' });
  const luminance = (page) => page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
  try {
    const { page, problems } = await fresh(encodeScenario({ model, mode: 'inference' }), dark.context);
    assertMatch(await waitForCli(page, { model, mode: 'inference' }));
    assert.ok(await luminance(page) < 0.2, 'dark background');
    await screenshot(page, 'inference-dark.png');
    await page.locator('#theme').click(); // auto → light
    assert.ok(await luminance(page) > 0.8, 'light background after the toggle');
    await page.locator('#theme').click(); // light → dark
    assert.ok(await luminance(page) < 0.2, 'dark again');
    assert.deepEqual(problems, []);
  } finally {
    await dark.close();
  }
});

test('phone width: no sideways scrolling, the chart draws', async () => {
  const phone = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const { page, problems } = await fresh('', phone.context);
    assertMatch(await waitForCli(page, { model }));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
    await page.locator('#chart').scrollIntoViewIfNeeded();
    await page.locator('#chart[data-ready] canvas').waitFor();
    await page.getByRole('button', { name: 'Batch size' }).click();
    await page.locator('#chart[data-ready]').waitFor();
    await screenshot(page, 'training-phone.png');
    assert.deepEqual(problems, []);
  } finally {
    await phone.close();
  }
});
