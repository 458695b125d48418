// web/src/scenario.js: the share link's hash. The short form the page writes (#s=, base64url of the
// fields that differ from the defaults) and the long form of CONTRACTS.md §4 (#scenario=) read back
// to the same scenario, with the same result from the core; unreadable hashes are reported, not thrown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffFromDefaults, hashFor, longHashFor, readHash, withDefaults } from '../../web/src/scenario.js';
import { memcalc } from './memcalc-module.mjs';

const catalog = await memcalc.catalog();
const { defaults, presets } = catalog;
const custom = presets.find((p) => p.config).config;

const scenarios = [
  { model: defaults.model },
  { model: presets.at(-1).id, mode: 'inference', inference: { context_len: 131072, kv_dtype: 'fp8', weight_dtype: 'q4_k_m' }, gpu: { preset: 'h100-80gb', count: 8 } },
  { model: defaults.model, training: { batch_size: 4, precision: 'fp32', parallel: { zero: 3, dp: 8 } }, gpu: { memory_bytes: 25769803776, count: 1 } },
  { model: { ...custom, num_hidden_layers: 7, note: 'ünïcødé 中文 ✓ +/=' }, mode: 'training' },
];

for (const [n, wanted] of scenarios.entries()) {
  test(`scenario ${n}: #s= and #scenario= read back to the same scenario and the same result`, async () => {
    const full = withDefaults(defaults, wanted);
    const short = hashFor(diffFromDefaults(defaults, full));
    assert.match(short, /^#s=[A-Za-z0-9_-]+$/);
    const long = longHashFor(full);
    assert.ok(short.length < long.length, `${short.length} < ${long.length}`);
    const fromShort = withDefaults(defaults, readHash(short).scenario);
    const fromLong = withDefaults(defaults, readHash(long).scenario);
    assert.deepEqual(fromShort, full);
    assert.deepEqual(fromLong, full);
    assert.deepEqual(await memcalc.estimate(fromShort), await memcalc.estimate(full));
  });
}

test('a hash without a scenario is not an error', () => {
  assert.equal(readHash(''), null);
  assert.equal(readHash('#results'), null);
});

test('malformed and tampered hashes give an error, never a scenario', () => {
  const b64 = (text) => Buffer.from(text).toString('base64url');
  const bad = {
    'bad base64url': '#s=**not*base64**',
    'impossible length': '#s=abcde',
    'bad JSON': `#s=${b64('{"model": ')}`,
    'invalid UTF-8': `#s=${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`,
    'an array': `#s=${b64('[1,2]')}`,
    'a string': `#s=${b64('"<script>alert(1)</script>"')}`,
    'null': `#s=${b64('null')}`,
    'long form, bad JSON': '#scenario=%7Bnot-json',
    'long form, bad escape': '#scenario=%E0%A4%A',
    'long form, a number': '#scenario=42',
    'pins not a list': `#s=${b64('{}')}&p=${b64('{"model": "gpt2"}')}`,
    'pins of numbers': `#s=${b64('{}')}&p=${b64('[1]')}`,
    'pins, bad base64url': `#s=${b64('{}')}&p=**`,
  };
  for (const [name, hash] of Object.entries(bad)) {
    const read = readHash(hash);
    assert.ok(read && typeof read.error === 'string' && read.error.length, `${name}: ${JSON.stringify(read)}`);
    assert.equal(read.scenario, undefined, name);
  }
});

test('"__proto__" in a link is dropped, not turned into a prototype', () => {
  const read = readHash(`#scenario=${encodeURIComponent('{"__proto__":{"polluted":1},"mode":"inference"}')}`);
  assert.deepEqual(read.scenario, { mode: 'inference' });
  assert.equal(Object.getPrototypeOf(read.scenario), Object.prototype);
  const merged = withDefaults(defaults, read.scenario);
  assert.equal(merged.polluted, undefined);
  assert.equal({}.polluted, undefined);
});

test('pinned scenarios travel with the link, short and long, and stop at four', () => {
  const current = { model: 'llama-3.1-8b', gpu: { preset: 'rtx-4090-24gb', count: 1 } };
  const pins = [{ model: 'llama-3.1-8b' }, { model: 'qwen3-8b', mode: 'inference' }];
  const short = hashFor(current, pins);
  assert.match(short, /^#s=[A-Za-z0-9_-]+&p=[A-Za-z0-9_-]+$/);
  assert.deepEqual(readHash(short), { scenario: current, pinned: pins });
  assert.deepEqual(readHash(longHashFor(current, pins)), { scenario: current, pinned: pins });
  assert.deepEqual(readHash(hashFor(current)), { scenario: current, pinned: [] });
  const many = Array.from({ length: 6 }, (_, i) => ({ training: { batch_size: i + 1 } }));
  assert.equal(readHash(hashFor(current, many)).pinned.length, 4);
});
