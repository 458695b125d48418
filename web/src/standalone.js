// The one-file page (dist/memcalc-standalone.html, opened from file:// too): the core with its wasm
// inlined, and no service worker. Stands in for ./hosted.js in web/vite.standalone.config.js.
import { loadInline } from './api/inline.js';

export function loadCore() {
  return loadInline();
}

export async function watchForUpdates() {}
