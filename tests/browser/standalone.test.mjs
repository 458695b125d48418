// dist/memcalc-standalone.html opened from file://: one file, no request for anything else, the
// CLI's numbers, and the page's features (inputs, hash, chart, Chinese, export) all working there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, encodeScenario, launch, openPage, shown, waitForCli } from './harness.mjs';

const file = join(dist, 'memcalc-standalone.html');
const url = pathToFileURL(file).href;
const html = readFileSync(file, 'utf8');
const { catalog } = await import(`${dist}/memcalc.mjs`);
const { defaults, presets } = await catalog();
const model = defaults.model;

let browser;
const requests = [];
before(async () => {
  browser = await launch({ locale: 'en-US' });
  browser.context.on('request', (request) => requests.push(request.url()));
});
after(() => browser?.close());

function assertMatch(outcome) {
  assert.ok(!outcome.mismatch, `page ${JSON.stringify(outcome.got)}\n CLI ${JSON.stringify(outcome.want)}`);
}

async function open(hash = '') {
  const { page, problems } = await openPage(browser.context);
  await page.goto(url + hash);
  await page.waitForSelector('#total[data-total-bytes]');
  return { page, problems };
}

test('one file: a single classic inline script, inline CSS, no module, no manifest, no service worker', () => {
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, ['']);
  assert.doesNotMatch(html, /type="module"|rel="(stylesheet|manifest|modulepreload|preload)"/);
  assert.doesNotMatch(html, /\b(src|href)="(?!data:|#|https?:\/\/)[^"]+"/, 'no reference to a file beside it');
  assert.doesNotMatch(html, /sw\.js|serviceWorker\.register/);
  assert.match(html, /<style>/);
  assert.match(html, /"AGFzbQ[A-Za-z0-9+/]{1000,}=*"/, 'the wasm binary, inlined as base64 ("\\0asm...")');
});

test('from file:// it shows the CLI\'s numbers for a scenario and follows the inputs', async () => {
  const scenario = { model: presets.find((p) => p.id !== model).id, mode: 'inference', inference: { context_len: 16384, weight_dtype: 'int4' } };
  const { page, problems } = await open(encodeScenario(scenario));
  assertMatch(await waitForCli(page, scenario));
  await page.getByLabel('Batch size').fill('6');
  assertMatch(await waitForCli(page, { ...scenario, inference: { ...scenario.inference, batch_size: 6 } }));
  assert.equal(await page.evaluate(() => location.protocol), 'file:');
  assert.deepEqual(problems, []);
});

test('the chart, Chinese and the short hash work from the one file', async () => {
  const { page, problems } = await open();
  assertMatch(await waitForCli(page, { model }));
  await page.locator('#chart').scrollIntoViewIfNeeded();
  await page.locator('#chart[data-ready] canvas').waitFor();
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByText('训练', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel('Sequence length', { exact: true }).fill('2048');
  assertMatch(await waitForCli(page, { model, training: { seq_len: 2048 } }));
  await page.waitForFunction(() => location.hash.startsWith('#s=')
    && atob(location.hash.slice(3).replaceAll('-', '+').replaceAll('_', '/')).includes('"seq_len":2048'));
  const before = await shown(page);
  const { page: again } = await open(await page.evaluate(() => location.hash));
  assert.deepEqual(await shown(again), before);
  assert.deepEqual(problems, []);
});

test('exports download from the one file', async () => {
  const { page, problems } = await open();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  const back = JSON.parse(readFileSync(await file.path(), 'utf8'));
  assert.equal(String(back.result.total_bytes), (await shown(page)).total);
  assert.deepEqual(problems, []);
});

test('nothing was requested but the file itself (and data: URLs)', () => {
  assert.ok(requests.length > 0, 'requests were recorded');
  const elsewhere = requests.filter((r) => !r.startsWith('file:') && !r.startsWith('data:') && !r.startsWith('blob:'));
  assert.deepEqual(elsewhere, []);
  const files = new Set(requests.filter((r) => r.startsWith('file:')).map((r) => r.split('#')[0]));
  assert.deepEqual([...files], [url]);
});
