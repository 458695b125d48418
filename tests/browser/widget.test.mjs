// <llm-memory-calculator> (dist/llm-memory-calculator.js) on examples/docs-page.html, copied next to the
// built files as a docs site would hold them, under the page's own strict CSP (script-src 'self'
// 'wasm-unsafe-eval'): the CLI's numbers, attributes and properties, the memcalc-change event, fallback
// content, isolation from the host page, theming, the compact form, errors and accessibility.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliResult, dist, expected, launch, openPage, repo, serve } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WIDGET_FILES = ['llm-memory-calculator.js', 'embed.html', 'embed.js'];

const session = {};
before(async () => {
  session.site = mkdtempSync(join(tmpdir(), 'memcalc-docs-'));
  copyFileSync(join(repo, 'examples/docs-page.html'), join(session.site, 'docs-page.html'));
  for (const name of WIDGET_FILES) copyFileSync(join(dist, name), join(session.site, name));
  // axe-core from the same origin: the page's CSP allows no inline script.
  copyFileSync(axePath, join(session.site, 'axe.min.js'));
  writeFileSync(join(session.site, 'blank.html'), '<!doctype html><link rel="icon" href="data:,"><title>blank</title><p>A page without scripts.</p>');
  session.server = await serve(session.site, 'docs-page.html');
  session.browser = await launch();
});
after(async () => {
  await session.browser?.close();
  session.server?.close();
  rmSync(session.site, { recursive: true, force: true });
});

const docsUrl = () => `${session.server.url}docs-page.html`;

/** The docs page with both elements showing a result; CSP violations are collected. */
async function openDocs({ colorScheme } = {}) {
  const { page, problems } = await openPage(session.browser.context);
  if (colorScheme) await page.emulateMedia({ colorScheme });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
    // Counts WebAssembly instantiations (the elements of a page share one).
    const original = WebAssembly.instantiate;
    const counted = function instantiate(...args) {
      counted.calls += 1;
      return original.apply(this, args);
    };
    counted.calls = 0;
    WebAssembly.instantiate = counted;
  });
  await page.goto(docsUrl());
  await page.waitForFunction(() => [...document.querySelectorAll('llm-memory-calculator')].every((e) => e.result));
  return { page, problems };
}

/** The scenario an element's attributes describe (what the CLI is given). */
async function scenarioOf(page, selector) {
  const attributes = await page.$eval(selector, (e) => ({ scenario: e.getAttribute('scenario'), model: e.getAttribute('model'), mode: e.getAttribute('mode') }));
  const scenario = attributes.scenario ? JSON.parse(attributes.scenario) : {};
  if (attributes.model) scenario.model = attributes.model;
  if (attributes.mode) scenario.mode = attributes.mode;
  return scenario;
}

/** What an element shows: the total and each component's row, from inside its shadow root. */
function shownIn(page, selector) {
  return page.$eval(selector, (e) => ({
    total: e.shadowRoot.querySelector('[data-total-bytes]')?.dataset.totalBytes ?? null,
    components: [...e.shadowRoot.querySelectorAll('[data-component]')].map((r) => [r.dataset.component, r.dataset.bytes]),
  }));
}

/** Records every memcalc-change that reaches the document. */
function recordEvents(page) {
  return page.evaluate(() => {
    const seen = [];
    document.addEventListener('memcalc-change', (e) => seen.push({
      target: e.target.id, bubbles: e.bubbles, composed: e.composed, detail: JSON.parse(JSON.stringify(e.detail)),
      sameAsResult: e.detail === e.target.result,
    }));
    Object.defineProperty(document, 'memcalcEvents', { value: seen });
  });
}

/** The events recorded so far, once `count` have arrived and a little more time has passed for extras. */
async function eventsAfter(page, count) {
  await page.waitForFunction((n) => document.memcalcEvents.length >= n, count);
  await page.waitForTimeout(150);
  return page.evaluate(() => document.memcalcEvents.splice(0));
}

async function assertShowsCli(page, selector, scenario) {
  const want = cliResult(scenario);
  assert.deepEqual(await page.$eval(selector, (e) => e.result), want, `${selector}: .result is the CLI's`);
  assert.deepEqual(await shownIn(page, selector), expected(want), `${selector}: the rows show the CLI's bytes`);
  return want;
}

