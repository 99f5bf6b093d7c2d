//! Checking a patient against a trial: three-valued results per criterion,
//! a verdict per trial, reasons in words, questions for what is unknown.
//!
//! How a criterion is judged:
//! - Each atom's statement holds, does not hold, or is unknown (missing data
//!   is unknown; `closedWorld` makes absent conditions, drugs, procedures
//!   and immunizations absent; a negative test the lexicon names for an
//!   infection rules it out).
//! - Atoms of one leaf combine by the leaf's `logic` when the text gives
//!   one, else by how the text joins them (`scope.rs`): in an inclusion,
//!   atoms joined by "or" are alternatives and the rest are all required;
//!   in an exclusion, atoms joined by a relation ("X with Y", "surgery for
//!   Y") are one statement and the statements are reasons to exclude (any
//!   one does); a sex or age atom beside other kinds in an exclusion says
//!   whom it concerns, and when it does not hold the criterion does not
//!   apply. "No X" opening an exclusion prohibits X.
//! - Inclusion: holds → `pass`, fails → `fail`. Exclusion: holds → `fail`
//!   (the excluding condition is present), fails → `pass`.
//! - A fail stands only when the atoms that decide it account for what the
//!   criterion says: no qualifier, unread number or unread word in their
//!   clause, no exception, "if" or "only" reaching the whole criterion, no
//!   unread alternative beside an inclusion. Otherwise the criterion is in
//!   `review`: the reason names the matched fact and the words not read, a
//!   question (`crit:<trial>:<criterion>`) asks a person, and it never makes
//!   the trial ineligible.
//! - A criterion not fully understood never passes on its atoms (its
//!   unknown part stays unknown).
//! - Consent, judgment and participation atoms never block a verdict: their
//!   criteria go to `toConfirm`.
//! - Exclusion groups exclude when any sub-item does (they are lists of
//!   reasons to exclude); inclusion groups follow their `logic`. An n-of-m
//!   group (`atLeast`, "at least 2 of the following") counts its children,
//!   a child in review or unknown as unknown: in an inclusion it passes
//!   when at least n pass and fails only when fewer than n can still pass
//!   (passes + unknowns < n); in an exclusion it excludes (fails) when at
//!   least n of its items hold (n children fail) and passes when fewer
//!   than n can still hold; otherwise unknown.
//! - Cohorts: the shared criteria and every criterion of at least one cohort.
//! - Verdict: `ineligible` when a criterion fails (so only on criteria
//!   understood as far as their deciding atoms go), `eligible` when every
//!   counted criterion passes or does not apply, else `undetermined`.
//!
//! ```
//! use trialsieve::{eval, patient};
//! let trials = trialsieve::parse("Inclusion Criteria:\n* Aged 18-65 years\n", &Default::default()).unwrap();
//! let p = patient::read(r#"{"asOf": "2026-11-22", "age": 45}"#).unwrap();
//! let e = eval::evaluate(&trials[0], &p, &eval::EvalOptions::default());
//! assert_eq!(e.trial_id, trials[0].id);
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::atoms::text::Lower;
use crate::atoms::{AtomKind, Sex};
use crate::criteria::{Criterion, Logic, NodeKind, Section, Understood};
use crate::patient::date::{self, Date};
use crate::patient::Patient;
use crate::span::Span;
use crate::trial::{SexEligibility, Trial};

mod atom;
mod index;
mod lean;
mod scope;
mod summary;
mod summary_json;

pub use summary::{check_summary, check_summary_prepared, CheckSummary, Counts, Deciding, RankedQuestion, TrialSummary, QUESTION_LIMIT};

pub use scope::table_categories as scope_table_categories;

use atom::Truth;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalOptions {
    /// Treat conditions, medications, procedures and immunizations the
    /// patient record does not list as absent (for complete EHR extracts).
    /// Off by default: missing is unknown.
    #[serde(default)]
    pub closed_world: bool,
    /// Today's date (`YYYY-MM-DD`), used when the patient has no `asOf`.
    /// Required on wasm (the JS layer passes it); on native targets the
    /// system date is used when it is absent (see [`today`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
    /// In a summary check, how many of the ranked questions to return
    /// ([`summary::QUESTION_LIMIT`] when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_limit: Option<usize>,
}

/// The system date, `YYYY-MM-DD`: the one place the core reads a clock.
/// `None` on wasm32, where there is no clock to read (`SystemTime` panics
/// there); the JS layer passes `today` in [`EvalOptions`] instead.
pub fn today() -> Option<String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
        Some(Date::from_day(secs.div_euclid(86400)).to_iso())
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
    /// The patient matches what the criterion's atoms read, but words the
    /// atoms do not account for could narrow it (a qualifier, an exception,
    /// a scope or applicability phrase): to be confirmed by a person. It
    /// never makes a trial ineligible.
    Review,
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
    /// The trial's structured limits (`trial.minimumAge`, `trial.maximumAge`,
    /// `trial.sex`, with empty spans) then the criteria tree.
    pub criteria: Vec<CriterionResult>,
    /// The criteria that fail (all of them), when the verdict is `ineligible`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<CriterionRef>,
    /// What to ask to settle what is unknown; most criteria settled first.
    pub questions: Vec<Question>,
    /// Criteria only the study team can judge.
    pub to_confirm: Vec<CriterionRef>,
    /// What limits the evaluation (no date to count from, doubtful input).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    /// The patient facts used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// Only the study team can judge it; it does not count toward the verdict.
    #[serde(default, skip_serializing_if = "is_false")]
    pub to_confirm: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CriterionResult>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A patient fact a result rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fact {
    /// Where it is in the patient JSON (`observations[0]`, `answers.pregnant`,
    /// `birthDate`), or `computed:…` for derived values.
    pub field: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CriterionRef {
    pub id: String,
    pub text: String,
    pub span: Span,
}

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerKind {
    /// `true`, `false` or `"not sure"`.
    YesNo,
    /// A number in the first of `units`, or `{ "value", "unit" }`.
    Number,
    /// `YYYY-MM-DD`, or `false` for never, `true` for ongoing.
    Date,
    /// One of `choices`.
    Choice,
}

/// A question whose answer settles unknown criteria. Answers go back in the
/// patient's `answers` under `id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    /// Stable, from the concept: `obs:hemoglobin`, `cond:sle`, `med:glucocorticoids:window`, `pregnant`.
    pub id: String,
    pub text: String,
    pub answer: AnswerKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The criteria it bears on (ids; `trialId#criterionId` in a check).
    pub criteria: Vec<String>,
    /// In a check: the trials it bears on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trials: Vec<String>,
}

/// What judging needs, computed once per patient.
pub(crate) struct Ctx<'a> {
    pub p: &'a Patient,
    pub idx: &'a index::PatientIndex,
    pub as_of: Option<Date>,
    pub opts: &'a EvalOptions,
    /// Age and sex, worked out once per patient.
    age: Option<(f64, Fact)>,
    sex: Option<(Sex, Fact)>,
    /// Whether any answer is about a whole criterion (`crit:…`).
    crit_answers: bool,
    /// Set while an atom is judged for a lean walk, which reads truths and
    /// questions only: the reasons in words are not written
    /// ([`atom::Memo::get`]).
    pub lean: std::cell::Cell<bool>,
}

