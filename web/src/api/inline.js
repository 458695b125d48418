// The core with its .wasm carried inside the bundle (base64), for the builds that must be one file:
// the standalone page (opened from file://) and the embeddable element. The bytes are handed to the
// module directly, so nothing is fetched: not even a data: URL, which a host page's connect-src
// may refuse.
import wasmBase64 from '@wasm/memcalc-module.wasm?base64'; // web/build-common.js base64Imports()
import createMemcalcModule from '@wasm/memcalc-module.mjs';
import { bytesFromBase64 } from '../base64.js';
import { wrapModule } from './wrap.js';

/** Instantiates the core from the inlined bytes; resolves to the API of ./wrap.js. */
export async function loadInline() {
  const wasmBinary = bytesFromBase64(wasmBase64);
  return wrapModule(await createMemcalcModule({ wasmBinary }));
}