test('the docs page has a strict CSP and no inline script', () => {
  const html = readFileSync(join(repo, 'examples/docs-page.html'), 'utf8');
  assert.match(html, /http-equiv="Content-Security-Policy" content="script-src 'self' 'wasm-unsafe-eval'/);
  for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(attributes, /\bsrc=/);
    assert.equal(body.trim(), '');
  }
});

test('two elements on the docs page each show the CLI numbers for their scenario', async () => {
  const { page, problems } = await openDocs();
  for (const selector of ['#serving', '#training']) {
    const scenario = await scenarioOf(page, selector);
    const want = await assertShowsCli(page, selector, scenario);
    assert.ok(want.ok && want.components.length > 3, `${selector} has a real breakdown`);
  }
  assert.notDeepEqual(await page.$eval('#serving', (e) => e.result.total_bytes),
    await page.$eval('#training', (e) => e.result.total_bytes));
  assert.equal(await page.evaluate(() => WebAssembly.instantiate.calls), 1, 'one WebAssembly instance for both elements');
  // The iframe form on the same page.
  const frame = page.frameLocator('#frame');
  await frame.locator('llm-memory-calculator [data-total-bytes]').waitFor();
  const total = await frame.locator('llm-memory-calculator').evaluate((e) => e.result.total_bytes);
  assert.equal(total, cliResult({ model: 'qwen2.5-7b-instruct', mode: 'inference' }).total_bytes);
  assert.deepEqual(problems, []);
});

test('an attribute change gives new numbers and exactly one bubbling memcalc-change; changes in one task are batched', async () => {
  const { page, problems } = await openDocs();
  await recordEvents(page);
  const before = await page.$eval('#training', (e) => e.result.total_bytes);

  const longer = { model: 'llama-3.1-8b', mode: 'training', training: { batch_size: 2, seq_len: 8192 } };
  await page.$eval('#training', (e, s) => e.setAttribute('scenario', s), JSON.stringify(longer));
  let events = await eventsAfter(page, 1);
  const want = await assertShowsCli(page, '#training', longer);
  assert.notEqual(want.total_bytes, before);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0], { target: 'training', bubbles: true, composed: true, detail: want, sameAsResult: true });

  // Two attributes in one task: one estimate, one event, with both applied.
  await page.$eval('#training', (e) => { e.setAttribute('mode', 'inference'); e.setAttribute('model', 'qwen3-8b'); });
  events = await eventsAfter(page, 1);
  assert.equal(events.length, 1);
  const both = await assertShowsCli(page, '#training', { ...longer, model: 'qwen3-8b', mode: 'inference' });
  assert.deepEqual(events[0].detail, both);

  // The other instance did not move.
  await assertShowsCli(page, '#serving', await scenarioOf(page, '#serving'));
  assert.deepEqual(problems, []);
});

test('properties mirror attributes', async () => {
  const { page, problems } = await openDocs();
  const seen = await page.$eval('#training', (e) => {
    const out = {};
    e.model = 'qwen3-4b';
    out.modelAttribute = e.getAttribute('model');
    e.setAttribute('mode', 'inference');
    out.modeProperty = e.mode;
    e.compact = true;
    out.compactAttribute = e.hasAttribute('compact');
    e.removeAttribute('compact');
    out.compactProperty = e.compact;
    e.scenario = { model: 'gpt2', inference: { batch_size: 4 } };
    out.scenarioAttribute = e.getAttribute('scenario');
    e.setAttribute('scenario', '{"model":"gpt2"}');
    out.scenarioProperty = e.scenario;
    e.unit = 'GiB';
    out.unitAttribute = e.getAttribute('unit');
    e.model = null;
    out.modelRemoved = !e.hasAttribute('model');
    return out;
  });
  assert.deepEqual(seen, {
    modelAttribute: 'qwen3-4b', modeProperty: 'inference', compactAttribute: true, compactProperty: false,
    scenarioAttribute: '{"model":"gpt2","inference":{"batch_size":4}}', scenarioProperty: '{"model":"gpt2"}',
    unitAttribute: 'GiB', modelRemoved: true,
  });
  await page.waitForFunction(() => document.querySelector('#training').result.params.total < 2e8);
  await assertShowsCli(page, '#training', { model: 'gpt2', mode: 'inference' });
  assert.match(await page.locator('#training').locator('[part="total"]').innerText(), /\b(GiB|MiB)\b/);
  assert.deepEqual(problems, []);
});

