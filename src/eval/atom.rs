//! Judging one atom against the patient: does the atom's statement hold
//! (yes / no / unknown), why, with which facts, and what to ask if unknown.

use serde_json::Value;

use super::index::{self, meets};
use super::{AnswerKind, Ctx, Fact, Question};
use crate::atoms::text::Lower;
use crate::atoms::{Atom, AtomKind, Bound, Comparator, Direction, Window};
use crate::criteria::Section;
use crate::patient::date::{self, Date};
use crate::patient::{ConditionStatus, MedicationStatus, ObsValue};
use crate::units;
use std::sync::{Arc, OnceLock};

/// Three-valued truth of an atom's statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Truth {
    Yes,
    No,
    Unknown,
}

impl Truth {
    pub fn from(b: bool) -> Truth {
        if b { Truth::Yes } else { Truth::No }
    }
    pub fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            Truth::Unknown => Truth::Unknown,
        }
    }
    pub fn and(self, o: Truth) -> Truth {
        match (self, o) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Unknown,
        }
    }
    pub fn or(self, o: Truth) -> Truth {
        match (self, o) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Unknown,
        }
    }
}

/// What judging an atom found.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub truth: Truth,
    pub reason: String,
    pub facts: Vec<Fact>,
    /// Shared: a check hands the same question to every criterion that
    /// asks it, without copying it; each with the hash of its id
    /// ([`super::id_hash`]), by which a check merges questions.
    pub questions: Questions,
    /// Only the study team can settle it (consent, judgment, participation,
    /// classification criteria).
    pub confirm: bool,
}

impl Outcome {
    #[inline(always)]
    fn new(truth: Truth, reason: String) -> Outcome {
        Outcome { truth, reason, facts: Vec::new(), questions: Questions::default(), confirm: false }
    }
    fn fact(mut self, field: impl Into<String>, text: impl Into<String>) -> Outcome {
        self.facts.push(Fact { field: field.into(), text: text.into() });
        self
    }
    /// With the patient's fact `f`, but for a lean judgment, whose facts
    /// nothing reads.
    #[inline(always)]
    fn fact_of(mut self, ctx: &Ctx, f: &Fact) -> Outcome {
        if !ctx.lean.get() {
            self.facts.push(f.clone());
        }
        self
    }
    fn ask(mut self, q: Question) -> Outcome {
        let key = super::id_hash(&q.id);
        self.questions.push((std::sync::Arc::new(q), key));
        self
    }
    #[inline(always)]
    fn ask_shared(mut self, q: (std::sync::Arc<Question>, u64)) -> Outcome {
        self.questions.push(q);
        self
    }
}

/// An outcome's questions, in the order asked. Most outcomes ask none or
/// one, which is kept without a list (a check judges thousands of atoms).
#[derive(Clone, Debug, Default)]
pub(crate) struct Questions {
    first: Option<(std::sync::Arc<Question>, u64)>,
    rest: Vec<(std::sync::Arc<Question>, u64)>,
}

impl Questions {
    pub fn push(&mut self, q: (std::sync::Arc<Question>, u64)) {
        if self.first.is_none() {
            self.first = Some(q);
        } else {
            self.rest.push(q);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &(std::sync::Arc<Question>, u64)> {
        self.into_iter()
    }

    /// The first question, and the others.
    pub fn split(&self) -> (Option<&(std::sync::Arc<Question>, u64)>, &[(std::sync::Arc<Question>, u64)]) {
        (self.first.as_ref(), &self.rest)
    }
}

impl<'a> IntoIterator for &'a Questions {
    type Item = &'a (std::sync::Arc<Question>, u64);
    type IntoIter = std::iter::Chain<std::option::Iter<'a, (std::sync::Arc<Question>, u64)>, std::slice::Iter<'a, (std::sync::Arc<Question>, u64)>>;
    fn into_iter(self) -> Self::IntoIter {
        self.first.iter().chain(&self.rest)
    }
}

/// A reason in words, not written while the atom is judged for a lean walk
/// (`Ctx::lean`): `why!(ctx, "format", args…)`, as `format!`.
/// Its arguments are worked out all the same: a reason built from parts
/// costly to write (a requirement, an age or a name in words) writes them
/// only when `ctx.lean` is not set.
macro_rules! why {
    ($ctx:expr, $($arg:tt)*) => {
        reason($ctx, format_args!($($arg)*))
    };
}

/// See [`why!`]: one function for every reason, so that each place costs
/// no more code than a `format!`.
#[inline(never)]
fn reason(ctx: &Ctx, args: std::fmt::Arguments) -> String {
    if ctx.lean.get() { String::new() } else { std::fmt::format(args) }
}

fn q(id: String, text: String, answer: AnswerKind) -> Question {
    Question { id, text, answer, units: Vec::new(), choices: Vec::new(), criteria: Vec::new(), trials: Vec::new() }
}

fn fmt(x: f64) -> String {
    if x == x.round() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{:.3}", x);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn unit_label(u: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match u {
        "a" => Cow::Borrowed("years"),
        "mo" => Cow::Borrowed("months"),
        "wk" => Cow::Borrowed("weeks"),
        "d" => Cow::Borrowed("days"),
        "h" => Cow::Borrowed("hours"),
        "{score}" => Cow::Borrowed(""),
        u if u.contains('{') || u.contains('*') => {
            Cow::Owned(u.replace("{1.73_m2}", "1.73 m²").replace("10*9", "10⁹").replace("10*3", "10³").replace("10*6", "10⁶").replace("10*12", "10¹²"))
        }
        u => Cow::Borrowed(u),
    }
}

fn with_unit(x: f64, u: &str) -> String {
    let l = unit_label(u);
    if l.is_empty() {
        fmt(x)
    } else if u == "ULN" || u == "LLN" {
        format!("{} × {u}", fmt(x))
    } else {
        format!("{} {l}", fmt(x))
    }
}

/// The condition the atom states on a number, as `(comparator, threshold)` pairs.
fn thresholds(cmp: Option<Comparator>, value: Option<f64>, low: Option<Bound>, high: Option<Bound>) -> Vec<(Comparator, f64)> {
    let mut t = Vec::new();
    if let (Some(c), Some(v)) = (cmp, value) {
        t.push((c, v));
    } else if let (None, Some(v)) = (cmp, value) {
        t.push((Comparator::Eq, v));
    }
    if let Some(b) = low {
        t.push((if b.inclusive { Comparator::Ge } else { Comparator::Gt }, b.value));
    }
    if let Some(b) = high {
        t.push((if b.inclusive { Comparator::Le } else { Comparator::Lt }, b.value));
    }
    t
}

fn requirement(t: &[(Comparator, f64)], unit: &str) -> String {
    t.iter().map(|(c, v)| format!("{} {}", c.symbol(), with_unit(*v, unit))).collect::<Vec<_>>().join(" and ")
}

/// Tests `x` against the thresholds; the failing one, if any.
fn test(x: f64, t: &[(Comparator, f64)]) -> Option<(Comparator, f64)> {
    // A tolerance for values that went through unit conversion.
    t.iter().copied().find(|(c, v)| {
        let eps = 1e-9 * v.abs().max(1.0);
        match c {
            Comparator::Ge => x < v - eps,
            Comparator::Gt => x <= v + eps,
            Comparator::Le => x > v + eps,
            Comparator::Lt => x >= v - eps,
            Comparator::Eq => (x - v).abs() > eps,
        }
    })
}

/// How a value misses a threshold, in words: "below the required ≥ 60 g/L"
/// in an inclusion, "not < 60 g/L" in an exclusion (where missing is good).
fn miss(section: Section, c: Comparator, req: &str) -> String {
    match section {
        Section::Inclusion => format!("{} the required {req}", side(c)),
        Section::Exclusion => format!("not {req}"),
    }
}

fn answer_bool(v: &Value) -> Option<Truth> {
    match v {
        Value::Bool(b) => Some(Truth::from(*b)),
        Value::String(s) => match s.trim().lower().as_str() {
            "yes" | "true" => Some(Truth::Yes),
            "no" | "false" => Some(Truth::No),
            _ => Some(Truth::Unknown),
        },
        _ => None,
    }
}

fn is_not_sure(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.trim().eq_ignore_ascii_case("not sure") || s.trim().eq_ignore_ascii_case("unknown"))
}

/// Judges one atom. `except` are the keys of facts that exception atoms
/// take out, a list for each.
///
/// Each kind's judgment is a function of its own (`#[inline(never)]`): one
/// function of them all was 26 KB, compiled whole by a browser's optimizing
/// tier as soon as any kind was judged often.
pub(crate) fn judge(a: &Atom, info: &AtomInfo, section: Section, ctx: &Ctx, except: &[&[String]]) -> Outcome {
    let mut o = match a.kind {
        AtomKind::Age => age(a, section, ctx),
        AtomKind::Sex => sex(a, ctx),
        AtomKind::Measurement => measurement(a, info, section, ctx),
        AtomKind::Condition => condition(a, info, ctx, except),
        AtomKind::Medication => medication(a, info, section, ctx, except),
        AtomKind::Procedure | AtomKind::Immunization => event(a, info, ctx, except),
        AtomKind::Pregnancy | AtomKind::Breastfeeding | AtomKind::Contraception => reproductive(a, info, ctx),
        AtomKind::Consent | AtomKind::Judgment | AtomKind::Participation => {
            let mut o = Outcome::new(Truth::Unknown, "for the study team to confirm".into());
            o.confirm = true;
            o
        }
    };
    if a.negated && !o.confirm {
        o.truth = o.truth.not();
        o.reason = why!(ctx, "not: {}", o.reason);
    }
    o
}

