// The scenario the page edits (CONTRACTS.md §1): reading and writing fields by dotted path, and
// the share link in the URL hash.

import { bytesFromBase64 } from './base64.js';

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

// Links carry the scenario in the hash, which never reaches a server. Two forms are read:
//   #s=<base64url of the JSON>              what the page writes: only the fields that differ from
//                                           the defaults, about half the length of the long form
//   #scenario=<encodeURIComponent(JSON)>    the long form (CONTRACTS.md §4), for people and scripts
// Scenarios pinned for comparison follow as &p=<base64url of a JSON array> (or &pinned=<encoded JSON>).
// A hash is data only: it is parsed as JSON and checked by the core, nothing in it is run.
const SHORT_KEY = 's';
const LONG_KEY = 'scenario';
const PINS_SHORT = 'p';
const PINS_LONG = 'pinned';

// "__proto__" would set an object's prototype when the scenario is copied: it is dropped.
const parse = (json) => JSON.parse(json, (key, value) => (key === '__proto__' ? undefined : value));

/**
 * The scenario in a location hash (and any pinned ones): `{ scenario, pinned }`, `null` when there
 * is none, or `{ error }` when it is unreadable.
 */
export function readHash(hash) {
  const parts = new Map();
  for (const part of String(hash).replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq), part.slice(eq + 1));
  }
  try {
    let json;
    if (parts.has(SHORT_KEY)) json = fromBase64Url(parts.get(SHORT_KEY));
    else if (parts.has(LONG_KEY)) json = decodeURIComponent(parts.get(LONG_KEY));
    else return null;
    const scenario = parse(json);
    if (!isPlainObject(scenario)) return { error: 'not a JSON object' };
    let pinned = [];
    if (parts.has(PINS_SHORT)) pinned = parse(fromBase64Url(parts.get(PINS_SHORT)));
    else if (parts.has(PINS_LONG)) pinned = parse(decodeURIComponent(parts.get(PINS_LONG)));
    if (!Array.isArray(pinned) || !pinned.every(isPlainObject)) return { error: 'the pinned scenarios are not a list of JSON objects' };
    return { scenario, pinned: pinned.slice(0, MAX_PINNED) };
  } catch (error) {
    return { error: error.message };
  }
}

/** How many scenarios can stand pinned beside the current one. */
export const MAX_PINNED = 4;

/** The short hash of a scenario and any pinned ones (pass each through diffFromDefaults first to keep it short). */
export function hashFor(scenario, pinned = []) {
  const pins = pinned.length ? `&${PINS_SHORT}=${toBase64Url(JSON.stringify(pinned))}` : '';
  return `#${SHORT_KEY}=${toBase64Url(JSON.stringify(scenario))}${pins}`;
}

/** The long, readable hash (CONTRACTS.md §4). */
export function longHashFor(scenario, pinned = []) {
  const pins = pinned.length ? `&${PINS_LONG}=${encodeURIComponent(JSON.stringify(pinned))}` : '';
  return `#${LONG_KEY}=${encodeURIComponent(JSON.stringify(scenario))}${pins}`;
}

function toBase64Url(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('not base64url');
  const bytes = bytesFromBase64(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