test('an edit inside the element re-estimates that element only, with one event', async () => {
  const { page, problems } = await openDocs();
  await recordEvents(page);
  const serving = await page.$eval('#serving', (e) => e.result);
  const training = page.locator('#training');
  await training.getByLabel('Micro-batch per GPU').fill('4');
  let events = await eventsAfter(page, 1);
  const scenario = await scenarioOf(page, '#training');
  scenario.training.batch_size = 4;
  const want = await assertShowsCli(page, '#training', scenario);
  assert.deepEqual(events.map((e) => [e.target, e.detail.total_bytes]), [['training', want.total_bytes]]);
  await training.getByLabel('Mode', { exact: true }).selectOption('inference');
  events = await eventsAfter(page, 1);
  assert.equal(events.length, 1);
  await assertShowsCli(page, '#training', { ...scenario, mode: 'inference' });
  assert.deepEqual(await page.$eval('#serving', (e) => e.result), serving);
  assert.deepEqual(problems, []);
});

test('the element lists what makes its scenario fit; a click applies the change', async () => {
  const { page, problems } = await openDocs();
  await recordEvents(page);
  // Llama 3.1 70B in bf16 on one H100 does not fit; the core suggests quantized weights or more GPUs.
  const scenario = { model: 'llama-3.1-70b', mode: 'inference', inference: { context_len: 8192 }, gpu: { preset: 'h100-80gb', count: 1 } };
  await page.$eval('#training', (e, s) => { e.removeAttribute('model'); e.removeAttribute('mode'); e.setAttribute('scenario', s); }, JSON.stringify(scenario));
  await eventsAfter(page, 1);
  const cli = cliResult(scenario);
  const items = page.locator('#training').locator('[part="suggestions"] li');
  assert.equal(await items.count(), cli.suggestions.length);
  assert.equal(await items.first().getAttribute('data-new-total'), String(cli.suggestions[0].total_bytes));
  await items.first().getByRole('button').click();
  const [event] = await eventsAfter(page, 1);
  assert.equal(event.detail.total_bytes, cli.suggestions[0].total_bytes);
  assert.equal(event.detail.fits.fits, true);
  assert.deepEqual(problems, []);
});

test('the fallback content shows until the script runs, and then gives way', async () => {
  const { page } = await openPage(session.browser.context);
  const script = `${session.server.url}llm-memory-calculator.js`;
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(script, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(docsUrl(), { waitUntil: 'commit' });
  const fallback = page.locator('#serving > table');
  await fallback.waitFor();
  assert.equal(await fallback.isVisible(), true);
  assert.match(await fallback.innerText(), /KV cache\s+4\.29 GB/);
  assert.equal(await page.locator('#training > p').isVisible(), true);
  assert.equal(await page.evaluate(() => customElements.get('llm-memory-calculator')), undefined);
  release();
  await page.waitForFunction(() => document.querySelector('#serving').result);
  assert.equal(await fallback.isVisible(), false);
  assert.equal(await page.locator('#serving [part="table"]').isVisible(), true);
  await page.unroute(script);
  await page.close();

  // With the script blocked the fallback simply stays.
  const blocked = await session.browser.context.newPage();
  await blocked.route(script, (route) => route.abort());
  await blocked.goto(docsUrl());
  assert.equal(await blocked.locator('#serving > table').isVisible(), true);
  await blocked.close();
});

test('properties set before the script runs are taken up when the element upgrades', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await page.goto(`${session.server.url}blank.html`);
  await page.evaluate(() => {
    const element = document.body.appendChild(document.createElement('llm-memory-calculator'));
    element.model = 'qwen3-0.6b';
    element.compact = true;
  });
  await page.addScriptTag({ url: 'llm-memory-calculator.js' });
  await page.waitForFunction(() => document.querySelector('llm-memory-calculator').result);
  assert.deepEqual(await page.$eval('llm-memory-calculator', (e) => [e.getAttribute('model'), e.hasAttribute('compact')]), ['qwen3-0.6b', true]);
  await assertShowsCli(page, 'llm-memory-calculator', { model: 'qwen3-0.6b' });
  assert.deepEqual(problems, []);
});

