// From JS the module survives bad input: a thrown error leaves it usable,
// a check after a failed parse works, odd strings and invalid bytes are read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, parse, parseAll, evaluate, TrialStore } from '../index.js';

const SEED = fileURLToPath(new URL('../../tests/fixtures/seeds/001_b9cf3ad41ca6d1e4.txt', import.meta.url));
const seedText = readFileSync(SEED, 'utf8');
const BIN = fileURLToPath(new URL('../bin/trialsieve.mjs', import.meta.url));
const PATIENT = { age: 45, sex: 'female' };

await init();

function stillWorks() {
  const trial = parse(seedText);
  assert.ok(trial.criteria.length > 0);
  assert.ok(['eligible', 'undetermined', 'ineligible'].includes(evaluate(seedText, PATIENT).verdict));
}

test('each kind of bad input throws an Error, and the module stays usable', () => {
  const bad = [
    () => parse('{"studies": [', { format: 'ctgov-json' }),
    () => parse('plain text', { format: 'no-such-format' }),
    () => parse(42),
    () => parse(seedText, { format: 42 }),
    () => evaluate(seedText, '{not json'),
    () => evaluate(seedText, null),
    () => new TrialStore().get(7),
  ];
  for (const f of bad) {
    assert.throws(f, (e) => e instanceof Error && e.message.length > 0 && !e.message.endsWith('.'));
    stillWorks();
  }
});

test('a check after a failed parse works, on the trials already kept', () => {
  const store = new TrialStore();
  store.add(seedText);
  assert.throws(() => store.add('{"studies": [', { format: 'ctgov-json' }), Error);
  assert.throws(() => store.add('{"notAStudy": 1}', { format: 'ctgov-json' }), Error);
  assert.equal(store.size, 1);
  const { evaluations } = store.check(PATIENT);
  assert.equal(evaluations.length, 1);
  assert.throws(() => store.check('{"age": '), Error);
  assert.equal(store.check(PATIENT).evaluations.length, 1);
  store.free();
});

test('strings JS can hold but UTF-8 cannot (lone surrogates) are read', () => {
  const text = 'Inclusion Criteria:\n* Age \uD800 18 years\n* \uDC00 pregnancy\n';
  const trial = parse(text, { format: 'text' });
  assert.ok(trial.eligibilityText.includes('\uFFFD'), 'a lone surrogate arrives as U+FFFD');
  for (const c of trial.criteria) assert.ok(c.span.end <= trial.eligibilityText.length);
  stillWorks();
});

test('ten megabytes through the JS API', () => {
  const big = seedText.repeat(Math.ceil(10_000_000 / seedText.length));
  const store = new TrialStore();
  store.add(big, { format: 'text' });
  assert.equal(store.check(PATIENT).evaluations.length, 1);
  store.free();
  stillWorks();
});

test('invalid UTF-8 bytes through the CLI are replaced, said, and read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialsieve-robust-'));
  const file = join(dir, 'bad.txt');
  writeFileSync(file, Buffer.concat([Buffer.from('Inclusion Criteria:\n* Age \xff 18 years\n', 'latin1'), Buffer.from([0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x90, 0x0a]), Buffer.from('* Pregnancy\n')]));
  const r = spawnSync(process.execPath, [BIN, 'parse', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /not valid UTF-8/);
  const trial = JSON.parse(r.stdout);
  assert.ok(trial.eligibilityText.includes('\uFFFD'));
  assert.ok(trial.criteria.length >= 1);
});
