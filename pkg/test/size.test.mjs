// The size budget: the gzipped wasm must stay within 300 KB (300,000 bytes),
// so that the package loads quickly on a phone. Run after scripts/build.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 300_000;
const WASM = new URL('../dist/trialsieve_bg.wasm', import.meta.url);

test('the gzipped wasm is within the size budget', () => {
  const raw = readFileSync(WASM);
  const gz = gzipSync(raw, { level: 9 }).length;
  console.log(`# wasm: ${raw.length} bytes raw, ${gz} bytes gzipped (budget ${BUDGET})`);
  assert.ok(gz <= BUDGET, `pkg/dist/trialsieve_bg.wasm is ${gz} bytes gzipped, over the budget of ${BUDGET}: find what grew (twiggy top, or cargo bloat on the wasm target)`);
});
