// The embeddable element (scripts/web-build runs this after the page and the API; it adds to dist/):
//   dist/llm-memory-calculator.js   one classic script (IIFE): <llm-memory-calculator>, styles and .wasm inlined
//   dist/llm-memory-calculator.d.ts  its types (the element's properties, its event, the tag name)
//   dist/embed.html, dist/embed.js  the iframe form: one element filling the frame, attributes from the URL hash
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { addToDist, base64Imports, here, wasmDir, define } from './build-common.js';

function embedFiles() {
  return {
    name: 'memcalc-embed-files',
    generateBundle() {
      for (const name of ['embed.html', 'embed.js', 'llm-memory-calculator.d.ts']) {
        this.emitFile({ type: 'asset', fileName: name, source: readFileSync(here(`widget/${name}`)) });
      }
    },
  };
}

export default defineConfig({
  root: here('widget'),
  publicDir: false,
  define,
  resolve: { alias: { '@wasm': wasmDir } },
  build: {
    ...addToDist,
    lib: {
      entry: here('widget/define.js'),
      formats: ['iife'],
      // Required by Vite for IIFE; the entry exports nothing, so no global of this name is created.
      name: 'LlmMemoryCalculator',
      fileName: () => 'llm-memory-calculator.js',
    },
    rollupOptions: { plugins: [embedFiles()] },
  },
  plugins: [base64Imports()],
});