pub(crate) fn concept_name(a: &Atom) -> &str {
    a.concept.as_ref().map_or("it", |c| c.name.as_str())
}

/// What matching needs of an atom, independent of the patient: the keys
/// its concept is matched on and the slug of its question ids. Worked out
/// once per trial (`eval::prepare`).
#[derive(Clone, Debug)]
pub(crate) struct AtomInfo {
    keys: std::sync::Arc<Vec<String>>,
    slug: std::sync::Arc<str>,
    /// What the atom states, without where it stands, as a number: two
    /// atoms that state the same judge alike for one patient (many trials
    /// repeat "pregnant", "HIV", "age ≥ 18"), and have the same number
    /// ([`intern`]), by which the memo finds an outcome. [`NO_ID`] past
    /// the bound of atoms numbered.
    what: u32,
    /// The member of a group concept the atom names, folded
    /// (`Concept::member_named`): only a record of it meets the atom.
    member: Option<String>,
    /// The question that settles the atom when the record does not (what
    /// the latest value is, whether the patient has the condition or takes
    /// the drug): the atom's alone, so written once and shared by every
    /// check of the trial.
    question: std::sync::OnceLock<(std::sync::Arc<Question>, u64)>,
    /// The atom's concept and the tests that rule it out when negative, each
    /// with the keys it is matched on ([`negative_test`]): looked up in the
    /// lexicon the first time a patient with results is checked, and kept.
    tests: std::sync::OnceLock<Option<Tests>>,
    /// The atom's time window counts from the screening date (its anchor
    /// is read as now, [`anchor_is_now`]).
    now: bool,
    /// The id of that question, which answers settle the atom by
    /// ([`question_id`]).
    qid: Box<str>,
    /// A condition the atom wants active ([`want_active`]); a medication
    /// taken ever ([`ever`]).
    active: bool,
    ever: bool,
    /// A measurement of eGFR, or of creatinine clearance, which [`derived`]
    /// works out from other values when the record has none.
    formula: (bool, bool),
}

impl AtomInfo {
    /// The atom's question, written by `make` the first time. (`make` is
    /// called through `dyn`: one copy of this code for every caller.)
    fn question(&self, make: &dyn Fn() -> Question) -> (std::sync::Arc<Question>, u64) {
        self.question
            .get_or_init(|| {
                let q = make();
                let key = super::id_hash(&q.id);
                (shared_question(q, key), key)
            })
            .clone()
    }


    /// The keys the atom's concept is matched on (no ancestors).
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    pub fn new(a: &Atom) -> AtomInfo {
        let (keys, slug) = index::atom_concept(a.concept.as_ref(), a.kind == AtomKind::Medication);
        let slug = if slug.is_empty() { std::sync::Arc::from("unnamed") } else { slug };
        // Spans are the only fields judging does not read.
        let mut bare = a.clone();
        bare.span = Default::default();
        bare.value_span = None;
        bare.duration_span = None;
        bare.dose_span = None;
        bare.classification_span = None;
        bare.excepts = None;
        if let Some(w) = &mut bare.window {
            w.span = None;
        }
        let what = intern(serde_json::to_string(&bare).unwrap_or_default());
        let member = a.concept.as_ref().and_then(|c| crate::lexicon::get().by_id(c.id.as_deref()?)?.member_named(&c.name));
        let (active, ever) = (a.kind == AtomKind::Condition && want_active(a), a.kind == AtomKind::Medication && ever(a));
        let qid = question_id(a, &slug, active, ever).into();
        let formula = if a.kind == AtomKind::Measurement {
            let name = concept_name(a).lower();
            let egfr = &*slug == "egfr" || name.contains("egfr") || name.contains("glomerular filtration");
            (egfr, &*slug == "creatinine_clearance" || name.contains("creatinine clearance") || name == "crcl")
        } else {
            (false, false)
        };
        AtomInfo { keys, slug, what, member, question: Default::default(), tests: Default::default(), now: a.window.as_ref().is_some_and(|w| anchor_is_now(&w.anchor)), qid, active, ever, formula }
    }
}

/// The id of the question that settles atom `a`, whose concept's slug is
/// `slug`, and under which answers about it are read: `obs:hemoglobin`,
/// `cond:sle:active`, `med:glucocorticoids:window`, `proc:…`, `imm:…`;
/// empty for the kinds whose ids are fixed (age, sex, pregnancy …).
/// `active` and `ever` are what [`want_active`] and [`ever`] say of it.
fn question_id(a: &Atom, slug: &str, active: bool, ever: bool) -> String {
    match a.kind {
        AtomKind::Measurement => format!("obs:{slug}"),
        AtomKind::Condition if active => format!("cond:{slug}:active"),
        AtomKind::Condition => format!("cond:{slug}"),
        AtomKind::Medication if a.dose.is_some() => format!("med:{slug}:dose"),
        AtomKind::Medication if a.window.is_some() => format!("med:{slug}:window"),
        AtomKind::Medication if ever => format!("med:{slug}:ever"),
        AtomKind::Medication => format!("med:{slug}"),
        AtomKind::Procedure | AtomKind::Immunization => {
            let prefix = if a.kind == AtomKind::Procedure { "proc" } else { "imm" };
            if a.window.is_some() { format!("{prefix}:{slug}:window") } else { format!("{prefix}:{slug}") }
        }
        _ => String::new(),
    }
}

/// A medication atom about the past ("prior", "history of").
fn ever(a: &Atom) -> bool {
    a.status.as_deref().is_some_and(|s| {
        let s = s.lower();
        ["history", "prior", "previous", "ever", "past"].iter().any(|w| s.contains(w))
    })
}

/// The number of an atom description: the same for the same description,
/// given in order from 0. Bounded: past [`INTERNED`] descriptions a new one
/// gets [`NO_ID`], and the memo judges such an atom each time.
fn intern(s: String) -> u32 {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashMap<String, u32>>> = OnceLock::new();
    let Ok(mut seen) = SEEN.get_or_init(|| Mutex::new(HashMap::new())).lock() else { return NO_ID };
    if let Some(&id) = seen.get(s.as_str()) {
        return id;
    }
    let id = seen.len() as u32;
    if seen.len() >= INTERNED {
        return NO_ID;
    }
    seen.insert(s, id);
    NUMBERED.store(id + 1, std::sync::atomic::Ordering::Relaxed);
    id
}

/// How many atom descriptions [`intern`] has numbered.
static NUMBERED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The one copy of question `q` (whose id hashes to `key`) that every atom
/// asking the same question shares, across trials: the same atom in two
/// trials has two descriptions ([`AtomInfo`]), and merging a check's
/// questions then compares pointers rather than ids. Copies no atom holds
/// any more are let go.
fn shared_question(q: Question, key: u64) -> std::sync::Arc<Question> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock, Weak};
    static SEEN: OnceLock<Mutex<HashMap<u64, Vec<Weak<Question>>>>> = OnceLock::new();
    let Ok(mut seen) = SEEN.get_or_init(Default::default).lock() else { return Arc::new(q) };
    let copies = seen.entry(key).or_default();
    copies.retain(|w| w.strong_count() > 0);
    if let Some(a) = copies.iter().find_map(|w| w.upgrade().filter(|a| **a == q)) {
        return a;
    }
    let a = Arc::new(q);
    copies.push(Arc::downgrade(&a));
    a
}

/// How many atom descriptions are numbered ([`intern`]): the memo's table
/// of outcomes by number is at most twice this long.
const INTERNED: usize = 200_000;

/// The number of an atom description past [`INTERNED`].
const NO_ID: u32 = u32::MAX;

/// Outcomes of atoms judged for one patient, by what the atom states and
/// the section it is in, so that the same atom in another trial costs a
/// clone, not a judgment.
#[derive(Default)]
pub(crate) struct Memo {
    /// Per atom judged: the outcome, whether it is lean (its reason not
    /// written), and the number the check's question table gave its first
    /// question ([`Memo::lean_at`]; `u32::MAX` until it is asked). One
    /// list for all: no allocation per atom.
    all: Vec<(Outcome, bool, u32)>,
    /// Where in `all` the outcome of the atom numbered `n` ([`intern`]) is:
    /// at `2 n` for an inclusion, `2 n + 1` for an exclusion; `u32::MAX`
    /// while it is not judged.
    at: Vec<u32>,
}

impl Memo {
    /// A memo for one check, with room in its table for every atom
    /// numbered so far (the trials checked are prepared, so theirs are) and
    /// for the outcomes of a few thousand: grown a step at a time, the two
    /// were copied over and over.
    pub fn for_check() -> Memo {
        let n = NUMBERED.load(std::sync::atomic::Ordering::Relaxed) as usize;
        Memo { all: Vec::with_capacity(n.min(4096)), at: Vec::with_capacity(2 * n) }
    }

