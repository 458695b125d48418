// The architectures of 2025–26 on the page: one config.json of every preset family pasted into the
// import box gives the CLI's numbers; the layer strip draws the layout the core reads; the picker
// groups the presets by family.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dist, encodeScenario, gotoCalculator, openPage, screenshot, useServerAndBrowser, waitForCli } from './harness.mjs';

const { catalog, estimate } = await import(`${dist}/memcalc.mjs`);
const { presets } = await catalog();
const families = new Map();
for (const p of presets) if (!families.has(p.family)) families.set(p.family, p);

const session = useServerAndBrowser({ locale: 'en-US', colorScheme: 'light' });

function assertMatch(outcome, what) {
  assert.ok(!outcome.mismatch, `${what}: page ${JSON.stringify(outcome.got)}\n CLI ${JSON.stringify(outcome.want)}`);
}

test('a config.json of every family, pasted, gives the CLI numbers', async () => {
  assert.ok(families.size >= 15, `${families.size} families`);
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario({ model: presets[0].id, mode: 'inference' })}`);
  await page.locator('#import summary').click();
  for (const [family, preset] of families) {
    await page.getByLabel('config.json text').fill(JSON.stringify(preset.config));
    await page.getByRole('button', { name: 'Use this config' }).click();
    assertMatch(await waitForCli(page, { model: preset.config, mode: 'inference' }), family);
  }
  assert.deepEqual(problems, []);
});

test('the layer strip shows which layers keep KV and which keep state', async () => {
  const hybrid = presets.find((p) => p.id === 'qwen3.5-27b');
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario({ model: hybrid.id, mode: 'inference' })}`);
  const result = await estimate({ model: hybrid.id, mode: 'inference' });
  const layers = result.layers.reduce((n, run) => n + run.count, 0);
  const strip = page.locator('#layers .layer-cells');
  await strip.waitFor();
  assert.equal(await strip.locator('.layer').count(), layers);
  assert.equal(await strip.locator('.layer.k-recurrent').count(), 48);     // Gated DeltaNet layers
  assert.equal(await strip.locator('.layer.k-full_attention').count(), 16); // every 4th layer
  assert.match(await strip.getAttribute('aria-label'), /64 layers: .*recurrent state.*full attention/);
  // Its state is a component of its own, with the formula behind it.
  await page.locator('tr[data-component="recurrent_state"]').waitFor();
  await screenshot(page, 'layers.png');
  assert.deepEqual(problems, []);
});

test('the picker groups presets by family and shows release years', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, session.server.url);
  await page.getByRole('combobox', { name: 'Search models' }).focus();
  await page.keyboard.press('ArrowDown');
  const groups = await page.locator('#model-list li.group').allInnerTexts();
  assert.ok(groups.length >= 15, `${groups.length} family headers`);
  assert.equal(new Set(groups).size, groups.length, 'each family once');
  const option = page.getByRole('option', { name: /gpt-oss-120b/ });
  assert.match(await option.innerText(), /2025/);
  await page.keyboard.type('nemotron');
  const headers = await page.locator('#model-list li.group').allInnerTexts();
  assert.deepEqual(headers.map((h) => h.toLowerCase()), ['nemotron']);
  assert.deepEqual(problems, []);
});
