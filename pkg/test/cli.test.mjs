// The command line, run as a user would: node pkg/bin/trialsieve.mjs …
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = fileURLToPath(new URL('../bin/trialsieve.mjs', import.meta.url));
const SEED = fileURLToPath(new URL('../../tests/fixtures/seeds/001_b9cf3ad41ca6d1e4.txt', import.meta.url));
const SEED2 = fileURLToPath(new URL('../../tests/fixtures/seeds/004_7c5bbd068989959b.txt', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trialsieve-cli-'));
const PATIENT = join(dir, 'patient.json');
writeFileSync(PATIENT, JSON.stringify({ age: 30, sex: 'male' }));

const run = (args, input) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });
const SEEDS = readdirSync(new URL('../../tests/fixtures/seeds/', import.meta.url)).sort().map((n) => fileURLToPath(new URL(`../../tests/fixtures/seeds/${n}`, import.meta.url)));
const jsonLines = (text) => {
  assert.ok(text.endsWith('\n'), 'every line ends with a newline');
  return text.slice(0, -1).split('\n').map((l) => JSON.parse(l));
};

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

test('parse writes the trials in the order of the files, the same trials as the API', async () => {
  const { init, parseAll } = await import('../index.js');
  await init();
  const r = run(['parse', ...SEEDS]);
  assert.equal(r.status, 0, r.stderr);
  const trials = JSON.parse(r.stdout);
  assert.deepEqual(trials, SEEDS.flatMap((f) => parseAll(readFileSync(f, 'utf8'))));
});

test('parse --jsonl writes one compact trial a line', () => {
  const r = run(['parse', '--jsonl', SEED, SEED2]);
  assert.equal(r.status, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], JSON.parse(run(['parse', SEED]).stdout));
  assert.ok(!r.stdout.slice(0, -1).includes('\n  '), 'no pretty-printing in JSON Lines');
  // A page of two studies: two lines from one file.
  const study = (id) => ({ protocolSection: { identificationModule: { nctId: id }, eligibilityModule: { eligibilityCriteria: 'Inclusion Criteria:\n\n* Age 18 years or older' } } });
  const page = run(['parse', '--jsonl', '-'], JSON.stringify({ studies: [study('NCT00000001'), study('NCT00000002')] }));
  assert.deepEqual(jsonLines(page.stdout).map((t) => t.id), ['NCT00000001', 'NCT00000002']);
});

test('check ranks the evaluations as the API does', async () => {
  const { init, TrialStore } = await import('../index.js');
  await init();
  const patient = { age: 45, sex: 'female', observations: [{ name: 'hemoglobin', value: 55, unit: 'g/L', date: '2026-11-01' }] };
  writeFileSync(join(dir, 'p45.json'), JSON.stringify(patient));
  const r = run(['check', '--patient', join(dir, 'p45.json'), '--today', '2026-11-22', ...SEEDS]);
  assert.equal(r.status, 0, r.stderr);
  const store = new TrialStore();
  for (const f of SEEDS) store.add(readFileSync(f, 'utf8'));
  const want = store.check(patient, { today: '2026-11-22' }).evaluations;
  store.free();
  assert.deepEqual(JSON.parse(r.stdout), want);
  assert.ok(new Set(want.map((e) => e.verdict)).size >= 2, 'the seeds give more than one verdict, so the ranking is tested');
  // JSON Lines: the same evaluations, in input order.
  const l = run(['check', '--jsonl', '--patient', join(dir, 'p45.json'), '--today', '2026-11-22', ...SEEDS]);
  assert.equal(l.status, 0, l.stderr);
  const lines = jsonLines(l.stdout);
  assert.deepEqual(lines.map((e) => e.trialIndex), SEEDS.map((_, i) => i));
  assert.deepEqual([...lines].sort((a, b) => a.trialIndex - b.trialIndex), [...want].sort((a, b) => a.trialIndex - b.trialIndex));
});

test('check of one trial still prints an array', () => {
  const r = run(['check', '--patient', PATIENT, SEED]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).length, 1);
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
    [['check', '--jsonl', '--patient', '-', SEED], '[1,2]', /patient/],
    [['parse', '--jsonl', '--format', 'ctgov-json', '-'], '{not json', /invalid JSON/],
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
