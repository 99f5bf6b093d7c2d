//! Small builders for hand-made trials, criteria and atoms, so that the
//! evaluator's tests do not depend on the tree builder or the extraction.
#![allow(dead_code)]

use trialsieve::atoms::{Atom, AtomKind, Bound, Comparator, ConceptRef, Direction, Dose, Duration, Quantity, Sex, Window};
use trialsieve::criteria::{AppliesIf, Criterion, Logic, NodeKind, Section, Understood};
use trialsieve::eval::{self, EvalOptions, Evaluation, Status, Verdict};
use trialsieve::patient::{self, Patient};
use trialsieve::{Span, Trial};

pub fn concept(name: &str) -> ConceptRef {
    ConceptRef { id: None, name: name.into(), code: None }
}

pub fn with_id(name: &str, id: &str) -> ConceptRef {
    ConceptRef { id: Some(id.into()), name: name.into(), code: None }
}

pub fn atom(kind: AtomKind) -> Atom {
    Atom { kind, ..Default::default() }
}

/// A measurement `name cmp value unit`.
pub fn lab(name: &str, cmp: Comparator, value: f64, unit: &str) -> Atom {
    Atom { concept: Some(concept(name)), comparator: Some(cmp), value: Some(value), unit: Some(unit.into()), ..atom(AtomKind::Measurement) }
}

pub fn lab_between(name: &str, low: f64, high: f64, unit: &str) -> Atom {
    Atom {
        concept: Some(concept(name)),
        low: Some(Bound { value: low, inclusive: true }),
        high: Some(Bound { value: high, inclusive: true }),
        unit: Some(unit.into()),
        ..atom(AtomKind::Measurement)
    }
}

pub fn qualitative(name: &str, status: &str) -> Atom {
    Atom { concept: Some(concept(name)), status: Some(status.into()), ..atom(AtomKind::Measurement) }
}

pub fn age_between(low: f64, high: f64) -> Atom {
    Atom {
        low: Some(Bound { value: low, inclusive: true }),
        high: Some(Bound { value: high, inclusive: true }),
        unit: Some("a".into()),
        ..atom(AtomKind::Age)
    }
}

pub fn sex(s: Sex) -> Atom {
    Atom { sex: Some(s), ..atom(AtomKind::Sex) }
}

pub fn cond(name: &str) -> Atom {
    Atom { concept: Some(concept(name)), ..atom(AtomKind::Condition) }
}

pub fn active(name: &str) -> Atom {
    Atom { status: Some("active".into()), ..cond(name) }
}

pub fn med(name: &str) -> Atom {
    Atom { concept: Some(concept(name)), ..atom(AtomKind::Medication) }
}

pub fn proc_(name: &str) -> Atom {
    Atom { concept: Some(concept(name)), ..atom(AtomKind::Procedure) }
}

pub fn imm(name: &str) -> Atom {
    Atom { concept: Some(concept(name)), ..atom(AtomKind::Immunization) }
}

pub fn within(mut a: Atom, value: f64, unit: &str) -> Atom {
    a.window = Some(Window { comparator: Some(Comparator::Le), value, unit: unit.into(), direction: Direction::Before, span: None, anchor: "screening".into() });
    a
}

pub fn lasting(mut a: Atom, value: f64, unit: &str) -> Atom {
    a.duration = Some(Duration { comparator: Some(Comparator::Ge), value, unit: unit.into() });
    a
}

pub fn dose(mut a: Atom, cmp: Comparator, value: f64, unit: &str) -> Atom {
    a.dose = Some(Dose { comparator: Some(cmp), value: Some(value), low: None, high: None, unit: unit.into() });
    a
}

pub fn alternate(mut a: Atom, value: f64, unit: &str) -> Atom {
    a.alternates.push(Quantity { value, unit: unit.into() });
    a
}

pub fn negated(mut a: Atom) -> Atom {
    a.negated = true;
    a
}

pub fn excepting(mut a: Atom, index: usize) -> Atom {
    a.excepts = Some(index);
    a
}

/// A criterion (leaf) with its text and atoms; the id and span are set by [`trial`].
pub fn crit(text: &str, atoms: Vec<Atom>) -> Criterion {
    let mut c = Criterion::new(String::new(), Section::Inclusion, NodeKind::Criterion, Span::default(), text.into());
    c.understood = Some(Understood::Full);
    c.atoms = atoms;
    c
}

pub fn partial(mut c: Criterion) -> Criterion {
    c.understood = Some(Understood::Partial);
    c
}

