// Types of `trialsieve/widget`: the <trial-eligibility> element and the
// question helpers it is built from.
import type { Evaluation, Patient, Question, Trial } from './index.js';

/** What a question expects as its answer, read from the evaluator's question. */
export interface QuestionSpec {
  kind: 'yesno' | 'number' | 'date' | 'choice';
  /** Unit choices for a number (UCUM codes as `value`, readable `label`). */
  units: { value: string; label: string }[];
  /** The options of a choice. */
  options: { value: string; label: string }[];
}

/**
 * An answer as it goes into `patient.answers`: yes / no (`true` / `false`), a
 * number (or `{ value, unit }`), a date (`YYYY-MM-DD`, `false` for never,
 * `true` for still ongoing), a choice's value, or `'not sure'`.
 */
export type Answer = boolean | number | { value: number; unit: string } | string;

/** The answer that says "not sure": the criterion stays unknown and the question is not asked again. */
export const NOT_SURE: 'not sure';

/** What a question's control shows: the answer given. */
export interface AnswerState {
  value?: Answer;
}

/** A unit code as people read it: `10*9/L` → `×10⁹/L`. */
export function unitLabel(code: string | null | undefined): string;
/** The answer a question expects; unknown answer types fall back to yes / no / not sure. */
export function questionSpec(question: Question): QuestionSpec;
/**
 * A `<fieldset>` asking one question. `onAnswer` gets the value to put in
 * `patient.answers[question.id]`, or `undefined` when a field is emptied.
 */
export function questionControl(
  question: Question,
  state: AnswerState | undefined,
  onAnswer: (value: Answer | undefined, state: AnswerState) => void,
): HTMLFieldSetElement;

/**
 * The questions to show after a new evaluation: those shown before stay in
 * place while open or once answered; new open questions follow.
 */
export function stableQuestions(previous: Question[], current: Question[], answered: (id: string) => boolean): Question[];

/**
 * `<trial-eligibility>`: a private "could I qualify?" box for one trial.
 * The trial comes from the `trial-src` attribute (same origin only), a child
 * `<script type="text/plain">` or `<template>`, or the `trial` property.
 * Fires `trialsieve:evaluation` (bubbling, composed) after each check.
 */
export class TrialEligibility extends HTMLElement {
  /** The trial as read, once loaded. Set it to trial text (any supported format) or a ClinicalTrials.gov JSON object. */
  get trial(): Trial | null;
  set trial(value: string | object);
  /** Facts known beforehand; the visitor's answers are added to them. */
  patient: Patient;
  /** The latest evaluation, or null. */
  readonly evaluation: Evaluation | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-eligibility': TrialEligibility;
  }
  interface HTMLElementEventMap {
    'trialsieve:evaluation': CustomEvent<Evaluation>;
  }
}
