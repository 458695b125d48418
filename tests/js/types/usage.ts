// Compiled with tsc --strict --noEmit against dist/memcalc.d.ts: the typed API as a user writes it.
import { catalog, estimate, load, presets, type Result, type Scenario } from '../../../dist/memcalc.mjs';

const scenario: Scenario = {
  model: 'llama-3.1-8b',
  mode: 'training',
  training: { batch_size: 2, seq_len: 8192, precision: 'bf16_mixed', parallel: { dp: 8, zero: 3 } },
  gpu: { preset: 'h100-80gb', count: 8 },
};
const custom: Scenario = { model: { hidden_size: 4096, num_hidden_layers: 32 }, mode: 'inference' };

async function main(): Promise<number> {
  const result: Result = await estimate(scenario);
  const kv = result.components?.find((c) => c.id === 'kv_cache')?.bytes ?? 0;
  const names: string[] = (await presets()).map((p) => p.name);
  const cards = (await catalog()).gpus.filter((g) => g.memory_bytes >= 80 * 2 ** 30);
  const api = await load({ wasmUrl: new URL('https://example.org/memcalc.wasm') });
  const again = api.estimate(custom);
  const text: string = api.estimateText(JSON.stringify(custom));
  if (!again.ok) for (const issue of again.issues) console.log(issue.field, issue.severity, issue.message);
  return kv + names.length + cards.length + text.length + (result.limits?.max_seq_len ?? 0);
}

// @ts-expect-error: mode is 'training' | 'inference'
const wrong: Scenario = { model: 'gpt2', mode: 'serving' };

void main;
void wrong;
