// The engine view on the page: the picker and each engine's options under its own flags, the result
// as the engine would log it (the same lines and figures as the CLI), and llama.cpp's split table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliResult, encodeScenario, gotoCalculator, openPage, screenshot, useServerAndBrowser, waitForCli } from './harness.mjs';

const session = useServerAndBrowser({ locale: 'en-US', colorScheme: 'dark' });

test('vLLM: its flags with their defaults, the start-up lines and figures the CLI prints', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario({ model: 'llama-3.1-8b', mode: 'inference' })}`);
  await page.getByLabel('Sized the way this engine does it').selectOption('vllm');
  // Each option under the engine's flag, holding the engine's default.
  const utilization = page.getByLabel('--gpu-memory-utilization');
  assert.equal(await utilization.inputValue(), '0.9');
  await page.getByLabel('--max-model-len').fill('32768');
  await page.getByLabel('--max-num-seqs').fill('64');
  const scenario = { model: 'llama-3.1-8b', mode: 'inference', inference: { engine: { name: 'vllm', max_model_len: 32768, max_num_seqs: 64 } } };
  const outcome = await waitForCli(page, scenario);
  assert.ok(!outcome.mismatch, JSON.stringify(outcome));
  const cli = cliResult(scenario).engine;
  const lines = await page.locator('#engine .engine-lines code').allInnerTexts();
  assert.deepEqual(lines, cli.log.map((l) => l.text));
  assert.ok(lines.some((l) => /^GPU KV cache size: [\d,]+ tokens$/.test(l)), lines.join('\n'));
  const tokens = page.locator('#engine [data-figure="kv_cache_tokens"]');
  assert.equal(await tokens.getAttribute('data-value'), String(cli.kv_cache_tokens));
  assert.equal(await page.locator('#engine [data-figure="max_concurrency"]').getAttribute('data-value'), String(cli.max_concurrency));
  // A setting that cannot start says so, in vLLM's words.
  await utilization.fill('0.2');
  await page.locator('#engine [data-figure="starts"]').waitFor();
  assert.match(await page.locator('#engine .engine-headline').innerText(), /Does not start/);
  await screenshot(page, 'engine-vllm.png');
  assert.deepEqual(problems, []);
});

test('llama.cpp: -ngl splits the layers between GPU and CPU, shown as a table', async () => {
  const scenario = { model: 'qwen3-30b-a3b', mode: 'inference', inference: { weight_dtype: 'q4_k_m',
    engine: { name: 'llamacpp', n_ctx: 65536, n_gpu_layers: 30, cache_type_k: 'q8_0', cache_type_v: 'q8_0' } },
  gpu: { preset: 'rtx-4090-24gb', count: 1 } };
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario(scenario)}`);
  assert.equal(await page.getByLabel('--n-gpu-layers').inputValue(), '30');
  assert.equal(await page.getByLabel('--cache-type-k').inputValue(), 'q8_0');
  const outcome = await waitForCli(page, scenario);
  assert.ok(!outcome.mismatch, JSON.stringify(outcome));
  const rows = page.locator('#engine .engine-split tbody tr');
  assert.equal(await rows.count(), 2);
  assert.deepEqual(await rows.locator('th').allInnerTexts(), ['CUDA0', 'CPU']);
  assert.match(await rows.nth(0).innerText(), /30/);
  assert.ok(Number(await page.locator('#engine [data-figure="limit_n_gpu_layers"]').getAttribute('data-value')) >= 30);
  // Back to the explicit estimate: the engine view goes away.
  await page.getByLabel('Sized the way this engine does it').selectOption('generic');
  await page.locator('#engine').waitFor({ state: 'hidden' });
  assert.deepEqual(problems, []);
});

test('the engine options are keyboard reachable and labelled', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${encodeScenario({ model: 'qwen3-8b', mode: 'inference', inference: { engine: { name: 'sglang' } } })}`);
  const picker = page.getByLabel('Sized the way this engine does it');
  await picker.focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert.match(focused, /^engine-/);
  assert.match(await page.locator('#engine-defaults').innerText(), /SGLang/);
  assert.deepEqual(problems, []);
});
