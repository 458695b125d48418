// What the Vite configs of web/ share: paths, and the build options of the builds that add files to
// dist/ after the page's (the JS API, the one-file page, the element).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** An absolute path from one relative to web/. */
export const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** The Emscripten output of the wasm-release CMake preset (MEMCALC_WASM_DIR overrides it). */
export const wasmDir = process.env.MEMCALC_WASM_DIR ?? here('../build/wasm-release/wasm');

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
