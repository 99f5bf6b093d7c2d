// Loading the wasm from a URL, as a page does: compiled while it downloads
// when the server says `application/wasm`, read whole otherwise, and a
// clear error when the server has no module there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const wasm = readFileSync(new URL('../dist/trialsieve_bg.wasm', import.meta.url));
const TYPES = { '/wasm': 'application/wasm', '/wasm-charset': 'application/wasm; charset=binary', '/octet': 'application/octet-stream' };
const server = createServer((req, res) => {
  const type = TYPES[req.url];
  if (!type) return res.writeHead(404).end('not found');
  res.writeHead(200, { 'content-type': type }).end(wasm);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

// Each case loads a fresh copy of the package, so that `init` runs again.
async function load(path, copy) {
  const pkg = await import(`../index.js?copy=${copy}`);
  await pkg.init(`${base}${path}`);
  return pkg;
}

test('a module served as wasm loads (compiled while it streams in) and works', async () => {
  const pkg = await load('/wasm', 1);
  const { verdict } = pkg.evaluate('Inclusion Criteria:\n- Age 18 to 65 years\n', { age: 40 });
  assert.equal(verdict, 'eligible');
});

test('a module served with another type, or with parameters, loads too', async () => {
  for (const [path, copy] of [['/octet', 2], ['/wasm-charset', 4]]) {
    const pkg = await load(path, copy);
    const { verdict } = pkg.evaluate('Inclusion Criteria:\n- Age 18 to 65 years\n', { age: 70 });
    assert.equal(verdict, 'ineligible', path);
  }
});

test('no module at the URL is a clear error', async () => {
  const pkg = await import('../index.js?copy=3');
  await assert.rejects(pkg.init(`${base}/missing.wasm`), /could not load .*missing\.wasm: HTTP 404/);
});

test.after(() => server.close());
