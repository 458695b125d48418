// The step as it runs on the page: a column per phase with the core's bytes, the peak marked, what
// was alive at the peak, the new training options under their labels, and pipeline stages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliResult, encodeScenario, gotoCalculator, openPage, screenshot, useServerAndBrowser, waitForCli } from './harness.mjs';

const session = useServerAndBrowser({ locale: 'en-US', colorScheme: 'light' });

test('the phases of a training step, the peak and what is alive at it', async () => {
  const scenario = { model: 'llama-3.2-3b', mode: 'training', training: { batch_size: 2, seq_len: 4096, precision: 'bf16' } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  const cli = cliResult(scenario);
  const columns = page.locator('#timeline .phase');
  assert.equal(await columns.count(), 4);
  assert.deepEqual(await columns.evaluateAll((cs) => cs.map((c) => [c.dataset.phase, c.dataset.bytes])),
    cli.phases.map((p) => [p.id, String(p.bytes)]));
  // A large vocabulary: the loss holds the most.
  assert.equal(cli.peak_phase, 'loss');
  assert.equal(await page.locator('#timeline .phase.peak').getAttribute('data-phase'), 'loss');
  assert.match(await page.locator('#timeline .phase-columns').getAttribute('aria-label'), /peak is in Loss/);
  const alive = await page.locator('#timeline .peak-alive li').evaluateAll((li) => li.map((l) => l.dataset.alive));
  assert.ok(alive.includes('logits') && alive.includes('activations') && !alive.includes('optimizer_temporaries'), alive.join());
  // The chunked loss holds one chunk of the logits: the loss phase shrinks by gigabytes.
  const lossBytes = async () => Number(await page.locator('#timeline .phase[data-phase="loss"]').getAttribute('data-bytes'));
  const before = await lossBytes();
  await page.locator('#advanced summary').click();
  await page.getByLabel('Loss', { exact: true }).selectOption('chunked');
  const chunked = { ...scenario, training: { ...scenario.training, loss: 'chunked' } };
  const outcome = await waitForCli(page, chunked);
  assert.ok(!outcome.mismatch, JSON.stringify(outcome).slice(0, 600));
  assert.ok(before - (await lossBytes()) > 5e9, `${before} → ${await lossBytes()}`);
  await screenshot(page, 'timeline.png');
  assert.deepEqual(problems, []);
});

test('pipeline stages each with their own peak', async () => {
  const scenario = { model: 'llama-3.1-8b', mode: 'training', training: { parallel: { pp: 4 }, gradient_accumulation_steps: 8 } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  const rows = page.locator('#timeline .ranks tbody tr');
  assert.equal(await rows.count(), 3);
  assert.deepEqual(await rows.locator('th').allInnerTexts(), ['pp_stage_0', 'pp_stage_1..2', 'pp_stage_3']);
  const cli = cliResult(scenario);
  assert.deepEqual(await rows.evaluateAll((r) => r.map((x) => x.dataset.bytes)), cli.ranks.map((r) => String(r.total_bytes)));
  assert.deepEqual(problems, []);
});
