//! Atoms: the computable facts inside one criterion.
//!
//! One flat struct with optional fields per kind keeps the JSON simple for
//! users; which fields a kind uses is documented on [`AtomKind`].
//!
//! How a criterion's text becomes atoms ([`extract`]):
//! - `text`: the text is folded once (lower case, full-width forms, `≧`,
//!   `×`, `µ`, superscripts, markdown escapes) with a map back to the
//!   original bytes, so every later step scans plain characters and every
//!   span still points into the original text.
//! - `quantity`: numbers and thresholds: comparators before or after,
//!   scientific notation in its mangled forms, ULN multiples, units (mapped
//!   to UCUM), ranges, runs of levels ("0, 1 or 2"), titres, dual units.
//! - `cues`: phrases that carry meaning without a number (negation,
//!   exceptions, pregnancy, consent, windows, status, severity).
//! - `extract`: places each threshold on what it measures (a lexicon
//!   concept, a shared list "AST and ALT", or a name read from the text),
//!   turns time quantities into windows and durations and doses into dose
//!   bounds hung on their atom, adds the lexicon's conditions, drugs and
//!   procedures, then negation and exceptions.
//! - `coverage`: which content words of a criterion no atom or cue covers
//!   (`uncovered`), and so `understood`.
//! - `lex`: the word lists, data files in `data/atoms/` embedded at build time.
//!
//! When in doubt an atom is left out and the criterion stays `partial`.

use serde::{Deserialize, Serialize};

use crate::span::Span;

pub(crate) mod case;
mod coverage;
mod cues;
mod extract;
pub(crate) mod lex;
mod quantity;
mod render;
pub(crate) mod text;

pub use extract::{annotate, extract};
pub use render::render;

/// Whether `word` (lower case) is a filler word that needs no atom for a
/// criterion to be understood (`data/atoms/stopwords.txt`).
pub fn is_filler(word: &str) -> bool {
    lex::get().stop.contains(word)
}

/// A typed fact that the evaluator can test against a patient.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Atom {
    pub kind: AtomKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept: Option<ConceptRef>,
    /// Where the atom stands in the eligibility text.
    pub span: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator: Option<Comparator>,
    /// The threshold (with `comparator`) in `unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// UCUM code (`g/L`, `10*9/L`, `mL/min/{1.73_m2}`, `{score}`, `a`), or `ULN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// A range: `low` and/or `high`, each with its inclusiveness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<Bound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<Bound>,
    /// The same threshold in another unit, as written ("(2.5mg/dl)").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternates: Vec<Quantity>,
    /// `female` / `male` for a `sex` atom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// `active`, `history`, `positive`, `negative`, `suspected`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Classification criteria named in the text ("2019 EULAR/ACR").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// A duration of the fact ("for at least 6 months").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// Dose bounds of a medication ("≤ 7.5 mg/day").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<Dose>,
    /// Free qualifier: a CAR-T target, an ISN/RPS class, a grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub negated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// On an exception atom: the index (in the same criterion's `atoms`) of
    /// the atom it excepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excepts: Option<usize>,
    /// Where the threshold itself stands ("≥ 60g/L"), inside `span`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_span: Option<Span>,
    /// Where the duration is written ("for at least 6 months").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_span: Option<Span>,
    /// Where the dose is written ("≤ 7.5 mg/day").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose_span: Option<Span>,
    /// Where the classification criteria are named ("2019 EULAR/ACR").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_span: Option<Span>,
}