    /// Where the outcome of the atom described by `info` in `section` is
    /// found ([`Memo::get_at`]): `u32::MAX` for an atom not numbered.
    pub fn slot(info: &AtomInfo, section: Section) -> u32 {
        if info.what == NO_ID {
            return u32::MAX;
        }
        2 * info.what + u32::from(section == Section::Exclusion)
    }

    /// [`Memo::get`] for an atom whose [`Memo::slot`] is `slot`: an outcome
    /// judged already is found without reading the atom, which `atom`
    /// gives (with its description) only when it is judged: `None` when
    /// it gives none.
    pub fn get_at<'x>(&mut self, slot: u32, section: Section, ctx: &Ctx, lean: bool, atom: impl FnOnce() -> Option<(&'x Atom, &'x AtomInfo)>) -> Option<&Outcome> {
        let i = self.find_at(slot, section, ctx, lean, atom)?;
        Some(&self.all[i].0)
    }

    /// [`Memo::get_at`] for a lean walk, with the place where the check's
    /// question table keeps the number of the outcome's first question
    /// (`u32::MAX` until it is asked), so that an outcome asked for by many
    /// criteria has its question numbered once.
    pub fn lean_at<'x>(&mut self, slot: u32, section: Section, ctx: &Ctx, atom: impl FnOnce() -> Option<(&'x Atom, &'x AtomInfo)>) -> Option<(&Outcome, &mut u32)> {
        let i = self.find_at(slot, section, ctx, true, atom)?;
        let (o, _, n) = &mut self.all[i];
        Some((o, n))
    }

    fn find_at<'x>(&mut self, slot: u32, section: Section, ctx: &Ctx, lean: bool, atom: impl FnOnce() -> Option<(&'x Atom, &'x AtomInfo)>) -> Option<usize> {
        let hit = self.at.get(slot as usize).copied().filter(|&i| i != u32::MAX && (lean || !self.all[i as usize].1));
        match hit {
            Some(i) => Some(i as usize),
            None => {
                let (a, info) = atom()?;
                Some(self.find(a, info, section, ctx, lean))
            }
        }
    }

    /// The outcome of `a` (described by `info`) in `section`, judged once;
    /// `lean`: its reason is not needed (a lean outcome is judged again,
    /// in full, when a full one is asked for).
    pub fn get(&mut self, a: &Atom, info: &AtomInfo, section: Section, ctx: &Ctx, lean: bool) -> &Outcome {
        let i = self.find(a, info, section, ctx, lean);
        &self.all[i].0
    }

    fn find(&mut self, a: &Atom, info: &AtomInfo, section: Section, ctx: &Ctx, lean: bool) -> usize {
        let judged = |lean: bool| {
            ctx.lean.set(lean);
            let o = judge(a, info, section, ctx, &[]);
            ctx.lean.set(false);
            o
        };
        let slot = Some(Memo::slot(info, section)).filter(|&k| k != u32::MAX).map(|k| k as usize);
        let i = match slot.and_then(|k| self.at.get(k)) {
            Some(&i) if i != u32::MAX => i as usize,
            _ => {
                if let Some(k) = slot {
                    if k >= self.at.len() {
                        self.at.resize(k + 1, u32::MAX);
                    }
                    self.at[k] = self.all.len() as u32;
                }
                self.all.push((judged(lean), lean, u32::MAX));
                return self.all.len() - 1;
            }
        };
        if self.all[i].1 && !lean {
            // Judged again in full: its questions are the same, but the
            // table numbers them anew.
            self.all[i] = (judged(false), false, u32::MAX);
        }
        i
    }
}

// ---- age and sex ----

#[inline(never)]
fn age(a: &Atom, section: Section, ctx: &Ctx) -> Outcome {
    let unit = a.unit.as_deref().unwrap_or("a");
    // Most ages are in years already.
    let to_years = |v: f64| if unit == "a" { v } else { units::years(v, unit).unwrap_or(v) };
    let t: Vec<(Comparator, f64)> = thresholds(a.comparator, a.value, a.low, a.high).into_iter().map(|(c, v)| (c, to_years(v))).collect();
    let Some((years, fact)) = ctx.age() else {
        return Outcome::new(Truth::Unknown, "age is not known".into()).ask_shared(age_question());
    };
    // For the reasons alone.
    let (req, shown) = if ctx.lean.get() { (String::new(), String::new()) } else { (requirement(&t, "a"), fmt(years.floor())) };
    let out = match test(years, &t) {
        None => Outcome::new(Truth::Yes, why!(ctx, "Age {shown} years meets {req}")),
        Some((c, _)) => Outcome::new(Truth::No, why!(ctx, "Age {shown} years is {}", miss(section, c, &req))),
    };
    out.fact_of(ctx, fact)
}

#[inline(never)]
fn sex(a: &Atom, ctx: &Ctx) -> Outcome {
    let Some(want) = a.sex else { return Outcome::new(Truth::Unknown, "the sex required is not stated".into()) };
    let want_s = if want == crate::atoms::Sex::Female { "female" } else { "male" };
    match ctx.sex() {
        Some((s, f)) => Outcome::new(Truth::from(s == want), why!(ctx, "Sex is {}; {want_s} required", if s == crate::atoms::Sex::Female { "female" } else { "male" }))
            .fact_of(ctx, f),
        None => Outcome::new(Truth::Unknown, "sex is not known".into()).ask_shared(sex_question()),
    }
}

/// A question asked in the same words wherever it is asked, made once for
/// the program's life: one shared copy, as [`AtomInfo::question`] keeps one
/// per atom.
fn fixed(cell: &'static OnceLock<(Arc<Question>, u64)>, make: fn() -> Question) -> (Arc<Question>, u64) {
    let (q, key) = cell.get_or_init(|| {
        let q = make();
        let key = super::id_hash(&q.id);
        (Arc::new(q), key)
    });
    (q.clone(), *key)
}

/// The question of the patient's age, asked wherever an age decides.
pub(crate) fn age_question() -> (Arc<Question>, u64) {
    static AGE: OnceLock<(Arc<Question>, u64)> = OnceLock::new();
    fixed(&AGE, || q("age".into(), "How old is the patient (years)?".into(), AnswerKind::Number).with_units(&["a"]))
}

/// The question of the patient's sex.
pub(crate) fn sex_question() -> (Arc<Question>, u64) {
    static SEX: OnceLock<(Arc<Question>, u64)> = OnceLock::new();
    fixed(&SEX, || Question { choices: vec!["female".into(), "male".into()], ..q("sex".into(), "What is the patient's sex?".into(), AnswerKind::Choice) })
}

/// Whether the patient could become pregnant, asked where an appliesIf
/// phrase says "of childbearing potential".
pub(crate) fn childbearing_question() -> (Arc<Question>, u64) {
    static CHILDBEARING: OnceLock<(Arc<Question>, u64)> = OnceLock::new();
    fixed(&CHILDBEARING, || q("childbearing".into(), "Could the patient become pregnant (of childbearing potential)?".into(), AnswerKind::YesNo))
}

// ---- measurements ----

/// One value of a measurement, from the record, an answer or a formula.
struct Reading {
    value: ObsValue,
    unit: Option<String>,
    date: Option<Date>,
    reference_high: Option<f64>,
    reference_low: Option<f64>,
    fact: Fact,
    name: String,
}

/// "HIV antibody: negative" for an atom on HIV infection: the infection is
/// ruled out by the test the lexicon names for it (`testedBy`).
fn negative_test(a: &Atom, info: &AtomInfo, ctx: &Ctx) -> Option<Outcome> {
    if ctx.p.observations.is_empty() {
        return None;
    }
    let (c, tests) = info.tests.get_or_init(|| tests(a)).as_ref()?;
    for (test, keys) in tests.iter() {
        for (i, o) in ctx.p.observations.iter().enumerate() {
            if meets(&ctx.idx.observations[i], &keys) && qualitative(&o.value) == Some(false) {
                let shown = format!("{} negative", o.name.as_deref().unwrap_or(&test.name));
                return Some(Outcome::new(Truth::No, why!(ctx, "{shown}: no {}", c.name)).fact(format!("observations[{i}]"), shown));
            }
        }
    }
    None
}

/// An atom's concept and the tests that rule it out ([`AtomInfo::tests`]).
type Tests = (&'static crate::lexicon::Concept, Box<[(&'static crate::lexicon::Concept, Vec<String>)]>);

/// The tests of atom `a`'s concept in the lexicon's order, up to the first
/// the lexicon does not have; none for a concept it does not have.
fn tests(a: &Atom) -> Option<Tests> {
    let lx = crate::lexicon::get();
    let c = lx.by_id(a.concept.as_ref()?.id.as_deref()?)?;
    let tests = c
        .tested_by
        .iter()
        .map_while(|t| lx.by_id(t))
        .map(|test| (test, index::keys(Some(&test.id), test.code.as_deref(), Some(&test.name), false, false)))
        .collect();
    Some((c, tests))
}

