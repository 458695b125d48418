// The JS API of CONTRACTS.md §4, over the WebAssembly build of the core.
//
//   import { estimate, presets, catalog } from './memcalc.mjs';
//   const result = await estimate({ model: 'llama-3.1-8b', mode: 'inference' });
//
// `estimate` hands JSON text to the core and parses the text it returns, so a result equals the
// CLI's `--json` output. Works in browsers and in Node 20 (which reads the .wasm with node:fs,
// because the glue's fetch-based loading does not work there).
import createMemcalcModule from '@wasm/memcalc-module.mjs';
import { wrapModule } from './wrap.js';

/** The package's version; results carry the same in `version`. */
export const version = __MEMCALC_VERSION__;

const WASM_FILE = 'memcalc.wasm';
// A variable, not a literal, so bundlers leave the Node-only import alone.
const NODE_FS = 'node:fs/promises';

/**
 * Instantiates the module. Without options the .wasm is looked for next to this file.
 * @param {{ wasmUrl?: string | URL, wasmBinary?: ArrayBuffer | Uint8Array }} [options]
 */
export async function load(options = {}) {
  const wasmUrl = new URL(options.wasmUrl ?? WASM_FILE, import.meta.url);
  let wasmBinary = options.wasmBinary;
  if (!wasmBinary && wasmUrl.protocol === 'file:') {
    const fs = await import(/* @vite-ignore */ NODE_FS);
    wasmBinary = await fs.readFile(wasmUrl);
  }
  const module = await createMemcalcModule({
    ...(wasmBinary ? { wasmBinary } : {}),
    locateFile: () => wasmUrl.href,
  });
  return wrapModule(module);
}

let defaultInstance;
/** Starts loading the shared instance (with `options` on the first call) and resolves to it. */
export function init(options) {
  defaultInstance ??= load(options);
  return defaultInstance;
}

/** The estimate for a scenario (object or JSON text); never rejects on bad input: see `ok`. */
export async function estimate(scenario) {
  return (await init()).estimate(scenario);
}

/**
 * The scenario's `model` for a checkpoint's files (File or Blob objects: a .gguf or its split set, a
 * .safetensors file or shards with model.safetensors.index.json and config.json). Only the headers
 * are read. Rejects with an Error whose `issues` name the file and byte of any problem.
 */
export async function modelFromFiles(files, options) {
  return (await init()).modelFromFiles(files, options);
}

/** What the files hold, as `memcalc inspect` prints it, with the model and the bytes read. */
export async function readFiles(files, options) {
  return (await init()).readFiles(files, options);
}

/** The model presets of the catalog. */
export async function presets() {
  return (await init()).presets();
}

/** Presets, GPUs, defaults, enum values and component labels. */
export async function catalog() {
  return (await init()).catalog();
}
