// The one-file page (dist/memcalc-standalone.html, opened from file:// too): the core with its wasm
// inlined, and no service worker. Stands in for ./hosted.js in web/vite.standalone.config.js.
import createMemcalcModule from '@wasm/memcalc-inline.mjs';
import { wrapModule } from './api/wrap.js';

export async function loadCore() {
  return wrapModule(await createMemcalcModule());
}

export async function watchForUpdates() {}
