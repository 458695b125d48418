// The page's speed in headless Chromium on 127.0.0.1 (run scripts/web-build first):
//   node bench/web/bench.mjs [--runs N] [--json]
//
// 1. Bytes over the wire for a first load, gzip: dist/ served by a small gzip server (zlib level 9,
//    as a deployment with precompressed files serves it), counted by Chromium (encodedDataLength).
//    Reported for the first screen, and with the chart (its library loads when it scrolls into view).
// 2. Navigation to the first breakdown on screen: performance.now() when the total first carries
//    data-total-bytes, cold cache, median of N runs.
// 3. Input-to-paint latency over 200 real key presses (ArrowUp/ArrowDown in the sequence length
//    field, each one a new estimate), with the chart on screen (it redraws 120 ms after the last
//    input), at the display's 60 Hz:
//    - end to end: from the event's timestamp to the task after the next frame's rendering; this
//      includes waiting for that frame (up to 16.7 ms at 60 Hz, whatever the page does);
//    - to the updated DOM: from the event's timestamp to the end of the page's input handlers (the
//      breakdown is patched in the handler; the searches follow after the frame);
//    - to the next frame (the page's work): the above plus the rendering of the next frame (its
//      requestAnimationFrame callbacks to the task after it).
//    - the floor: the same presses in a copy of the field that the page does not listen to, in the
//      field's place: the browser's own cost on this machine, which the page's figures include.
// 4. Opening a large checkpoint: a 40 GB GGUF (a sparse file of our writer's: a 60-layer model, its
//    tokenizer in the metadata) picked in the page, from the change event to the breakdown of the
//    model it holds; the header bytes read, median of N runs.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dist, launch, repo } from '../../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 10;
const asJson = args.includes('--json');
const PRESSES = 200;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
};

function gzipServer(root) {
  const cache = new Map();
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    const file = join(root, path === '' || path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (!/gzip/.test(req.headers['accept-encoding'] ?? '')) {
      res.writeHead(200, { 'content-type': type });
      createReadStream(file).pipe(res);
      return;
    }
    if (!cache.has(file)) cache.set(file, gzipSync(readFileSync(file), { level: 9 }));
    res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip', 'cache-control': 'no-cache' });
    res.end(cache.get(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
  }));
}