impl<'a> Ctx<'a> {
    fn new(p: &'a Patient, idx: &'a index::PatientIndex, as_of: Option<Date>, opts: &'a EvalOptions) -> Ctx<'a> {
        let crit_answers = p.answers.keys().any(|k| k.starts_with("crit:"));
        let mut c = Ctx { p, idx, as_of, opts, age: None, sex: None, crit_answers, lean: std::cell::Cell::new(false) };
        c.age = c.compute_age();
        c.sex = c.compute_sex();
        c
    }

    /// Age in years on asOf: from the birth date, else `age`, else the answer.
    pub fn age(&self) -> Option<(f64, &Fact)> {
        self.age.as_ref().map(|(a, f)| (*a, f))
    }

    pub fn sex(&self) -> Option<(Sex, &Fact)> {
        self.sex.as_ref().map(|(s, f)| (*s, f))
    }

    fn compute_age(&self) -> Option<(f64, Fact)> {
        if let (Some(b), Some(t)) = (self.p.birth_date.as_deref().and_then(Date::parse), self.as_of) {
            let a = atom::date_age(b, t);
            return Some((a, Fact { field: "birthDate".into(), text: format!("born {} (age {a} on {})", b.to_iso(), t.to_iso()) }));
        }
        if let Some(a) = self.p.age {
            return Some((a, Fact { field: "age".into(), text: format!("age {a}") }));
        }
        match self.p.answers.get("age") {
            Some(serde_json::Value::Number(n)) => n.as_f64().map(|a| (a, Fact { field: "answers.age".into(), text: format!("age {a} (answer)") })),
            Some(serde_json::Value::Object(o)) => {
                let v = o.get("value")?.as_f64()?;
                let u = o.get("unit").and_then(|u| u.as_str()).unwrap_or("a");
                let a = crate::units::years(v, u)?;
                Some((a, Fact { field: "answers.age".into(), text: format!("age {a} (answer)") }))
            }
            _ => None,
        }
    }

    fn compute_sex(&self) -> Option<(Sex, Fact)> {
        if let Some(s) = self.p.sex {
            return Some((s, Fact { field: "sex".into(), text: if s == Sex::Female { "female" } else { "male" }.into() }));
        }
        match self.p.answers.get("sex").and_then(|v| v.as_str()) {
            Some("female") => Some((Sex::Female, Fact { field: "answers.sex".into(), text: "female (answer)".into() })),
            Some("male") => Some((Sex::Male, Fact { field: "answers.sex".into(), text: "male (answer)".into() })),
            _ => None,
        }
    }
}

/// Evaluates one trial for one patient.
pub fn evaluate(trial: &Trial, patient: &Patient, options: &EvalOptions) -> Evaluation {
    let idx = index::PatientIndex::new(patient);
    let (as_of, warnings) = as_of(patient, options);
    let ctx = Ctx::new(patient, &idx, as_of, options);
    let (mut e, _) = walk_trial(trial, trial.prepared.get(trial), &ctx, &mut atom::Memo::default(), None, Vec::new(), &mut Buffers::default()).into_evaluation();
    e.warnings = warnings;
    e
}

fn as_of(p: &Patient, o: &EvalOptions) -> (Option<Date>, Vec<String>) {
    let mut w: Vec<String> = p.warnings.iter().map(|x| format!("{}: {}", x.field, x.message)).collect();
    let d = p.as_of.clone().or_else(|| o.today.clone()).or_else(today);
    let parsed = d.as_deref().and_then(Date::parse);
    if parsed.is_none() {
        w.push("no screening date (asOf) and no today given: ages from birth dates and time windows are unknown".into());
    }
    (parsed, w)
}

/// A question a full walk's evaluation asks, shared with the other trials
/// of a check until the evaluation is written out, and the ids of the
/// criteria it bears on (a lean walk's go to [`summary::Merged`]).
pub(crate) struct Asked<'t> {
    q: Ask<'t>,
    criteria: Vec<String>,
    /// The node (pre-order index) that asked it last.
    last: usize,
}

/// A question as a walk collects it: shared from the memo, or one about a
/// whole criterion, whose words a lean walk writes out only for the
/// questions a summary shows (most criteria not fully read ask one, and
/// few of those are shown).
#[derive(Clone, Debug)]
pub(crate) enum Ask<'t> {
    /// With the hash of its id ([`id_hash`]).
    Shared(Arc<Question>, u64),
    /// "Is this true for the patient: …?", or, with the words not read,
    /// the question of a criterion in review.
    Criterion { id: Cow<'t, str>, key: u64, c: &'t Criterion, not_read: Option<String> },
}

/// A question written here, shared as a question from the memo is.
fn shared(q: Question) -> Ask<'static> {
    let key = id_hash(&q.id);
    Ask::Shared(Arc::new(q), key)
}

/// A shared copy of a question ([`atom::age_question`] and the like), asked.
fn asked((q, key): (Arc<Question>, u64)) -> Ask<'static> {
    Ask::Shared(q, key)
}

impl Ask<'_> {
    /// The hash of the id ([`id_hash`]).
    pub fn key(&self) -> u64 {
        match self {
            Ask::Shared(_, key) | Ask::Criterion { key, .. } => *key,
        }
    }

    /// Whether `other` is the same question: the same shared copy (most
    /// often, as the memo shares one per atom), else the same id.
    pub fn same(&self, other: &Ask) -> bool {
        match other {
            Ask::Shared(q, key) => self.is(q, *key),
            _ => self.key() == other.key() && self.id() == other.id(),
        }
    }

    /// Whether this is the shared question `q`, whose id hashes to `key`.
    fn is(&self, q: &Arc<Question>, key: u64) -> bool {
        match self {
            Ask::Shared(a, _) if Arc::ptr_eq(a, q) => true,
            _ => self.key() == key && self.id() == q.id,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Ask::Shared(q, _) => &q.id,
            Ask::Criterion { id, .. } => id,
        }
    }

    /// The question written out.
    pub fn question(&self) -> Arc<Question> {
        match self {
            Ask::Shared(q, _) => q.clone(),
            Ask::Criterion { id, c, not_read, .. } => Arc::new(criterion_question(id.to_string(), c, not_read.as_deref())),
        }
    }
}

/// The question about a whole criterion: whether it is true, or, when the
/// record matches part of it, whether it applies, with the words not read.
fn criterion_question(id: String, c: &Criterion, not_read: Option<&str>) -> Question {
    let text = match not_read {
        None => cat(&["Is this true for the patient: \"", &c.text, "\"?"]),
        Some(why) => {
            let ask = if c.section == Section::Exclusion { "Does this exclusion apply to the patient: \"" } else { "Does the patient meet this criterion: \"" };
            cat(&[ask, &c.text, "\"? The record matches part of it; not read: \"", why, "\"."])
        }
    };
    Question { id, text, answer: AnswerKind::YesNo, units: Vec::new(), choices: Vec::new(), criteria: Vec::new(), trials: Vec::new() }
}

/// `'t`: the trial and what was prepared of it; `'a`: this check.
struct Walk<'t, 'a, 'b> {
    ctx: &'a Ctx<'b>,
    prep: &'t Prepared,
    /// The trial's eligibility text, which spans point into.
    text: &'t str,
    /// Its criteria.
    criteria: &'t [Criterion],
    /// Atom outcomes for this patient, shared by the trials of one check.
    memo: &'a mut atom::Memo,
    /// What the trial's questions about whole criteria name it by
    /// ([`Prepared::question_key`]).
    trial_key: &'t str,
    /// The questions a full walk asks, with the criteria that ask them.
    questions: Vec<Asked<'t>>,
    /// Where a lean walk's questions go: merged across the trials of a
    /// summary check as they are asked.
    merged: Option<&'a mut summary::Merged<'t>>,
    to_confirm: Vec<CriterionRef>,
    /// cohort name → statuses of its nodes.
    cohorts: BTreeMap<String, Vec<Status>>,
    /// Statuses and questions only: no reasons, facts or criteria to
    /// confirm are written (the summary check, which asks for the reason
    /// of the one deciding criterion afterwards; see [`Rewalk`]).
    lean: bool,
    /// The reasons alone ([`Rewalk`]): no questions are kept and no
    /// criteria to confirm listed.
    quiet: bool,
    /// What a leaf's atoms came to, kept between leaves so that it is
    /// allocated once per walk; and the same for the questions of a node.
    judged: Vec<scope::Judged>,
    asks: Vec<Ask<'t>>,
    /// The same for a lean node's questions ([`lean`]).
    copies: Vec<u32>,
    /// The nodes' results, in pre-order.
    res: Vec<Res>,
    /// Their reasons and facts, where there are any ([`Res::note`]).
    notes: Vec<Note>,
}

/// The result of one node of a walk. A walk keeps them in pre-order (a
/// node, then its subtrees), so that a lean walk builds no tree.
pub(crate) struct Res {
    pub status: Status,
    pub to_confirm: bool,
    /// Where the node's reason and facts are among the walk's notes;
    /// [`NO_NOTE`] when it has neither (most nodes of a lean walk).
    note: u32,
    /// Where the node's subtree ends among the walk's results.
    pub end: usize,
}

/// A node's reason and facts, kept apart from its status: a lean walk
/// writes few, and a result stays small to move.
#[derive(Default)]
pub(crate) struct Note {
    reason: String,
    facts: Vec<Fact>,
}

const NO_NOTE: u32 = u32::MAX;

/// The reason of result `r` among a walk's `notes` ("" when it has none).
pub(crate) fn reason_of<'n>(notes: &'n [Note], r: &Res) -> &'n str {
    notes.get(r.note as usize).map_or("", |n| n.reason.as_str())
}

/// The results of the nodes side by side from `first` up to `end` among
/// `res`: a node's sub-items (from the node's slot + 1 to its subtree's
/// end), or the top-level criteria (from 0 to the end).
fn kids(res: &[Res], first: usize, end: usize) -> impl Iterator<Item = &Res> + Clone {
    kid_slots(res, first, end).map(move |k| &res[k])
}

/// Where [`kids`]' results are among `res`.
fn kid_slots(res: &[Res], first: usize, end: usize) -> impl Iterator<Item = usize> + Clone + '_ {
    let mut k = first;
    std::iter::from_fn(move || {
        (k < end).then(|| {
            let at = k;
            k = res[k].end;
            at
        })
    })
}

/// How far a criterion's atoms account for it: as the extractor says, else
/// in full when it has atoms and no words left uncovered.
fn understood(c: &Criterion) -> Understood {
    c.understood.unwrap_or(if !c.atoms.is_empty() && c.uncovered.is_empty() { Understood::Full } else { Understood::Partial })
}

/// A trial walked: its verdict and the results of its structured limits
/// and of its criteria ([`Res`], in pre-order), read beside the trial's
/// criteria. A full walk's are written out as an [`Evaluation`]; a summary
/// reads a lean walk's as they are.
pub(crate) struct Walked<'t> {
    pub trial: &'t Trial,
    pub verdict: Verdict,
    pub structured: Vec<CriterionResult>,
    pub res: Vec<Res>,
    pub notes: Vec<Note>,
    questions: Vec<Asked<'t>>,
    to_confirm: Vec<CriterionRef>,
}

