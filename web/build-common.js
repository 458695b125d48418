// What the Vite configs of web/ share: paths, and the build options of the builds that add files to
// dist/ after the page's (the JS API, the one-file page, the element).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** An absolute path from one relative to web/. */
export const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** The Emscripten output of the wasm-release CMake preset (MEMCALC_WASM_DIR overrides it). */
export const wasmDir = process.env.MEMCALC_WASM_DIR ?? here('../build/wasm-release/wasm');

/** The package's version (package.json), which the core reports too: `__MEMCALC_VERSION__` in the sources. */
export const version = JSON.parse(readFileSync(here('../package.json'), 'utf8')).version;
export const define = { __MEMCALC_VERSION__: JSON.stringify(version) };

/** Build options: write into dist/ beside what is there. */
export const addToDist = {
  outDir: here('../dist'),
  emptyOutDir: false,
  copyPublicDir: false,
  target: 'es2022',
  reportCompressedSize: false,
};

/**
 * `import text from 'file.wasm?base64'`: the file's bytes as a base64 string in the bundle, for the
 * one-file builds (web/src/api/inline.js decodes it).
 */
export function base64Imports() {
  const SUFFIX = '?base64';
  return {
    name: 'memcalc-base64-imports',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith(SUFFIX)) return null;
      const text = readFileSync(id.slice(0, -SUFFIX.length)).toString('base64');
      return `export default ${JSON.stringify(text)};`;
    },
  };
}

/**
 * The icon links in the page's <head>. The files are web/public/icons/ (the SVG and its PNGs, committed);
 * with `inline: true` (the one-file page) the SVG favicon is a data: URL instead.
 */
export function iconLinks({ inline = false } = {}) {
  return {
    name: 'memcalc-icon-links',
    transformIndexHtml() {
      if (inline) {
        const svg = readFileSync(here('public/icons/icon.svg'), 'utf8').replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ').trim();
        return [{ tag: 'link', attrs: { rel: 'icon', type: 'image/svg+xml', href: `data:image/svg+xml,${encodeURIComponent(svg)}` }, injectTo: 'head' }];
      }
      return [
        { tag: 'link', attrs: { rel: 'icon', type: 'image/svg+xml', href: './icons/icon.svg' }, injectTo: 'head' },
        { tag: 'link', attrs: { rel: 'apple-touch-icon', href: './icons/icon-192.png' }, injectTo: 'head' },
      ];
    },
  };
}
