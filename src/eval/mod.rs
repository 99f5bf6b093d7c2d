//! Checking a patient against a trial: three-valued results per criterion,
//! a verdict per trial, reasons in words, questions for what is unknown.
//!
//! This first version judges age atoms only; everything else is unknown.

use serde::{Deserialize, Serialize};

use crate::atoms::AtomKind;
use crate::criteria::{Criterion, Logic, NodeKind, Section};
use crate::patient::Patient;
use crate::span::Span;
use crate::trial::Trial;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalOptions {
    /// Treat conditions and medications the patient record does not list as
    /// absent (for complete EHR extracts). Off by default: missing is unknown.
    #[serde(default)]
    pub closed_world: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
    NotApplicable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    // Declared in ranking order.
    Eligible,
    Undetermined,
    Ineligible,
}

/// The evaluation of one trial for one patient.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub trial_id: Option<String>,
    /// The trial's position in the list checked.
    pub trial_index: usize,
    pub verdict: Verdict,
    pub criteria: Vec<CriterionResult>,
    pub questions: Vec<Question>,
    pub to_confirm: Vec<CriterionRef>,
}

/// The result for one node of the criteria tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CriterionResult {
    pub id: String,
    pub section: Section,
    pub status: Status,
    pub reason: String,
    pub span: Span,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CriterionResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CriterionRef {
    pub id: String,
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: String,
    pub text: String,
    pub answer: String,
    pub criteria: Vec<String>,
}

/// Evaluates one trial for one patient.
pub fn evaluate(trial: &Trial, patient: &Patient, _options: &EvalOptions) -> Evaluation {
    let age = patient.age;
    let criteria: Vec<CriterionResult> = trial.criteria.iter().map(|c| node(c, age)).collect();
    let statuses: Vec<Status> = criteria.iter().map(|c| c.status).collect();
    let verdict = if statuses.contains(&Status::Fail) {
        Verdict::Ineligible
    } else if statuses.iter().all(|s| matches!(s, Status::Pass | Status::NotApplicable)) && !statuses.is_empty() {
        Verdict::Eligible
    } else {
        Verdict::Undetermined
    };
    Evaluation { trial_id: trial.id.clone(), trial_index: 0, verdict, criteria, questions: Vec::new(), to_confirm: Vec::new() }
}

fn node(c: &Criterion, age: Option<f64>) -> CriterionResult {
    let children: Vec<CriterionResult> = c.children.iter().map(|ch| node(ch, age)).collect();
    let (mut status, reason) = if c.kind == NodeKind::Criterion && c.children.is_empty() {
        leaf(c, age)
    } else {
        let s = combine(c.logic.unwrap_or(Logic::All), children.iter().map(|r| r.status));
        (s, String::new())
    };
    // An exclusion criterion that holds excludes the patient.
    if c.section == Section::Exclusion && c.kind != NodeKind::Section && c.children.is_empty() {
        status = match status {
            Status::Pass => Status::Fail,
            Status::Fail => Status::Pass,
            s => s,
        };
    }
    CriterionResult { id: c.id.clone(), section: c.section, status, reason, span: c.span, facts: Vec::new(), children }
}

fn leaf(c: &Criterion, age: Option<f64>) -> (Status, String) {
    let understood_fully = c.understood == Some(crate::criteria::Understood::Full);
    for a in &c.atoms {
        if a.kind == AtomKind::Age {
            let Some(age) = age else { return (Status::Unknown, "age is not known".into()) };
            let ok_low = a.low.is_none_or(|b| if b.inclusive { age >= b.value } else { age > b.value });
            let ok_high = a.high.is_none_or(|b| if b.inclusive { age <= b.value } else { age < b.value });
            let ok_cmp = match (a.comparator, a.value) {
                (Some(cmp), Some(v)) => cmp.holds(age, v),
                _ => true,
            };
            let ok = ok_low && ok_high && ok_cmp;
            if !ok {
                return (Status::Fail, format!("age {age} does not meet \"{}\"", c.text));
            }
            if understood_fully {
                return (Status::Pass, format!("age {age} meets \"{}\"", c.text));
            }
        }
    }
    (Status::Unknown, "not yet understood".into())
}

fn combine(logic: Logic, it: impl Iterator<Item = Status>) -> Status {
    let v: Vec<Status> = it.filter(|s| *s != Status::NotApplicable).collect();
    if v.is_empty() {
        return Status::NotApplicable;
    }
    match logic {
        Logic::All if v.contains(&Status::Fail) => Status::Fail,
        Logic::All if v.iter().all(|s| *s == Status::Pass) => Status::Pass,
        Logic::Any if v.contains(&Status::Pass) => Status::Pass,
        Logic::Any if v.iter().all(|s| *s == Status::Fail) => Status::Fail,
        _ => Status::Unknown,
    }
}

/// One patient against many trials: evaluations ranked (eligible first,
/// then undetermined by fewest open questions, then ineligible) and the
/// questions that would settle the most, first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub evaluations: Vec<Evaluation>,
    pub questions: Vec<Question>,
}

/// Checks a patient against many trials.
pub fn check(trials: &[Trial], patient: &Patient, options: &EvalOptions) -> CheckResult {
    let mut evaluations: Vec<Evaluation> = trials
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut e = evaluate(t, patient, options);
            e.trial_index = i;
            e
        })
        .collect();
    evaluations.sort_by_key(|e| (e.verdict as u8, e.questions.len()));
    CheckResult { evaluations, questions: Vec::new() }
}

impl Evaluation {
    /// A copy with spans as UTF-16 offsets into `text` (the trial's eligibility text).
    pub fn to_utf16(&self, text: &str) -> Evaluation {
        let map = crate::span::Utf16Map::new(text);
        let mut e = self.clone();
        fn walk(r: &mut CriterionResult, map: &crate::span::Utf16Map) {
            r.span = map.span(r.span);
            for c in &mut r.children {
                walk(c, map);
            }
        }
        for r in &mut e.criteria {
            walk(r, &map);
        }
        for c in &mut e.to_confirm {
            c.span = map.span(c.span);
        }
        e
    }
}

impl CheckResult {
    /// A copy with spans as UTF-16 offsets; `trials` are those checked.
    pub fn to_utf16(&self, trials: &[Trial]) -> CheckResult {
        let mut r = self.clone();
        for e in &mut r.evaluations {
            if let Some(t) = trials.get(e.trial_index) {
                *e = e.to_utf16(&t.eligibility_text);
            }
        }
        r
    }
}
