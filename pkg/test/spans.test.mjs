// Every span handed out is a UTF-16 offset into `trial.eligibilityText`, so
// that `String.prototype.slice` gives the source text, whatever the script:
// ≥, µ, ×, superscripts and Chinese take one byte count in Rust and another
// in JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, parse } from '../index.js';

await init();

const TEXT = [
  'Inclusion Criteria:',
  '1. Age ≥ 18 years',
  '2. Hemoglobin ≥ 10 g/dL',
  '3. Creatinine ≤ 133 µmol/L',
  '4. Platelets ≥ 100 × 10^9/L',
  '5. 血红蛋白 ≥ 90 g/L',
  '6. ALT ≤ 2.5 × ULN',
  '7. 中性粒细胞绝对计数≥1.5×10⁹/L',
  '',
  'Exclusion Criteria:',
  '1. Prednisone > 10 mg/day within 4 weeks before screening',
].join('\n');

/** Every atom of the trial with its criterion. */
function atoms(trial) {
  const out = [];
  const walk = (nodes) => {
    for (const n of nodes) {
      for (const a of n.atoms || []) out.push({ criterion: n, atom: a });
      walk(n.children || []);
    }
  };
  walk(trial.criteria);
  return out;
}

const slice = (trial, span) => trial.eligibilityText.slice(span.start, span.end);

test('valueSpan slices to exactly the threshold as written', () => {
  const trial = parse(TEXT, { format: 'text' });
  const thresholds = atoms(trial).filter(({ atom }) => atom.valueSpan).map(({ atom }) => slice(trial, atom.valueSpan));
  assert.deepEqual(thresholds, ['≥ 18 years', '≥ 10 g/dL', '≤ 133 µmol/L', '≥ 100 × 10^9/L', '≥ 90 g/L', '≤ 2.5 × ULN', '≥1.5×10⁹/L']);
});

test('window and dose spans slice to what they say', () => {
  const trial = parse(TEXT, { format: 'text' });
  const pred = atoms(trial).find(({ atom }) => atom.kind === 'medication').atom;
  assert.equal(slice(trial, pred.span), 'Prednisone');
  assert.equal(slice(trial, pred.doseSpan), '> 10 mg/day');
  assert.equal(slice(trial, pred.window.span), 'within 4 weeks before screening');
});

test('every span of every atom lies inside its criterion', () => {
  const text = `${TEXT}\n2. 妊娠或哺乳期妇女（≥1次）😀\n3. HIV 阳性 — 或 HBsAg 阳性 and ALT ≥ 3×ULN`;
  const trial = parse(text, { format: 'text' });
  let checked = 0;
  for (const { criterion, atom } of atoms(trial)) {
    const spans = [atom.span, atom.valueSpan, atom.durationSpan, atom.doseSpan, atom.classificationSpan, atom.window?.span].filter(Boolean);
    for (const s of [...spans, ...(criterion.uncovered || [])]) {
      assert.ok(criterion.span.start <= s.start && s.start <= s.end && s.end <= criterion.span.end, `${criterion.id}: ${JSON.stringify(s)} outside ${JSON.stringify(criterion.span)}`);
      assert.ok(slice(trial, criterion.span).includes(slice(trial, s)));
      checked += 1;
    }
  }
  assert.ok(checked >= 20, `only ${checked} spans`);
});
