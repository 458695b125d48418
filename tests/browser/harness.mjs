// Shared by the browser tests and the benchmark: a static server over dist/ (python3 -m http.server
// on 127.0.0.1, a free port), Debian's Chromium through playwright-core, and the CLI's answers.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const dist = join(repo, 'dist');
export const cli = process.env.MEMCALC_CLI ?? join(repo, 'build/native-release/cli/memcalc');
export const artifacts = join(repo, 'test-results');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function need(path, how) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${how} first`);
}

/** Serves `root` on 127.0.0.1 at a port the OS picks (`entry` must be there); resolves to { url, close }. */
export function serve(root = dist, entry = 'index.html') {
  need(join(root, entry), 'scripts/web-build');
  return new Promise((resolve, reject) => {
    const server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const match = /port (\d+)/.exec(out);
      if (match) {
        server.stdout.off('data', onData);
        server.stdout.resume();
        server.stderr.resume();
        resolve({ url: `http://127.0.0.1:${match[1]}/`, close: () => server.kill() });
      }
    };
    server.stdout.setEncoding('utf8').on('data', onData);
    server.on('error', reject);
    server.on('exit', (code) => reject(new Error(`http.server exited (${code}): ${out}`)));
  });
}

/** A fresh Chromium profile; `options` go to launchPersistentContext (viewport, locale, colorScheme...). */
export async function launch(options = {}, extraArgs = []) {
  need(chromiumPath, 'apt-get install -y chromium');
  const profile = mkdtempSync(join(tmpdir(), 'memcalc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, ...extraArgs],
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

/** A new page that fails the test on any page error or console error. */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  if (url) await gotoCalculator(page, url);
  return { page, problems };
}

export async function gotoCalculator(page, url) {
  await page.goto(url);
  await page.waitForSelector('#total[data-total-bytes]');
  await settled(page);
}

/** After an input: the page paints the breakdown at once and the rest (limits, suggestions, the
 *  engine's log, the step...) a frame later; resolves when all of it shows the current scenario. */
export async function settled(page) {
  await page.waitForSelector('#results:not([aria-busy="true"])');
}

/** The CLI's result for a scenario (CONTRACTS.md §3). */
export function cliResult(scenario) {
  need(cli, 'the native-release build (cmake --preset native-release)');
  const run = spawnSync(cli, ['--scenario', '-', '--json'], { input: JSON.stringify(scenario), encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 2) throw new Error(`CLI exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** What the page shows through the DOM hooks of CONTRACTS.md §4. */
export function shown(page) {
  return page.evaluate(() => ({
    total: document.querySelector('[data-total-bytes]')?.dataset.totalBytes ?? null,
    components: [...document.querySelectorAll('[data-component]')].map((e) => [e.dataset.component, e.dataset.bytes]),
  }));
}

export function expected(result) {
  if (!result.ok) return { total: null, components: [] };
  return {
    total: String(result.total_bytes),
    components: result.components.map((c) => [c.id, String(c.bytes)]),
  };
}

/** Waits until the page shows `want` (as `expected` makes it), or times out with a diff. */
export async function waitForShown(page, want, timeout = 3000) {
  const deadline = Date.now() + timeout;
  let got;
  do {
    got = await shown(page);
    if (JSON.stringify(got) === JSON.stringify(want)) return want;
    await page.waitForTimeout(25);
  } while (Date.now() < deadline);
  return { mismatch: true, got, want };
}

/** Waits until the page shows the CLI's numbers for `scenario` (or times out with a diff). */
export function waitForCli(page, scenario, timeout = 3000) {
  return waitForShown(page, expected(cliResult(scenario)), timeout);
}

/** A full-page screenshot under test-results/ (kept by CI), with the chart drawn. */
export async function screenshot(page, name) {
  await page.locator('#chart').scrollIntoViewIfNeeded();
  await page.locator('#chart[data-ready] canvas').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
}

export function screenshotPath(name) {
  mkdirSync(artifacts, { recursive: true });
  return join(artifacts, name);
}

export const encodeScenario = (scenario) => `#scenario=${encodeURIComponent(JSON.stringify(scenario))}`;

// One static server and one browser for a test file: started before its tests, closed after.
export function useServerAndBrowser(launchOptions = {}) {
  const session = { server: undefined, browser: undefined };
  before(async () => {
    session.server = await serve();
    session.browser = await launch(launchOptions);
  });
  after(async () => {
    await session.browser?.close();
    session.server?.close();
  });
  return session;
}
