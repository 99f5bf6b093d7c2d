/**
 * The patient trialsieve checks against trials (see schema/patient.schema.json).
 * Every field is optional: what is missing is unknown, never assumed.
 * A FHIR R4 Bundle (`{ resourceType: "Bundle", ... }`) is accepted in its place,
 * with `answers` and `asOf` beside its own fields (`{ ...bundle, answers, asOf }`).
 */

/** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. */
export type IsoDate = string;

/** `SYSTEM:value`: `LOINC:718-7`, `SNOMED:55464009`, `ICD10:M32.14`, `RXNORM:8640`, `CVX:03`. */
export type Code = string;

export interface Patient {
  /** The screening date; when absent, the `today` option. */
  asOf?: IsoDate;
  birthDate?: IsoDate;
  /** Age in years on `asOf`, when `birthDate` is not given. */
  age?: number;
  sex?: "female" | "male";
  pregnant?: boolean;
  breastfeeding?: boolean;
  conditions?: Condition[];
  observations?: Observation[];
  medications?: Medication[];
  procedures?: PatientEvent[];
  immunizations?: PatientEvent[];
  /** Answers to questions, by question id. */
  answers?: Record<string, Answer>;
  /** Filled by the reader (what it found doubtful); ignored on input. */
  warnings?: PatientWarning[];
}

/** A name (matched through the lexicon: case, synonyms, abbreviations) or a code (matched exactly), or both. */
export type Named = { name: string; code?: Code } | { name?: string; code: Code };

export type Condition = Named & {
  onset?: IsoDate;
  /** When it resolved. */
  end?: IsoDate;
  /** Active when absent (and no `end`); `absent`: known not to have it. */
  status?: "active" | "recurrence" | "relapse" | "inactive" | "remission" | "resolved" | "history" | "absent";
};

export type Observation = Named & {
  /** A number, or a qualitative result (`"positive"`, `"negative"`, `true`). */
  value: number | boolean | string;
  /** UCUM (`g/dL`, `10*9/L`, `umol/L`, `{score}`); `x10^9/L`, `/mm3`, `µmol/L` are read too. */
  unit?: string;
  date?: IsoDate;
  /** Upper limit of normal, in `unit`. */
  referenceHigh?: number;
  referenceLow?: number;
};

export type Medication = Named & {
  dose?: number;
  /** A rate: `mg/d`, `mg/wk`, `mg/kg/d`. Required with `dose`. */
  unit?: string;
  start?: IsoDate;
  /** The last day taken; absent while it is taken. */
  end?: IsoDate;
  status?: "active" | "stopped" | "completed" | "never";
};

export type PatientEvent = Named & { date?: IsoDate };

/**
 * `true` / `false` / `"not sure"` for yes/no questions; a number (in the
 * question's first unit) or `{ value, unit }` for numbers; `YYYY-MM-DD` for
 * dates; one of the choices for choices.
 */
export type Answer = boolean | "not sure" | number | string | { value: number; unit?: string };

export interface PatientWarning {
  /** A path into the patient (`observations[2].unit`) or a FHIR resource (`Observation/abc`). */
  field: string;
  message: string;
}

/** Options of `evaluate` and `check`. */
export interface CheckOptions {
  /** Treat conditions, drugs, procedures and immunizations the record does not list as absent. */
  closedWorld?: boolean;
  /** Today (`YYYY-MM-DD`), used when the patient has no `asOf`; the JS layer fills it in. */
  today?: IsoDate;
}

export type Status = "pass" | "fail" | "unknown" | "review" | "not_applicable";
export type Verdict = "eligible" | "undetermined" | "ineligible";

/** Offsets are UTF-16 code units into the trial's `eligibilityText`: `text.slice(start, end)`. */
export interface Span {
  start: number;
  end: number;
}

export interface Fact {
  /** Where it is in the patient (`observations[0]`, `answers.pregnant`, `birthDate`), or `computed:…`. */
  field: string;
  text: string;
}

export interface CriterionResult {
  id: string;
  section: "inclusion" | "exclusion";
  status: Status;
  /** In words, with the numbers: "Hemoglobin 55 g/L is below the required ≥ 60 g/L (Inclusion 2)". */
  reason: string;
  span: Span;
  facts?: Fact[];
  /** Only the study team can judge it; it does not count toward the verdict. */
  toConfirm?: boolean;
  children?: CriterionResult[];
}

export interface CriterionRef {
  id: string;
  text: string;
  span: Span;
}

export interface Question {
  /** Stable, from the concept: `obs:hemoglobin`, `cond:sle`, `med:glucocorticoids:window`, `pregnant`. */
  id: string;
  text: string;
  answer: "yesno" | "number" | "date" | "choice";
  /** For numbers: the units offered, the first being the default. */
  units?: string[];
  /** For choices. */
  choices?: string[];
  /** The criteria it bears on (`trialId#criterionId` in a check). */
  criteria: string[];
  /** In a check: the trials it bears on. */
  trials?: string[];
}

export interface Evaluation {
  trialId: string | null;
  trialIndex: number;
  verdict: Verdict;
  /** The trial's structured limits (`trial.minimumAge`, `trial.maximumAge`, `trial.sex`), then the criteria tree. */
  criteria: CriterionResult[];
  /** Every failing criterion, when ineligible. */
  failing?: CriterionRef[];
  questions: Question[];
  toConfirm: CriterionRef[];
  warnings?: string[];
}

export interface CheckResult {
  /** Eligible first, then undetermined by fewest open questions, then ineligible. */
  evaluations: Evaluation[];
  /** Most criteria settled, across all trials, first. */
  questions: Question[];
  warnings?: string[];
}
