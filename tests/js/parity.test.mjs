// The JS API gives the CLI's result byte for byte (CONTRACTS.md §4): the same core compiled twice,
// native and WebAssembly, must print the same JSON text for the same scenario text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cli, memcalc, repo, requireBuilt } from './memcalc-module.mjs';

requireBuilt(cli, 'the native-release build (cmake --preset native-release)');
const api = await memcalc.load();
const corpusDir = `${repo}tests/corpus/`;
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort();

function viaCli(scenarioText) {
  const run = spawnSync(cli, ['--scenario', '-', '--json'], { input: scenarioText, encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 2, `CLI exit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

function assertSame(scenario) {
  const text = typeof scenario === 'string' ? scenario : JSON.stringify(scenario);
  const fromCli = viaCli(text).trim();
  const fromJs = api.estimateText(text).trim();
  assert.equal(fromJs, fromCli);
  // And through the public promise API: the parsed objects are equal too.
  return memcalc.estimate(text).then((result) => assert.deepEqual(result, JSON.parse(fromCli)));
}

test('the corpus is there', () => {
  assert.ok(corpus.length > 0, `no scenarios in ${corpusDir}`);
});

for (const file of corpus) {
  test(`corpus ${file}`, async () => {
    const entry = JSON.parse(readFileSync(corpusDir + file, 'utf8'));
    assert.ok('scenario' in entry, `${file} has no "scenario" field`);
    await assertSame(entry.scenario);
  });
}

// Beyond the corpus: every preset in both modes, with the options that change the code path.
const { presets, gpus } = api.catalog();
test('every preset, training and inference', async () => {
  for (const preset of presets) {
    await assertSame({ model: preset.id, mode: 'training' });
    await assertSame({ model: preset.id, mode: 'inference', inference: { context_len: 32768, weight_dtype: 'q4_k_m' } });
    await assertSame({ model: preset.config ?? preset.id, mode: 'inference' });
  }
});

test('options and GPUs', async () => {
  const model = presets[0].id;
  const variants = [
    { training: { recompute: 'selective', flash_attention: true, activation_formula: 'architecture' } },
    { training: { finetune: 'qlora', lora_rank: 64, optimizer: 'adamw_8bit' } },
    { training: { precision: 'fp32', optimizer: 'sgd_momentum', fp32_grads: true } },
    { training: { parallel: { dp: 8, tp: 2, pp: 2, zero: 3, sequence_parallel: true } } },
    { gpu: { memory_bytes: 25769803776, count: 2 } },
    ...gpus.map((g) => ({ gpu: { preset: g.id, count: 4 } })),
  ];
  for (const v of variants) await assertSame({ model, ...v });
});

test('bad input gives the same issues', async () => {
  await assertSame({ model: 'no-such-model' });
  await assertSame({ model: presets[0].id, training: { batch_size: -1, seq_len: 'long' }, color: 'red' });
  await assertSame({ model: { hidden_size: 7 } });
  await assertSame('{"model": "llama-3.1-8b",');
  await assertSame('[]');
});