fn qualitative(v: &ObsValue) -> Option<bool> {
    match v {
        ObsValue::Bool(b) => Some(*b),
        ObsValue::Text(t) => {
            let t = t.trim().lower();
            // The word alone, or the word then a space ("negative (0.1)").
            let is = |w: &&str| t.strip_prefix(*w).is_some_and(|rest| rest.is_empty() || rest.starts_with(' '));
            if ["negative", "non-reactive", "nonreactive", "not detected", "undetectable", "absent", "neg", "no"].iter().any(is) {
                Some(false)
            } else if ["positive", "reactive", "detected", "present", "pos", "yes"].iter().any(is) {
                Some(true)
            } else {
                None
            }
        }
        ObsValue::Number(_) => None,
    }
}

fn window_range(w: &Window, info: &AtomInfo, as_of: Option<Date>) -> Option<(i64, i64, bool)> {
    let as_of = as_of?;
    if !info.now {
        return None;
    }
    let days = units::days(w.value, &w.unit)?.round() as i64;
    // `within` (≤, <, or none): inside [as_of - days, as_of]; `more than` (>, ≥): before it.
    let more_than = matches!(w.comparator, Some(Comparator::Gt) | Some(Comparator::Ge));
    match w.direction {
        Direction::Before => Some((as_of.day.saturating_sub(days), as_of.day, more_than)),
        Direction::After => Some((as_of.day, as_of.day.saturating_add(days), more_than)),
    }
}

/// Anchors read as the screening date. Enrollment, consent, first dose and
/// the like are days or weeks after screening; using screening is the
/// closest date a pre-screen has.
fn anchor_is_now(anchor: &str) -> bool {
    let a = anchor.lower();
    ["now", "screening", "enrol", "consent", "random", "baseline", "study entry", "entry", "first dose", "day 1", "registration", "study drug", "study treatment", "inclusion", "visit", "signing", "treatment start", "start of treatment", "first administration", "infusion", "dosing", "today", "present"]
        .iter()
        .any(|w| a.contains(w))
}

fn window_text(w: &Window) -> String {
    let c = match w.comparator {
        Some(Comparator::Gt) | Some(Comparator::Ge) => "more than",
        _ => "within",
    };
    let dir = if w.direction == Direction::Before { "before" } else { "after" };
    format!("{c} {} {dir} {}", with_unit(w.value, &w.unit), w.anchor)
}

fn readings(a: &Atom, info: &AtomInfo, ctx: &Ctx) -> Vec<Reading> {
    let keys: &[String] = &info.keys;
    let mut out = Vec::new();
    for (i, o) in ctx.p.observations.iter().enumerate() {
        if !meets(&ctx.idx.observations[i], keys) {
            continue;
        }
        let name = concept_name(a);
        let v = match &o.value {
            ObsValue::Number(x) => with_unit(*x, o.unit.as_deref().unwrap_or("")),
            ObsValue::Bool(b) => if *b { "positive".into() } else { "negative".into() },
            ObsValue::Text(t) => t.clone(),
        };
        let date = o.date.as_deref().and_then(Date::parse);
        let text = match &o.date {
            Some(d) => format!("{name} {v} on {d}"),
            None => format!("{name} {v}"),
        };
        out.push(Reading {
            value: o.value.clone(),
            unit: o.unit.clone(),
            date,
            reference_high: o.reference_high,
            reference_low: o.reference_low,
            fact: Fact { field: format!("observations[{i}]"), text },
            name: name.to_string(),
        });
    }
    // The latest first; undated last.
    crate::sort::sort_by(&mut out, |x, y| y.date.map(|d| d.day).unwrap_or(i64::MIN).cmp(&x.date.map(|d| d.day).unwrap_or(i64::MIN)));
    if out.is_empty() {
        if let Some(r) = derived(a, info, ctx) {
            out.push(r);
        }
    }
    out
}

fn latest_number(ctx: &Ctx, id: &str, unit: &str) -> Option<(f64, Fact)> {
    let cr = crate::atoms::ConceptRef { id: Some(id.to_string()), name: id.to_string(), code: None };
    let keys = index::atom_concept(Some(&cr), false).0;
    let mut best: Option<(i64, f64, Fact)> = None;
    for (i, o) in ctx.p.observations.iter().enumerate() {
        if !meets(&ctx.idx.observations[i], &keys) {
            continue;
        }
        let ObsValue::Number(x) = o.value else { continue };
        let Ok(v) = units::convert(x, o.unit.as_deref().unwrap_or(""), unit, Some(id)) else { continue };
        let d = o.date.as_deref().and_then(Date::parse).map(|d| d.day).unwrap_or(i64::MIN);
        if best.as_ref().is_none_or(|b| d > b.0) {
            let text = format!("{} {}", o.name.clone().unwrap_or(id.into()), with_unit(x, o.unit.as_deref().unwrap_or("")));
            best = Some((d, v, Fact { field: format!("observations[{i}]"), text }));
        }
    }
    if best.is_none() {
        if let Some(v) = ctx.p.answers.get(&format!("obs:{id}")) {
            if let Some((x, u)) = number_answer(v, unit) {
                if let Ok(v) = units::convert(x, &u, unit, Some(id)) {
                    return Some((v, Fact { field: format!("answers.obs:{id}"), text: format!("{id} {}", with_unit(x, &u)) }));
                }
            }
        }
    }
    best.map(|(_, v, f)| (v, f))
}

/// eGFR (CKD-EPI 2021, race-free; MDRD when the criterion names it) from
/// creatinine, age and sex; creatinine clearance (Cockcroft-Gault) with weight.
fn derived(a: &Atom, info: &AtomInfo, ctx: &Ctx) -> Option<Reading> {
    let name = concept_name(a);
    let (is_egfr, is_crcl) = info.formula;
    if !is_egfr && !is_crcl {
        return None;
    }
    let (scr, sf) = latest_number(ctx, "creatinine", "mg/dL")?;
    let (age, af) = ctx.age()?;
    let (sex, xf) = ctx.sex()?;
    let female = sex == crate::atoms::Sex::Female;
    let mdrd = [a.qualifier.as_deref(), a.classification.as_deref(), Some(name)]
        .iter()
        .flatten()
        .any(|s| s.to_ascii_uppercase().contains("MDRD"));
    let (value, unit, text) = if is_crcl {
        let (wt, _) = latest_number(ctx, "body_weight", "kg")?;
        let v = (140.0 - age) * wt / (72.0 * scr) * if female { 0.85 } else { 1.0 };
        (v, "mL/min", format!("creatinine clearance {} mL/min (Cockcroft-Gault from creatinine {} mg/dL, age {}, weight {} kg)", fmt(v.round()), fmt(scr), fmt(age.floor()), fmt(wt)))
    } else if mdrd {
        let v = 175.0 * scr.powf(-1.154) * age.powf(-0.203) * if female { 0.742 } else { 1.0 };
        (v, "mL/min/{1.73_m2}", format!("eGFR {} mL/min/1.73 m² (MDRD from creatinine {} mg/dL, age {}, {})", fmt(v.round()), fmt(scr), fmt(age.floor()), if female { "female" } else { "male" }))
    } else {
        let (k, alpha) = if female { (0.7, -0.241) } else { (0.9, -0.302) };
        let r = scr / k;
        let v = 142.0 * r.min(1.0).powf(alpha) * r.max(1.0).powf(-1.2) * 0.9938f64.powf(age) * if female { 1.012 } else { 1.0 };
        (v, "mL/min/{1.73_m2}", format!("eGFR {} mL/min/1.73 m² (CKD-EPI 2021 from creatinine {} mg/dL, age {}, {})", fmt(v.round()), fmt(scr), fmt(age.floor()), if female { "female" } else { "male" }))
    };
    let _ = (af, xf);
    Some(Reading {
        value: ObsValue::Number(value),
        unit: Some(unit.into()),
        date: None,
        reference_high: None,
        reference_low: None,
        fact: Fact { field: format!("computed:{}", sf.field), text },
        name: if is_crcl { "Creatinine clearance".into() } else { "eGFR".into() },
    })
}

/// A number answer: `55` (in `default_unit`) or `{ "value": 55, "unit": "g/L" }`.
fn number_answer(v: &Value, default_unit: &str) -> Option<(f64, String)> {
    match v {
        Value::Number(n) => Some((n.as_f64()?, default_unit.to_string())),
        Value::Object(o) => Some((
            o.get("value")?.as_f64()?,
            o.get("unit").and_then(Value::as_str).unwrap_or(default_unit).to_string(),
        )),
        _ => None,
    }
}

/// The unit to ask a measurement in: the atom's (unless ULN), else the
/// lexicon's, else the analyte table's.
fn ask_units(a: &Atom, slug: &str) -> Vec<String> {
    let mut u = Vec::new();
    if let Some(x) = a.unit.as_deref().filter(|x| *x != "ULN" && *x != "LLN") {
        u.push(x.to_string());
    }
    for alt in &a.alternates {
        u.push(alt.unit.clone());
    }
    if let Some(c) = index::lex().resolve(Some(slug), None, None) {
        if let Some(x) = &c.unit {
            u.push(x.to_string());
        }
    }
    if let Some(r) = units::analyte(slug).and_then(|an| an.plausible.as_ref()) {
        u.push(r.unit.clone());
    }
    let mut seen = Vec::new();
    for x in u {
        if !seen.contains(&x) {
            seen.push(x);
        }
    }
    seen
}

