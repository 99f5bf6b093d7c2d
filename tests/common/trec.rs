//! Runs the TREC 2022 judged patient–trial pairs (`../shared/corpus/trec2022`)
//! through parse and evaluate, and sums up how the verdicts compare with
//! the experts' labels.

use std::path::Path;

use trialsieve::eval::{self, CriterionResult, EvalOptions, Status, Verdict};

/// One judged pair and what trialsieve made of it.
pub struct Pair {
    pub topic: String,
    pub nct: String,
    /// `eligible` or `excluded`, as the experts judged it.
    pub label: String,
    pub verdict: Verdict,
    /// The failing criteria: id, criterion text, reason.
    pub failing: Vec<(String, String, String)>,
    pub questions: usize,
    /// Leaf criteria (structured limits included) and how many are in review.
    pub leaves: usize,
    pub review: usize,
    /// The criteria in review: id, criterion text, reason.
    pub reviewed: Vec<(String, String, String)>,
}

/// Every pair of `dir/pairs.tsv`, evaluated; `None` when a file is missing.
pub fn run(dir: &Path) -> Option<Vec<Pair>> {
    let pairs = std::fs::read_to_string(dir.join("pairs.tsv")).ok()?;
    let mut out = Vec::new();
    for line in pairs.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            continue;
        }
        let text = std::fs::read_to_string(dir.join("trials").join(format!("{}.txt", f[1]))).ok()?;
        let pj = std::fs::read_to_string(dir.join("patients").join(format!("{}.json", f[0]))).ok()?;
        let patient = trialsieve::patient::read(&pj).expect("the patient reads");
        let trials = trialsieve::parse(&text, &Default::default()).expect("text parses");
        let mut t = trials.into_iter().next()?;
        t.id = Some(f[1].to_string());
        let e = eval::evaluate(&t, &patient, &EvalOptions { today: Some("2022-06-01".into()), ..Default::default() });
        let mut failing = Vec::new();
        let mut reviewed = Vec::new();
        let mut leaves = 0;
        fn walk(r: &CriterionResult, trial: &trialsieve::Trial, failing: &mut Vec<(String, String, String)>, reviewed: &mut Vec<(String, String, String)>, leaves: &mut usize) {
            if r.children.is_empty() {
                *leaves += 1;
                let text = || if r.span.end > r.span.start { r.span.slice(&trial.eligibility_text).replace('\n', " ") } else { String::new() };
                if r.status == Status::Review {
                    reviewed.push((r.id.clone(), text(), r.reason.clone()));
                }
                if r.status == Status::Fail {
                    failing.push((r.id.clone(), text(), r.reason.clone()));
                }
            }
            for c in &r.children {
                walk(c, trial, failing, reviewed, leaves);
            }
        }
        for r in &e.criteria {
            walk(r, &t, &mut failing, &mut reviewed, &mut leaves);
        }
        let review = reviewed.len();
        out.push(Pair {
            topic: f[0].into(),
            nct: f[1].into(),
            label: f[2].into(),
            verdict: e.verdict,
            failing,
            questions: e.questions.len(),
            leaves,
            review,
            reviewed,
        });
    }
    Some(out)
}

/// The headline figures.
#[derive(Debug, Default, PartialEq)]
pub struct Summary {
    pub eligible: usize,
    pub excluded: usize,
    /// Eligible pairs called ineligible.
    pub false_exclusions: usize,
    /// Excluded pairs called ineligible.
    pub caught: usize,
    /// Eligible pairs called eligible.
    pub eligible_found: usize,
}

pub fn summary(pairs: &[Pair]) -> Summary {
    let mut s = Summary::default();
    for p in pairs {
        let inel = p.verdict == Verdict::Ineligible;
        if p.label == "eligible" {
            s.eligible += 1;
            s.false_exclusions += inel as usize;
            s.eligible_found += (p.verdict == Verdict::Eligible) as usize;
        } else {
            s.excluded += 1;
            s.caught += inel as usize;
        }
    }
    s
}
