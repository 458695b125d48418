// What the page served over HTTP (dist/index.html) adds around the calculator: the core's .wasm as a
// file of its own, and the service worker that keeps the page working offline. The one-file page
// (web/vite.standalone.config.js) builds with ./standalone.js in place of this module.
import wasmUrl from '@wasm/memcalc-module.wasm?url';
import { load } from './api/memcalc.js';

// Written by vite-plugin-pwa (web/vite.config.js) next to index.html; it skips waiting on this message.
const SERVICE_WORKER = './sw.js';
const SKIP_WAITING = { type: 'SKIP_WAITING' };
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function loadCore() {
  return load({ wasmUrl: new URL(wasmUrl, document.baseURI) });
}

/**
 * Registers the service worker (after the first breakdown, so it does not compete with it). When a
 * new build has installed and waits for this page, calls `onUpdate(accept)` once; `accept()`
 * activates the new build and reloads the page into it.
 */
export async function watchForUpdates(onUpdate) {
  const { serviceWorker } = navigator;
  if (!serviceWorker || !window.isSecureContext) return;
  let registration;
  try {
    registration = await serviceWorker.register(SERVICE_WORKER, { scope: './' });
  } catch {
    return; // offline use is an addition: without a service worker the page works as before
  }
  if (!registration) return;

  let offered = false;
  const offer = (worker) => {
    // Without a controller this is the first install, not an update.
    if (offered || worker.state !== 'installed' || !serviceWorker.controller) return;
    offered = true;
    onUpdate(() => {
      serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
      worker.postMessage(SKIP_WAITING);
    });
  };
  // The new build may be waiting already, still installing (the browser checked on navigation), or
  // found later: each way ends in offer().
  const watch = (worker) => {
    if (!worker) return;
    offer(worker);
    worker.addEventListener('statechange', () => offer(worker));
  };
  watch(registration.waiting);
  watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration.installing));
  // Look for a new build now (browsers may skip their own check on a quick reload), and now and
  // then while the tab stays open.
  const check = () => registration.update().catch(() => {});
  check();
  setInterval(check, UPDATE_CHECK_MS);
}