#[inline(never)]
fn measurement(a: &Atom, info: &AtomInfo, section: Section, ctx: &Ctx) -> Outcome {
    let slug: &str = &info.slug;
    let qid: &str = &info.qid;
    let name = concept_name(a);
    // No threshold: a positive or negative result is asked for.
    let qualitative_only = a.value.is_none() && a.low.is_none() && a.high.is_none();
    let unit: &str = a.unit.as_deref().unwrap_or_default();
    let ask = |reason: String| {
        let o = Outcome::new(Truth::Unknown, reason);
        if ctx.p.answers.get(qid).is_some_and(is_not_sure) {
            return o;
        }
        o.ask_shared(info.question(&|| {
            let mut question = if qualitative_only {
                Question {
                    choices: vec!["positive".into(), "negative".into()],
                    ..q(qid.to_string(), format!("What was the latest {name} result?"), AnswerKind::Choice)
                }
            } else {
                Question { units: ask_units(a, slug), ..q(qid.to_string(), format!("What is the patient's latest {name}?"), AnswerKind::Number) }
            };
            if let Some(w) = &a.window {
                question.text = format!("{} (measured {})", question.text.trim_end_matches('?'), window_text(w)) + "?";
            }
            question
        }))
    };
    // An answer outranks the record: it is the newest word.
    let mut rs: Vec<Reading> = Vec::new();
    if let Some(v) = ctx.p.answers.get(qid) {
        let first_unit = ask_units(a, slug).into_iter().next().unwrap_or_default();
        if let Some((x, u)) = number_answer(v, &first_unit) {
            rs.push(Reading {
                value: ObsValue::Number(x),
                unit: Some(u.clone()),
                date: None,
                reference_high: None,
                reference_low: None,
                fact: Fact { field: format!("answers.{qid}"), text: format!("{name} {} (answer)", with_unit(x, &u)) },
                name: name.to_string(),
            });
        } else if let Value::String(s) = v {
            if !is_not_sure(v) {
                rs.push(Reading {
                    value: ObsValue::Text(s.clone()),
                    unit: None,
                    date: None,
                    reference_high: None,
                    reference_low: None,
                    fact: Fact { field: format!("answers.{qid}"), text: format!("{name} {s} (answer)") },
                    name: name.to_string(),
                });
            }
        } else if let Value::Bool(b) = v {
            rs.push(Reading {
                value: ObsValue::Bool(*b),
                unit: None,
                date: None,
                reference_high: None,
                reference_low: None,
                fact: Fact { field: format!("answers.{qid}"), text: format!("{name} {} (answer)", if *b { "positive" } else { "negative" }) },
                name: name.to_string(),
            });
        }
    }
    if rs.is_empty() {
        rs = readings(a, info, ctx);
    }
    if rs.is_empty() {
        return ask(why!(ctx, "{name} is not known"));
    }
    let t = thresholds(a.comparator, a.value, a.low, a.high);
    // Only readings inside the atom's window count.
    if let Some(w) = &a.window {
        match window_range(w, info, ctx.as_of) {
            Some((lo, hi, more_than)) => {
                let before = rs.len();
                let first = rs[0].fact.clone();
                rs.retain(|r| r.fact.field.starts_with("answers.") || r.date.is_some_and(|d| if more_than { d.last_day() < lo } else { d.day >= lo && d.last_day() <= hi }));
                if rs.is_empty() {
                    let o = ask(why!(ctx, "no {name} result {} (latest: {}; {} in the record)", window_text(w), first.text, before));
                    return o.fact(first.field, first.text);
                }
            }
            None => return ask(why!(ctx, "the window \"{}\" cannot be placed in time", window_text(w))),
        }
    }
    let r = &rs[0];
    // Qualitative: positive / negative.
    if t.is_empty() {
        let want_positive = !a.status.as_deref().is_some_and(|s| {
            let s = s.lower();
            s.contains("negative") || s.contains("non-reactive") || s.contains("undetectable")
        });
        return match qualitative(&r.value) {
            Some(pos) => Outcome::new(
                Truth::from(pos == want_positive),
                {
                    let got = if pos { "positive" } else { "negative" };
                    let want = if want_positive { "positive" } else { "negative" };
                    if pos != want_positive && section == Section::Inclusion {
                        format!("{} is {got}; {want} required", r.name)
                    } else {
                        format!("{} is {got}", r.name)
                    }
                },
            )
            .fact(r.fact.field.clone(), r.fact.text.clone()),
            None => ask(why!(ctx, "{} has no positive/negative result", r.name)).fact(r.fact.field.clone(), r.fact.text.clone()),
        };
    }
    let ObsValue::Number(x) = r.value else {
        return ask(why!(ctx, "{} is not a number", r.fact.text)).fact(r.fact.field.clone(), r.fact.text.clone());
    };
    let from = r.unit.clone().unwrap_or_default();
    // Thresholds relative to the upper (lower) limit of normal.
    if unit == "ULN" || unit == "LLN" {
        let (limit, limit_unit, assumed) = match (unit, r.reference_high, r.reference_low) {
            ("ULN", Some(h), _) => (h, from.clone(), false),
            ("LLN", _, Some(l)) => (l, from.clone(), false),
            ("ULN", None, _) => match units::analyte(slug).and_then(|an| an.uln.as_ref()) {
                Some(d) => (d.value, d.unit.clone(), true),
                None => return ask(why!(ctx, "{} has no reference range and no default upper limit of normal is known", r.fact.text)).fact(r.fact.field.clone(), r.fact.text.clone()),
            },
            _ => return ask(why!(ctx, "{} has no lower limit of normal", r.fact.text)).fact(r.fact.field.clone(), r.fact.text.clone()),
        };
        let Ok(xv) = units::convert(x, &from, &limit_unit, Some(slug)) else {
            return ask(why!(ctx, "cannot compare {} with the limit of normal in {limit_unit}", r.fact.text)).fact(r.fact.field.clone(), r.fact.text.clone());
        };
        let ratio = xv / limit;
        let note = if assumed {
            format!(" (no reference range given; assuming the usual {unit} of {})", with_unit(limit, &limit_unit))
        } else {
            format!(" ({unit} {})", with_unit(limit, &limit_unit))
        };
        let req = requirement(&t, &unit);
        let o = match test(ratio, &t) {
            None => Outcome::new(Truth::Yes, why!(ctx, "{} {} is {} × {unit}, meeting {req}{note}", r.name, with_unit(x, &from), fmt((ratio * 100.0).round() / 100.0))),
            Some((c, _)) => Outcome::new(
                Truth::No,
                format!("{} {} is {} × {unit}, {}{note}", r.name, with_unit(x, &from), fmt((ratio * 100.0).round() / 100.0), miss(section, c, &req)),
            ),
        };
        return o.fact(r.fact.field.clone(), r.fact.text.clone());
    }
    // Convert to the atom's unit, else to one of its alternates.
    let mut targets: Vec<(String, Vec<(Comparator, f64)>)> = vec![(unit.to_string(), t.clone())];
    for alt in &a.alternates {
        let c = a.comparator.unwrap_or(Comparator::Eq);
        targets.push((alt.unit.clone(), vec![(c, alt.value)]));
    }
    let dimensionless = |u: &str| units::parse(u).is_some_and(|p| p.is_dimensionless() && p.factor == 1.0);
    for (tu, tt) in &targets {
        let converted = if from.is_empty() {
            if tu.is_empty() || dimensionless(tu) { Some(x) } else { None }
        } else if tu.is_empty() {
            // A threshold written without a unit against a percentage: a
            // fraction when at most 1 ("FEV1/FVC < 0.7" is 70 %), else a
            // number in the patient's unit ("HbA1c < 7" is 7 %).
            match units::parse(&from) {
                Some(p) if p.is_dimensionless() && p.factor == 1.0 => Some(x),
                Some(p) if p.is_dimensionless() && tt.iter().all(|(_, v)| v.abs() <= 1.0) => Some(x * p.factor),
                Some(p) if p.is_dimensionless() => Some(x),
                _ => None,
            }
        } else {
            units::convert(x, &from, tu, Some(slug)).ok()
        };
        let Some(v) = converted else { continue };
        // For the reasons alone.
        let shown = if ctx.lean.get() {
            String::new()
        } else if r.fact.field.starts_with("computed:") {
            r.fact.text.clone()
        } else if from == *tu || from.is_empty() {
            format!("{} {}", r.name, with_unit(x, tu))
        } else {
            format!("{} {} ({})", r.name, with_unit(x, &from), with_unit((v * 1000.0).round() / 1000.0, tu))
        };
        let req = if ctx.lean.get() { String::new() } else { requirement(tt, tu) };
        let o = match test(v, tt) {
            None => Outcome::new(Truth::Yes, why!(ctx, "{shown} meets {req}")),
            Some((c, _)) => Outcome::new(Truth::No, why!(ctx, "{shown} is {}", miss(section, c, &req))),
        };
        return o.fact(r.fact.field.clone(), r.fact.text.clone());
    }
    ask(why!(ctx, "cannot convert {} from {} to {}", r.name, if from.is_empty() { "(no unit)" } else { &from }, if unit.is_empty() { "(no unit)" } else { unit }))
        .fact(r.fact.field.clone(), r.fact.text.clone())
}

