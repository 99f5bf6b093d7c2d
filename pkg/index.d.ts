// Types of the trialsieve package. Spans are UTF-16 offsets into the trial's
// `eligibilityText`: `trial.eligibilityText.slice(span.start, span.end)`.

import type { Patient } from './patient.js';
export type { Patient } from './patient.js';

export interface Span {
  start: number;
  end: number;
}

export type Format = 'auto' | 'ctgov-json' | 'ctgov-xml' | 'markdown' | 'html' | 'text';

export interface ParseOptions {
  /** The input's format; detected when `auto` or absent. */
  format?: Format;
}

export interface CheckOptions {
  /** Treat conditions and medications the patient does not list as absent (complete EHR extracts). */
  closedWorld?: boolean;
  /** The date to evaluate on, `YYYY-MM-DD`; the patient's `asOf`, else today. */
  today?: string;
  /** In `checkSummary`: how many of the ranked questions to return (20 when not set). */
  questionLimit?: number;
}

/** An age with a UCUM time unit. */
export interface Age {
  value: number;
  unit: 'a' | 'mo' | 'wk' | 'd' | 'h' | 'min';
}

export interface Location {
  facility?: string;
  city?: string;
  state?: string;
  country?: string;
  status?: string;
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  message: string;
  span?: Span;
}

export interface Trial {
  id: string | null;
  secondaryIds?: string[];
  title: string | null;
  officialTitle?: string;
  status?: string;
  phases?: string[];
  studyType?: string;
  sponsor?: string;
  conditions?: string[];
  enrollment?: number;
  minimumAge?: Age;
  maximumAge?: Age;
  sex?: 'ALL' | 'FEMALE' | 'MALE';
  healthyVolunteers?: boolean;
  startDate?: string;
  completionDate?: string;
  locations?: Location[];
  /** The eligibility criteria as published; every span points into it. */
  eligibilityText: string;
  criteria: Criterion[];
  format: Exclude<Format, 'auto'>;
  diagnostics: Diagnostic[];
}

export type Section = 'inclusion' | 'exclusion';
export type NodeKind = 'section' | 'cohort' | 'group' | 'criterion' | 'note';

export interface ConceptRef {
  id?: string;
  name: string;
  /** `SYSTEM:value`: `LOINC:718-7`, `SNOMED:55464009`, `ICD10:M32`, `RXNORM:8640`. */
  code?: string;
}

export interface AppliesIf {
  text: string;
  span: Span;
  concept?: ConceptRef;
  kind?: string;
}

export interface Criterion {
  id: string;
  section: Section;
  kind: NodeKind;
  text: string;
  span: Span;
  marker?: string;
  children?: Criterion[];
  /** How the children combine: all, any, or at least `atLeast` of them ("at least 2 of the following"). */
  logic?: 'all' | 'any' | { atLeast: number };
  cohort?: string;
  appliesIf?: AppliesIf;
  atoms?: Atom[];
  understood?: 'full' | 'partial' | 'none';
  /** Parts of the criterion's own text no atom covers. */
  uncovered?: Span[];
}

export type Comparator = '>=' | '<=' | '>' | '<' | '=';

export interface Bound {
  value: number;
  inclusive: boolean;
}

export interface Quantity {
  value: number;
  unit: string;
}

export interface Duration {
  comparator?: Comparator;
  value: number;
  unit: string;
}

export interface Dose {
  comparator?: Comparator;
  value?: number;
  low?: Bound;
  high?: Bound;
  unit: string;
}

export interface Window {
  comparator?: Comparator;
  value: number;
  unit: string;
  direction: 'before' | 'after';
  anchor: string;
}

export type AtomKind =
  | 'age' | 'sex' | 'measurement' | 'condition' | 'medication' | 'procedure' | 'immunization'
  | 'pregnancy' | 'breastfeeding' | 'contraception' | 'consent' | 'judgment' | 'participation';

export interface Atom {
  kind: AtomKind;
  concept?: ConceptRef;
  span: Span;
  comparator?: Comparator;
  value?: number;
  /** UCUM code, or `ULN` for a multiple of the upper limit of normal. */
  unit?: string;
  low?: Bound;
  high?: Bound;
  alternates?: Quantity[];
  sex?: 'female' | 'male';
  status?: string;
  classification?: string;
  duration?: Duration;
  dose?: Dose;
  qualifier?: string;
  negated?: boolean;
  window?: Window;
  /** On an exception: the index of the atom it excepts, in the same criterion. */
  excepts?: number;
  [extra: string]: unknown;
}

