// Two builds into dist/ (scripts/web-build runs both):
//   vite build              the page: index.html and its hashed assets (the .wasm among them), the
//                           web app manifest, its icons (web/public/icons/) and the service worker
//                           that precaches them
//   vite build --mode api   the JS API: memcalc.mjs, memcalc.wasm next to it, memcalc.d.ts (.d.mts)
// The Emscripten output comes from the wasm-release CMake preset (build-common.js).
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { addToDist, here, iconLinks, wasmDir, define } from './build-common.js';

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

// Installable and offline: the manifest, and a Workbox service worker whose precache list (each file
// with its revision) is generated from this build's output. A new build waits until the page's
// prompt is accepted or every tab of the old one is closed, so a page never mixes two builds' files.
function offline() {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false, // web/src/hosted.js registers it after the first breakdown and offers updates
    includeManifestIcons: false,
    manifest: {
      id: './',
      name: 'memcalc: LLM GPU memory calculator',
      short_name: 'memcalc',
      description: 'How much GPU memory training or serving a large language model needs, component by component.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#f7f7f5',
      theme_color: '#ffffff',
      icons: [
        { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      // The page only (the plugin adds the manifest): the JS API, the one-file page and the
      // element are fetched as they are.
      globPatterns: ['index.html', 'assets/*', 'icons/*'],
      navigateFallback: null,
      cleanupOutdatedCaches: true,
    },
  });
}

export default defineConfig(({ mode }) => ({
  root: here('.'),
  base: './',
  // web/public/ holds the icons (committed files), copied into the page's dist/icons/.
  publicDir: mode === 'api' ? false : here('public'),
  define,
  resolve: { alias: { '@wasm': wasmDir } },
  build: {
    ...addToDist,
    ...(mode === 'api'
      ? {
          lib: {
            entry: here('src/api/memcalc.js'),
            formats: ['es'],
            fileName: () => 'memcalc.mjs',
          },
          rollupOptions: { plugins: [apiFiles()] },
        }
      : {
          emptyOutDir: true,
          copyPublicDir: true,
          assetsInlineLimit: 0,
        }),
  },
  plugins: mode === 'api' ? [] : [preloadWasm(), iconLinks(), offline()],
  server: { host: '127.0.0.1' },
}));
