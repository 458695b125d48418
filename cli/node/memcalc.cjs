#!/usr/bin/env node
// `npx memcalc ...`: the command-line tool on the WebAssembly build of the core, in Node. Same flags,
// same output (byte for byte with --json) and the same exit status as the native binary.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const createMemcalcCli = require('./memcalc-cli.cjs');

createMemcalcCli({
  arguments: process.argv.slice(2),
  thisProgram: 'memcalc',
  wasmBinary: readFileSync(join(__dirname, 'memcalc-cli.wasm')),
}).catch((error) => {
  process.stderr.write(`memcalc: ${error?.message ?? error}\n`);
  process.exit(1);
});
