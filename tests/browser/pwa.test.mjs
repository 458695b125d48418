// The installable, offline page: the manifest and its icons; after one visit the page works with the
// network off (served by the service worker, under the strict CSP of csp.test.mjs); a new build
// waits for the page's "new version" prompt, then the page runs the new build only, never a mix.
// The update tests publish a new build into a copy of dist/ the way a deployment would: every
// script under a new name (and a marker in the entry), index.html and sw.js's precache list rewritten.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { dist, encodeScenario, launch, openPage, serve, waitForCli } from './harness.mjs';

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'";

const { catalog } = await import(`${dist}/memcalc.mjs`);
const { defaults } = await catalog();
const model = defaults.model;

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function siteCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'memcalc-site-'));
  cpSync(dist, dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function started(dir) {
  const server = await serve(dir);
  const browser = await launch({ locale: 'en-US' });
  cleanups.push(async () => {
    await browser.close();
    server.close();
  });
  return { server, browser };
}

function assertMatch(outcome) {
  assert.ok(!outcome.mismatch, `page ${JSON.stringify(outcome.got)}\n CLI ${JSON.stringify(outcome.want)}`);
}

/** Resolves to the state of the page's service worker once it has finished activating (its precache filled). */
const serviceWorkerActive = (page) => page.evaluate(async () => {
  const { active } = await navigator.serviceWorker.ready;
  if (active.state === 'activating') {
    await new Promise((resolve) => active.addEventListener('statechange', resolve, { once: true }));
  }
  return active.state;
});

/** PNG width, height and the RGBA of pixel (x, y), for 8-bit RGBA PNGs with any of the five row filters. */
function pngPixel(png, x, y) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.deepEqual([png[24], png[25], png[28]], [8, 6, 0], '8-bit RGBA, not interlaced');
  const idat = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const data = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  let previous = new Uint8Array(stride);
  let row;
  for (let r = 0; r <= y; r += 1) {
    const filter = data[r * (stride + 1)];
    const raw = data.subarray(r * (stride + 1) + 1, (r + 1) * (stride + 1));
    row = new Uint8Array(stride);
    for (let i = 0; i < stride; i += 1) {
      const a = i >= 4 ? row[i - 4] : 0;
      const b = previous[i];
      const c = i >= 4 ? previous[i - 4] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a
        : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      assert.ok(predictor !== undefined, `PNG row filter ${filter}`);
      row[i] = (raw[i] + predictor) & 0xff;
    }
    previous = row;
  }
  return { width, height, rgba: [...row.subarray(x * 4, x * 4 + 4)] };
}

test('the manifest: relative start_url and scope, theme colours, icons at 192, 512, maskable and SVG', async () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  assert.match(html, /<link rel="manifest" href="\.\/manifest\.webmanifest">/);
  assert.match(html, /<meta name="theme-color" content="#[0-9a-f]{6}" media="\(prefers-color-scheme: light\)">/);
  assert.match(html, /<meta name="theme-color" content="#[0-9a-f]{6}" media="\(prefers-color-scheme: dark\)">/);
  assert.match(html, /<link rel="icon" type="image\/svg\+xml" href="\.\/icons\/icon\.svg">/);

  const server = await serve(dist);
  try {
    const manifestUrl = new URL('manifest.webmanifest', server.url);
    const manifest = await (await fetch(manifestUrl)).json();
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.scope, './');
    assert.equal(manifest.display, 'standalone');
    assert.match(manifest.name, /memcalc/);
    assert.ok(manifest.short_name.length <= 12);
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
    assert.match(manifest.background_color, /^#[0-9a-f]{6}$/);
    const icon = (sizes, purpose) => manifest.icons.find((i) => i.sizes === sizes && (i.purpose ?? 'any') === purpose);
    for (const [sizes, purpose, type] of [['192x192', 'any', 'image/png'], ['512x512', 'any', 'image/png'],
      ['512x512', 'maskable', 'image/png'], ['any', 'any', 'image/svg+xml']]) {
      const entry = icon(sizes, purpose);
      assert.ok(entry, `an icon ${sizes} ${purpose}`);
      assert.equal(entry.type, type);
      assert.doesNotMatch(entry.src, /^\//, 'relative icon path');
      const response = await fetch(new URL(entry.src, manifestUrl));
      assert.equal(response.status, 200, entry.src);
      const body = Buffer.from(await response.arrayBuffer());
      if (type === 'image/svg+xml') {
        assert.match(body.toString('utf8'), /^<svg [^>]*viewBox="0 0 512 512"/);
        continue;
      }
      const size = Number(sizes.split('x')[0]);
      const corner = pngPixel(body, 0, 0);
      const centre = pngPixel(body, size / 2, size / 2);
      assert.deepEqual([corner.width, corner.height], [size, size]);
      // A maskable icon is full-bleed (the platform cuts its shape); the plain one has rounded corners.
      assert.equal(corner.rgba[3], purpose === 'maskable' ? 255 : 0, `${entry.src} corner alpha`);
      assert.equal(centre.rgba[3], 255, `${entry.src} centre alpha`);
    }
  } finally {
    server.close();
  }
});