/// A walk's buffers, kept from one trial to the next.
#[derive(Default)]
struct Buffers<'t> {
    judged: Vec<scope::Judged>,
    asks: Vec<Ask<'t>>,
    /// The nodes a lean walk has entered.
    stack: Vec<usize>,
    copies: Vec<u32>,
    /// The results and notes of a [`Rewalk`].
    again: (Vec<Res>, Vec<Note>),
}

/// Walks `trial`; a lean walk (statuses and questions only) when `merged`
/// takes the questions it asks. `res` is an empty buffer for the results.
fn walk_trial<'t>(trial: &'t Trial, prep: &'t Prepared, ctx: &Ctx, memo: &mut atom::Memo, merged: Option<&mut summary::Merged<'t>>, res: Vec<Res>, bufs: &mut Buffers<'t>) -> Walked<'t> {
    let mut w = Walk::new(trial, prep, ctx, memo, merged);
    w.res = res;
    w.judged = std::mem::take(&mut bufs.judged);
    w.asks = std::mem::take(&mut bufs.asks);
    w.copies = std::mem::take(&mut bufs.copies);
    let structured = structured(trial, ctx, &mut w);
    // A lean walk goes over the prepared nodes in pre-order; a full one
    // down the tree.
    if w.lean {
        w.lean_run(&mut bufs.stack);
    } else {
        let mut at = 0;
        for c in &trial.criteria {
            w.node(c, None, at);
            at += w.prep.nodes.get(at).map_or(1, |n| n.size);
        }
    }
    bufs.judged = std::mem::take(&mut w.judged);
    bufs.asks = std::mem::take(&mut w.asks);
    bufs.copies = std::mem::take(&mut w.copies);
    let res = w.res;
    // The structured limits, the top-level criteria and the cohorts (one of
    // which must hold), counted as they come rather than collected.
    let cohorts = (!w.cohorts.is_empty()).then(|| combine(Logic::Any, w.cohorts.values().map(|v| combine(Logic::All, v.iter().copied()))));
    let top = structured.iter().filter(|r| counts(r)).map(|r| r.status);
    let top = top.chain(kids(&res, 0, res.len()).filter(|r| !r.to_confirm).map(|r| r.status)).chain(cohorts);
    let has_criteria = !trial.criteria.is_empty();
    let status = combine(Logic::All, top);
    let verdict = match status {
        Status::Fail => Verdict::Ineligible,
        Status::Pass | Status::NotApplicable if has_criteria => Verdict::Eligible,
        _ => Verdict::Undetermined,
    };
    Walked { trial, verdict, structured, res, notes: w.notes, questions: w.questions, to_confirm: w.to_confirm }
}

impl Walked<'_> {
    /// The criteria a fail comes from ([`failing`]).
    pub fn failing(&self) -> Vec<CriterionRef> {
        failing(&self.structured, &self.res, &self.notes, &self.trial.criteria)
    }

    /// The evaluation, and the results' buffer, emptied, for the next walk.
    fn into_evaluation(mut self) -> (Evaluation, Vec<Res>) {
        fn tree(res: &[Res], notes: &mut [Note], slot: usize, c: &Criterion) -> CriterionResult {
            let mut k = slot + 1;
            let mut children = Vec::with_capacity(c.children.len());
            for ch in &c.children {
                children.push(tree(res, notes, k, ch));
                k = res[k].end;
            }
            let r = &res[slot];
            let note = notes.get_mut(r.note as usize).map(std::mem::take).unwrap_or_default();
            CriterionResult {
                id: c.id.clone(),
                section: c.section,
                status: r.status,
                reason: note.reason,
                span: c.span,
                facts: note.facts,
                to_confirm: r.to_confirm,
                children,
            }
        }
        let failing = if self.verdict == Verdict::Ineligible { self.failing() } else { Vec::new() };
        let questions = if self.verdict == Verdict::Ineligible {
            Vec::new()
        } else {
            let mut qs: Vec<Question> = self
                .questions
                .drain(..)
                .map(|a| {
                    let mut q = Arc::unwrap_or_clone(a.q.question());
                    q.criteria = a.criteria;
                    q
                })
                .collect();
            sort_questions(&mut qs, |a, b| b.criteria.len().cmp(&a.criteria.len()).then_with(|| a.id.cmp(&b.id)));
            qs
        };
        let mut criteria = self.structured;
        let mut k = 0;
        for c in &self.trial.criteria {
            criteria.push(tree(&self.res, &mut self.notes, k, c));
            k = self.res[k].end;
        }
        self.res.clear();
        let e = Evaluation {
            trial_id: self.trial.id.clone(),
            trial_index: 0,
            verdict: self.verdict,
            criteria,
            failing,
            questions,
            to_confirm: self.to_confirm,
            warnings: Vec::new(),
        };
        (e, self.res)
    }
}

/// The criteria a fail comes from: a failing node none of whose counted
/// sub-items fail (a leaf, or a group failed by its own lead-in's atoms),
/// reached through failing groups and through the cohorts (which decide
/// apart from their section). `res` are a walk's results for `criteria`,
/// `structured` those for the trial's structured limits.
fn failing(structured: &[CriterionResult], res: &[Res], notes: &[Note], criteria: &[Criterion]) -> Vec<CriterionRef> {
    fn has_cohort(c: &Criterion) -> bool {
        c.kind == NodeKind::Cohort || c.children.iter().any(has_cohort)
    }
    // `res.get`: the results of a lean walk are laid out as the trial's
    // prepared nodes, which fit its criteria but for data prepared from
    // another version of them.
    fn walk(res: &[Res], notes: &[Note], slot: usize, c: &Criterion, out: &mut Vec<CriterionRef>) {
        let Some(r) = res.get(slot) else { return };
        if !(r.status == Status::Fail || has_cohort(c)) || r.to_confirm {
            return;
        }
        let before = out.len();
        let mut k = slot + 1;
        for ch in &c.children {
            walk(res, notes, k, ch, out);
            k = res.get(k).map_or(usize::MAX, |r| r.end);
        }
        if r.status == Status::Fail && out.len() == before {
            out.push(CriterionRef { id: c.id.clone(), text: reason_of(notes, r).to_string(), span: c.span });
        }
    }
    let mut out = Vec::new();
    for r in structured {
        if r.status == Status::Fail && counts(r) {
            out.push(CriterionRef { id: r.id.clone(), text: r.reason.clone(), span: r.span });
        }
    }
    let mut k = 0;
    for c in criteria {
        walk(res, notes, k, c, &mut out);
        k = res.get(k).map_or(usize::MAX, |r| r.end);
    }
    out
}

/// The id of the question about the whole of criterion `c` of the trial
/// named `trial` ([`Prepared::question_key`]): `crit:<trial>:<criterion>`.
fn crit_id(trial: &str, c: &Criterion) -> String {
    cat(&["crit:", trial, ":", &c.id])
}

/// The parts joined, in one allocation: `format!` costs several times
/// more, and a check builds hundreds of thousands of such strings.
fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Sorts questions by `order`, which must tell any two apart (ids are
/// unique once merged).
fn sort_questions(qs: &mut [Question], order: impl Fn(&Question, &Question) -> std::cmp::Ordering) {
    crate::sort::sort_by(qs, order);
}

fn counts(r: &CriterionResult) -> bool {
    !r.to_confirm
}

/// The trial's structured age and sex limits, as criteria.
fn structured(trial: &Trial, ctx: &Ctx, w: &mut Walk) -> Vec<CriterionResult> {
    let mut out = Vec::new();
    let mk = |id: &str, status: Status, reason: String, facts: Vec<Fact>| CriterionResult {
        id: id.into(),
        section: Section::Inclusion,
        status,
        reason,
        span: Span::new(0, 0),
        facts,
        to_confirm: false,
        children: Vec::new(),
    };
    for (id, age, is_min) in [("trial.minimumAge", &trial.minimum_age, true), ("trial.maximumAge", &trial.maximum_age, false)] {
        let Some(limit) = age.as_ref().and_then(|a| a.in_years()) else { continue };
        // Written where a reason shows it (not for a limit met in a lean walk).
        let shown = || age.as_ref().map(|a| format!("{} {}", a.value, atom_unit(&a.unit))).unwrap_or_default();
        let r = match ctx.age() {
            None => {
                w.ask(asked(atom::age_question()), id, usize::MAX - 3 + usize::from(is_min));
                mk(id, Status::Unknown, format!("age is not known (the trial takes {} {})", if is_min { "from" } else { "up to" }, shown()), Vec::new())
            }
            Some((a, f)) => {
                // An age limit "65 years" includes the whole 65th year.
                let ok = if is_min { a >= limit } else { a < limit + 1.0 || a <= limit };
                // A lean walk reads the reason of a limit that is not met only.
                let reason = if ok && w.lean {
                    String::new()
                } else if ok {
                    format!("Age {} meets the trial's {} age of {}", a.floor(), if is_min { "minimum" } else { "maximum" }, shown())
                } else {
                    format!("Age {} is {} the trial's {} age of {}", a.floor(), if is_min { "below" } else { "above" }, if is_min { "minimum" } else { "maximum" }, shown())
                };
                mk(id, if ok { Status::Pass } else { Status::Fail }, reason, w.fact(f))
            }
        };
        out.push(r);
    }
    if let Some(s) = trial.sex.filter(|s| *s != SexEligibility::All) {
        let want = if s == SexEligibility::Female { Sex::Female } else { Sex::Male };
        let name = |x: Sex| if x == Sex::Female { "female" } else { "male" };
        let r = match ctx.sex() {
            None => {
                w.ask(asked(atom::sex_question()), "trial.sex", usize::MAX);
                mk("trial.sex", Status::Unknown, format!("sex is not known (the trial takes {} patients only)", name(want)), Vec::new())
            }
            Some((x, f)) if x == want => mk("trial.sex", Status::Pass, if w.lean { String::new() } else { format!("Sex {} matches the trial's sex", name(x)) }, w.fact(f)),
            Some((x, f)) => mk("trial.sex", Status::Fail, format!("Sex {} does not match the trial ({} only)", name(x), name(want)), w.fact(f)),
        };
        out.push(r);
    }
    out
}

fn atom_unit(u: &str) -> &str {
    match u {
        "a" => "years",
        "mo" => "months",
        "wk" => "weeks",
        "d" => "days",
        _ => u,
    }
}

/// "2 met, 1 not met, 1 unknown, 1 to confirm" over a node's children.
fn tally<'r>(children: impl Iterator<Item = &'r Res>) -> String {
    let mut n = [0usize; 6];
    for c in children {
        let i = if c.to_confirm {
            4
        } else {
            match c.status {
                Status::Pass => 0,
                Status::Fail => 1,
                Status::Unknown => 2,
                Status::NotApplicable => 3,
                Status::Review => 5,
            }
        };
        n[i] += 1;
    }
    let names = ["met", "not met", "unknown", "not applicable", "to confirm", "to review"];
    // One string, written in place: every group and section has a tally.
    use std::fmt::Write;
    let mut out = String::with_capacity(48);
    for (k, w) in n.iter().zip(names).filter(|(k, _)| **k > 0) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        let _ = write!(out, "{k} {w}");
    }
    if out.is_empty() { "nothing here applies".into() } else { out }
}