test('the script adds no global but the custom element', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await page.goto(`${session.server.url}blank.html`);
  const before = await page.evaluate(() => Object.keys(window));
  await page.addScriptTag({ url: 'llm-memory-calculator.js' });
  await page.evaluate(async () => {
    await customElements.whenDefined('llm-memory-calculator');
    const element = document.createElement('llm-memory-calculator');
    element.setAttribute('model', 'gpt2');
    document.body.append(element);
    await new Promise((resolve) => element.addEventListener('memcalc-change', resolve, { once: true }));
  });
  const added = await page.evaluate((keys) => Object.keys(window).filter((k) => !keys.includes(k)), before);
  assert.deepEqual(added, []);
  assert.equal(await page.evaluate(() => typeof customElements.get('llm-memory-calculator')), 'function');
  await assertShowsCli(page, 'llm-memory-calculator', { model: 'gpt2' });
  assert.deepEqual(problems, []);
});

test('on a Chinese page (<html lang="zh-CN">) the element speaks Chinese and shows the same numbers', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await page.goto(`${session.server.url}blank.html`);
  await page.evaluate(() => {
    document.documentElement.lang = 'zh-CN';
    document.body.append(document.createElement('llm-memory-calculator'));
    document.querySelector('llm-memory-calculator').setAttribute('model', 'llama-3.1-8b');
  });
  await page.addScriptTag({ url: 'llm-memory-calculator.js' });
  await page.waitForFunction(() => document.querySelector('llm-memory-calculator').result);
  await assertShowsCli(page, 'llm-memory-calculator', { model: 'llama-3.1-8b' });
  const text = await page.$eval('llm-memory-calculator', (e) => e.shadowRoot.textContent);
  // The catalog's Chinese label of the parameters component (core/src/estimate.cpp).
  assert.match(text, /模型参数/);
  assert.doesNotMatch(text, /Model parameters/);
  assert.deepEqual(problems, []);
});

test('host page CSS does not break the element, and its styles do not leak out', async () => {
  const { page, problems } = await openDocs();
  // The element's rules (table width 100%, collapsed borders, right-aligned .num, bold captions) stay inside it.
  const probe = await page.evaluate(() => {
    const table = document.body.appendChild(document.createElement('table'));
    table.innerHTML = '<caption>probe</caption><tr><th>a</th><td class="num total">1</td></tr>';
    const style = (e) => getComputedStyle(e);
    return {
      fullWidth: table.getBoundingClientRect().width >= document.body.clientWidth - 50,
      borderCollapse: style(table).borderCollapse,
      numAlign: style(table.querySelector('td')).textAlign,
      captionLeft: style(table.querySelector('caption')).textAlign === 'left',
      captionWeight: style(table.querySelector('caption')).fontWeight,
      adopted: document.adoptedStyleSheets.length,
      sheets: [...document.styleSheets].map((s) => s.ownerNode?.tagName),
    };
  });
  assert.deepEqual(probe, { fullWidth: false, borderCollapse: 'separate', numAlign: 'start', captionLeft: false, captionWeight: '400', adopted: 0, sheets: ['STYLE'] });

  await page.addStyleTag({ content: '* { color: rgb(255, 0, 0) !important; font-size: 40px !important; } table, div, span, output { display: none !important; }' });
  const inside = await page.$eval('#training', (e) => {
    const root = e.shadowRoot;
    const box = (s) => root.querySelector(s).getBoundingClientRect();
    return {
      tableHeight: box('table').height, barHeight: box('[part="bar"]').height, totalHeight: box('[part="total"]').height,
      color: getComputedStyle(root.querySelector('tbody th')).color,
      fontSize: getComputedStyle(root.querySelector('tbody td')).fontSize,
    };
  });
  assert.ok(inside.tableHeight > 50 && inside.barHeight > 10 && inside.totalHeight > 10, JSON.stringify(inside));
  assert.notEqual(inside.color, 'rgb(255, 0, 0)');
  assert.ok(parseFloat(inside.fontSize) < 20, inside.fontSize);
  assert.deepEqual(problems, []);
});

