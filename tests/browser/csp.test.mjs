// The page under a strict Content-Security-Policy: no inline script, no eval (Embind built with
// -sDYNAMIC_EXECUTION=0), wasm compiled only through 'wasm-unsafe-eval', nothing from elsewhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dist, openPage, useServerAndBrowser, waitForCli } from './harness.mjs';

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'";

const { catalog } = await import(`${dist}/memcalc.mjs`);
const { defaults } = await catalog();

// No service worker here: a page it serves from its cache would not pass through page.route, so the
// policy added below would not reach it (pwa.test.mjs runs the worker under this policy).
const session = useServerAndBrowser({ serviceWorkers: 'block' });

test('the built page has no inline script', () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(attributes, /\bsrc=/);
    assert.equal(body.trim(), '');
  }
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'inline event handler');
});

for (const delivery of ['header', 'meta']) {
  test(`the page works under a strict CSP (${delivery})`, async () => {
    const { page, problems } = await openPage(session.browser.context);
    const violations = [];
    await page.exposeFunction('reportViolation', (v) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await page.route(`${session.server.url}`, async (route) => {
      const response = await route.fetch();
      let body = await response.text();
      const headers = { ...response.headers() };
      if (delivery === 'header') headers['content-security-policy'] = POLICY;
      else body = body.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${POLICY}">`);
      await route.fulfill({ response, body, headers });
    });
    await page.goto(session.server.url);
    await page.waitForSelector('#total[data-total-bytes]');
    const outcome = await waitForCli(page, { model: defaults.model });
    assert.ok(!outcome.mismatch, JSON.stringify(outcome));
    await page.getByLabel('Sequence length', { exact: true }).fill('1024');
    const changed = await waitForCli(page, { model: defaults.model, training: { seq_len: 1024 } });
    assert.ok(!changed.mismatch, JSON.stringify(changed));
    // The chart (uPlot, loaded on demand) draws too.
    await page.locator('#chart').scrollIntoViewIfNeeded();
    await page.locator('#chart canvas').waitFor();
    await page.unroute(session.server.url);
    assert.deepEqual(violations, []);
    assert.deepEqual(problems, []);
  });
}