/// "2 of at least 3 met, 1 not met, 1 unknown" over an n-of-m group's
/// children; in an exclusion "2 of at least 3 present, 1 absent".
fn count_tally<'r>(n: u32, section: Section, children: impl Iterator<Item = &'r Res>) -> String {
    let (hold, not) = match section {
        Section::Inclusion => (Status::Pass, Status::Fail),
        Section::Exclusion => (Status::Fail, Status::Pass),
    };
    let (held, not_held, open) = children.filter(|c| c.status != Status::NotApplicable).fold((0, 0, 0), |(h, x, o), c| {
        if c.status == hold {
            (h + 1, x, o)
        } else if c.status == not {
            (h, x + 1, o)
        } else {
            (h, x, o + 1)
        }
    });
    let (yes, no) = if section == Section::Inclusion { ("met", "not met") } else { ("present", "absent") };
    let mut out = format!("{held} of at least {n} {yes}");
    if not_held > 0 {
        out.push_str(&format!(", {not_held} {no}"));
    }
    if open > 0 {
        out.push_str(&format!(", {open} unknown"));
    }
    out
}

/// "inc.3.2" → "Inclusion 3.2".
fn label(c: &Criterion) -> String {
    let sec = if c.section == Section::Inclusion { "Inclusion" } else { "Exclusion" };
    let rest = c.id.split_once('.').map(|x| x.1).unwrap_or("");
    if rest.is_empty() { sec.to_string() } else { format!("{sec} {rest}") }
}

/// Children's statuses by `logic`. A child in review counts as unknown: it
/// can neither pass nor exclude; a node all of whose open children are in
/// review is itself in review.
fn combine(logic: Logic, it: impl Iterator<Item = Status>) -> Status {
    // Counted, not collected: this runs for every node of every trial.
    let (mut pass, mut fail, mut unknown, mut review) = (0usize, 0usize, 0usize, 0usize);
    for s in it {
        match s {
            Status::Pass => pass += 1,
            Status::Fail => fail += 1,
            Status::Unknown => unknown += 1,
            Status::Review => review += 1,
            Status::NotApplicable => {}
        }
    }
    // A criterion in review is open as an unknown one is; the result is in
    // review when review is all that keeps it open.
    let s = combine3(logic, pass, fail, unknown + review);
    if s == Status::Unknown && review > 0 && unknown == 0 {
        return Status::Review;
    }
    s
}

/// How the sub-items of a node of `kind` in `section`, whose own logic is
/// `logic`, combine.
fn group_logic(kind: NodeKind, section: Section, logic: Option<Logic>) -> Logic {
    match (kind, section) {
        (NodeKind::Group, Section::Exclusion) | (NodeKind::Section, _) | (NodeKind::Cohort, _) => Logic::All,
        _ => logic.unwrap_or(Logic::All),
    }
}

/// The status of a node of `kind` in `section` with logic `logic` from its
/// sub-items' `counted` statuses (those not for the study team alone, and
/// not cohorts).
fn group_status(kind: NodeKind, section: Section, logic: Option<Logic>, counted: impl Iterator<Item = Status>) -> Status {
    match logic {
        // In an exclusion the items hold when they fail: the group
        // excludes (fails) when at least n fail.
        Some(Logic::AtLeast(n)) if kind == NodeKind::Group => {
            let excl = section == Section::Exclusion;
            let flip = move |s: Status| match s {
                Status::Pass if excl => Status::Fail,
                Status::Fail if excl => Status::Pass,
                s => s,
            };
            flip(combine(Logic::AtLeast(n), counted.map(flip)))
        }
        _ => combine(group_logic(kind, section, logic), counted),
    }
}

/// Combines statuses given as counts: passing, failing and open.
fn combine3(logic: Logic, pass: usize, fail: usize, open: usize) -> Status {
    let n = pass + fail + open;
    if n == 0 {
        return Status::NotApplicable;
    }
    match logic {
        Logic::All if fail > 0 => Status::Fail,
        Logic::All if pass == n => Status::Pass,
        Logic::Any if pass > 0 => Status::Pass,
        Logic::Any if fail == n => Status::Fail,
        // Passes when n pass; fails only when fewer than n can still pass.
        Logic::AtLeast(k) => {
            if pass >= k as usize {
                Status::Pass
            } else if pass + open < k as usize {
                Status::Fail
            } else {
                Status::Unknown
            }
        }
        _ => Status::Unknown,
    }
}

fn to_status(section: Section, t: Truth) -> Status {
    match (section, t) {
        (_, Truth::Unknown) => Status::Unknown,
        (Section::Inclusion, Truth::Yes) | (Section::Exclusion, Truth::No) => Status::Pass,
        _ => Status::Fail,
    }
}