test('theming: custom properties reach inside, ::part() styles the named pieces', async () => {
  const { page, problems } = await openDocs();
  const look = () => page.$eval('#training', (e) => {
    const root = e.shadowRoot;
    return {
      bg: getComputedStyle(root.querySelector('[part="container"]')).backgroundColor,
      total: getComputedStyle(root.querySelector('[part="total"]')).color,
      segment: getComputedStyle(root.querySelector('[part="segment"]')).backgroundColor,
      outline: getComputedStyle(root.querySelector('[part="table"]')).outlineColor,
    };
  });
  const before = await look();
  // The docs page's own theme: its accent colour (#8a3ffc) on the total.
  assert.equal(before.total, 'rgb(138, 63, 252)');
  await page.$eval('#training', (e) => {
    e.style.setProperty('--memcalc-bg', 'rgb(1, 2, 3)');
    e.style.setProperty('--memcalc-accent', 'rgb(4, 5, 6)');
    e.style.setProperty('--memcalc-c0', 'rgb(7, 8, 9)');
  });
  await page.addStyleTag({ content: 'llm-memory-calculator::part(table) { outline: 2px solid rgb(10, 11, 12); }' });
  assert.deepEqual(await look(), { bg: 'rgb(1, 2, 3)', total: 'rgb(4, 5, 6)', segment: 'rgb(7, 8, 9)', outline: 'rgb(10, 11, 12)' });
  assert.notEqual(before.bg, 'rgb(1, 2, 3)');
  assert.deepEqual(problems, []);
});

test('the colour scheme follows the reader and the host page', async () => {
  const background = (page) => page.$eval('#training', (e) => getComputedStyle(e.shadowRoot.querySelector('[part="container"]')).backgroundColor);
  const { page: light, problems: lightProblems } = await openDocs({ colorScheme: 'light' });
  assert.equal(await background(light), 'rgb(255, 255, 255)');
  // The host page names one scheme: it wins over the reader's preference.
  await light.evaluate(() => { document.documentElement.style.colorScheme = 'dark'; });
  await light.waitForFunction(() => getComputedStyle(document.querySelector('#training').shadowRoot.querySelector('[part="container"]')).backgroundColor === 'rgb(26, 30, 36)');
  assert.deepEqual(lightProblems, []);

  const { page: dark, problems } = await openDocs({ colorScheme: 'dark' });
  assert.equal(await background(dark), 'rgb(26, 30, 36)');
  // The docs page themes its dark variant too (.brand under prefers-color-scheme: dark).
  assert.equal(await dark.$eval('#serving', (e) => getComputedStyle(e.shadowRoot.querySelector('[part="container"]')).backgroundColor), 'rgb(28, 21, 48)');
  await dark.emulateMedia({ colorScheme: 'light' });
  await dark.waitForFunction(() => getComputedStyle(document.querySelector('#training').shadowRoot.querySelector('[part="container"]')).backgroundColor === 'rgb(255, 255, 255)');
  assert.deepEqual(problems, []);
});

test('the compact form shows fewer inputs', async () => {
  const { page, problems } = await openDocs();
  const inputs = (selector) => page.$eval(selector, (e) => [...e.shadowRoot.querySelectorAll('[part="inputs"] [data-path]')].map((i) => i.dataset.path));
  const compact = await inputs('#serving');
  assert.deepEqual(compact, ['model', 'mode', 'inference.batch_size', 'inference.context_len', 'inference.weight_dtype', 'gpu.preset']);
  const full = await inputs('#training');
  assert.ok(full.length > compact.length + 8, full.join(' '));
  await page.$eval('#training', (e) => { e.compact = true; });
  await page.waitForFunction(() => document.querySelector('#training').shadowRoot.querySelectorAll('[data-path]').length < 8);
  assert.deepEqual(await inputs('#training'), ['model', 'mode', 'training.batch_size', 'training.seq_len', 'training.precision', 'gpu.preset']);
  assert.deepEqual(problems, []);
});

