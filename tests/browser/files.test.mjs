// Checkpoint files on the page: picked files and a picked folder read from their headers (the page
// says how little it read), the CLI's numbers for the same files, and the Hub import against a local
// fixture repository with range support (no network), which fails clearly when nothing answers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, encodeScenario, gotoCalculator, openPage, repo, screenshot, useServerAndBrowser, expected, waitForShown } from './harness.mjs';

const session = useServerAndBrowser({ locale: 'en-US', colorScheme: 'light' });
const dir = mkdtempSync(join(tmpdir(), 'memcalc-page-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const written = spawnSync(join(repo, 'build/native-release/tests/memcalc_write_fixtures'), [dir], { encoding: 'utf8' });
assert.equal(written.status, 0, written.stderr);

function cliFor(path) {
  const run = spawnSync(cli, ['--model', path, '--mode', 'inference', '--json'], { encoding: 'utf8' });
  return JSON.parse(run.stdout);
}

async function waitFor(page, want) {
  const outcome = await waitForShown(page, want, 5000);
  if (outcome.mismatch) assert.deepEqual(outcome.got, want);
}

const start = `${encodeScenario({ model: 'llama-3.1-8b', mode: 'inference' })}`;

test('picked GGUF files: their bytes, the CLI\'s numbers, and how little was read', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${start}`);
  await page.locator('#checkpoint summary').click();
  const fixture = join(dir, 'gguf-qwen3moe-q4_k');
  await page.locator('#checkpoint-files').setInputFiles(readdirSync(fixture).map((f) => join(fixture, f)));
  await page.locator('#checkpoint-status.ok').waitFor();
  assert.match(await page.locator('#checkpoint-status').innerText(), /Read .* of .*\(1 files, 27 gguf tensors\); nothing was uploaded\./);
  await waitFor(page, expected(cliFor(fixture)));
  assert.deepEqual(problems, []);
});

test('a picked folder of safetensors shards with their index and config', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${start}`);
  await page.locator('#checkpoint summary').click();
  const fixture = join(dir, 'safetensors-llama-sharded');
  await page.locator('#checkpoint-folder').setInputFiles(fixture);
  await page.locator('#checkpoint-status.ok').waitFor();
  await waitFor(page, expected(cliFor(fixture)));
  await screenshot(page, 'files.png');
  assert.deepEqual(problems, []);
});

test('bad files: the message names the file and the byte', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, `${session.server.url}${start}`);
  await page.locator('#checkpoint summary').click();
  await page.locator('#checkpoint-files').setInputFiles({ name: 'broken.gguf', mimeType: 'application/octet-stream', buffer: Buffer.from('GGUZ and nothing more') });
  await page.locator('#checkpoint-status.error').waitFor();
  assert.match(await page.locator('#checkpoint-status').innerText(), /broken\.gguf: byte 0: not a GGUF file/);
  assert.deepEqual(problems, []);
});

// A Hub repository served from a fixture folder, with range requests, at a made-up endpoint.
async function serveHub(page, endpoint, folder, log) {
  await page.route(`${endpoint}/**`, async (route) => {
    const url = new URL(route.request().url());
    const file = decodeURIComponent(url.pathname.split('/resolve/main/')[1] ?? '');
    const path = join(folder, file);
    let size;
    try { size = statSync(path).size; } catch { return route.fulfill({ status: 404, body: 'not found' }); }
    const range = /bytes=(\d+)-(\d+)/.exec(route.request().headers().range ?? '');
    const body = readFileSync(path);
    if (!range) return route.fulfill({ status: 200, body });
    const [from, to] = [Number(range[1]), Math.min(Number(range[2]), size - 1)];
    log.push(to - from + 1);
    return route.fulfill({ status: 206, headers: { 'Content-Range': `bytes ${from}-${to}/${size}`, 'Access-Control-Expose-Headers': 'Content-Range' },
      body: body.subarray(from, to + 1) });
  });
}

test('the Hub import, against a local fixture repository, only when asked', async () => {
  const { page, problems } = await openPage(session.browser.context);
  const endpoint = 'http://hub.memcalc.test';
  const fixture = join(dir, 'safetensors-llama-sharded');
  const ranges = [];
  const requests = [];
  page.on('request', (r) => { if (r.url().startsWith(endpoint)) requests.push(r.url()); });
  await serveHub(page, endpoint, fixture, ranges);
  await gotoCalculator(page, `${session.server.url}?hub_endpoint=${encodeURIComponent(endpoint)}${start}`);
  assert.deepEqual(requests, [], 'nothing is fetched before the reader asks');
  await page.locator('#checkpoint summary').click();
  await page.getByLabel('From the Hugging Face Hub (only when you ask)').fill(`${endpoint}/memcalc/tiny-llama`);
  await page.getByRole('button', { name: 'Fetch headers' }).click();
  await page.locator('#checkpoint-status.ok').waitFor();
  assert.match(await page.locator('#checkpoint-status').innerText(), /with range requests/);
  await waitFor(page, expected(cliFor(fixture)));
  assert.ok(ranges.every((n) => n < 1 << 20), `ranges ${ranges}`);
  // Nothing answers at another endpoint: a clear message, the files path still there.
  await page.goto(`${session.server.url}?hub_endpoint=${encodeURIComponent('http://127.0.0.1:9')}${start}`);
  await page.waitForSelector('#total[data-total-bytes]');
  await page.locator('#checkpoint summary').click();
  await page.getByLabel('From the Hugging Face Hub (only when you ask)').fill('memcalc/tiny-llama');
  await page.getByRole('button', { name: 'Fetch headers' }).click();
  await page.locator('#checkpoint-status.error').waitFor();
  assert.match(await page.locator('#checkpoint-status').innerText(), /Could not read it from http:\/\/127\.0\.0\.1:9 .*open the files instead/);
  assert.deepEqual(problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED|net::/.test(p)), []);
});