impl<'t, 'a, 'b> Walk<'t, 'a, 'b> {
    fn new(trial: &'t Trial, prep: &'t Prepared, ctx: &'a Ctx<'b>, memo: &'a mut atom::Memo, merged: Option<&'a mut summary::Merged<'t>>) -> Self {
        Walk {
            ctx,
            prep,
            text: &trial.eligibility_text,
            criteria: &trial.criteria,
            memo,
            trial_key: &prep.question_key,
            questions: Vec::new(),
            lean: merged.is_some(),
            quiet: false,
            merged,
            to_confirm: Vec::new(),
            cohorts: BTreeMap::new(),
            judged: Vec::new(),
            asks: Vec::new(),
            copies: Vec::new(),
            res: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The facts a result shows, `f` alone: none in a lean walk, which
    /// shows no facts.
    fn fact(&self, f: &Fact) -> Vec<Fact> {
        if self.lean { Vec::new() } else { vec![f.clone()] }
    }

    /// Adds question `q`, asked by criterion `id` (node `at`), to the
    /// trial's: merged by id as they come (a trial asks a handful).
    fn ask(&mut self, q: Ask<'t>, id: &str, at: usize) {
        if let Some(m) = self.merged.as_deref_mut() {
            m.ask(q, at);
            return;
        }
        if self.quiet {
            return;
        }
        // The hashes first: most of a trial's questions differ.
        let key = q.key();
        match self.questions.iter_mut().find(|x| x.q.key() == key && x.q.same(&q)) {
            Some(x) => {
                if x.last != at {
                    x.last = at;
                    x.criteria.push(id.to_string());
                }
            }
            None => self.questions.push(Asked { q, criteria: vec![id.to_string()], last: at }),
        }
    }

    /// Judges node `c`, the `at`-th of the trial in pre-order; its result
    /// goes to `res`, after those before it, and before its sub-items'.
    /// Returns where.
    fn node(&mut self, c: &'t Criterion, cohort: Option<&str>, at: usize) -> usize {
        let cohort_here = if c.kind == NodeKind::Cohort { c.cohort.as_deref().or(Some(c.id.as_str())) } else { None };
        let slot = self.res.len();
        self.res.push(Res { status: Status::NotApplicable, to_confirm: false, note: NO_NOTE, end: slot + 1 });
        let mut next = at + 1;
        for ch in &c.children {
            self.node(ch, cohort_here.or(cohort), next);
            next += self.prep.nodes.get(next).map_or(1, |n| n.size);
        }
        let end = self.res.len();
        let mut status = Status::NotApplicable;
        let mut reason = String::new();
        let mut facts = Vec::new();
        let mut to_confirm = false;
        // The walk's buffer, free once the sub-items are judged.
        let mut qs = std::mem::take(&mut self.asks);
        qs.clear();
        if c.kind == NodeKind::Note {
            if !self.lean {
                reason = "not a criterion".into();
            }
        } else if !c.children.is_empty() || matches!(c.kind, NodeKind::Section | NodeKind::Cohort) {
            let logic = group_logic(c.kind, c.section, c.logic);
            let counted = kids(&self.res, slot + 1, end).zip(&c.children).filter(|(x, ch)| !x.to_confirm && ch.kind != NodeKind::Cohort).map(|(x, _)| x.status);
            status = group_status(c.kind, c.section, c.logic, counted);
            // A group's own atoms (a lead-in with a threshold) count too.
            if !c.atoms.is_empty() {
                let (st, why, fs, confirm) = self.leaf(c, at, &mut qs);
                status = combine(Logic::All, [status, st].into_iter());
                reason = why;
                facts = fs;
                to_confirm = confirm && kids(&self.res, slot + 1, end).all(|x| x.to_confirm);
            }
            if let (Some(Logic::AtLeast(n)), true, false) = (c.logic, reason.is_empty(), self.lean) {
                reason = count_tally(n, c.section, kids(&self.res, slot + 1, end));
            }
            if reason.is_empty() && !self.lean {
                reason = tally(kids(&self.res, slot + 1, end));
                if logic == Logic::Any && c.kind == NodeKind::Group {
                    reason.push_str(" (any one of these suffices)");
                }
            }
        } else {
            (status, reason, facts, to_confirm) = self.leaf(c, at, &mut qs);
        }
        // appliesIf: a criterion for patients the patient is not among does not apply.
        if let Some(ai) = &c.applies_if {
            let own;
            let how = match self.prep.nodes.get(at) {
                Some(n) => &n.applies,
                None => {
                    own = Applies::of(ai);
                    &own
                }
            };
            let (t, why, q) = self.applies(ai, how, c.section);
            match t {
                Truth::No => {
                    status = Status::NotApplicable;
                    if !self.lean {
                        reason = format!("does not apply: {why} ({})", self.label(c, at));
                    }
                    qs.clear();
                }
                Truth::Unknown if status != Status::Pass && status != Status::NotApplicable => {
                    status = Status::Unknown;
                    if !self.lean {
                        reason = format!("{reason}; whether it applies is not known ({why})");
                    }
                    qs.extend(q);
                }
                _ => {}
            }
        }
        if to_confirm && !self.lean && !self.quiet {
            self.to_confirm.push(CriterionRef { id: c.id.clone(), text: c.text.clone(), span: c.span });
        }
        if matches!(status, Status::Unknown | Status::Review) && !to_confirm {
            for q in qs.drain(..) {
                self.ask(q, &c.id, at);
            }
        }
        qs.clear();
        self.asks = qs;
        if let Some(name) = cohort_here {
            self.cohorts.entry(name.to_string()).or_default().push(status);
        }
        let note = if reason.is_empty() && facts.is_empty() {
            NO_NOTE
        } else {
            self.notes.push(Note { reason, facts });
            (self.notes.len() - 1) as u32
        };
        self.res[slot] = Res { status, to_confirm, note, end };
        slot
    }

    /// The node's label ("Inclusion 3.2").
    fn label(&self, c: &Criterion, at: usize) -> String {
        self.prep.nodes.get(at).map_or_else(|| label(c), |n| n.label.clone())
    }

    /// Judges a node's own atoms; the questions it asks go to `qs`, empty
    /// on entry.
    fn leaf(&mut self, c: &'t Criterion, at: usize, qs: &mut Vec<Ask<'t>>) -> (Status, String, Vec<Fact>, bool) {
        let ctx = self.ctx;
        let prep = self.prep;
        let node = prep.nodes.get(at).filter(|n| n.atoms.len() == c.atoms.len());
        let infos = node.map(|n| n.atoms.as_slice());
        let own_infos;
        let infos = match infos {
            Some(i) => i,
            None => {
                own_infos = c.atoms.iter().map(atom::AtomInfo::new).collect::<Vec<_>>();
                own_infos.as_slice()
            }
        };
        let own_scope;
        let sc: &scope::Scope = match node {
            Some(n) => &n.scope,
            None => {
                own_scope = scope::scope(self.text, c);
                &own_scope
            }
        };
        let lab: &str = prep.nodes.get(at).map_or("", |n| n.label.as_str());
        let lab_own;
        let lab = if lab.is_empty() {
            lab_own = label(c);
            lab_own.as_str()
        } else {
            lab
        };
        let understood = understood(c);
        // The id of the question about the whole criterion, written when
        // the trial was prepared.
        let (crit_q, crit_key): (Cow<'t, str>, u64) = match prep.nodes.get(at) {
            Some(n) => (Cow::Borrowed(&n.crit), n.crit_key),
            None => {
                let id = crit_id(self.trial_key, c);
                let key = id_hash(&id);
                (Cow::Owned(id), key)
            }
        };
        // An answer about the whole criterion settles it.
        if let Some(v) = if ctx.crit_answers { ctx.p.answers.get(&*crit_q) } else { None } {
            let t = match v {
                serde_json::Value::Bool(b) => Some(Truth::from(*b)),
                _ => None,
            };
            if let Some(t) = t {
                let st = to_status(c.section, t);
                return (
                    st,
                    format!("answered {}: \"{}\" ({lab})", if t == Truth::Yes { "yes" } else { "no" }, c.text),
                    vec![Fact { field: format!("answers.{crit_q}"), text: format!("{}", t == Truth::Yes) }],
                    false,
                );
            }
        }
        let lean = self.lean;
        // Questions about the whole criterion written out only when kept.
        let lazy = lean || self.quiet;
        let ask_crit = |qs: &mut Vec<Ask<'t>>| {
            if !ctx.crit_answers || !ctx.p.answers.contains_key(&*crit_q) {
                if qs.iter().any(|q| q.key() == crit_key && q.id() == crit_q) {
                    return;
                }
                let id = crit_q.clone();
                qs.push(if lazy { Ask::Criterion { id, key: crit_key, c, not_read: None } } else { shared(criterion_question(id.into_owned(), c, None)) });
            }
        };
        if c.atoms.is_empty() {
            ask_crit(qs);
            return (Status::Unknown, if lean { String::new() } else { format!("Not understood; to check by hand ({lab})") }, Vec::new(), false);
        }
        let (own_plan, own_judges);
        let (plan, judges) = match node {
            Some(n) => (&n.plan, prep.judges.get(n.plan.judge.start as usize..n.plan.judge.end as usize).unwrap_or(&[])),
            None => {
                let mut v = Vec::new();
                own_plan = LeafPlan::new(c, infos, sc, &mut v);
                own_judges = v;
                (&own_plan, own_judges.as_slice())
            }
        };
        if plan.only_confirm {
            if let Some(words) = sc.confirm_unread.as_deref() {
                ask_crit(qs);
                return (Status::Unknown, if lean { String::new() } else { format!("For the study team to confirm, but \"{words}\" is not understood: to check by hand ({lab})") }, Vec::new(), false);
            }
            return (Status::Unknown, if lean { String::new() } else { format!("For the study team to confirm ({lab})") }, Vec::new(), true);
        }
        let logic = c.logic.unwrap_or(if c.section == Section::Exclusion { Logic::Any } else { Logic::All });
        // Each atom judged, with its truth and what the scope's grouping
        // reads of it. Kept by the walk and reused, one leaf after another.
        let mut judged = std::mem::take(&mut self.judged);
        judged.clear();
        let (mut truth, mut reason, facts, confirm) = self.judge_atoms(c, infos, plan, judges, logic, &mut judged, qs);
        // Without logic written in the text, the atoms combine by how the
        // text joins them (alternatives, one statement, whom it concerns).
        if c.logic.is_none() && !judged.is_empty() {
            truth = scope::Scope::combine(c.section, &judged);
        }
        let mut status = to_status(c.section, truth);
        let not_concerned = c.section == Section::Exclusion && c.logic.is_none() && scope::Scope::not_concerned(&judged);
        let undecided = if status == Status::Fail && !not_concerned { sc.undecided(c.section, &judged) } else { None };
        let ambiguous = status == Status::Pass && judged.iter().any(|x| x.m.ambiguous);
        self.judged = judged;
        if not_concerned {
            if self.lean {
                qs.clear();
                return (Status::NotApplicable, String::new(), facts, false);
            }
            reason.push_str(" (");
            reason.push_str(lab);
            reason.push(')');
            qs.clear();
            return (Status::NotApplicable, cat(&["does not apply: ", &reason]), facts, false);
        }
        // A fail stands only when clean atoms decide it: words the atoms do
        // not account for could narrow what the criterion asks.
        if status == Status::Fail {
            if let Some(why) = undecided {
                status = Status::Review;
                reason.push_str(" — but \"");
                reason.push_str(&why);
                reason.push_str("\" is not understood: to confirm");
                let id = crit_q.clone();
                if !ctx.p.answers.contains_key(&*id) && !qs.iter().any(|q| q.key() == crit_key && q.id() == id) {
                    qs.push(if lazy { Ask::Criterion { id, key: crit_key, c, not_read: Some(why) } } else { shared(criterion_question(id.into_owned(), c, Some(&why))) });
                }
            }
        }
        if ambiguous {
            status = Status::Unknown;
            reason.push_str("; whether \"No …\" here excludes the condition or requires it is not clear");
            ask_crit(qs);
        }
        if understood != Understood::Full && status == Status::Pass {
            status = Status::Unknown;
            reason.push_str("; the rest of the criterion is not understood");
            ask_crit(qs);
        }
        if status == Status::Unknown && understood != Understood::Full && !qs.iter().any(|q| q.key() == crit_key && q.id() == &*crit_q) {
            ask_crit(qs);
        }
        if self.lean {
            return (status, String::new(), facts, false);
        }
        reason.push_str(" (");
        reason.push_str(lab);
        reason.push(')');
        if confirm && !self.quiet {
            self.to_confirm.push(CriterionRef { id: c.id.clone(), text: c.text.clone(), span: c.span });
        }
        (status, reason, facts, false)
    }

    /// Judges the atoms of leaf `c` in turn (those the scope leaves to
    /// judge), combined by `logic`: the truth, the reason (not written in a
    /// lean walk), the facts, and whether one is for the study team. Each
    /// atom judged goes to `judged`, its questions to `qs`.
    #[allow(clippy::too_many_arguments)]
    fn judge_atoms(&mut self, c: &'t Criterion, infos: &[atom::AtomInfo], plan: &LeafPlan, judges: &[Judge], logic: Logic, judged: &mut Vec<scope::Judged>, qs: &mut Vec<Ask<'t>>) -> (Truth, String, Vec<Fact>, bool) {
        let ctx = self.ctx;
        let lean = self.lean;
        let neutral = if logic == Logic::All { Truth::Yes } else { Truth::No };
        let mut truth = neutral;
        let mut reason = String::new();
        let mut facts = Vec::new();
        let mut confirm = plan.confirm;
        for j in judges {
            let i = j.atom as usize;
            // Exceptions of the same kind take matching facts out; others
            // waive the atom. Most criteria have none: the memo's outcome
            // is borrowed as it is then.
            let owned;
            let o: &atom::Outcome = match if plan.any_except { self.excepted(c, i, infos, neutral) } else { None } {
                Some(o) => {
                    owned = o;
                    &owned
                }
                None => match self.memo.get_at(j.slot, c.section, ctx, lean, || c.atoms.get(i).zip(infos.get(i))) {
                    Some(o) => o,
                    None => continue,
                },
            };
            confirm |= o.confirm;
            // "No X" opening an exclusion: it excludes when X is present.
            let flip = j.flip;
            let t = if flip { o.truth.not() } else { o.truth };
            let why = if flip { o.reason.strip_prefix("not: ").unwrap_or(&o.reason) } else { o.reason.as_str() };
            truth = if logic == Logic::All { truth.and(t) } else { truth.or(t) };
            judged.push(scope::Judged { i, t, m: j.m });
            if self.lean {
                // Statuses and questions only.
            } else if reason.is_empty() {
                if why.starts_with(|c: char| c.is_lowercase()) {
                    reason = capitalize(why);
                } else {
                    reason.push_str(why);
                }
            } else {
                reason.push_str("; ");
                reason.push_str(why);
            }
            // A walk for the reasons alone keeps neither facts nor questions.
            if self.quiet {
                continue;
            }
            if !self.lean {
                facts.extend(o.facts.iter().cloned());
            }
            // One question per id within a criterion.
            for (q, key) in &o.questions {
                if !qs.iter().any(|x: &Ask| x.is(q, *key)) {
                    qs.push(Ask::Shared(q.clone(), *key));
                }
            }
        }
        (truth, reason, facts, confirm)
    }

    /// The outcome of atom `i` of `c` with its exceptions applied, when it
    /// has any: exceptions of the same kind take matching facts out, others
    /// waive the atom (`neutral` is the truth that leaves the criterion as
    /// the other atoms make it).
    #[inline(never)]
    fn excepted(&mut self, c: &'t Criterion, i: usize, infos: &[atom::AtomInfo], neutral: Truth) -> Option<atom::Outcome> {
        let ctx = self.ctx;
        let lean = self.lean;
        let a = c.atoms.get(i)?;
        // Its exceptions: those of the same kind take facts out (their keys,
        // worked out when the trial was prepared, borrowed: one list for
        // each); the others waive it. Most atoms of such a criterion are no
        // exception's.
        let same_kind = |e: &crate::atoms::Atom| e.kind == a.kind && a.kind != AtomKind::Measurement;
        let mut except_keys: Vec<&[String]> = Vec::new();
        let mut waived = false;
        for (j, e) in c.atoms.iter().enumerate() {
            if e.excepts != Some(i) {
            } else if !same_kind(e) {
                waived = true;
            } else if let Some(k) = infos.get(j).map(|x| x.keys()).filter(|k| !k.is_empty()) {
                except_keys.push(k);
            }
        }
        if except_keys.is_empty() && !waived {
            // None of them bears on this atom: the memo's outcome stands.
            return None;
        }
        let mut o = if except_keys.is_empty() {
            self.memo.get(a, &infos[i], c.section, ctx, lean).clone()
        } else {
            // Judged here, not through the memo: its reason is written
            // only when kept, as the memo's outcomes' are.
            ctx.lean.set(lean);
            let o = atom::judge(a, &infos[i], c.section, ctx, &except_keys);
            ctx.lean.set(false);
            o
        };
        for (ei, e) in c.atoms.iter().enumerate() {
            if e.excepts != Some(i) || same_kind(e) {
                continue;
            }
            let eo = self.memo.get(e, &infos[ei], c.section, ctx, lean);
            match eo.truth {
                Truth::Yes => {
                    o.truth = neutral;
                    if !lean {
                        o.reason = format!("{} — waived: {}", o.reason, eo.reason);
                    }
                    o.facts.extend(eo.facts.iter().cloned());
                }
                Truth::Unknown if o.truth != neutral => {
                    o.truth = Truth::Unknown;
                    if !lean {
                        o.reason = format!("{}, unless {}", o.reason, eo.reason);
                    }
                    for q in eo.questions.iter().cloned() {
                        o.questions.push(q);
                    }
                }
                _ => {}
            }
        }
        if !except_keys.is_empty() && !lean {
            let names: Vec<&str> = c.atoms.iter().filter(|e| e.excepts == Some(i) && e.kind == a.kind).map(atom::concept_name).collect();
            o.reason = format!("{} (not counting {})", o.reason, names.join(", "));
        }
        Some(o)
    }

    /// Whether the patient is among those appliesIf `ai` names, read as
    /// `how` says; why (not written in a lean walk), and the questions
    /// that would settle it.
    #[inline(never)]
    fn applies(&mut self, ai: &crate::criteria::AppliesIf, how: &Applies, section: Section) -> (Truth, String, Vec<Ask<'t>>) {
        let ctx = self.ctx;
        let lean = self.lean;
        let why = |among: bool| {
            if lean {
                String::new()
            } else if among {
                format!("applies to \"{}\"", ai.text)
            } else {
                format!("the patient is not among \"{}\"", ai.text)
            }
        };
        match how {
            Applies::Sex { want, childbearing, subset } => {
                let sex_t = match ctx.sex() {
                    Some((s, _)) => Truth::from(s == *want),
                    None => Truth::Unknown,
                };
                if sex_t == Truth::No {
                    return (Truth::No, why(false), Vec::new());
                }
                if *childbearing {
                    let t = match ctx.p.answers.get("childbearing") {
                        Some(serde_json::Value::Bool(b)) => Truth::from(*b),
                        _ if ctx.p.pregnant == Some(true) => Truth::Yes,
                        _ => Truth::Unknown,
                    };
                    let t = sex_t.and(t);
                    let qs = if t == Truth::Unknown && sex_t != Truth::Unknown {
                        vec![asked(atom::childbearing_question())]
                    } else if sex_t == Truth::Unknown {
                        vec![asked(atom::sex_question())]
                    } else {
                        Vec::new()
                    };
                    return (t, why(true), qs);
                }
                let qs = if sex_t == Truth::Unknown { vec![asked(atom::sex_question())] } else { Vec::new() };
                // "Menstruating women", "postmenopausal women": some of that sex only.
                if *subset && sex_t == Truth::Yes {
                    let why = if lean { String::new() } else { format!("applies to \"{}\" (whether the patient is among them is not known)", ai.text) };
                    return (Truth::Unknown, why, qs);
                }
                (sex_t, why(true), qs)
            }
            Applies::Concept(x) => {
                let (a, info) = &**x;
                let o = self.memo.get(a, info, section, ctx, lean);
                let qs = o.questions.iter().map(|(q, key)| Ask::Shared(q.clone(), *key)).collect();
                let t = o.truth;
                (t, why(t != Truth::No), qs)
            }
            Applies::Unread => (Truth::Unknown, why(true), Vec::new()),
        }
    }
}

/// What judging a node's own atoms reads, worked out when the trial is
/// prepared and laid out together, so that a check reads neither the atoms
/// nor their scope again but to judge an atom the first time.
#[derive(Clone, Debug, Default)]
struct LeafPlan {
    /// Where among the trial's [`Prepared::judges`] are the atoms judged,
    /// in order: all but exceptions, those only the study team can judge,
    /// and those the scope leaves out.
    judge: std::ops::Range<u32>,
    /// An atom only the study team can judge (consent, the investigator's
    /// judgment, participation).
    confirm: bool,
    /// Every atom is such.
    only_confirm: bool,
    /// Every atom is such, but the criterion has words no atom reads that
    /// may narrow who qualifies ([`scope::Scope::confirm_unread`]): not
    /// understood, rather than the study team's to confirm.
    confirm_unread: bool,
    /// An atom is an exception to another.
    any_except: bool,
}

#[derive(Clone, Copy, Debug)]
struct Judge {
    /// The atom's place among the criterion's.
    atom: u32,
    /// Its outcome's place in a check's memo ([`atom::Memo::slot`]).
    slot: u32,
    /// "No X" opening an exclusion: it excludes when X is present.
    flip: bool,
    /// What combining its truth reads of the scope.
    m: scope::Member,
}

impl LeafPlan {
    /// The plan of leaf `c`, its atoms judged added to `judges`.
    fn new(c: &Criterion, infos: &[atom::AtomInfo], sc: &scope::Scope, judges: &mut Vec<Judge>) -> LeafPlan {
        let start = judges.len() as u32;
        judges.extend(c.atoms.iter().enumerate().filter(|&(i, a)| scope::judged(a) && !sc.skip.get(i).copied().unwrap_or(false)).map(|(i, _)| Judge {
            atom: i as u32,
            slot: infos.get(i).map_or(u32::MAX, |info| atom::Memo::slot(info, c.section)),
            flip: sc.flip.get(i).copied().unwrap_or(false),
            m: sc.member(i),
        }));
        LeafPlan {
            judge: start..judges.len() as u32,
            confirm: c.atoms.iter().any(scope::for_study_team),
            only_confirm: c.atoms.iter().all(scope::for_study_team),
            confirm_unread: sc.confirm_unread.is_some(),
            any_except: c.atoms.iter().any(|a| a.excepts.is_some()),
        }
    }
}

/// How an appliesIf phrase is read, worked out when the trial is prepared:
/// as a sex (and childbearing potential), as a concept the record is
/// searched for, or not at all.
#[derive(Clone, Debug)]
enum Applies {
    /// `subset`: some patients of that sex only ("menstruating women").
    Sex { want: Sex, childbearing: bool, subset: bool },
    Concept(Box<(crate::atoms::Atom, atom::AtomInfo)>),
    Unread,
}

impl Applies {
    fn of(ai: &crate::criteria::AppliesIf) -> Applies {
        let kind = ai.kind.as_deref().unwrap_or("condition");
        let text = ai.text.lower();
        let is_female_text = ["women", "woman", "female", "girls"].iter().any(|w| text.contains(w));
        let is_male_text = !is_female_text && ["men", "man", "male", "males", "boys"].iter().any(|w| text.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w));
        if kind == "sex" || kind == "childbearing" || is_female_text || is_male_text {
            return Applies::Sex {
                want: if is_male_text { Sex::Male } else { Sex::Female },
                childbearing: kind == "childbearing" || text.contains("childbearing") || text.contains("child-bearing"),
                subset: ["menstruating", "menopausal", "sexually active"].iter().any(|w| text.contains(w)),
            };
        }
        match &ai.concept {
            Some(concept) => {
                let a = crate::atoms::Atom { kind: AtomKind::Condition, concept: Some(concept.clone()), span: ai.span, ..Default::default() };
                let info = atom::AtomInfo::new(&a);
                Applies::Concept(Box::new((a, info)))
            }
            None => Applies::Unread,
        }
    }
}