fn side(c: Comparator) -> &'static str {
    match c {
        Comparator::Ge | Comparator::Gt => "below",
        Comparator::Le | Comparator::Lt => "above",
        Comparator::Eq => "not equal to",
    }
}

// ---- conditions ----

fn want_active(a: &Atom) -> bool {
    a.status.as_deref().is_some_and(|s| {
        let s = s.lower();
        ["active", "current", "ongoing", "uncontrolled", "positive"].iter().any(|w| s.contains(w))
    })
}

#[inline(never)]
fn condition(a: &Atom, info: &AtomInfo, ctx: &Ctx, except: &[&[String]]) -> Outcome {
    let name = concept_name(a);
    // A member of a group concept is met only by a record of that member.
    let member = info.member.as_ref();
    let slug: &str = &info.slug;
    let active = info.active;
    let qid: &str = &info.qid;
    let keys: &[String] = &info.keys;
    let as_of = ctx.as_of;
    let mut found: Vec<(usize, Truth)> = Vec::new();
    // Why a matching record does not meet the atom, for the reason.
    let mut why_not: Vec<String> = Vec::new();
    let mut absent: Option<usize> = None;
    for (i, c) in ctx.p.conditions.iter().enumerate() {
        let k = &ctx.idx.conditions[i];
        if !meets(k, keys) || except.iter().any(|e| meets(k, e)) {
            continue;
        }
        if member.as_ref().is_some_and(|m| c.name.as_deref().map(crate::lexicon::fold).as_ref() != Some(m)) {
            continue;
        }
        if c.status == Some(ConditionStatus::Absent) {
            absent = Some(i);
            continue;
        }
        let end = c.end.as_deref().and_then(Date::parse);
        let is_active = match c.status {
            Some(ConditionStatus::Active | ConditionStatus::Recurrence | ConditionStatus::Relapse) => Truth::Yes,
            Some(_) => Truth::No,
            None => match (end, as_of) {
                (None, _) => Truth::Yes,
                (Some(e), Some(t)) => Truth::from(e.last_day() >= t.day),
                (Some(_), None) => Truth::Unknown,
            },
        };
        let mut holds = if active { is_active } else { Truth::Yes };
        if holds == Truth::No {
            why_not.push("not active".into());
        }
        // Window: present at some time inside it.
        if let Some(w) = &a.window {
            let t = match window_range(w, info, as_of) {
                // Active at asOf, and the window reaches asOf.
                Some((lo, hi, false)) if is_active == Truth::Yes && as_of.is_some_and(|t| lo <= t.day && t.day <= hi) => Truth::Yes,
                Some((lo, hi, false)) => {
                    let onset = c.onset.as_deref().and_then(Date::parse);
                    let starts_ok = onset.map(|o| Truth::from(o.day <= hi)).unwrap_or(Truth::Unknown);
                    let ends_ok = match end {
                        Some(e) => Truth::from(e.last_day() >= lo),
                        None if is_active == Truth::Yes => Truth::Yes,
                        None => Truth::Unknown,
                    };
                    starts_ok.and(ends_ok)
                }
                _ => Truth::Unknown,
            };
            if t == Truth::No {
                why_not.push(format!("not {}", window_text(w)));
            }
            holds = holds.and(t);
        }
        // Duration: onset at least so long before asOf.
        if let Some(d) = &a.duration {
            let onset = c.onset.as_deref().and_then(Date::parse);
            let t = match (onset, as_of, units::days(d.value, &d.unit)) {
                (Some(o), Some(t), Some(days)) => {
                    let had = (t.day - o.last_day()) as f64;
                    let cmp = d.comparator.unwrap_or(Comparator::Ge);
                    let ok = cmp.holds(had, days.round());
                    if !ok {
                        why_not.push(format!(
                            "since {} ({} days), not {} {}",
                            c.onset.as_deref().unwrap_or(""),
                            had.max(0.0),
                            cmp.symbol(),
                            with_unit(d.value, &d.unit)
                        ));
                    }
                    Truth::from(ok)
                }
                _ => Truth::Unknown,
            };
            holds = holds.and(t);
        }
        found.push((i, holds));
    }
    let facts = |mut o: Outcome, idx: &[usize]| {
        for &i in idx {
            let c = &ctx.p.conditions[i];
            let mut text = c.name.clone().or(c.code.clone()).unwrap_or_default();
            if let Some(s) = c.status {
                text.push_str(&format!(" ({})", serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()));
            }
            if let Some(on) = &c.onset {
                text.push_str(&format!(", onset {on}"));
            }
            o = o.fact(format!("conditions[{i}]"), text);
        }
        o
    };
    let yes: Vec<usize> = found.iter().filter(|f| f.1 == Truth::Yes).map(|f| f.0).collect();
    let unk: Vec<usize> = found.iter().filter(|f| f.1 == Truth::Unknown).map(|f| f.0).collect();
    // Written only where a reason or a question shows it.
    let what_of = || -> std::borrow::Cow<str> { if active { format!("active {name}").into() } else { name.into() } };
    if !yes.is_empty() {
        let what = what_of();
        let mut o = facts(Outcome::new(Truth::Yes, why!(ctx, "has {what}")), &yes);
        // A qualifier (a class, a grade, a target) must be in the record to count.
        if let Some(ql) = &a.qualifier {
            let qf = crate::lexicon::fold(ql);
            let named = yes.iter().any(|&i| ctx.p.conditions[i].name.as_deref().is_some_and(|n| crate::lexicon::fold(n).contains(&qf)));
            if !named {
                let qq = format!("cond:{slug}:{}", index::slug(None, None, Some(ql)));
                match ctx.p.answers.get(&qq).and_then(answer_bool) {
                    Some(Truth::Yes) => o.reason = format!("has {what} ({ql}, answer)"),
                    Some(Truth::No) => {
                        o.truth = Truth::No;
                        o.reason = format!("has {what} but not {ql} (answer)");
                    }
                    _ => {
                        o.truth = Truth::Unknown;
                        o.reason = format!("has {what}; whether it is {ql} is not recorded");
                        if !ctx.p.answers.contains_key(&qq) {
                            o = o.ask(q(qq, format!("Is the patient's {name} {ql}?"), AnswerKind::YesNo));
                        }
                    }
                }
            }
        }
        if let Some(cl) = &a.classification {
            o.reason.push_str(&format!("; meeting the {cl} classification criteria is for the study team to confirm"));
            o.confirm = true;
        }
        return o;
    }
    if let Some(v) = ctx.p.answers.get(qid).and_then(answer_bool) {
        if v != Truth::Unknown {
            let what = what_of();
            return Outcome::new(v, format!("{} {what} (answer)", if v == Truth::Yes { "has" } else { "does not have" }))
                .fact(format!("answers.{qid}"), format!("{what}: {}", if v == Truth::Yes { "yes" } else { "no" }));
        }
    }
    // `cond:x` = no also settles `cond:x:active`.
    if active && !ctx.p.answers.is_empty() {
        if let Some(Truth::No) = ctx.p.answers.get(&format!("cond:{slug}")).and_then(answer_bool) {
            return Outcome::new(Truth::No, why!(ctx, "does not have {name} (answer)")).fact(format!("answers.cond:{slug}"), format!("{name}: no"));
        }
    }
    if !unk.is_empty() {
        let o = facts(Outcome::new(Truth::Unknown, why!(ctx, "has {name}, but whether it meets \"{}\" is not known", a_text(a))), &unk);
        return if ctx.p.answers.contains_key(qid) { o } else { o.ask_shared(info.question(&|| cond_q(qid, &what_of(), a))) };
    }
    if !found.is_empty() {
        let idx: Vec<usize> = found.iter().map(|f| f.0).collect();
        let why = if why_not.is_empty() { "not as required".to_string() } else { why_not.join("; ") };
        return facts(Outcome::new(Truth::No, why!(ctx, "{name} is recorded, but {why}")), &idx);
    }
    if let Some(i) = absent {
        return facts(Outcome::new(Truth::No, why!(ctx, "{name} is recorded as absent")), &[i]);
    }
    // A negative test for the infection rules it out, unless the criterion
    // asks about the past ("history of") or a time window.
    if a.window.is_none() && !a.status.as_deref().is_some_and(|s| s.contains("history")) {
        if let Some(o) = negative_test(a, info, ctx) {
            return o;
        }
    }
    if ctx.opts.closed_world {
        return Outcome::new(Truth::No, why!(ctx, "no {name} in the record (complete record assumed)"));
    }
    let o = Outcome::new(Truth::Unknown, if ctx.lean.get() { String::new() } else { format!("{} is not in the record", what_of()) });
    if ctx.p.answers.contains_key(qid) { o } else { o.ask_shared(info.question(&|| cond_q(qid, &what_of(), a))) }
}

fn a_text(a: &Atom) -> String {
    let mut parts = Vec::new();
    if let Some(w) = &a.window {
        parts.push(window_text(w));
    }
    if let Some(d) = &a.duration {
        parts.push(format!("for {} {}", d.comparator.map(|c| c.symbol()).unwrap_or("≥"), with_unit(d.value, &d.unit)));
    }
    if let Some(s) = &a.status {
        parts.push(s.clone());
    }
    parts.join(", ")
}