// Recorded in the page before its own scripts run.
function probes() {
  window.__bench = { firstBreakdown: null, latencies: [], work: [], dom: [] };
  new MutationObserver((_, observer) => {
    if (document.querySelector('#total[data-total-bytes]')) {
      window.__bench.firstBreakdown = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-total-bytes'] });
  let handled = 0;
  addEventListener('input', (event) => { // bubbling: after the page's handlers
    handled = performance.now();
    window.__bench.dom.push(handled - event.timeStamp);
  });
  addEventListener('input', (event) => {
    const start = event.timeStamp;
    requestAnimationFrame(() => {
      const frameStart = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const end = performance.now();
        window.__bench.work.push(handled - start + (end - frameStart));
        window.__bench.latencies.push(end - start);
      };
      channel.port2.postMessage(0);
    });
  }, true);
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

async function firstLoad(url) {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const requests = new Map();
    const bytes = new Map();
    cdp.on('Network.requestWillBeSent', (e) => requests.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
    await page.addInitScript(probes);
    await page.goto(url, { waitUntil: 'networkidle' });
    const sum = () => [...bytes.values()].reduce((a, b) => a + b, 0);
    const files = () => [...bytes.keys()].map((id) => new URL(requests.get(id)).pathname.split('/').pop() || 'index.html');
    const firstScreen = { bytes: sum(), files: files() };
    await page.locator('#chart').scrollIntoViewIfNeeded();
    await page.locator('#chart canvas').waitFor();
    await page.waitForLoadState('networkidle');
    return { firstScreen, withChart: { bytes: sum(), files: files() } };
  } finally {
    await browser.close();
  }
}

async function timeToBreakdown(url) {
  const browser = await launch();
  const times = [];
  try {
    const page = await browser.context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.addInitScript(probes);
    for (let i = 0; i < runs; i++) {
      await page.goto(`${url}?run=${i}`);
      await page.waitForFunction(() => window.__bench.firstBreakdown !== null);
      times.push(await page.evaluate(() => window.__bench.firstBreakdown));
    }
  } finally {
    await browser.close();
  }
  return { median: quantile(times, 0.5), max: Math.max(...times), runs: times.length };
}

async function pressKeys(page, field) {
  await page.evaluate(() => Object.assign(window.__bench, { latencies: [], work: [], dom: [] }));
  await field.focus();
  for (let i = 0; i < PRESSES; i++) {
    await page.keyboard.press(i % 2 ? 'ArrowDown' : 'ArrowUp');
    await page.waitForFunction((n) => window.__bench.latencies.length >= n, i + 1);
    if (i % 25 === 24) await page.waitForTimeout(150); // let the chart redraw now and then, as when typing
  }
  const { latencies, work, dom } = await page.evaluate(() => window.__bench);
  const stats = (v) => ({ median: quantile(v, 0.5), p95: quantile(v, 0.95), max: Math.max(...v), n: v.length });
  return { endToEnd: stats(latencies), work: stats(work), dom: stats(dom) };
}

async function inputToPaint(url) {
  const browser = await launch({ viewport: { width: 1280, height: 1800 } });
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(probes);
    await page.goto(url);
    await page.locator('#chart canvas').waitFor();
    const page_ = await pressKeys(page, page.getByLabel('Sequence length', { exact: true }));
    // The floor: the same presses in a copy of the field that no handler of the page listens to (a
    // clone carries no listeners), in its place on the same page: what the browser itself spends on
    // a key press in a number field and the frame after it, on this machine.
    await page.evaluate(() => {
      const field = document.querySelector('input[data-path="training.seq_len"]');
      const copy = field.cloneNode(false);
      copy.removeAttribute('data-path');
      copy.id = 'bench-floor';
      field.replaceWith(copy);
    });
    const floor = await pressKeys(page, page.locator('#bench-floor'));
    return { ...page_, floor };
  } finally {
    await browser.close();
  }
}

async function openLargeGguf(url) {
  const dir = mkdtempSync(join(tmpdir(), 'memcalc-bench-'));
  const browser = await launch();
  try {
    const written = spawnSync(join(repo, 'build/native-release/tests/memcalc_write_fixtures'), [dir, '--large', String(40e9)], { encoding: 'utf8' });
    if (written.status !== 0) throw new Error(written.stderr);
    const large = JSON.parse(written.stdout.trim().split('\n').pop());
    const file = join(dir, 'large', 'large.gguf');
    const page = await browser.context.newPage();
    await page.goto(`${url}#scenario=${encodeURIComponent(JSON.stringify({ model: 'llama-3.1-8b', mode: 'inference' }))}`);
    await page.locator('#total[data-total-bytes]').waitFor();
    await page.locator('#checkpoint summary').click();
    const times = [];
    let read = '';
    for (let i = 0; i < runs; i++) {
      const before = await page.locator('#total').getAttribute('data-total-bytes');
      await page.evaluate(() => {
        const input = document.querySelector('#checkpoint-files');
        window.__open = null;
        input.addEventListener('change', () => { window.__open = performance.now(); }, { once: true, capture: true });
      });
      await page.locator('#checkpoint-files').setInputFiles(file);
      await page.waitForFunction((b) => document.querySelector('#checkpoint-status.ok') && document.querySelector('#total').dataset.totalBytes !== b, before);
      times.push(await page.evaluate(() => performance.now() - window.__open));
      read = await page.locator('#checkpoint-status p').innerText();
      await page.goto(`${url}#scenario=${encodeURIComponent(JSON.stringify({ model: 'llama-3.1-8b', mode: 'inference', run: i }))}`);
      await page.locator('#total[data-total-bytes]').waitFor();
      await page.locator('#checkpoint summary').click();
    }
    return { median: quantile(times, 0.5), max: Math.max(...times), runs: times.length, size: large.size, header: large.header, status: read };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const server = await gzipServer(dist);
try {
  const load = await firstLoad(server.url);
  const breakdown = await timeToBreakdown(server.url);
  const input = await inputToPaint(server.url);
  const open = await openLargeGguf(server.url);
  const report = { load, breakdown, inputToPaint: input, openLargeGguf: open };
  if (asJson) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
    const ms = (n) => `${n.toFixed(1)} ms`;
    console.log(`first load, gzip over the wire: ${kb(load.firstScreen.bytes)} (${load.firstScreen.files.length} files: ${load.firstScreen.files.join(', ')})`);
    console.log(`  with the chart scrolled into view: ${kb(load.withChart.bytes)}`);
    console.log(`navigation to first breakdown (cold cache, ${breakdown.runs} runs): median ${ms(breakdown.median)}, max ${ms(breakdown.max)}`);
    const line = (s) => `median ${ms(s.median)}, p95 ${ms(s.p95)}, max ${ms(s.max)}`;
    const fine = (s) => `median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
    console.log(`input, ${input.work.n} key presses: to the updated DOM ${fine(input.dom)}`);
    console.log(`  to the next frame (the page's work: handlers + the frame's rendering) ${fine(input.work)}`);
    console.log(`  end to end at 60 Hz (includes the wait for the next frame): ${line(input.endToEnd)}`);
    console.log(`  floor, the same presses in a copy of the field without the page's handlers: to the updated DOM ${fine(input.floor.dom)}; to the next frame ${fine(input.floor.work)}`);
    console.log(`opening a ${(open.size / 1e9).toFixed(1)} GB GGUF (header ${kb(open.header)}), pick to breakdown, ${open.runs} runs: median ${ms(open.median)}, max ${ms(open.max)}`);
    console.log(`  the page said: ${open.status}`);
  }
} finally {
  server.close();
}
