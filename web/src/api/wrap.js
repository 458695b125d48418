// The synchronous API over an instantiated Emscripten module (any build of wasm/: the ES module of
// the page and of dist/memcalc.mjs, or a classic single-file build).

export function wrapModule(module) {
  let catalogCache;
  const catalog = () => (catalogCache ??= deepFreeze(JSON.parse(module.catalog())));
  const estimateText = (scenarioJson) => module.estimate(String(scenarioJson));
  return {
    estimate: (scenario) => JSON.parse(estimateText(toJsonText(scenario))),
    estimateText,
    catalog,
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
