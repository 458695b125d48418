// The synchronous API over an instantiated Emscripten module (any build of wasm/: the ES module of
// the page and of dist/memcalc.mjs, or a classic single-file build).

export function wrapModule(module) {
  let catalogCache;
  let briefCache;
  const presetConfigs = new Map();
  // { configs: false }: without each preset's config.json fields (presetConfig(id) has them): half the
  // size, and quicker to make.
  const catalog = ({ configs = true } = {}) => (configs
    ? (catalogCache ??= deepFreeze(JSON.parse(module.catalog())))
    : (briefCache ??= catalogCache ?? deepFreeze(JSON.parse(module.catalog_brief()))));
  const presetConfig = (id) => {
    if (!presetConfigs.has(id)) presetConfigs.set(id, deepFreeze(JSON.parse(module.preset_config(String(id)))));
    return presetConfigs.get(id);
  };
  // { searches: false }: the breakdown alone, without `limits` and `suggestions` (much faster).
  const estimateText = (scenarioJson, { searches = true } = {}) =>
    (searches ? module.estimate : module.estimate_breakdown)(String(scenarioJson));
  const readFiles = (files, options) => readCheckpoint(module, files, options);
  return {
    estimate: (scenario, options) => JSON.parse(estimateText(toJsonText(scenario), options)),
    estimateText,
    defaults: () => JSON.parse(module.defaults()),
    readFiles,
    modelFromFiles: async (files, options) => {
      const read = await readFiles(files, options);
      if (!read.ok) {
        const error = new Error(read.issues.filter((i) => i.severity === 'error').map((i) => `${i.field}: ${i.message}`).join('; '));
        error.issues = read.issues;
        throw error;
      }
      return read.model;
    },
    catalog,
    presetConfig,
    presets: () => catalog().presets,
    heapStats: () => ({
      heapBytesInUse: module.heap_bytes_in_use(),
      emvalHandles: module.count_emval_handles(),
    }),
  };
}

function toJsonText(scenario) {
  return typeof scenario === 'string' ? scenario : (JSON.stringify(scenario) ?? 'null');
}

function deepFreeze(value) {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

// A first read that holds most headers (GGUF's carry the tokenizer: megabytes; safetensors' tens of
// kilobytes); the readers ask for exactly what is missing.
const FIRST_READ = { gguf: 1 << 20, other: 64 << 10 };
const JSON_FILE = /\.json$/i;

/**
 * Reads a checkpoint's files by their headers alone (Blob.slice): GGUF (split sets too), safetensors
 * shards with their index, the config.json beside them. Resolves to {ok, issues, model, inspect,
 * read_bytes, total_bytes}; `onProgress({read, total})` hears of each round of reading.
 */
async function readCheckpoint(module, files, { onProgress } = {}) {
  const list = [...files].map((file) => ({ file, name: file.webkitRelativePath || file.name || 'model', size: file.size, want: 0, bytes: null }));
  for (const f of list) f.want = JSON_FILE.test(f.name) ? f.size : Math.min(f.size, /\.gguf$/i.test(f.name) ? FIRST_READ.gguf : FIRST_READ.other);
  for (let round = 0; round < 32; round += 1) {
    await Promise.all(list.map(async (f) => {
      if (f.bytes && f.bytes.length >= f.want) return;
      f.bytes = new Uint8Array(await f.file.slice(0, f.want).arrayBuffer());
    }));
    let length = 0;
    const directory = list.map((f) => {
      const entry = { name: f.name, size: f.size, offset: length, length: f.bytes.length };
      length += f.bytes.length;
      return entry;
    });
    const blob = new Uint8Array(length);
    for (const [i, f] of list.entries()) blob.set(f.bytes, directory[i].offset);
    const result = JSON.parse(module.read_files(JSON.stringify(directory), blob));
    onProgress?.({ read: length, total: list.reduce((n, f) => n + f.size, 0) });
    if (!result.need?.length) return result;
    for (const need of result.need) {
      const f = list.find((x) => x.name === need.name);
      if (f) f.want = Math.min(f.size, need.bytes);
    }
  }
  return { ok: false, issues: [{ field: 'files', severity: 'error', message: 'the headers did not end within 32 reads' }] };
}
