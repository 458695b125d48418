// The JS API's shape (CONTRACTS.md §4) and its types (memcalc.d.ts under tsc --strict).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { memcalc, repo } from './memcalc-module.mjs';

test('presets() lists the catalog presets with their parameter counts', async () => {
  const presets = await memcalc.presets();
  const catalog = await memcalc.catalog();
  assert.ok(presets.length > 0);
  assert.deepEqual(presets, catalog.presets);
  for (const p of presets) {
    assert.equal(typeof p.id, 'string');
    assert.ok(p.params_total > 0, p.id);
  }
});

test('estimate() takes an object or JSON text and resolves to the result', async () => {
  const [first] = await memcalc.presets();
  const scenario = { model: first.id, mode: 'inference' };
  const fromObject = await memcalc.estimate(scenario);
  const fromText = await memcalc.estimate(JSON.stringify(scenario));
  assert.equal(fromObject.ok, true);
  assert.deepEqual(fromObject, fromText);
  const sum = fromObject.components.reduce((s, c) => s + c.bytes, 0);
  assert.equal(sum, fromObject.total_bytes);
});

test('bad input resolves with ok: false and issues, never rejects', async () => {
  const result = await memcalc.estimate({ model: 'no-such-model' });
  assert.equal(result.ok, false);
  assert.ok(result.issues.some((i) => i.severity === 'error' && i.field === 'model'));
  assert.equal((await memcalc.estimate(undefined)).ok, false);
});

test('memcalc.d.ts passes tsc --strict on a usage file', () => {
  const tsc = `${repo}node_modules/typescript/bin/tsc`;
  const run = spawnSync(process.execPath, [tsc, '-p', `${repo}tests/js/types/tsconfig.json`], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
