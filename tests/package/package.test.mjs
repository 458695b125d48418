// The npm package, packed and installed into a scratch project from its tarball, used the three ways the
// README shows: the JS API (import 'memcalc'), the element (import 'memcalc/element') and the CLI
// (npx memcalc), which must print what the native CLI prints. One version everywhere: package.json's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { npm, packed, pkg, repo, scratchProject } from './pack.mjs';

const nativeCli = process.env.MEMCALC_CLI ?? join(repo, 'build/native-release/cli/memcalc');
const fixtureWriter = join(repo, 'build/native-release/tests/memcalc_write_fixtures');
let project;
const cleanup = [];

before(() => {
  project = scratchProject();
  cleanup.push(project);
});
after(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs a command; returns { status, stdout, stderr }. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
// npm's own warnings (about the user's npm config, say) are npm's, not the CLI's.
const withoutNpmWarnings = (text) => text.replace(/^npm warn .*\n/gm, '');
function npx(args, options = {}) {
  const r = run('npx', ['--no-install', 'memcalc', ...args], { cwd: project, ...options });
  return { ...r, stderr: withoutNpmWarnings(r.stderr) };
}
const native = (args, options = {}) => run(nativeCli, args, { cwd: project, ...options });

test('the tarball holds the API, its types, the element, the one-file page, the iframe form and the CLI, and nothing else', () => {
  const listing = JSON.parse(npm(['pack', '--dry-run', '--json'], repo))[0];
  const files = listing.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'LICENSE', 'README.md',
    'dist/cli/memcalc-cli.cjs', 'dist/cli/memcalc-cli.wasm', 'dist/cli/memcalc.cjs',
    'dist/embed.html', 'dist/embed.js',
    'dist/llm-memory-calculator.d.ts', 'dist/llm-memory-calculator.js',
    'dist/memcalc-standalone.html', 'dist/memcalc.d.mts', 'dist/memcalc.d.ts', 'dist/memcalc.mjs', 'dist/memcalc.wasm',
    'package.json',
  ]);
  assert.equal(listing.name, 'memcalc');
  assert.match(listing.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'a semantic version');
  // No runtime dependencies: the chart library is bundled into the page, which the package does not ship.
  assert.equal(pkg.dependencies, undefined);
  const installed = readdirSync(join(project, 'node_modules'));
  assert.deepEqual(installed.filter((name) => !name.startsWith('.')), ['memcalc']);
});

test('import "memcalc": the API in Node, the same result as the native CLI, the version of the package', async () => {
  const script = join(project, 'api.mjs');
  writeFileSync(script, `
    import { estimate, version } from 'memcalc';
    const result = await estimate(JSON.parse(process.argv[2]));
    process.stdout.write(JSON.stringify({ version, result }));
  `);
  const scenario = { model: 'qwen3-8b', mode: 'inference', inference: { context_len: 32768 } };
  const { status, stdout, stderr } = run(process.execPath, [script, JSON.stringify(scenario)], { cwd: project });
  assert.equal(status, 0, stderr);
  const { version, result } = JSON.parse(stdout);
  const want = JSON.parse(native(['--scenario', '-', '--json'], { input: JSON.stringify(scenario) }).stdout);
  assert.deepEqual(result, want);
  assert.equal(version, pkg.version);
  assert.equal(result.version, pkg.version);
});

test('npx memcalc prints what the native CLI prints: --json byte for byte, the table, errors and exit codes', () => {
  const cases = [
    ['--model', 'qwen3-8b', '--mode', 'inference', '--seq', '32768', '--json'],
    ['--model', 'qwen3-8b', '--mode', 'inference', '--seq', '32768'],
    ['--model', 'llama-3.1-70b', '--mode', 'training', '--gpu', 'rtx-4090', '--json'],
    ['--engine', 'vllm', '--model', 'qwen3-8b', '--max-model-len', '32768', '--gpu', 'l40s'],
    ['--version'],
    ['models'],
    ['--model', 'no-such-model', '--json'],
    ['--seq'],
    ['--no-such-flag'],
  ];
  for (const args of cases) {
    const got = npx(args);
    const want = native(args);
    const label = `memcalc ${args.join(' ')}`;
    assert.equal(got.status, want.status, `${label}: exit status (stderr ${got.stderr})`);
    assert.equal(got.stdout, want.stdout, `${label}: stdout`);
    assert.equal(got.stderr, want.stderr, `${label}: stderr`);
  }
  assert.equal(npx(['--version']).stdout, `memcalc ${pkg.version}\n`);
});

