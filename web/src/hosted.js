// What the page served over HTTP (dist/index.html) adds around the calculator: the core's .wasm as a
// file of its own, and the service worker that keeps the page working offline. The one-file page
// (web/vite.standalone.config.js) builds with ./standalone.js in place of this module.
import wasmUrl from '@wasm/memcalc-module.wasm?url';
import { load } from './api/memcalc.js';

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function loadCore() {
  return load({ wasmUrl: new URL(wasmUrl, document.baseURI) });
}

/**
 * Registers the service worker (after the first breakdown, so it does not compete with it). When a
 * new build is installed and waiting, calls `onUpdate(accept)`; `accept()` activates it and reloads.
 */
export async function watchForUpdates(onUpdate) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const { registerSW } = await import('virtual:pwa-register');
  let offered = false;
  const accept = registerSW({
    immediate: true,
    onNeedRefresh() {
      if (offered) return;
      offered = true;
      onUpdate(() => accept(true));
    },
    // A tab left open looks for a new build now and then, not only when it is loaded.
    onRegisteredSW(url, registration) {
      if (registration) setInterval(() => registration.update().catch(() => {}), UPDATE_CHECK_MS);
    },
    // Offline use is an addition: without a service worker the page works as before.
    onRegisterError() {},
  });
}
