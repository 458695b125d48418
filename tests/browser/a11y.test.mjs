// Keyboard and screen readers: axe-core's WCAG 2 A/AA rules find nothing serious in either mode,
// in light and dark, with every section open; the calculator is usable with the keyboard alone.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { dist, encodeScenario, gotoCalculator, openPage, useServerAndBrowser, waitForCli } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const { catalog } = await import(`${dist}/memcalc.mjs`);
const { defaults } = await catalog();

const session = useServerAndBrowser();

async function audit(page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await page.addScriptTag({ path: axePath });
  const { violations } = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

for (const [mode, scheme] of [['training', 'light'], ['inference', 'dark']]) {
  test(`no serious accessibility violations: ${mode}, ${scheme}`, async () => {
    const { page, problems } = await openPage(session.browser.context);
    await page.emulateMedia({ colorScheme: scheme });
    await gotoCalculator(page, session.server.url + encodeScenario({ model: defaults.model, mode }));
    assert.deepEqual(await audit(page), []);
    assert.deepEqual(problems, []);
  });
}

test('the keyboard alone changes the mode, an option and the GPU', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, session.server.url);
  // Mode radios: arrow keys move the choice.
  await page.locator('input[name="mode"][value="training"]').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('input[name="mode"][value="inference"]').isChecked(), true);
  // Tab order reaches the batch field after the model controls; type into it.
  await page.getByLabel('Batch size').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('16');
  // The GPU count, by keyboard steps.
  await page.getByLabel('Count', { exact: true }).focus();
  await page.keyboard.press('ArrowUp');
  const scenario = { model: defaults.model, mode: 'inference', inference: { batch_size: 16 }, gpu: { ...defaults.gpu, count: 2 } };
  const outcome = await waitForCli(page, scenario);
  assert.ok(!outcome.mismatch, JSON.stringify(outcome));
  assert.deepEqual(problems, []);
});