impl Atom {
    /// Every span the atom holds: `span`, then `valueSpan`, `durationSpan`,
    /// `doseSpan`, `classificationSpan` and `window.span` where present.
    /// A span added to the atom is added here, so that the conversion to
    /// UTF-16 ([`crate::Trial::to_utf16`]) and the corpus checks see it.
    ///
    /// ```
    /// use trialsieve::{Span, atoms::extract};
    /// let text = "Hb ≥ 10 g/dL";
    /// let atom = &extract(text, Span::new(0, text.len()))[0];
    /// assert!(atom.spans().all(|s| Span::new(0, text.len()).contains(s)));
    /// ```
    pub fn spans(&self) -> impl Iterator<Item = Span> + '_ {
        let Atom { span, value_span, duration_span, dose_span, classification_span, window, .. } = self;
        std::iter::once(*span)
            .chain(*value_span)
            .chain(*duration_span)
            .chain(*dose_span)
            .chain(*classification_span)
            .chain(window.as_ref().and_then(|w| w.span))
    }

    /// [`Atom::spans`], to change in place.
    pub fn spans_mut(&mut self) -> impl Iterator<Item = &mut Span> {
        let Atom { span, value_span, duration_span, dose_span, classification_span, window, .. } = self;
        std::iter::once(span)
            .chain(value_span.as_mut())
            .chain(duration_span.as_mut())
            .chain(dose_span.as_mut())
            .chain(classification_span.as_mut())
            .chain(window.as_mut().and_then(|w| w.span.as_mut()))
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What an atom is about. Fields used, beyond `concept`, `span`, `negated`, `window`:
/// - `Age`: `comparator`+`value`+`unit` (UCUM time) or `low`/`high`+`unit`.
/// - `Sex`: `sex`.
/// - `Measurement`: `comparator`+`value`+`unit`, or `low`/`high`+`unit`; `alternates`.
/// - `Condition`: `status`, `classification`, `duration`, `qualifier`.
/// - `Medication`, `Procedure`, `Immunization`: `dose`, `qualifier`, `duration`.
/// - `Pregnancy`, `Breastfeeding`, `Contraception`: `status`.
/// - `Consent`, `Judgment`, `Participation`: only what the study team decides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AtomKind {
    Age,
    Sex,
    #[default]
    Measurement,
    Condition,
    Medication,
    Procedure,
    Immunization,
    Pregnancy,
    Breastfeeding,
    Contraception,
    Consent,
    Judgment,
    Participation,
}

/// A concept as an atom names it: `{ name, code }`, code as `SYSTEM:value`
/// (`LOINC:718-7`, `SNOMED:55464009`, `ICD10:M32`, `RXNORM:8640`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConceptRef {
    /// The lexicon's id for the concept, when it came from the lexicon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "=")]
    Eq,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Ge => "≥",
            Comparator::Le => "≤",
            Comparator::Gt => ">",
            Comparator::Lt => "<",
            Comparator::Eq => "=",
        }
    }
    /// Whether `x` satisfies `x <cmp> threshold`.
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Comparator::Ge => x >= threshold,
            Comparator::Le => x <= threshold,
            Comparator::Gt => x > threshold,
            Comparator::Lt => x < threshold,
            Comparator::Eq => x == threshold,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    pub value: f64,
    pub inclusive: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

/// How long something lasted or must have lasted ("for at least 6 months").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Duration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator: Option<Comparator>,
    pub value: f64,
    /// UCUM time unit: `a`, `mo`, `wk`, `d`, `h`.
    pub unit: String,
}

/// Dose bounds of a medication, in a UCUM rate unit (`mg/d`, `mg/wk`, `mg/kg/d`, `g/d`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dose {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator: Option<Comparator>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<Bound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<Bound>,
    pub unit: String,
}

/// A time window relative to an anchor event.
///
/// "within 4 weeks prior to screening": `{ comparator: "<=", value: 4,
/// unit: "wk", direction: "before", anchor: "screening" }`.
/// "within 2 years after reinfusion": `direction: "after"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator: Option<Comparator>,
    pub value: f64,
    pub unit: String,
    pub direction: Direction,
    /// `screening`, `enrollment`, `first dose`, `infusion`, `consent`, … as written; `now` when unnamed.
    pub anchor: String,
    /// Where the window is written ("within 4 weeks prior to screening").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Before,
    After,
}
