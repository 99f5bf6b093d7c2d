// The widget module in Node: it loads without a DOM (so server-side code and
// bundlers can import the package), its question helpers read the
// evaluator's questions defensively, and its types compile. The element
// itself is tested in Chromium (www/test/browser.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { questionSpec, unitLabel, TrialEligibility } from '../widget.js';

const PKG = fileURLToPath(new URL('..', import.meta.url));

function check(question, expected) {
  const spec = questionSpec(question);
  assert.deepEqual({ kind: spec.kind, units: spec.units.map((u) => u.value), options: spec.options.map((o) => o.value) }, expected, JSON.stringify(question));
}

test('the module loads without a DOM', () => {
  assert.equal(typeof TrialEligibility, 'function');
});

test('question answer types are read defensively', () => {
  const none = { units: [], options: [] };
  check({ id: 'q1', text: 'Are you pregnant?' }, { kind: 'yesno', ...none });
  check({ id: 'q', text: '?', answer: 'yesno' }, { kind: 'yesno', ...none });
  check({ id: 'q', text: '?', answer: 'yes_no_not_sure' }, { kind: 'yesno', ...none });
  check({ id: 'q', text: '?', answer: 'boolean' }, { kind: 'yesno', ...none });
  check({ id: 'q', text: '?', answer: 'date' }, { kind: 'date', ...none });
  check({ id: 'q', text: '?', answer: 'number', units: ['g/dL', 'g/L'] }, { kind: 'number', units: ['g/dL', 'g/L'], options: [] });
  check({ id: 'q', text: '?', answer: { kind: 'quantity', units: [{ code: 'g/L', label: 'g/L' }] } }, { kind: 'number', units: ['g/L'], options: [] });
  check({ id: 'q', text: '?', answer: 'choice', choices: ['a', { value: 'b', label: 'B' }] }, { kind: 'choice', units: [], options: ['a', 'b'] });
  check({ id: 'q', text: '?', choices: ['x', 'y'] }, { kind: 'choice', units: [], options: ['x', 'y'] });
  // A choice without options cannot be shown as one: yes / no / not sure.
  check({ id: 'q', text: '?', answer: 'choice' }, { kind: 'yesno', ...none });
  check({ id: 'q', text: '?', answer: 'something new' }, { kind: 'yesno', ...none });
  check(null, { kind: 'yesno', ...none });
});

test('units read as people write them', () => {
  assert.equal(unitLabel('10*9/L'), '×10⁹/L');
  assert.equal(unitLabel('g/dL'), 'g/dL');
  assert.equal(unitLabel(undefined), '');
});

test('the widget types compile', (t) => {
  const tsc = join(PKG, '../node_modules/.bin/tsc');
  if (!existsSync(tsc)) {
    t.skip('typescript is not installed (npm install at the repository root)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'trialsieve-widget-types-'));
  try {
    const usage = join(dir, 'usage.ts');
    writeFileSync(usage, `import { questionControl, questionSpec, TrialEligibility } from ${JSON.stringify(join(PKG, 'widget.js'))};
const box = document.createElement('trial-eligibility');
box.trial = 'Inclusion Criteria:\\n* Aged 18 or over';
box.patient = { age: 40 };
box.addEventListener('trialsieve:evaluation', (e) => console.log(e.detail.verdict));
const spec: 'yesno' | 'number' | 'date' | 'choice' = questionSpec({ id: 'q', text: 'Pregnant?' }).kind;
const f: HTMLFieldSetElement = questionControl({ id: 'q', text: 'Pregnant?' }, undefined, (v) => console.log(v));
const ok: boolean = box instanceof TrialEligibility;
console.log(spec, f, ok);
`);
    const config = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] }, files: [usage] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const r = spawnSync(tsc, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