pub fn applies_if(mut c: Criterion, text: &str, kind: &str, concept: Option<ConceptRef>) -> Criterion {
    c.applies_if = Some(AppliesIf { text: text.into(), span: Span::default(), concept, kind: Some(kind.into()) });
    c
}

pub fn group(text: &str, logic: Logic, children: Vec<Criterion>) -> Criterion {
    let mut c = Criterion::new(String::new(), Section::Inclusion, NodeKind::Group, Span::default(), text.into());
    c.logic = Some(logic);
    c.children = children;
    c
}

pub fn cohort(name: &str, children: Vec<Criterion>) -> Criterion {
    let mut c = Criterion::new(String::new(), Section::Inclusion, NodeKind::Cohort, Span::default(), name.into());
    c.cohort = Some(name.into());
    c.logic = Some(Logic::All);
    c.children = children;
    c
}

/// Lays the criteria out as eligibility text, with ids (`inc.1`, `exc.2.1`) and spans.
pub fn trial(id: &str, inclusion: Vec<Criterion>, exclusion: Vec<Criterion>) -> Trial {
    let mut text = String::new();
    let mut sections = Vec::new();
    for (section, name, prefix, items) in [(Section::Inclusion, "Inclusion Criteria:", "inc", inclusion), (Section::Exclusion, "Exclusion Criteria:", "exc", exclusion)] {
        if items.is_empty() {
            continue;
        }
        let start = text.len();
        text.push_str(name);
        text.push('\n');
        let mut s = Criterion::new(prefix.into(), section, NodeKind::Section, Span::default(), name.into());
        s.logic = Some(Logic::All);
        for (i, c) in items.into_iter().enumerate() {
            s.children.push(lay(c, format!("{prefix}.{}", i + 1), section, &mut text, 1));
        }
        s.span = Span::new(start, text.len());
        sections.push(s);
    }
    Trial { id: Some(id.into()), eligibility_text: text, criteria: sections, ..Default::default() }
}

fn lay(mut c: Criterion, id: String, section: Section, text: &mut String, depth: usize) -> Criterion {
    let start = text.len();
    text.push_str(&"  ".repeat(depth));
    text.push_str("* ");
    text.push_str(&c.text);
    text.push('\n');
    c.id = id.clone();
    c.section = section;
    let kids = std::mem::take(&mut c.children);
    for (i, k) in kids.into_iter().enumerate() {
        c.children.push(lay(k, format!("{id}.{}", i + 1), section, text, depth + 1));
    }
    c.span = Span::new(start, text.len().saturating_sub(1).max(start));
    c
}

pub fn patient(json: &str) -> Patient {
    patient::read(json).unwrap_or_else(|e| panic!("{e}"))
}

pub fn opts() -> EvalOptions {
    EvalOptions { today: Some("2026-11-22".into()), ..Default::default() }
}

pub fn run(t: &Trial, p: &str) -> Evaluation {
    eval::evaluate(t, &patient(p), &opts())
}

/// The result of the node with `id`.
pub fn node<'a>(e: &'a Evaluation, id: &str) -> &'a eval::CriterionResult {
    fn find<'a>(rs: &'a [eval::CriterionResult], id: &str) -> Option<&'a eval::CriterionResult> {
        for r in rs {
            if r.id == id {
                return Some(r);
            }
            if let Some(x) = find(&r.children, id) {
                return Some(x);
            }
        }
        None
    }
    find(&e.criteria, id).unwrap_or_else(|| panic!("no node {id}"))
}

/// One inclusion criterion with `atoms`, judged for `patient`: (status, reason).
pub fn inc(atoms: Vec<Atom>, p: &str) -> (Status, String) {
    let t = trial("T", vec![crit("the criterion", atoms)], vec![]);
    let e = run(&t, p);
    let r = node(&e, "inc.1");
    (r.status, r.reason.clone())
}

/// One exclusion criterion with `atoms`, judged for `patient`.
pub fn exc(atoms: Vec<Atom>, p: &str) -> (Status, String) {
    let t = trial("T", vec![], vec![crit("the criterion", atoms)]);
    let e = run(&t, p);
    let r = node(&e, "exc.1");
    (r.status, r.reason.clone())
}

#[allow(unused_imports)]
pub use Comparator::{Ge, Gt, Le, Lt};
#[allow(unused_imports)]
pub use Status::{Fail, NotApplicable, Pass, Review, Unknown};
pub use Verdict::{Eligible, Ineligible, Undetermined};
