// dist/memcalc.mjs in a browser (CONTRACTS.md §4): imported as a module from the served site, it
// finds memcalc.wasm next to itself and gives the CLI's result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliResult, dist, openPage, useServerAndBrowser } from './harness.mjs';

const { catalog } = await import(`${dist}/memcalc.mjs`);
const { presets } = await catalog();

const session = useServerAndBrowser();

test('estimate() and presets() in the browser equal the CLI and the catalog', async () => {
  const { page, problems } = await openPage(session.browser.context);
  await page.goto(session.server.url); // a page of the origin; the module imported below is separate from it
  const scenarios = [
    { model: presets[0].id },
    { model: presets.at(-1).id, mode: 'inference', inference: { context_len: 65536, kv_dtype: 'fp8' } },
    { model: 'no-such-model' },
  ];
  const { results, ids } = await page.evaluate(async (list) => {
    const api = await import('/memcalc.mjs');
    return {
      results: await Promise.all(list.map((s) => api.estimate(s))),
      ids: (await api.presets()).map((p) => p.id),
    };
  }, scenarios);
  results.forEach((result, i) => assert.deepEqual(result, cliResult(scenarios[i])));
  assert.deepEqual(ids, presets.map((p) => p.id));
  assert.deepEqual(problems, []);
});
