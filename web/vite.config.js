// Two builds into dist/ (scripts/web-build runs both):
//   vite build              the page: index.html and its hashed assets (the .wasm among them)
//   vite build --mode api   the JS API: memcalc.mjs, memcalc.wasm next to it, memcalc.d.ts (.d.mts)
// The Emscripten output comes from the wasm-release CMake preset (MEMCALC_WASM_DIR overrides it).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const wasmDir = process.env.MEMCALC_WASM_DIR ?? here('../build/wasm-release/wasm');

// Emits files of the API next to memcalc.mjs under fixed names (the module finds its .wasm by name).
function apiFiles() {
  return {
    name: 'memcalc-api-files',
    generateBundle() {
      const files = {
        'memcalc.wasm': `${wasmDir}/memcalc-module.wasm`,
        'memcalc.d.ts': here('src/api/memcalc.d.ts'),
        // TypeScript looks for the types of `import './memcalc.mjs'` in memcalc.d.mts.
        'memcalc.d.mts': here('src/api/memcalc.d.ts'),
      };
      for (const [fileName, path] of Object.entries(files)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(path) });
      }
    },
  };
}

// The page fetches its .wasm as soon as the HTML arrives, not after its script has run.
function preloadWasm() {
  return {
    name: 'memcalc-preload-wasm',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const wasm = Object.keys(bundle ?? {}).filter((name) => name.endsWith('.wasm'));
        return wasm.map((name) => ({
          tag: 'link',
          attrs: { rel: 'preload', href: `./${name}`, as: 'fetch', type: 'application/wasm', crossorigin: '' },
          injectTo: 'head',
        }));
      },
    },
  };
}

export default defineConfig(({ mode }) => ({
  root: here('.'),
  base: './',
  publicDir: false,
  resolve: { alias: { '@wasm': wasmDir } },
  build: {
    outDir: here('../dist'),
    target: 'es2022',
    reportCompressedSize: false,
    ...(mode === 'api'
      ? {
          emptyOutDir: false,
          copyPublicDir: false,
          lib: {
            entry: here('src/api/memcalc.js'),
            formats: ['es'],
            fileName: () => 'memcalc.mjs',
          },
          rollupOptions: { plugins: [apiFiles()] },
        }
      : {
          emptyOutDir: true,
          assetsInlineLimit: 0,
        }),
  },
  plugins: mode === 'api' ? [] : [preloadWasm()],
  server: { host: '127.0.0.1' },
}));
