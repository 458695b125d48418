// Documentation sites built with the packed package as their authors would build them: each of
// examples/<generator>/ is copied to build/examples/<generator>/, its locked dependencies installed
// (npm ci, again only when its package-lock.json changed), memcalc installed from the tarball of
// `npm pack`, the site built, served and opened in Chromium under the site's own Content-Security-Policy
// sent as a header. On the calculator page <llm-memory-calculator> and the iframe form show the CLI's
// numbers, an attribute change brings the CLI's new numbers, and nothing is blocked or logged as an error.
// The steps are those README.md gives for each generator. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliResult, launch, openPage, screenshotPath, serve } from '../browser/harness.mjs';
import { packed, repo } from './pack.mjs';

const MODEL = 'qwen3-8b';
// The iframe form's files, which each site serves as its own static files under memcalc/.
const FRAME_FILES = ['embed.html', 'embed.js', 'llm-memory-calculator.js'];

// Each site's Content-Security-Policy, the least its pages need, sent as a header with every response
// as a server configured for the whole site would. What memcalc needs: script-src 'self'
// 'wasm-unsafe-eval' (the element compiles the WebAssembly module it carries inlined), frame-src
// 'self' (the iframe form from the site itself) and, for embed.html's empty icon, img-src data:; it
// fetches nothing (connect-src 'none') and its styles are constructed stylesheets, which style-src
// does not govern. What each generator adds to that is `style`, `connect` and the hashes of its
// inline scripts.
const policy = (site, hashes) => [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval'${hashes.map((h) => ` '${h}'`).join('')}`,
  site.style ?? "style-src 'self'",
  "img-src 'self' data:",
  `connect-src ${site.connect ?? "'none'"}`,
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

const sites = [
  {
    name: 'vitepress',
    npm: true,
    build: ['npm', ['run', 'build']],
    out: '.vitepress/dist',
    page: 'calculator.html',
    home: './',
    // VitePress renders style attributes into its pages (the layout's --vp-vh, positions), and its
    // colour-mode switch adds a <style> element for a moment; its icons are data: SVG images.
    style: "style-src 'self' 'unsafe-inline'",
  },
  {
    name: 'docusaurus',
    npm: true,
    build: ['npm', ['run', 'build']],
    out: 'build',
    page: 'calculator/index.html',
    // Its router knows /calculator/, not /calculator/index.html (there it renders the page twice).
    url: 'calculator/',
    home: './',
    // Docusaurus renders a style attribute (display: none on its sprite of icons), no <style> element.
    style: "style-src 'self'; style-src-attr 'unsafe-inline'",
  },
  {
    name: 'mkdocs',
    tool: 'mkdocs',
    build: ['mkdocs', ['build', '--strict']],
    out: 'site',
    page: 'index.html',
    // MkDocs' theme renders a style attribute (the width of the search dialog's progress bar), and its
    // search worker reads search/search_index.json.
    style: "style-src 'self'; style-src-attr 'unsafe-inline'",
    connect: "'self'",
  },
];

const work = join(repo, 'build/examples');
const onPath = (tool) => (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, tool)));

