// dist/memcalc-standalone.html: the page of web/index.html in one file that works opened from
// file:// (where module scripts and fetch() of a .wasm are blocked). The same source as the page,
// with two differences: ./standalone.js stands in for ./hosted.js (the core with its wasm inlined
// by src/api/inline.js; no service worker), and everything is bundled into one
// classic script (IIFE, the chart and the Chinese phrases included) inlined with the CSS into the HTML.
// scripts/web-build runs it after the page's build; it adds one file to dist/.
import { defineConfig } from 'vite';
import { addToDist, base64Imports, here, iconLinks, wasmDir, define } from './build-common.js';
const OUTPUT = 'memcalc-standalone.html';

// Replaces the built page's script and stylesheet links with their content, and names the file.
function oneFile() {
  return {
    name: 'memcalc-one-file',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_, bundle) {
        const page = bundle['index.html'];
        let html = String(page.source);
        const take = (fileName) => {
          const item = bundle[fileName];
          if (!item) throw new Error(`${OUTPUT}: ${fileName} is not in the bundle`);
          delete bundle[fileName];
          return item.type === 'chunk' ? item.code : String(item.source);
        };
        let script = '';
        html = html.replace(/\s*<script type="module"[^>]*\ssrc="\.\/([^"]+)"><\/script>/g, (_, file) => {
          script += take(file);
          return '';
        });
        html = html.replace(/<link rel="stylesheet"[^>]*\shref="\.\/([^"]+)">/g,
          (_, file) => `<style>\n${take(file)}</style>`);
        if (!script) throw new Error(`${OUTPUT}: no script found in the page`);
        // A classic script runs where it stands: at the end of the body, as a module script would
        // run once the document is parsed. "</script" inside it must not end the element.
        const inline = `<script>\n${script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')}</script>\n`;
        html = html.replace('</body>', () => `${inline}</body>`);
        const left = Object.keys(bundle).filter((name) => name !== 'index.html');
        if (left.length) throw new Error(`${OUTPUT}: files left outside the one file: ${left.join(', ')}`);
        delete bundle['index.html'];
        this.emitFile({ type: 'asset', fileName: OUTPUT, source: html });
      },
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: false,
  define,
  resolve: {
    alias: [
      { find: '@wasm', replacement: wasmDir },
      { find: /^\.\/hosted\.js$/, replacement: here('src/standalone.js') },
    ],
  },
  build: {
    ...addToDist,
    cssCodeSplit: false,
    modulePreload: false,
    assetsInlineLimit: () => true,
    rollupOptions: { output: { format: 'iife', inlineDynamicImports: true } },
  },
  plugins: [base64Imports(), iconLinks({ inline: true }), oneFile()],
});
