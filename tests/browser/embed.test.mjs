// dist/embed.html, the iframe form of <llm-memory-calculator>: the URL hash sets its attributes
// (#scenario=<encodeURIComponent(JSON)> or #model=…&mode=…&compact), no inline script, and it runs
// under its own strict CSP and under a stricter one sent as a header.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliResult, dist, encodeScenario, expected, openPage, useServerAndBrowser } from './harness.mjs';

const session = useServerAndBrowser();
const embedUrl = (hash) => `${session.server.url}embed.html${hash}`;

async function openEmbed(hash, { policy } = {}) {
  const { page, problems } = await openPage(session.browser.context);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (policy) {
    await page.route(/embed\.html/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
    });
  }
  await page.goto(embedUrl(hash));
  await page.waitForFunction(() => document.querySelector('llm-memory-calculator').result);
  return { page, problems };
}

function shown(page) {
  return page.$eval('llm-memory-calculator', (e) => ({
    total: e.shadowRoot.querySelector('[data-total-bytes]')?.dataset.totalBytes ?? null,
    components: [...e.shadowRoot.querySelectorAll('[data-component]')].map((r) => [r.dataset.component, r.dataset.bytes]),
  }));
}

async function assertShowsCli(page, scenario) {
  const want = cliResult(scenario);
  assert.deepEqual(await page.$eval('llm-memory-calculator', (e) => e.result), want);
  assert.deepEqual(await shown(page), expected(want));
}

const inputCount = (page) => page.$eval('llm-memory-calculator', (e) => e.shadowRoot.querySelectorAll('[data-path]').length);

test('embed.html has no inline script and a strict policy of its own', () => {
  const html = readFileSync(join(dist, 'embed.html'), 'utf8');
  for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(attributes, /\bsrc="\.\//);
    assert.equal(body.trim(), '');
  }
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'inline event handler');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(html, /<script src="\.\/llm-memory-calculator\.js"><\/script>/);
});

test('#scenario= shows the CLI numbers for that scenario', async () => {
  const scenario = {
    model: 'mixtral-8x7b', mode: 'training',
    training: { batch_size: 2, seq_len: 2048, finetune: 'qlora', recompute: 'full' }, gpu: { preset: 'h100-80gb', count: 2 },
  };
  const { page, problems } = await openEmbed(encodeScenario(scenario));
  await assertShowsCli(page, scenario);
  // The element fills the frame's width.
  const widths = await page.evaluate(() => [document.querySelector('llm-memory-calculator').getBoundingClientRect().width, innerWidth]);
  assert.equal(widths[0], widths[1]);
  assert.deepEqual(problems, []);
});

test('hash parameters: model, mode, compact; a new hash updates the element', async () => {
  const { page, problems } = await openEmbed('#model=qwen3-8b&mode=inference&compact');
  await assertShowsCli(page, { model: 'qwen3-8b', mode: 'inference' });
  const compact = await inputCount(page);
  assert.equal(await page.$eval('llm-memory-calculator', (e) => e.compact), true);

  await page.evaluate(() => { location.hash = '#model=qwen3-8b&mode=training&unit=GiB'; });
  await page.waitForFunction(() => document.querySelector('llm-memory-calculator').result.components[0].id === 'parameters');
  await assertShowsCli(page, { model: 'qwen3-8b', mode: 'training' });
  assert.ok(await inputCount(page) > compact);
  assert.match(await page.locator('[part="total"]').innerText(), /GiB/);

  // Both forms at once: the model parameter overrides the scenario's.
  const scenario = { model: 'gpt2', mode: 'inference', inference: { batch_size: 8 } };
  await page.evaluate((hash) => { location.hash = hash; }, `${encodeScenario(scenario)}&model=gpt2-medium`);
  await page.waitForFunction(() => document.querySelector('llm-memory-calculator').result.components[0].id === 'weights');
  await assertShowsCli(page, { ...scenario, model: 'gpt2-medium' });
  assert.deepEqual(problems, []);
});

test('a bad #scenario shows the problem inside the frame', async () => {
  const { page, problems } = await openEmbed('#scenario=%7Bnot%20json');
  assert.match(await page.locator('[part="issues"]').innerText(), /scenario\s+invalid JSON/);
  assert.deepEqual(problems, []);
});

test('embed.html works under a strict CSP sent as a header too', async () => {
  const policy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    + "connect-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";
  const scenario = { model: 'llama-3.1-8b', mode: 'inference', inference: { context_len: 131072, kv_dtype: 'fp8' } };
  const { page, problems } = await openEmbed(encodeScenario(scenario), { policy });
  await assertShowsCli(page, scenario);
  assert.deepEqual(problems, []);
});