/** Runs a command with its output captured; throws with all of it (npm's and the generators' errors) when it fails. */
function run(command, args, cwd, env = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw new Error(`${command} ${args.join(' ')} (in ${cwd}): ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return (performance.now() - started) / 1000;
}

const megabytes = (dir) => {
  const du = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return du.status === 0 ? Number(du.stdout.split('\t')[0]) : NaN;
};

/** The example's files in a fresh copy under build/examples/<name>/; node_modules/ stays for the next run. */
function copyExample(site) {
  const from = join(repo, 'examples', site.name);
  const to = join(work, site.name);
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(to)) {
    if (entry !== 'node_modules') rmSync(join(to, entry), { recursive: true, force: true });
  }
  // What an author's build leaves in the example (dependencies, copied files, outputs: the paths its
  // .gitignore names) is not copied.
  const ignored = readFileSync(join(from, '.gitignore'), 'utf8').split('\n')
    .filter((line) => line && !line.startsWith('#')).map((line) => line.replace(/\/$/, ''));
  cpSync(from, to, { recursive: true, filter: (path) => !ignored.includes(relative(from, path)) });
  return to;
}

/**
 * Installs what a user of the site installs: the locked dependencies (`npm ci`, skipped when
 * node_modules/ was installed from the same lockfile), then memcalc from the tarball without touching
 * package.json or the lockfile. Returns the seconds npm ci took (0 when skipped).
 */
function installDependencies(dir) {
  const lock = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const stamp = join(dir, 'node_modules/.installed-from-package-lock.json');
  let ci = 0;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
    ci = run('npm', ['ci', '--no-audit', '--no-fund'], dir);
    writeFileSync(stamp, lock);
  }
  const manifest = readFileSync(join(dir, 'package.json'), 'utf8');
  run('npm', ['install', '--no-save', '--offline', '--no-audit', '--no-fund', packed()], dir);
  assert.equal(readFileSync(join(dir, 'package.json'), 'utf8'), manifest, 'npm install --no-save changed package.json');
  assert.equal(readFileSync(join(dir, 'package-lock.json'), 'utf8'), lock, 'npm install --no-save changed package-lock.json');
  return ci;
}

/** The sha256 sources of every inline <script> in the built site's HTML (one policy for the whole site). */
function inlineScriptHashes(root) {
  const hashes = new Set();
  for (const name of readdirSync(root, { recursive: true })) {
    if (!name.endsWith('.html')) continue;
    const html = readFileSync(join(root, name), 'utf8');
    for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      if (/\bsrc=/.test(attributes)) continue;
      hashes.add(`sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}`);
    }
  }
  return [...hashes].sort();
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const site of sites) {
  const missing = site.tool && !onPath(site.tool);
  describe(site.name, { skip: missing && `${site.tool} is not installed (scripts/deps installs it)` }, () => {
    const state = {};

    before(() => { state.dir = copyExample(site); });
    after(() => { state.server?.close(); });

    test('builds with the packed package', { timeout: 15 * 60_000 }, async (t) => {
      const { dir } = state;
      if (site.npm) {
        const ci = installDependencies(dir);
        t.diagnostic(ci ? `npm ci: ${ci.toFixed(1)} s` : 'npm ci: skipped, node_modules/ is from this lockfile');
        t.diagnostic(`node_modules: ${megabytes(join(dir, 'node_modules'))} MB`);
      } else {
        // A MkDocs site has no node_modules/: the three files come straight out of the tarball.
        mkdirSync(join(dir, 'docs/memcalc'), { recursive: true });
        run('tar', ['-xzf', packed(), '-C', 'docs/memcalc', '--strip-components=2',
          ...FRAME_FILES.map((name) => `package/dist/${name}`)], dir);
      }
      // Docusaurus' CLI would ask the registry for a newer version of itself.
      const seconds = run(...site.build, dir, { NO_UPDATE_NOTIFIER: '1' });
      t.diagnostic(`build: ${seconds.toFixed(1)} s`);

      const out = join(dir, site.out);
      // The site serves the package's files as they are.
      for (const name of FRAME_FILES) {
        const served = readFileSync(join(out, 'memcalc', name));
        assert.ok(served.equals(readFileSync(join(repo, 'dist', name))), `${site.out}/memcalc/${name} differs from dist/${name}`);
      }
      state.hashes = inlineScriptHashes(out);
      state.policy = policy(site, state.hashes);
      state.server = await serve(out, site.page);
    });

    /** A page whose every response (the page, the frame, workers...) carries the site's policy; what it
     *  blocks is reported as a console error or a failed request. */
    async function open(path) {
      assert.ok(state.server, 'the site was not built');
      const { page, problems } = await openPage(browser.context);
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      // A load the policy blocks in a worker (MkDocs' search index) shows only as a failed request.
      page.on('requestfailed', (request) => {
        const error = request.failure()?.errorText;
        if (error !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${request.url()} ${error}`);
      });
      await page.route('**/*', async (route) => {
        const response = await route.fetch();
        return route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': state.policy } });
      });
      await page.goto(new URL(path, state.server.url).href);
      return { page, problems };
    }

    const elementResult = (scope) => scope.waitForFunction(() => document.querySelector('llm-memory-calculator')?.result)
      .then((handle) => handle.jsonValue());
    // What the element's shadow tree shows: each total it holds (one) and its text.
    const shownTotal = (scope) => scope.$$eval('llm-memory-calculator', (all) => all.map((e) =>
      [...e.shadowRoot.querySelectorAll('[part="total"]')].map((t) => ({ bytes: t.dataset.totalBytes ?? null, text: t.textContent }))));

    test('the element and the frame show the CLI numbers under the site\'s CSP', async () => {
      const { page, problems } = await open(site.url ?? site.page);
      const inference = cliResult({ model: MODEL, mode: 'inference' });
      assert.equal(inference.ok, true);

      const result = await elementResult(page);
      assert.equal(result.total_bytes, inference.total_bytes);
      assert.deepEqual(result, inference);
      const [[total]] = await shownTotal(page);
      assert.deepEqual(await shownTotal(page), [[total]], 'one element with one total');
      assert.equal(total.bytes, String(inference.total_bytes));
      assert.match(total.text, /\d.*GB/);

      const frame = await (await page.waitForSelector('iframe[src*="memcalc/embed.html"]')).contentFrame();
      assert.deepEqual(await elementResult(frame), inference);
      assert.equal((await shownTotal(frame))[0][0].bytes, String(inference.total_bytes));

      // An attribute set by the page's own script: a new result, announced by memcalc-change.
      const training = cliResult({ model: MODEL, mode: 'training' });
      const changed = await page.$eval('llm-memory-calculator', (e) => new Promise((resolve) => {
        e.addEventListener('memcalc-change', (event) => resolve(event.detail), { once: true });
        e.setAttribute('mode', 'training');
      }));
      assert.equal(changed.total_bytes, training.total_bytes);
      assert.deepEqual(changed, training);
      assert.deepEqual(await page.$eval('llm-memory-calculator', (e) => e.result), training);
      assert.equal((await shownTotal(page))[0][0].bytes, String(training.total_bytes));

      // What loads late (workers, prefetches) has loaded too.
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: screenshotPath(`docsite-${site.name}.png`), fullPage: true });
      assert.deepEqual(problems, []);
      await page.close();
    });

    if (site.home) {
      test('the element works after a client-side navigation to the page', async () => {
        const { page, problems } = await open(site.home);
        // The framework renders the page itself (no server-rendered HTML to hydrate), in the same document.
        await page.evaluate(() => { window.sameDocument = true; });
        await page.locator('nav a', { hasText: 'Calculator' }).first().click();
        await page.waitForURL(/calculator/);
        assert.equal(await page.evaluate(() => window.sameDocument), true, 'the link loaded a new document');
        assert.deepEqual(await elementResult(page), cliResult({ model: MODEL, mode: 'inference' }));
        await page.waitForLoadState('networkidle');
        assert.deepEqual(problems, []);
        await page.close();
      });
    }
  });
}
