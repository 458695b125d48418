// Loads dist/memcalc.mjs (the shipped JS API) the way a Node user does, for the tests.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const dist = `${repo}dist/`;
export const cli = process.env.MEMCALC_CLI ?? `${repo}build/native-release/cli/memcalc`;

export function requireBuilt(path, how) {
  if (!existsSync(path)) throw new Error(`${path} is missing: run ${how} first`);
}

requireBuilt(`${dist}memcalc.mjs`, 'scripts/web-build');
export const memcalc = await import(`${dist}memcalc.mjs`);
