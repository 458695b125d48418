// The npm package as users get it: `npm pack` of this repository (package.json's "files" over dist/),
// made once per dist/ build into build/pack/, and scratch projects that install it from the tarball.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const packDir = join(repo, 'build/pack');

/** Runs npm with the output captured; throws with npm's stderr when it fails. */
export function npm(args, cwd) {
  try {
    return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed:\n${error.stderr}`);
  }
}

const newest = (dir) => readdirSync(dir, { recursive: true })
  .map((name) => statSync(join(dir, name)).mtimeMs).reduce((a, b) => Math.max(a, b), 0);

/** The path of memcalc-<version>.tgz, packed again when dist/ or package.json is newer. */
export function packed() {
  if (!existsSync(join(repo, 'dist/cli/memcalc.cjs'))) throw new Error('dist/ is incomplete: run scripts/web-build first');
  const tarball = join(packDir, `${pkg.name}-${pkg.version}.tgz`);
  const sources = Math.max(newest(join(repo, 'dist')), statSync(join(repo, 'package.json')).mtimeMs);
  if (!existsSync(tarball) || statSync(tarball).mtimeMs < sources) {
    // Packed beside, then renamed: test files run in parallel, and none may read a half-written tarball.
    mkdirSync(packDir, { recursive: true });
    const fresh = mkdtempSync(join(packDir, 'packing-'));
    npm(['pack', '--silent', '--pack-destination', fresh], repo);
    renameSync(join(fresh, `${pkg.name}-${pkg.version}.tgz`), tarball);
    rmSync(fresh, { recursive: true, force: true });
  }
  return tarball;
}

/** A new project in a temporary folder with the packed package installed from its tarball (no network). */
export function scratchProject(name = 'scratch') {
  const dir = mkdtempSync(join(tmpdir(), `memcalc-${name}-`));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`);
  npm(['install', '--offline', '--no-audit', '--no-fund', packed()], dir);
  return dir;
}