fn cond_q(qid: &str, what: &str, a: &Atom) -> Question {
    let mut text = format!("Has the patient {} {what}", if want_active(a) { "currently got" } else { "ever been diagnosed with" });
    if let Some(w) = &a.window {
        text.push_str(&format!(" ({})", window_text(w)));
    }
    if let Some(d) = &a.duration {
        text.push_str(&format!(" for {} {}", d.comparator.map(|c| c.symbol()).unwrap_or("≥"), with_unit(d.value, &d.unit)));
    }
    text.push('?');
    q(qid.to_string(), text, AnswerKind::YesNo)
}

// ---- medications ----

/// Whether doses of the atom's drug add up in prednisone equivalents: the
/// atom names glucocorticoids or one of them.
fn in_prednisone_equivalents(a: &Atom) -> bool {
    let c = a.concept.as_ref();
    index::lex()
        .resolve(c.and_then(|c| c.id.as_deref()), c.and_then(|c| c.code.as_deref()), c.map(|c| c.name.as_str()))
        .is_some_and(|c| index::is_a(c, "glucocorticoids"))
}

#[inline(never)]
fn medication(a: &Atom, info: &AtomInfo, section: Section, ctx: &Ctx, except: &[&[String]]) -> Outcome {
    let name = concept_name(a);
    let slug: &str = &info.slug;
    let keys: &[String] = &info.keys;
    let as_of = ctx.as_of;
    let ever = info.ever;
    let qid: &str = &info.qid;
    let mut matched: Vec<(usize, Truth)> = Vec::new();
    let mut never = false;
    for (i, m) in ctx.p.medications.iter().enumerate() {
        let k = &ctx.idx.medications[i];
        if !meets(k, keys) || except.iter().any(|e| meets(k, e)) {
            continue;
        }
        if m.status == Some(MedicationStatus::Never) {
            never = true;
            continue;
        }
        let start = m.start.as_deref().and_then(Date::parse);
        let end = m.end.as_deref().and_then(Date::parse);
        let stopped = matches!(m.status, Some(MedicationStatus::Stopped | MedicationStatus::Completed));
        // Taken at asOf: started (or start unknown) and not ended.
        let current = match as_of {
            Some(t) => {
                let started = start.map(|s| Truth::from(s.day <= t.day)).unwrap_or(Truth::Yes);
                let ongoing = match end {
                    Some(e) => Truth::from(e.last_day() >= t.day),
                    None if stopped => Truth::No,
                    None => Truth::Yes,
                };
                started.and(ongoing)
            }
            None => if end.is_none() && !stopped { Truth::Yes } else { Truth::Unknown },
        };
        let t = if let Some(w) = &a.window {
            match window_range(w, info, as_of) {
                Some((lo, hi, more_than)) => {
                    if more_than {
                        // Last taken before the window's start.
                        match end {
                            Some(e) => Truth::from(e.last_day() < lo),
                            None if stopped => Truth::Unknown,
                            None => Truth::No,
                        }
                    } else {
                        let began = start.map(|s| Truth::from(s.day <= hi)).unwrap_or(Truth::Yes);
                        let lasted = match end {
                            Some(e) => Truth::from(e.last_day() >= lo),
                            None if stopped => Truth::Unknown,
                            None => Truth::Yes,
                        };
                        began.and(lasted)
                    }
                }
                None => Truth::Unknown,
            }
        } else if ever {
            Truth::Yes
        } else {
            current
        };
        matched.push((i, t));
    }
    let med_fact = |o: Outcome, i: usize| {
        let m = &ctx.p.medications[i];
        let mut text = m.name.clone().or(m.code.clone()).unwrap_or_default();
        if let (Some(d), Some(u)) = (m.dose, &m.unit) {
            text.push_str(&format!(" {}", with_unit(d, u)));
        }
        if let Some(s) = &m.start {
            text.push_str(&format!(", from {s}"));
        }
        if let Some(e) = &m.end {
            text.push_str(&format!(" to {e}"));
        }
        o.fact(format!("medications[{i}]"), text)
    };
    // Doses: the current dose (0 when not taking it) against the bounds.
    if let Some(d) = &a.dose {
        let t = thresholds(d.comparator, d.value, d.low, d.high);
        let pred_eq = in_prednisone_equivalents(a);
        if let Some(v) = ctx.p.answers.get(qid) {
            if let Some((x, u)) = number_answer(v, &d.unit) {
                if let Ok(x2) = units::convert(x, &u, &d.unit, None) {
                    let o = match test(x2, &t) {
                        None => Outcome::new(Truth::Yes, why!(ctx, "{name} dose {} meets {}", with_unit(x, &u), requirement(&t, &d.unit))),
                        Some((c, _)) => Outcome::new(Truth::No, why!(ctx, "{name} dose {} is {}", with_unit(x, &u), miss(section, c, &requirement(&t, &d.unit)))),
                    };
                    return o.fact(format!("answers.{qid}"), format!("{name} dose {} (answer)", with_unit(x, &u)));
                }
            }
        }
        let mut total = 0.0;
        let mut used = Vec::new();
        let mut unknown = None;
        // With a window, "taking it" means within the window; without, now.
        for &(i, current) in &matched {
            match current {
                Truth::No => continue,
                Truth::Unknown => {
                    unknown = Some(i);
                    continue;
                }
                Truth::Yes => {}
            }
            let m = &ctx.p.medications[i];
            let (Some(dose), Some(u)) = (m.dose, m.unit.as_deref()) else {
                unknown = Some(i);
                continue;
            };
            // Per-kilogram doses meet plain ones through the patient's weight.
            let conv = units::convert(dose, u, &d.unit, None).ok().or_else(|| {
                let (w, _) = latest_number(ctx, "body_weight", "kg")?;
                units::convert(dose / w, &format!("{u}/kg"), &d.unit, None)
                    .or_else(|_| units::convert(dose * w, &format!("{u}.kg"), &d.unit, None))
                    .ok()
            });
            let Some(mut x) = conv else {
                unknown = Some(i);
                continue;
            };
            if pred_eq {
                match index::prednisone_factor(m.name.as_deref(), m.code.as_deref()) {
                    Some(f) => x *= f,
                    None => {
                        unknown = Some(i);
                        continue;
                    }
                }
            }
            total += x;
            used.push(i);
        }
        if let Some(i) = unknown {
            let o = med_fact(Outcome::new(Truth::Unknown, why!(ctx, "the {name} dose is not known")), i);
            return if ctx.p.answers.contains_key(qid) { o } else { o.ask(dose_q(qid, &name, &d.unit)) };
        }
        if used.is_empty() && matched.is_empty() && !never && !ctx.opts.closed_world {
            if let Some(Truth::No) = ctx.p.answers.get(&format!("med:{slug}")).and_then(answer_bool) {
                // Not taking it: a dose of 0.
            } else {
                let o = Outcome::new(Truth::Unknown, why!(ctx, "whether the patient takes {name} is not known"));
                return if ctx.p.answers.contains_key(qid) { o } else { o.ask(dose_q(qid, &name, &d.unit)) };
            }
        }
        let label = if pred_eq && !used.iter().all(|&i| ctx.p.medications[i].name.as_deref().map(index::drug_name).as_deref() == Some("prednisone")) {
            format!("{name} dose (prednisone-equivalent)")
        } else {
            format!("{name} dose")
        };
        let shown = with_unit((total * 100.0).round() / 100.0, &d.unit);
        let mut o = match test(total, &t) {
            None => Outcome::new(Truth::Yes, why!(ctx, "{label} {shown} meets {}", requirement(&t, &d.unit))),
            Some((c, _)) => Outcome::new(Truth::No, why!(ctx, "{label} {shown} is {}", miss(section, c, &requirement(&t, &d.unit)))),
        };
        for i in used {
            o = med_fact(o, i);
        }
        return o;
    }
    // For the reasons and facts alone.
    let when = match (&a.window, ever) {
        _ if ctx.lean.get() => String::new(),
        (Some(w), _) => format!(" {}", window_text(w)),
        (None, true) => " ever".to_string(),
        (None, false) => " now".to_string(),
    };
    if let Some(&(i, _)) = matched.iter().find(|m| m.1 == Truth::Yes) {
        return med_fact(Outcome::new(Truth::Yes, why!(ctx, "took {name}{when}")), i);
    }
    if let Some(v) = ctx.p.answers.get(qid) {
        let t = match v {
            Value::String(s) if a.window.is_some() => match (Date::parse(s), a.window.as_ref().and_then(|w| window_range(w, info, as_of))) {
                (Some(d), Some((lo, hi, more))) => Some(Truth::from(if more { d.last_day() < lo } else { d.day >= lo && d.day <= hi })),
                _ => answer_bool(v),
            },
            _ => answer_bool(v),
        };
        if let Some(t) = t.filter(|t| *t != Truth::Unknown) {
            return Outcome::new(t, why!(ctx, "{} {name}{when} (answer)", if t == Truth::Yes { "took" } else { "did not take" }))
                .fact(format!("answers.{qid}"), format!("{name}{when}: {}", v));
        }
    }
    if let Some(&(i, _)) = matched.iter().find(|m| m.1 == Truth::Unknown) {
        let o = med_fact(Outcome::new(Truth::Unknown, why!(ctx, "whether {name} was taken{when} is not known")), i);
        return if ctx.p.answers.contains_key(qid) { o } else { o.ask_shared(info.question(&|| med_q(qid, &name, a, ever))) };
    }
    if let Some(&(i, _)) = matched.first() {
        return med_fact(Outcome::new(Truth::No, why!(ctx, "did not take {name}{when}")), i);
    }
    if never || ctx.opts.closed_world {
        return Outcome::new(Truth::No, why!(ctx, "no {name} in the record{}", if never { "" } else { " (complete record assumed)" }));
    }
    let o = Outcome::new(Truth::Unknown, why!(ctx, "{name}{when} is not in the record"));
    if ctx.p.answers.contains_key(qid) { o } else { o.ask_shared(info.question(&|| med_q(qid, &name, a, ever))) }
}