test('a bad scenario shows a message naming the problem, never an uncaught error', async () => {
  const { page, problems } = await openDocs();
  await recordEvents(page);
  await page.$eval('#training', (e) => e.setAttribute('scenario', '{"model": "llama-3.1-8b", oops}'));
  await eventsAfter(page, 1);
  const issues = page.locator('#training').locator('[part="issues"]');
  assert.equal(await issues.isVisible(), true);
  assert.match(await issues.innerText(), /Error:\s*scenario\s+invalid JSON/);
  assert.equal(await page.$eval('#training', (e) => e.result.ok), false);
  assert.equal(await page.locator('#training').locator('[data-total-bytes]').count(), 0);

  await page.$eval('#training', (e) => e.setAttribute('scenario', '{"model":"llama-3.1-8b","training":{"batch_size":0}}'));
  await eventsAfter(page, 1);
  assert.match(await issues.innerText(), /training\.batch_size\s+must be a positive integer/);
  assert.equal(await page.locator('#training').getByLabel('Micro-batch per GPU').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await page.$eval('#training', (e) => e.result), cliResult({ model: 'llama-3.1-8b', training: { batch_size: 0 } }));

  await page.$eval('#training', (e) => e.setAttribute('model', 'no-such-model'));
  await eventsAfter(page, 1);
  assert.match(await issues.innerText(), /model\s+unknown preset "no-such-model"/);
  // The other instance is untouched.
  assert.equal(await page.$eval('#serving', (e) => e.result.ok), true);
  assert.deepEqual(problems, []);
});

test('keyboard and screen readers: labelled inputs, a live total, no serious axe violations', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, problems } = await openDocs({ colorScheme });
    const unlabelled = await page.$$eval('llm-memory-calculator', (elements) => elements.flatMap((e) => [...e.shadowRoot.querySelectorAll('input, select')]
      .filter((i) => !(i.labels?.length && i.labels[0].textContent.trim())).map((i) => i.id)));
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.locator('#serving [part="total"]').getAttribute('aria-live'), 'polite');
    await page.addScriptTag({ url: 'axe.min.js' });
    const { violations } = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }));
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
    assert.deepEqual(serious, [], colorScheme);

    // Tab from the page reaches the first input inside the element; the keyboard changes a value.
    await page.locator('h1').click();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id + ' ' + document.activeElement.shadowRoot?.activeElement?.dataset.path), 'serving model');
    await page.locator('#serving').getByLabel('Batch size').focus();
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.querySelector('#serving').result.components.find((c) => c.id === 'kv_cache').bytes === 2 * 4294967296);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('checkpoint files dropped on the element: it shows the model they hold', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memcalc-element-files-'));
  try {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(join(repo, 'build/native-release/tests/memcalc_write_fixtures'), [dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const file = join(dir, 'gguf-llama-q4_k', 'llama-q4_k_m.gguf');
    const { page, problems } = await openDocs();
    const bytes = readFileSync(file);
    // A drop carries File objects; the element reads their headers and shows their model.
    const dataTransfer = await page.evaluateHandle((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'llama-q4_k_m.gguf'));
      return transfer;
    }, [...bytes]);
    const element = page.locator('llm-memory-calculator').first();
    await element.dispatchEvent('drop', { dataTransfer });
    const cliModel = JSON.parse(spawnSync(join(repo, 'build/native-release/cli/memcalc'), ['inspect', file, '--json'], { encoding: 'utf8' }).stdout).model;
    await page.waitForFunction(() => document.querySelector('llm-memory-calculator').result?.params?.source === 'checkpoint');
    const result = await element.evaluate((e) => e.result);
    const scenario = JSON.parse(await element.getAttribute('scenario'));
    const cli = cliResult({ ...scenario, model: cliModel });
    assert.equal(result.total_bytes, cli.total_bytes);
    assert.deepEqual(result.components.map((c) => [c.id, c.bytes]), cli.components.map((c) => [c.id, c.bytes]));
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