/** `review`: the record matches what the criterion's atoms read, but words they do not account for could narrow it; a person confirms. It never makes a trial ineligible. */
export type Status = 'pass' | 'fail' | 'unknown' | 'review' | 'not_applicable';
export type Verdict = 'eligible' | 'undetermined' | 'ineligible';

export interface CriterionResult {
  id: string;
  section: Section;
  status: Status;
  reason: string;
  span: Span;
  facts?: unknown[];
  children?: CriterionResult[];
  [extra: string]: unknown;
}

export interface Question {
  id: string;
  text: string;
  [extra: string]: unknown;
}

export interface Evaluation {
  trialId: string | null;
  trialIndex: number;
  verdict: Verdict;
  criteria: CriterionResult[];
  questions: Question[];
  toConfirm: unknown[];
  [extra: string]: unknown;
}

export interface CheckResult {
  /** Ranked: eligible, then undetermined by fewest open questions, then ineligible. */
  evaluations: Evaluation[];
  /** Open questions across all trials, those that settle the most first. */
  questions: Question[];
  [extra: string]: unknown;
}

/** How many leaf criteria (the trial's own age and sex limits included) have each status. */
export interface Counts {
  pass: number;
  fail: number;
  unknown: number;
  review: number;
  notApplicable: number;
  /** Only the study team can judge these; they count here alone. */
  toConfirm: number;
}

/** The criterion a verdict rests on: the first that fails (ineligible) or is still open (undetermined). */
export interface Deciding {
  id: string;
  status: Status;
  reason: string;
  /** The criterion's words; empty for the trial's structured limits (`trial.minimumAge`, …). */
  text: string;
  /** Where the criterion is in the trial's eligibility text (UTF-16 offsets). */
  span: Span;
}

export interface TrialSummary {
  trialId: string | null;
  trialIndex: number;
  verdict: Verdict;
  /** `null` when eligible. */
  deciding: Deciding | null;
  counts: Counts;
  /** How many questions the trial's own evaluation asks. */
  questions: number;
}

/** A question across the trials of a summary check, with how much its answer settles. */
export interface RankedQuestion {
  id: string;
  text: string;
  answer: 'yesno' | 'number' | 'date' | 'choice';
  units?: string[];
  choices?: string[];
  /** How many criteria, across the trials, it bears on. */
  criterionCount: number;
  /** How many trials it bears on. */
  trialCount: number;
}

export interface CheckSummary {
  /** Ranked as `check` ranks its evaluations. */
  trials: TrialSummary[];
  /**
   * The first `questionLimit` (20) of the open questions across all trials,
   * ranked as `check` ranks them: those that settle the most criteria first.
   * Which criteria each bears on is in each trial's `evaluate`.
   */
  questions: RankedQuestion[];
  /** How many distinct questions the trials ask in all. */
  questionsTotal: number;
  warnings?: string[];
  [extra: string]: unknown;
}

/** Loads the wasm module; call once before anything else. */
export function init(source?: URL | string | BufferSource | WebAssembly.Module): Promise<void>;
/** Whether `init()` has finished. */
export function isReady(): boolean;
/** Reads the one trial in `input`; throws when it holds several. */
export function parse(input: string, options?: ParseOptions): Trial;
/** Reads every trial in `input`. */
export function parseAll(input: string, options?: ParseOptions): Trial[];
/** Evaluates one trial for `patient`. */
export function evaluate(input: string, patient: Patient | string, options?: ParseOptions & CheckOptions): Evaluation;
/** Checks `patient` against several trials, ranked. */
export function check(inputs: Iterable<string>, patient: Patient | string, options?: ParseOptions & CheckOptions): CheckResult;

/** Parsed trials kept inside wasm memory. */
export class TrialStore {
  constructor();
  /** Parses `input` and keeps its trials; returns their indexes. */
  add(input: string, options?: ParseOptions): number[];
  readonly size: number;
  get(index: number): Trial;
  remove(index: number): void;
  clear(): void;
  evaluate(index: number, patient: Patient | string, options?: CheckOptions): Evaluation;
  check(patient: Patient | string, options?: CheckOptions): CheckResult;
  /**
   * Checks `patient` against every trial kept, summarised per trial: what a
   * ranked list shows, a few hundred bytes per trial. The full evaluation of
   * one trial comes from `evaluate`.
   */
  checkSummary(patient: Patient | string, options?: CheckOptions): CheckSummary;
  /** Frees the wasm memory the store holds. */
  free(): void;
}