test('npx memcalc reads a scenario from stdin and from a file, and checkpoint headers from disk', () => {
  const scenario = JSON.stringify({ model: 'llama-3.1-8b', mode: 'training', training: { batch_size: 2, seq_len: 4096 } });
  assert.equal(npx(['--scenario', '-', '--json'], { input: scenario }).stdout,
    native(['--scenario', '-', '--json'], { input: scenario }).stdout);
  writeFileSync(join(project, 'scenario.json'), scenario);
  assert.equal(npx(['--scenario', 'scenario.json', '--json']).stdout, native(['--scenario', 'scenario.json', '--json']).stdout);

  const fixtures = mkdtempSync(join(tmpdir(), 'memcalc-fixtures-'));
  cleanup.push(fixtures);
  const written = run(fixtureWriter, [fixtures]);
  assert.equal(written.status, 0, written.stderr);
  for (const name of ['gguf-llama-q4_k', 'gguf-llama-split', 'safetensors-llama-sharded']) {
    const path = join(fixtures, name);
    const file = name === 'safetensors-llama-sharded' ? path : join(path, readdirSync(path).sort()[0]);
    for (const args of [['inspect', file, '--json'], ['--model', file, '--mode', 'inference', '--json']]) {
      const got = npx(args);
      assert.equal(got.status, 0, `${args.join(' ')}: ${got.stderr}`);
      assert.equal(got.stdout, native(args).stdout, args.join(' '));
    }
  }
});

test('import "memcalc/element" in Node (a docs site\'s server-side render) defines nothing and throws nothing', () => {
  const script = join(project, 'ssr.mjs');
  writeFileSync(script, `
    await import('memcalc/element');
    process.stdout.write(String(typeof customElements));
  `);
  const { status, stdout, stderr } = run(process.execPath, [script], { cwd: project });
  assert.equal(status, 0, stderr);
  assert.equal(stdout, 'undefined');
});

test('the types of the installed package: the API and the element under tsc --strict', () => {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
      lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
    },
    files: ['usage.ts'],
  }));
  writeFileSync(join(project, 'usage.ts'), `
    import { estimate, version, type Result } from 'memcalc';
    import 'memcalc/element';
    const element = document.querySelector('llm-memory-calculator');
    if (element) {
      element.model = 'qwen3-8b';
      element.mode = 'inference';
      element.addEventListener('memcalc-change', (event) => console.log(event.detail.total_bytes));
      const shown: Result | null = element.result;
      console.log(shown?.total_bytes);
    }
    const result: Result = await estimate({ model: 'qwen3-8b', mode: 'inference' });
    const text: string = version;
    console.log(result.total_bytes, text);
    // @ts-expect-error: unit is 'GB' | 'GiB'
    if (element) element.unit = 'TB';
  `);
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  const { status, stdout } = run(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { cwd: project });
  assert.equal(status, 0, stdout);
});

test('the API through a bundler (Vite): told where the .wasm went, it gives the CLI\'s result in Chromium', async () => {
  const app = join(project, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title><script type="module" src="./main.js"></script>');
  writeFileSync(join(app, 'main.js'), `
    import { estimate, init } from 'memcalc';
    import wasmUrl from 'memcalc/memcalc.wasm?url';
    await init({ wasmUrl });
    const result = await estimate({ model: 'qwen3-8b', mode: 'inference' });
    document.body.dataset.total = String(result.total_bytes);
  `);
  const vite = join(repo, 'node_modules/vite/bin/vite.js');
  const built = run(process.execPath, [vite, 'build', app, '--outDir', join(app, 'dist'), '--base', './', '--logLevel', 'error'], { cwd: project });
  assert.equal(built.status, 0, built.stderr);
  const { launch, serve } = await import('../browser/harness.mjs');
  const server = await serve(join(app, 'dist'));
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    const total = await page.waitForFunction(() => document.body.dataset.total).then((handle) => handle.jsonValue());
    const want = JSON.parse(native(['--model', 'qwen3-8b', '--mode', 'inference', '--json']).stdout);
    assert.equal(total, String(want.total_bytes));
    assert.deepEqual(errors, []);
  } finally {
    await close();
    server.close();
  }
});

test('the element from the installed package works in Chromium, and the one-file page says the version', async () => {
  const { launch } = await import('../browser/harness.mjs');
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const element = readFileSync(join(project, 'node_modules/memcalc/dist/llm-memory-calculator.js'), 'utf8');
    await page.setContent('<llm-memory-calculator model="qwen3-8b" mode="inference"></llm-memory-calculator>');
    await page.addScriptTag({ content: element });
    const total = await page.waitForFunction(() => document.querySelector('llm-memory-calculator').result?.total_bytes)
      .then((handle) => handle.jsonValue());
    const want = JSON.parse(native(['--model', 'qwen3-8b', '--mode', 'inference', '--json']).stdout);
    assert.equal(total, want.total_bytes);
    assert.deepEqual(errors, []);

    await page.goto(pathToFileURL(join(project, 'node_modules/memcalc/dist/memcalc-standalone.html')).href);
    await page.waitForSelector('#version:not(:empty)');
    assert.equal(await page.textContent('#version'), pkg.version);
  } finally {
    await close();
  }
});
