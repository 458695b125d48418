// The scenario the page edits (CONTRACTS.md §1): reading and writing fields by dotted path, and
// the URL hash `#scenario=<encodeURIComponent(JSON)>`.

export function getPath(object, path) {
  return path.split('.').reduce((node, key) => (node == null ? undefined : node[key]), object);
}

/** A copy of `object` with the field at `path` set (objects on the way are copied, not shared). */
export function setPath(object, path, value) {
  const [head, ...rest] = path.split('.');
  const copy = Array.isArray(object) ? [...object] : { ...object };
  copy[head] = rest.length ? setPath(object?.[head] ?? {}, rest.join('.'), value) : value;
  return copy;
}

const WHOLE = new Set(['model', 'gpu']);

/** The scenario over the defaults: every field present, the user's values winning. */
export function withDefaults(defaults, scenario) {
  if (!isPlainObject(defaults) || !isPlainObject(scenario)) return scenario === undefined ? defaults : scenario;
  const out = { ...defaults };
  for (const [key, value] of Object.entries(scenario)) {
    // A model (preset id or config.json object) and a GPU (preset or memory_bytes) are taken whole.
    out[key] = WHOLE.has(key) ? value : withDefaults(defaults[key], value);
  }
  return out;
}

/** Scalar fields (dotted paths) under `prefix` of a defaults object, in their order. */
export function leafPaths(object, prefix) {
  const node = getPath(object, prefix);
  if (!isPlainObject(node)) return [prefix];
  return Object.keys(node).flatMap((key) => leafPaths(object, `${prefix}.${key}`));
}

/** The fields of `scenario` that differ from `defaults` (what a link needs to carry). */
export function diffFromDefaults(defaults, scenario) {
  const out = {};
  for (const [key, value] of Object.entries(scenario)) {
    const base = defaults?.[key];
    if (isPlainObject(value) && isPlainObject(base) && !WHOLE.has(key)) {
      const inner = diffFromDefaults(base, value);
      if (Object.keys(inner).length) out[key] = inner;
    } else if (JSON.stringify(value) !== JSON.stringify(base) || key === 'model') {
      out[key] = value;
    }
  }
  return out;
}

const HASH_KEY = 'scenario=';

/** The scenario in a location hash, `null` when there is none, or `{ error }` when it is unreadable. */
export function readHash(hash) {
  const text = hash.replace(/^#/, '');
  if (!text.startsWith(HASH_KEY)) return null;
  try {
    const scenario = JSON.parse(decodeURIComponent(text.slice(HASH_KEY.length)));
    return isPlainObject(scenario) ? { scenario } : { error: 'not a JSON object' };
  } catch (error) {
    return { error: error.message };
  }
}

export function hashFor(scenario) {
  return `#${HASH_KEY}${encodeURIComponent(JSON.stringify(scenario))}`;
}

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