test('after one visit the page works offline, served by the service worker under a strict CSP', async () => {
  const dir = siteCopy();
  const index = join(dir, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${POLICY}">`));
  const { server, browser } = await started(dir);
  const { page, problems } = await openPage(browser.context);
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await browser.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => window.reportViolation?.(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(server.url);
  assertMatch(await waitForCli(page, { model }));
  assert.equal(await serviceWorkerActive(page), 'activated');

  // Chromium's own check that the page can be installed (manifest, icons, service worker).
  const cdp = await browser.context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);

  server.close();
  await browser.context.setOffline(true);
  await page.reload();
  await page.waitForSelector('#total[data-total-bytes]');
  assertMatch(await waitForCli(page, { model }));
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'served by the service worker');
  // What loads later (the chart, the Chinese phrases) is in the cache too.
  await page.locator('#chart').scrollIntoViewIfNeeded();
  await page.locator('#chart[data-ready] canvas').waitFor();
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByText('训练', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();

  // A new tab with a link, still offline.
  const scenario = { model, mode: 'inference', inference: { context_len: 8192 } };
  const { page: linked, problems: linkedProblems } = await openPage(browser.context);
  await linked.goto(server.url + encodeScenario(scenario));
  await linked.waitForSelector('#total[data-total-bytes]');
  assertMatch(await waitForCli(linked, scenario));
  assert.deepEqual(violations, []);
  assert.deepEqual([...problems, ...linkedProblems], []);
});

/** Publishes a new build into `dir`: scripts renamed (the entry marks `tag`), references rewritten. */
function publishNewBuild(dir, tag) {
  const assets = join(dir, 'assets');
  const renames = readdirSync(assets).filter((n) => n.endsWith('.js')).map((n) => [n, n.replace(/\.js$/, `-${tag}.js`)]);
  const rewrite = (text) => renames.reduce((out, [from, to]) => out.replaceAll(from, to), text);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.\/assets\/([^"]+)"/.exec(html)[1];
  for (const [from, to] of renames) {
    let code = rewrite(readFileSync(join(assets, from), 'utf8'));
    if (from === entry) code += `\nglobalThis.memcalcBuild = ${JSON.stringify(tag)};\n`;
    writeFileSync(join(assets, to), code);
    rmSync(join(assets, from));
  }
  writeFileSync(join(dir, 'index.html'), rewrite(html));
  const sw = rewrite(readFileSync(join(dir, 'sw.js'), 'utf8'));
  const revised = sw.replace(/(url:"index\.html",revision:")[^"]+"/, `$1${tag}"`);
  assert.notEqual(revised, sw, 'sw.js lists index.html with a revision');
  writeFileSync(join(dir, 'sw.js'), revised);
  return { old: renames.map(([from]) => from), fresh: renames.map(([, to]) => to) };
}

/** The scripts this document loaded, and what the service worker's caches hold. */
function loaded(page) {
  return page.evaluate(async () => {
    const scripts = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js'))
      .map((n) => n.split('/').pop());
    const cached = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) cached.push(new URL(request.url).pathname.split('/').pop());
    }
    return { build: globalThis.memcalcBuild ?? null, scripts, cached };
  });
}

test('under a sub-path, as GitHub Pages serves a project (/<repository>/): the page, its worker\'s scope, installable', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memcalc-pages-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  cpSync(dist, join(root, 'memcalc'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>another site</title>');
  const { server, browser } = await started(root);
  const { page, problems } = await openPage(browser.context);
  const url = new URL('memcalc/', server.url).href;
  await page.goto(url);
  assertMatch(await waitForCli(page, { model }));
  assert.equal(await serviceWorkerActive(page), 'activated');
  assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope), url);
  const cdp = await browser.context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  const { version } = JSON.parse(readFileSync(join(dist, '../package.json'), 'utf8'));
  assert.equal(await page.textContent('#version'), version, 'the footer says the package\'s version');
  assert.deepEqual(problems, []);
});

test('a new build: the prompt appears, and after Reload the page runs only the new build', async () => {
  const dir = siteCopy();
  const { server, browser } = await started(dir);
  const { page, problems } = await openPage(browser.context);
  await page.goto(server.url);
  assertMatch(await waitForCli(page, { model }));
  assert.equal(await serviceWorkerActive(page), 'activated');
  assert.equal(await page.locator('#update button').count(), 0, 'no prompt without a new build');

  const v2 = publishNewBuild(dir, 'v2');
  await page.reload(); // the old build, whole, from the cache; the browser finds the new sw.js
  await page.waitForSelector('#total[data-total-bytes]');
  const prompt = page.locator('#update[role="status"]');
  await prompt.getByText('A new version of memcalc is available.').waitFor({ timeout: 15000 });
  const before = await loaded(page);
  assert.equal(before.build, null, 'still the old build until the prompt is accepted');
  assert.ok(before.scripts.length > 0 && before.scripts.every((s) => !v2.fresh.includes(s)), JSON.stringify(before.scripts));

  await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload' }).click()]);
  await page.waitForSelector('#total[data-total-bytes]');
  assertMatch(await waitForCli(page, { model }));
  await page.locator('#chart').scrollIntoViewIfNeeded();
  await page.locator('#chart[data-ready] canvas').waitFor();
  const afterUpdate = await loaded(page);
  assert.equal(afterUpdate.build, 'v2');
  const pageScripts = afterUpdate.scripts.filter((s) => !s.startsWith('workbox-') && s !== 'sw.js');
  assert.ok(pageScripts.some((s) => s.startsWith('chart-')), 'the chart chunk loaded');
  assert.deepEqual(pageScripts.filter((s) => !v2.fresh.includes(s)), [], 'only the new build\'s scripts');
  assert.deepEqual(afterUpdate.cached.filter((s) => v2.old.includes(s)), [], 'the old build left the cache');
  assert.equal(await page.locator('#update button').count(), 0);
  assert.deepEqual(problems, []);
});

test('a new build is picked up on the next visit once the old tabs are closed', async () => {
  const dir = siteCopy();
  const { server, browser } = await started(dir);
  let { page } = await openPage(browser.context);
  await page.goto(server.url);
  await page.waitForSelector('#total[data-total-bytes]');
  assert.equal(await serviceWorkerActive(page), 'activated');
  publishNewBuild(dir, 'v2');
  await page.reload();
  await page.locator('#update button').first().waitFor({ timeout: 15000 });
  assert.equal((await loaded(page)).build, null);
  await page.close();

  // With no tab left on the old build the new one takes over; the next visit runs it, whole.
  let visit;
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    ({ page } = await openPage(browser.context));
    await page.goto(server.url);
    await page.waitForSelector('#total[data-total-bytes]');
    visit = await loaded(page);
    if (visit.build === 'v2') break;
    await page.close();
  }
  assert.equal(visit.build, 'v2');
  assert.ok(visit.scripts.every((s) => s.includes('-v2') || s.startsWith('workbox-')), JSON.stringify(visit.scripts));
  assertMatch(await waitForCli(page, { model }));
});