/// Upper-cases the first letter, unless the first word has capitals of its
/// own ("eGFR", "pH").
fn capitalize(s: &str) -> String {
    let first_word = s.split(' ').next().unwrap_or("");
    if first_word.chars().skip(1).any(char::is_uppercase) {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => crate::atoms::text::upper(f).to_string() + c.as_str(),
        None => String::new(),
    }
}

/// One patient against many trials: evaluations ranked (eligible first,
/// then undetermined by fewest open questions, then ineligible) and the
/// questions that would settle the most criteria, across all trials, first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub evaluations: Vec<Evaluation>,
    pub questions: Vec<Question>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Checks a patient against many trials. To check many patients against
/// the same trials, [`prepare_all`] them once and use [`check_prepared`].
pub fn check(trials: &[Trial], patient: &Patient, options: &EvalOptions) -> CheckResult {
    check_with(trials, None, patient, options)
}

fn check_with(trials: &[Trial], prepared: Option<&[Prepared]>, patient: &Patient, options: &EvalOptions) -> CheckResult {
    let mut evaluations: Vec<Evaluation> = Vec::with_capacity(trials.len());
    let warnings = each_walk(trials, prepared, patient, options, None, |w, i, _, _| {
        let (mut e, res) = w.into_evaluation();
        e.trial_index = i;
        evaluations.push(e);
        res
    });
    // The trial index is unique: an unstable sort orders them the same.
    crate::sort::sort_by_key(&mut evaluations, |e| (e.verdict as u8, e.questions.len(), e.trial_index));
    let questions = rank_questions(evaluations.iter().map(|e| (e.trial_id.as_deref(), e.trial_index, e.questions.as_slice())));
    CheckResult { evaluations, questions, warnings }
}

