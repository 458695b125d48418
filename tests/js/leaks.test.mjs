// No leaks across the boundary: the bindings pass strings only, so 10,000 estimates must leave
// the wasm allocator's bytes in use (mallinfo().uordblks) and the Embind handle count unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memcalc } from './memcalc-module.mjs';

test('10,000 estimates leave the heap and the handle count where they were', async () => {
  const api = await memcalc.load();
  const { presets } = api.catalog();
  const scenarios = [
    ...presets.map((p) => ({ model: p.id, mode: 'training' })),
    ...presets.map((p) => ({ model: p.id, mode: 'inference', inference: { context_len: 8192 } })),
    { model: presets[0].config, training: { recompute: 'full' } },
    { model: 'no-such-model', training: { batch_size: 0 } },
    '{ not json',
  ];
  // Once around first, so lazily built tables (presets, GPU catalog) exist before the baseline.
  for (const s of scenarios) api.estimate(s);
  const before = api.heapStats();
  for (let i = 0; i < 10000; i++) {
    const result = api.estimate(scenarios[i % scenarios.length]);
    assert.equal(typeof result.ok, 'boolean');
  }
  api.catalog();
  const after = api.heapStats();
  assert.equal(after.heapBytesInUse, before.heapBytesInUse, 'heap bytes in use');
  assert.equal(after.emvalHandles, before.emvalHandles, 'Embind handles');
});
