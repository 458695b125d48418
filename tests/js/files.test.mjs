// modelFromFiles / readFiles: checkpoints written by our own writer (tests/support) read from their
// headers alone, giving the CLI's numbers to the byte; bad files are refused naming the file and byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openAsBlob, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, memcalc, repo, requireBuilt } from './memcalc-module.mjs';

const writer = `${repo}build/native-release/tests/memcalc_write_fixtures`;
requireBuilt(writer, 'cmake --build --preset native-release');
const dir = mkdtempSync(join(tmpdir(), 'memcalc-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const written = spawnSync(writer, [dir], { encoding: 'utf8' });
assert.equal(written.status, 0, written.stderr);
const fixtures = written.stdout.trim().split('\n').map((line) => JSON.parse(line));

async function files(name) {
  return Promise.all(readdirSync(join(dir, name)).map(async (file) => Object.assign(await openAsBlob(join(dir, name, file)), { name: file })));
}

function cliEstimate(path) {
  const run = spawnSync(cli, ['--model', path, '--mode', 'inference', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('every fixture: the files\' tensor bytes, and the CLI\'s result for the same folder', async () => {
  for (const f of fixtures) {
    const read = await memcalc.readFiles(await files(f.name));
    assert.equal(read.ok, true, `${f.name}: ${JSON.stringify(read.issues)}`);
    assert.equal(read.inspect.bytes, f.tensor_bytes, f.name);
    const model = await memcalc.modelFromFiles(await files(f.name));
    const result = await memcalc.estimate({ model, mode: 'inference' });
    const weights = result.components.filter((c) => c.id === 'weights' || c.id === 'encoders').reduce((n, c) => n + c.bytes, 0);
    assert.equal(weights, f.tensor_bytes, f.name);
    assert.equal(result.params.source, 'checkpoint');
    assert.deepEqual(result, cliEstimate(join(dir, f.name)), f.name);
  }
});

test('bad files are refused with the file and the byte named', async () => {
  const [gguf] = await files('gguf-llama-q4_k');
  const broken = Object.assign(new Blob([new Uint8Array([0x47, 0x47, 0x55, 0x58]), await gguf.slice(4).arrayBuffer()]), { name: 'bad.gguf' });
  await assert.rejects(memcalc.modelFromFiles([broken]), (error) => {
    assert.match(error.message, /bad\.gguf: byte 0: not a GGUF file/);
    assert.equal(error.issues[0].field, 'bad.gguf');
    return true;
  });
  const [, shard] = (await files('safetensors-llama-bf16')).sort((a, b) => a.name.localeCompare(b.name));
  await assert.rejects(memcalc.modelFromFiles([shard]), /config\.json: needed beside safetensors files/);
});

// A file as the browser's File gives it: its size and slices of its bytes, read when asked. (Node's
// openAsBlob wraps sizes past 4 GiB.)
function fileOnDisk(path, name) {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    name, size,
    slice: (start, end) => ({
      arrayBuffer: async () => {
        const bytes = Buffer.alloc(Math.max(0, Math.min(end, size) - start));
        readSync(fd, bytes, 0, bytes.length, start);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      },
    }),
    close: () => closeSync(fd),
  };
}

test('a 40 GB GGUF opens from its first megabytes', async () => {
  const run = spawnSync(writer, [dir, '--large', String(40e9)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const large = JSON.parse(run.stdout.trim().split('\n').pop());
  const file = fileOnDisk(join(dir, 'large', 'large.gguf'), 'large.gguf');
  const read = await memcalc.readFiles([file]);
  file.close();
  assert.equal(read.ok, true, JSON.stringify(read.issues));
  assert.equal(read.inspect.bytes, large.tensor_bytes);
  assert.ok(read.total_bytes >= 40e9);
  assert.ok(read.read_bytes < 8e6, `${read.read_bytes} bytes read`);
});