/// Walks each trial for the patient, in order, handing each walk to
/// `each` with its index, `merged` (a lean walk's, which has taken the
/// questions the trial asked) and a [`Rewalk`] of the trial for the
/// reasons a lean walk leaves out; `each` gives back the walk's results,
/// emptied, to be used again. Returns the check's warnings. The walks are
/// lean when `merged` is given.
fn each_walk<'t>(
    trials: &'t [Trial],
    prepared: Option<&'t [Prepared]>,
    patient: &Patient,
    options: &EvalOptions,
    mut merged: Option<&mut summary::Merged<'t>>,
    mut each: impl FnMut(Walked<'t>, usize, Option<&mut summary::Merged<'t>>, &mut Rewalk<'_, '_, 't>) -> Vec<Res>,
) -> Vec<String> {
    let idx = index::PatientIndex::new(patient);
    let (as_of, warnings) = as_of(patient, options);
    let ctx = Ctx::new(patient, &idx, as_of, options);
    let mut memo = atom::Memo::for_check();
    let mut res = Vec::new();
    let mut bufs = Buffers::default();
    // Prepared data given and fitting, else the trial's own, kept for the
    // next check (a page re-checks the same trials on each change to the
    // patient).
    let prep_of = |i: usize, t: &'t Trial| match prepared.and_then(|p| p.get(i)).filter(|p| p.fits(t)) {
        Some(p) => p,
        None => t.prepared.get(t),
    };
    if let Some(m) = merged.as_deref_mut() {
        m.keys(trials.iter().enumerate().map(|(i, t)| prep_of(i, t).question_key.as_str()));
    }
    for (i, t) in trials.iter().enumerate() {
        let prep = prep_of(i, t);
        if let Some(m) = merged.as_deref_mut() {
            m.start(t, prep);
        }
        let w = walk_trial(t, prep, &ctx, &mut memo, merged.as_deref_mut(), res, &mut bufs);
        res = each(w, i, merged.as_deref_mut(), &mut Rewalk { trial: t, prep, ctx: &ctx, memo: &mut memo, bufs: &mut bufs });
        res.clear();
    }
    warnings
}

/// FNV-1a of a question id: cheap for the short ids questions have.
fn id_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// One trial of a check, ready to judge one of its criteria again in full:
/// a lean evaluation (statuses and questions only) asks it for the reason
/// of the criterion that decides the verdict.
pub(crate) struct Rewalk<'a, 'b, 't> {
    trial: &'t Trial,
    prep: &'t Prepared,
    ctx: &'a Ctx<'b>,
    memo: &'a mut atom::Memo,
    /// The check's buffers, free between trials.
    bufs: &'a mut Buffers<'t>,
}

