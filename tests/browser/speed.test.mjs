// Speed beside memory on the page: the core's roofline figures with their assumptions, for inference
// and for training, and the device catalog grouped by class.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliResult, encodeScenario, gotoCalculator, openPage, useServerAndBrowser } from './harness.mjs';

const session = useServerAndBrowser({ locale: 'en-US', colorScheme: 'light' });

test('decode, prefill and time to first token beside the memory, as the CLI gives them', async () => {
  const scenario = { model: 'llama-3.1-8b', mode: 'inference', inference: { weight_dtype: 'q4_k_m' }, gpu: { preset: 'rtx-4090-24gb', count: 1 } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  const cli = cliResult(scenario).performance;
  for (const key of ['decode_tokens_per_s', 'prefill_tokens_per_s', 'time_to_first_token_s'])
    assert.equal(await page.locator(`#speed [data-figure="${key}"]`).getAttribute('data-value'), String(cli[key]), key);
  assert.equal(await page.locator('#speed [data-figure="bound"]').getAttribute('data-value'), 'memory');
  await page.locator('#speed summary').click();
  assert.match(await page.locator('#speed .speed-assumptions').innerText(), /GB\/s/);
  // The device list groups 40 and more accelerators by class.
  const groups = await page.locator('#gpu-card optgroup').evaluateAll((g) => g.map((x) => x.label));
  assert.ok(groups.includes('Data centre') && groups.includes('Unified memory'), groups.join());
  assert.ok(await page.locator('#gpu-card option').count() >= 41);
  assert.deepEqual(problems, []);
});

test('training: step time, tokens per GPU and GPU-hours per billion tokens', async () => {
  const scenario = { model: 'llama-3.1-8b', mode: 'training', training: { seq_len: 8192, batch_size: 2, parallel: { dp: 8, zero: 3 } }, gpu: { preset: 'h100-80gb', count: 8 } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  const cli = cliResult(scenario).performance;
  assert.equal(await page.locator('#speed [data-figure="tokens_per_s"]').getAttribute('data-value'), String(cli.tokens_per_s));
  assert.equal(await page.locator('#speed [data-figure="gpu_hours_per_billion_tokens"]').getAttribute('data-value'), String(cli.gpu_hours_per_billion_tokens));
  assert.deepEqual(problems, []);
});
