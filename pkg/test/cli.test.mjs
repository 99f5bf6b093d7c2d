// The command line, run as a user would: node pkg/bin/trialsieve.mjs …
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = fileURLToPath(new URL('../bin/trialsieve.mjs', import.meta.url));
const SEED = fileURLToPath(new URL('../../tests/fixtures/seeds/001_b9cf3ad41ca6d1e4.txt', import.meta.url));
const SEED2 = fileURLToPath(new URL('../../tests/fixtures/seeds/004_7c5bbd068989959b.txt', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trialsieve-cli-'));
const PATIENT = join(dir, 'patient.json');
writeFileSync(PATIENT, JSON.stringify({ age: 30, sex: 'male' }));

const run = (args, input) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });

test('parse FILE prints one JSON object', () => {
  const r = run(['parse', SEED]);
  assert.equal(r.status, 0, r.stderr);
  const trial = JSON.parse(r.stdout);
  assert.ok(!Array.isArray(trial));
  assert.ok(trial.criteria.length > 0);
});

test('parse with several files prints an array', () => {
  const r = run(['parse', SEED, SEED2]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).length, 2);
});

test('- reads standard input', () => {
  const r = run(['parse', '--format', 'text', '-'], 'Inclusion Criteria:\n* Age ≥ 18 years\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).format, 'text');
});

test('check prints one evaluation per trial', () => {
  const r = run(['check', '--patient', PATIENT, SEED, SEED2]);
  assert.equal(r.status, 0, r.stderr);
  const evaluations = JSON.parse(r.stdout);
  assert.equal(evaluations.length, 2);
  for (const e of evaluations) assert.match(e.verdict, /^(eligible|undetermined|ineligible)$/);
});

test('bad usage and bad input exit 2 with one line on standard error', () => {
  for (const [args, input, pattern] of [
    [[], undefined, /no command/],
    [['frobnicate'], undefined, /unknown command/],
    [['parse'], undefined, /no input file/],
    [['parse', '/no/such/file'], undefined, /cannot read/],
    [['check', SEED], undefined, /needs --patient/],
    [['parse', '--format', 'ctgov-json', '-'], '{not json', /invalid JSON/],
    [['parse', '--format', 'bogus', SEED], undefined, /format/],
    [['check', '--patient', '-', SEED], '[1,2]', /patient/],
  ]) {
    const r = run(args, input);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});

test('invalid UTF-8 is read with replacement characters and a warning', () => {
  const bytes = Buffer.concat([Buffer.from('Inclusion Criteria:\n* Age \xff 18 years\n', 'latin1')]);
  const r = spawnSync(process.execPath, [BIN, 'parse', '--format', 'text', '-'], { input: bytes });
  assert.equal(r.status, 0, String(r.stderr));
  assert.match(String(r.stderr), /not valid UTF-8/);
  assert.match(JSON.parse(String(r.stdout)).eligibilityText, /\uFFFD/);
});