impl Rewalk<'_, '_, '_> {
    /// The reason the full evaluation gives the criterion `id` of the
    /// trial's tree: that node judged again, in full (a node's result
    /// depends on it and its sub-items only).
    pub fn reason(&mut self, id: &str) -> Option<String> {
        /// The node with `id` among `cs`, the first of which is node `at`
        /// in pre-order, and its own index.
        fn find<'c>(cs: &'c [Criterion], mut at: usize, id: &str, prep: &Prepared) -> Option<(&'c Criterion, usize)> {
            for c in cs {
                if c.id == id {
                    return Some((c, at));
                }
                if let Some(hit) = find(&c.children, at + 1, id, prep) {
                    return Some(hit);
                }
                at += prep.nodes.get(at).map_or(1, |n| n.size);
            }
            None
        }
        let (c, at) = find(&self.trial.criteria, 0, id, self.prep)?;
        let mut w = Walk::new(self.trial, self.prep, self.ctx, &mut *self.memo, None);
        w.quiet = true;
        let b = &mut *self.bufs;
        std::mem::swap(&mut w.res, &mut b.again.0);
        std::mem::swap(&mut w.notes, &mut b.again.1);
        std::mem::swap(&mut w.judged, &mut b.judged);
        let slot = w.node(c, None, at);
        let note = w.res[slot].note as usize;
        let reason = w.notes.get_mut(note).map(|n| std::mem::take(&mut n.reason)).unwrap_or_default();
        w.res.clear();
        w.notes.clear();
        std::mem::swap(&mut w.res, &mut b.again.0);
        std::mem::swap(&mut w.notes, &mut b.again.1);
        std::mem::swap(&mut w.judged, &mut b.judged);
        Some(reason)
    }
}

/// The questions of ranked trials (trial id, index, its questions) merged
/// by id, each with the criteria (`trialId#criterionId`) and trials it
/// bears on; those that settle the most criteria first.
fn rank_questions<'a>(ranked: impl Iterator<Item = (Option<&'a str>, usize, &'a [Question])>) -> Vec<Question> {
    let mut all: Vec<Question> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (id, index, qs) in ranked {
        if qs.is_empty() {
            continue;
        }
        let tid = id.map_or_else(|| format!("#{index}"), str::to_string);
        for q in qs {
            let i = match at.get(q.id.as_str()) {
                Some(&i) => i,
                None => {
                    let mut nq = q.clone();
                    nq.criteria.clear();
                    all.push(nq);
                    at.insert(q.id.clone(), all.len() - 1);
                    all.len() - 1
                }
            };
            all[i].criteria.extend(q.criteria.iter().map(|c| cat(&[&tid, "#", c])));
            // Evaluations come one trial at a time: a repeat is always the last one.
            if all[i].trials.last() != Some(&tid) {
                all[i].trials.push(tid.clone());
            }
        }
    }
    sort_questions(&mut all, |a, b| b.criteria.len().cmp(&a.criteria.len()).then(b.trials.len().cmp(&a.trials.len())).then_with(|| a.id.cmp(&b.id)));
    all
}

impl Evaluation {
    /// A copy with spans as UTF-16 offsets into `text` (the trial's eligibility text).
    pub fn to_utf16(&self, text: &str) -> Evaluation {
        self.clone().into_utf16(&crate::span::Utf16Map::new(text))
    }

    /// The same evaluation with spans as UTF-16 offsets by `map`, converted
    /// in place (no copy of the result).
    pub fn into_utf16(mut self, map: &crate::span::Utf16Map) -> Evaluation {
        fn walk(r: &mut CriterionResult, map: &crate::span::Utf16Map) {
            r.span = map.span(r.span);
            for c in &mut r.children {
                walk(c, map);
            }
        }
        for r in &mut self.criteria {
            walk(r, map);
        }
        for c in self.to_confirm.iter_mut().chain(self.failing.iter_mut()) {
            c.span = map.span(c.span);
        }
        self
    }
}

impl CheckResult {
    /// A copy with spans as UTF-16 offsets; `trials` are those checked.
    pub fn to_utf16(&self, trials: &[Trial]) -> CheckResult {
        self.clone().into_utf16(trials)
    }

    /// The same result with spans as UTF-16 offsets, converted in place;
    /// `trials` are those checked. Each trial's offset map is built once
    /// and kept with the trial (a page re-checks the same trials).
    pub fn into_utf16(mut self, trials: &[Trial]) -> CheckResult {
        self.evaluations = std::mem::take(&mut self.evaluations)
            .into_iter()
            .map(|e| match trials.get(e.trial_index) {
                Some(t) => e.into_utf16(t.prepared.get(t).utf16()),
                None => e,
            })
            .collect();
        self
    }
}

#[allow(dead_code)]
fn _uses(_: date::Precision) {}

/// What checking needs of a trial that does not depend on the patient,
/// worked out once ([`prepare`]) and reused for every patient: each node's
/// label and the resolved concept keys of each atom.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// The criteria nodes in pre-order (a node, then its subtrees).
    nodes: Vec<NodePrep>,
    /// What a lean walk reads of each node, in the same order.
    ops: Vec<lean::Op>,
    /// The atoms the nodes judge, node after node ([`LeafPlan::judge`]):
    /// one list, so that a check reads a trial's from one place.
    judges: Vec<Judge>,
    /// To tell a trial it was not prepared from: id and top-level count.
    trial_id: Option<String>,
    top: usize,
    /// The `<trial>` of the question ids `crit:<trial>:<criterion>`: the
    /// trial's id, or for a trial without one `text-` and a hash of its
    /// eligibility text, so that an answer about one trial's criterion
    /// never settles another's that has the same place in its list.
    question_key: String,
    /// UTF-8 → UTF-16 offsets of the eligibility text, for the JS edge.
    utf16: crate::span::Utf16Map,
}

impl Prepared {
    /// UTF-8 → UTF-16 offsets of the trial's eligibility text.
    pub fn utf16(&self) -> &crate::span::Utf16Map {
        &self.utf16
    }

    fn fits(&self, t: &Trial) -> bool {
        self.top == t.criteria.len() && self.trial_id == t.id
    }
}

#[derive(Clone, Debug)]
struct NodePrep {
    /// "Inclusion 3.2".
    label: String,
    /// Nodes in this subtree, itself included.
    size: usize,
    /// One per atom of the node, in order.
    atoms: Vec<atom::AtomInfo>,
    /// How far the atoms account for the criterion, and how they combine.
    scope: scope::Scope,
    /// The id of the question about the whole criterion ([`crit_id`]) and
    /// its hash ([`id_hash`]): most criteria not fully read ask it on
    /// every check.
    crit: Box<str>,
    crit_key: u64,
    /// How the node's appliesIf is read ([`Applies::Unread`] without one).
    applies: Applies,
    /// What judging the node's own atoms reads.
    plan: LeafPlan,
}

/// A trial's [`Prepared`], built on first use and kept with the trial. It
/// never takes part in comparisons, and a clone starts empty (the clone's
/// criteria may be changed).
#[derive(Default)]
pub struct PreparedCell(std::sync::OnceLock<Prepared>);

impl PreparedCell {
    /// The trial's prepared data, worked out now if it was not yet.
    pub fn get(&self, trial: &Trial) -> &Prepared {
        
        (self.0.get_or_init(|| prepare(trial))) as _
    }
}

impl Clone for PreparedCell {
    fn clone(&self) -> Self {
        PreparedCell::default()
    }
}

impl PartialEq for PreparedCell {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for PreparedCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "PreparedCell(ready)" } else { "PreparedCell(empty)" })
    }
}

/// Prepares one trial for [`check_prepared`].
pub fn prepare(trial: &Trial) -> Prepared {
    fn walk(c: &Criterion, place: (u32, u32), text: &str, key: &str, out: &mut Vec<NodePrep>, judges: &mut Vec<Judge>, ops: &mut Vec<lean::Op>) {
        let at = out.len();
        let crit = crit_id(key, c);
        let crit_key = id_hash(&crit);
        let atoms: Vec<atom::AtomInfo> = c.atoms.iter().map(atom::AtomInfo::new).collect();
        let scope = scope::scope(text, c);
        let plan = LeafPlan::new(c, &atoms, &scope, judges);
        out.push(NodePrep { label: label(c), size: 1, atoms, scope, crit: crit.into(), crit_key, applies: c.applies_if.as_ref().map_or(Applies::Unread, Applies::of), plan });
        ops.push(lean::Op::new(c, at, place, &out[at].plan, crit_key));
        for (k, ch) in c.children.iter().enumerate() {
            walk(ch, (at as u32, k as u32), text, key, out, judges, ops);
        }
        out[at].size = out.len() - at;
        ops[at].ends(out.len());
    }
    let question_key = trial.id.clone().unwrap_or_else(|| format!("text-{:016x}", id_hash(&trial.eligibility_text)));
    let mut nodes = Vec::new();
    let mut judges = Vec::new();
    let mut ops = Vec::new();
    for (k, c) in trial.criteria.iter().enumerate() {
        walk(c, (u32::MAX, k as u32), &trial.eligibility_text, &question_key, &mut nodes, &mut judges, &mut ops);
    }
    Prepared { nodes, ops, judges, trial_id: trial.id.clone(), top: trial.criteria.len(), question_key, utf16: crate::span::Utf16Map::new(&trial.eligibility_text) }
}

/// Prepares each trial, in order.
pub fn prepare_all(trials: &[Trial]) -> Vec<Prepared> {
    trials.iter().map(prepare).collect()
}

/// [`check`] with the trials prepared beforehand (`prepared[i]` is
/// `prepare(&trials[i])`): the same result, less work per patient. A
/// missing or stale entry (another trial's) is prepared again.
pub fn check_prepared(trials: &[Trial], prepared: &[Prepared], patient: &Patient, options: &EvalOptions) -> CheckResult {
    check_with(trials, Some(prepared), patient, options)
}