fn dose_q(qid: &str, name: &str, unit: &str) -> Question {
    q(qid.to_string(), format!("What daily dose of {name} does the patient take now (0 if none)?"), AnswerKind::Number).with_units(&[unit])
}

fn med_q(qid: &str, name: &str, a: &Atom, ever: bool) -> Question {
    match &a.window {
        Some(w) => q(
            qid.to_string(),
            format!("When did the patient last take {name}? (a date; no if never, yes if still taking it) — asked for \"{}\"", window_text(w)),
            AnswerKind::Date,
        ),
        None if ever => q(qid.to_string(), format!("Has the patient ever taken {name}?"), AnswerKind::YesNo),
        None => q(qid.to_string(), format!("Is the patient currently taking {name}?"), AnswerKind::YesNo),
    }
}

// ---- procedures and immunizations ----

#[inline(never)]
fn event(a: &Atom, info: &AtomInfo, ctx: &Ctx, except: &[&[String]]) -> Outcome {
    let name = concept_name(a);
    let (list, idx, field, verb) = if a.kind == AtomKind::Procedure {
        (ctx.p.procedures.iter().map(|x| (&x.name, &x.code, &x.date)).collect::<Vec<_>>(), &ctx.idx.procedures, "procedures", "had")
    } else {
        (ctx.p.immunizations.iter().map(|x| (&x.name, &x.code, &x.date)).collect::<Vec<_>>(), &ctx.idx.immunizations, "immunizations", "received")
    };
    let qid: &str = &info.qid;
    let keys: &[String] = &info.keys;
    let range = a.window.as_ref().map(|w| window_range(w, info, ctx.as_of));
    // For the reasons alone.
    let when = a.window.as_ref().filter(|_| !ctx.lean.get()).map(|w| format!(" {}", window_text(w))).unwrap_or_default();
    let mut unknown: Option<usize> = None;
    let mut any = None;
    for (i, (n, c, d)) in list.iter().enumerate() {
        if !meets(&idx[i], keys) || except.iter().any(|e| meets(&idx[i], e)) {
            continue;
        }
        any = Some(i);
        let text = format!("{}{}", (*n).clone().or((*c).clone()).unwrap_or_default(), d.as_ref().map(|d| format!(" on {d}")).unwrap_or_default());
        let t = match range {
            None => Truth::Yes,
            Some(None) => Truth::Unknown,
            Some(Some((lo, hi, more))) => match d.as_deref().and_then(Date::parse) {
                None => Truth::Unknown,
                Some(dt) => {
                    if more {
                        if dt.last_day() < lo { Truth::Yes } else if dt.day >= lo { Truth::No } else { Truth::Unknown }
                    } else if dt.day >= lo && dt.last_day() <= hi {
                        Truth::Yes
                    } else if dt.last_day() < lo || dt.day > hi {
                        Truth::No
                    } else {
                        Truth::Unknown
                    }
                }
            },
        };
        match t {
            Truth::Yes => return Outcome::new(Truth::Yes, why!(ctx, "{verb} {name}{when}")).fact(format!("{field}[{i}]"), text),
            Truth::Unknown => unknown = Some(i),
            Truth::No => {}
        }
    }
    if let Some(v) = ctx.p.answers.get(qid) {
        let t = match (v, range) {
            (Value::String(s), Some(Some((lo, hi, more)))) if Date::parse(s).is_some() => {
                let d = Date::parse(s).map(|d| d.day).unwrap_or(0);
                Some(Truth::from(if more { d < lo } else { d >= lo && d <= hi }))
            }
            _ => answer_bool(v),
        };
        if let Some(t) = t.filter(|t| *t != Truth::Unknown) {
            return Outcome::new(t, why!(ctx, "{} {name}{when} (answer)", if t == Truth::Yes { verb } else { "did not have" }))
                .fact(format!("answers.{qid}"), format!("{name}: {v}"));
        }
    }
    let ask = |o: Outcome| {
        if ctx.p.answers.contains_key(qid) {
            return o;
        }
        o.ask_shared(info.question(&|| {
            if a.window.is_some() {
                q(qid.to_string(), format!("When did the patient last have {name}? (a date, or no if never)"), AnswerKind::Date)
            } else {
                q(qid.to_string(), format!("Has the patient ever {verb} {name}?"), AnswerKind::YesNo)
            }
        }))
    };
    if let Some(i) = unknown {
        return ask(Outcome::new(Truth::Unknown, why!(ctx, "{name} is recorded but whether it was{when} is not known")).fact(format!("{field}[{i}]"), list[i].0.clone().unwrap_or_default()));
    }
    if let Some(i) = any {
        return Outcome::new(Truth::No, why!(ctx, "{name} is recorded, but not{when}")).fact(format!("{field}[{i}]"), list[i].0.clone().unwrap_or_default());
    }
    if ctx.opts.closed_world {
        return Outcome::new(Truth::No, why!(ctx, "no {name} in the record (complete record assumed)"));
    }
    ask(Outcome::new(Truth::Unknown, why!(ctx, "{name} is not in the record")))
}

// ---- pregnancy, breastfeeding, contraception ----

#[inline(never)]
fn reproductive(a: &Atom, info: &AtomInfo, ctx: &Ctx) -> Outcome {
    let status = a.status.as_deref().unwrap_or("").lower();
    let (qid, what, field): (&str, &str, Option<bool>) = match a.kind {
        AtomKind::Pregnancy if status.contains("plan") => ("pregnancy:planned", "planning a pregnancy", None),
        AtomKind::Pregnancy => ("pregnant", "pregnant", ctx.p.pregnant),
        AtomKind::Breastfeeding => ("breastfeeding", "breastfeeding", ctx.p.breastfeeding),
        _ => ("contraception", "willing to use effective contraception", None),
    };
    if let Some(v) = ctx.p.answers.get(qid).and_then(answer_bool).filter(|t| *t != Truth::Unknown) {
        return Outcome::new(v, format!("{}{what} (answer)", if v == Truth::Yes { "" } else { "not " })).fact(format!("answers.{qid}"), format!("{what}: {}", v == Truth::Yes));
    }
    if let Some(b) = field {
        return Outcome::new(Truth::from(b), why!(ctx, "{}{what}", if b { "" } else { "not " })).fact(qid, format!("{qid}: {b}"));
    }
    if a.kind != AtomKind::Contraception && ctx.p.sex == Some(crate::atoms::Sex::Male) {
        return Outcome::new(Truth::No, why!(ctx, "not {what} (male)")).fact("sex", "male");
    }
    let o = Outcome::new(Truth::Unknown, why!(ctx, "whether the patient is {what} is not known"));
    if ctx.p.answers.contains_key(qid) {
        o
    } else {
        let text = match qid {
            "pregnant" => "Is the patient pregnant?",
            "breastfeeding" => "Is the patient breastfeeding?",
            "pregnancy:planned" => "Is the patient planning a pregnancy during the study?",
            _ => "Will the patient use effective contraception during the study?",
        };
        o.ask_shared(info.question(&|| q(qid.into(), text.into(), AnswerKind::YesNo)))
    }
}

impl Question {
    fn with_units(mut self, u: &[&str]) -> Question {
        self.units = u.iter().map(|s| s.to_string()).collect();
        self
    }
}

pub(crate) fn date_age(birth: Date, on: Date) -> f64 {
    date::age_years(birth, on) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An outcome's questions come back in the order asked, the first kept
    /// apart from the rest.
    #[test]
    fn questions_keep_their_order() {
        let mut qs = Questions::default();
        assert_eq!(qs.iter().count(), 0);
        for id in ["age", "sex", "obs:hemoglobin"] {
            qs.push((std::sync::Arc::new(q(id.into(), String::new(), AnswerKind::YesNo)), super::super::id_hash(id)));
        }
        let ids: Vec<&str> = qs.iter().map(|(q, _)| q.id.as_str()).collect();
        assert_eq!(ids, ["age", "sex", "obs:hemoglobin"]);
        let keys: Vec<u64> = (&qs).into_iter().map(|(_, k)| *k).collect();
        assert_eq!(keys, ["age", "sex", "obs:hemoglobin"].map(super::super::id_hash));
    }
}
