// Compiled with `tsc --noEmit` only: checks that the published types describe
// the API as users call it.
import { init, parse, parseAll, evaluate, check, TrialStore } from '../index.js';
import type { Trial, Evaluation, CheckResult, Patient, Criterion, Atom } from '../index.js';

export async function usage(text: string): Promise<string> {
  await init();
  const trial: Trial = parse(text, { format: 'auto' });
  const all: Trial[] = parseAll(text);
  const patient: Patient = { age: 40, sex: 'female' };
  const one: Evaluation = evaluate(text, patient, { closedWorld: false });
  const many: CheckResult = check([text, text], patient);
  const store = new TrialStore();
  const [index] = store.add(text);
  const again: Evaluation = store.evaluate(index, JSON.stringify(patient), { today: '2026-11-22' });
  const first: Criterion | undefined = trial.criteria[0];
  const atoms: Atom[] = first?.atoms ?? [];
  const slice = trial.eligibilityText.slice(first?.span.start ?? 0, first?.span.end ?? 0);
  store.free();
  return [all.length, one.verdict, many.evaluations.length, again.verdict, atoms.length, slice].join(' ');
}
