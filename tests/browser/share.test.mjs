// Share links: "Copy link" puts a short #s= link on the clipboard that opens to the same numbers;
// the long #scenario= form of CONTRACTS.md §4 still loads; a malformed or tampered hash loads the
// defaults with a visible notice, and nothing in it runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dist, encodeScenario, gotoCalculator, openPage, shown, useServerAndBrowser, waitForCli } from './harness.mjs';

const { catalog } = await import(`${dist}/memcalc.mjs`);
const { defaults, presets, gpus } = await catalog();
const model = defaults.model;
const other = presets.find((p) => p.id !== model && p.config);

const session = useServerAndBrowser({ locale: 'en-US' });

function assertMatch(outcome) {
  assert.ok(!outcome.mismatch, `page ${JSON.stringify(outcome.got)}\n CLI ${JSON.stringify(outcome.want)}`);
}

async function fresh(hash = '') {
  const { page, problems } = await openPage(session.browser.context);
  await gotoCalculator(page, session.server.url + hash);
  return { page, problems };
}

const b64 = (text) => Buffer.from(text).toString('base64url');

test('Copy link: the link on the clipboard opens to the same numbers, and it is short', async () => {
  await session.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.server.url.slice(0, -1) });
  const { page, problems } = await fresh();
  const search = page.getByRole('combobox', { name: 'Search models' });
  await search.fill(other.name);
  await page.getByRole('option', { name: other.name }).click();
  await page.getByText('Inference', { exact: true }).click();
  await page.getByLabel('Context length').fill('65536');
  await page.getByLabel('Batch size').fill('3');
  await page.getByLabel('Card').selectOption(gpus.at(-1).id);
  await page.getByLabel('Count', { exact: true }).fill('4');
  const scenario = { model: other.id, mode: 'inference', inference: { context_len: 65536, batch_size: 3 }, gpu: { preset: gpus.at(-1).id, count: 4 } };
  assertMatch(await waitForCli(page, scenario));
  const before = await shown(page);

  await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('status').filter({ hasText: 'Link copied.' }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(link.startsWith(`${session.server.url}#s=`), link);
  assert.ok(link.length - session.server.url.length < encodeScenario(scenario).length, `${link} is longer than the #scenario= form`);

  const { page: opened, problems: openedProblems } = await fresh(link.slice(session.server.url.length));
  assert.deepEqual(await shown(opened), before);
  assert.ok(before.components.length >= 4 && Number(before.total) > 0);
  assert.equal(await opened.getByLabel('Context length').inputValue(), '65536');
  assert.equal(await opened.locator('#issues [data-notice]').count(), 0);
  assert.deepEqual([...problems, ...openedProblems], []);
});

test('a hand-edited model (config.json) survives the link', async () => {
  const { page, problems } = await fresh();
  await page.locator('#dims summary').click();
  await page.getByLabel('num_hidden_layers', { exact: true }).fill('9');
  const config = presets.find((p) => p.id === model).config;
  assertMatch(await waitForCli(page, { model: { ...config, num_hidden_layers: 9 } }));
  const before = await shown(page);
  await page.waitForFunction(() => location.hash.startsWith('#s=') && atob(location.hash.slice(3).replaceAll('-', '+').replaceAll('_', '/')).includes('"num_hidden_layers":9'));
  const hash = await page.evaluate(() => location.hash);
  const { page: opened } = await fresh(hash);
  assert.deepEqual(await shown(opened), before);
  assert.deepEqual(problems, []);
});

test('the long #scenario= form loads, Unicode and all', async () => {
  const scenario = { model: { ...other.config, num_hidden_layers: 4, note: 'ünï 中文' }, mode: 'training', training: { seq_len: 1024 } };
  const { page, problems } = await fresh(encodeScenario(scenario));
  assertMatch(await waitForCli(page, scenario));
  assert.deepEqual(problems, []);
});

const SCRIPT = '<img src=x onerror="window.__ran=1"><script>window.__ran=2</script>';
const malformed = {
  'bad base64url': '#s=%%%not-base64%%%',
  'base64 of bad JSON': `#s=${b64('{"model": "llama')}`,
  'a JSON array': `#s=${b64('[1, 2, 3]')}`,
  'a JSON string with markup': `#s=${b64(JSON.stringify(SCRIPT))}`,
  'long form, bad JSON': '#scenario=%7B%22model%22%3A',
  'long form, not an object': '#scenario=null',
  'markup as the model': encodeScenario({ model: SCRIPT }),
  'markup as a field and a bad value': `#s=${b64(JSON.stringify({ model, training: { batch_size: -2, [SCRIPT]: SCRIPT } }))}`,
  'a config.json the core rejects': encodeScenario({ model: { hidden_size: -5, num_hidden_layers: SCRIPT } }),
};

for (const [name, hash] of Object.entries(malformed)) {
  test(`a tampered link (${name}) loads the defaults with a notice, and runs nothing`, async () => {
    const { page, problems } = await fresh(hash);
    assertMatch(await waitForCli(page, { model }));
    const notice = page.locator('#issues li.warning[data-notice="hash"]');
    await notice.waitFor();
    assert.ok(await notice.isVisible());
    assert.match(await notice.innerText(), /#scenario in this link/);
    assert.equal(await page.evaluate(() => window.__ran), undefined);
    assert.equal(await page.locator('#issues img, #issues script, body > img').count(), 0);
    assert.equal(await page.evaluate(() => ({}).polluted), undefined);
    // The defaults are shown as a valid page: a total, every field usable, the next edit clears the notice.
    await page.getByLabel('Micro-batch per GPU').fill('2');
    assertMatch(await waitForCli(page, { model, training: { batch_size: 2 } }));
    assert.equal(await notice.count(), 0);
    assert.deepEqual(problems, []);
  });
}

test('the core\'s field errors are named in the notice', async () => {
  const { page, problems } = await fresh(`#s=${b64(JSON.stringify({ model, training: { batch_size: -2 } }))}`);
  assertMatch(await waitForCli(page, { model }));
  const notice = page.locator('#issues li[data-notice="hash"]');
  assert.match(await notice.innerText(), /training\.batch_size/);
  assert.equal(await page.getByLabel('Micro-batch per GPU').inputValue(), String(defaults.training.batch_size));
  assert.deepEqual(problems, []);
});

test('without a clipboard, the link is shown selected to copy by hand', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined });
    document.execCommand = () => false;
  });
  await gotoCalculator(page, `${session.server.url}${encodeScenario({ model, mode: 'inference' })}`);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const field = page.getByRole('textbox', { name: 'Link to this scenario' });
  await field.waitFor();
  assert.match(await page.locator('#share-status').innerText(), /Could not copy/);
  const link = await field.inputValue();
  assert.equal(await page.evaluate(() => document.activeElement.value), link);
  const { page: opened } = await fresh(link.slice(session.server.url.length));
  assertMatch(await waitForCli(opened, { model, mode: 'inference' }));
  assert.deepEqual(problems, []);
});
