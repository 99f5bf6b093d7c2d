//! Speed of checking one patient against the first 1,000 trials of the
//! corpus, parsed once. Run in release for figures:
//! `cargo test --release --test eval_speed -- --nocapture`
//! (`TRIALSIEVE_BENCH_RUNS` sets the number of timed runs; the median is
//! reported).

#[path = "common/corpus.rs"]
mod corpus_path;

use trialsieve::eval::{self, EvalOptions, Verdict};
use trialsieve::{Format, ParseOptions, Trial};

use corpus_path::dir as corpus_dir;

/// The first `n` trials of `trials.jsonl` with criteria text, parsed.
fn corpus_trials(n: usize) -> Option<Vec<Trial>> {
    let Some(dir) = corpus_dir() else {
        println!("no corpus (TRIALSIEVE_CORPUS or ../shared/corpus); skipping");
        return None;
    };
    let Ok(lines) = std::fs::read_to_string(dir.join("trials.jsonl")) else {
        println!("no trials.jsonl in {}; skipping", dir.display());
        return None;
    };
    let options = ParseOptions { format: Format::Text };
    let mut out = Vec::new();
    for line in lines.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let Some(text) = v.get("eligibilityCriteria").and_then(|t| t.as_str()) else { continue };
        let Ok(trials) = trialsieve::parse(text, &options) else { continue };
        for mut t in trials {
            t.id = v.get("nctId").and_then(|x| x.as_str()).map(String::from);
            out.push(t);
        }
        if out.len() >= n {
            out.truncate(n);
            break;
        }
    }
    Some(out)
}

/// CPU time this thread has run, in ns (Linux `schedstat`), so that
/// figures hold on a busy machine; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

const PATIENT: &str = r#"{ "asOf": "2026-11-22",
  "birthDate": "1981-04-02", "sex": "female",
  "pregnant": false, "breastfeeding": false,
  "conditions":   [{ "name": "systemic lupus erythematosus", "code": "SNOMED:55464009", "onset": "2022-03", "status": "active" },
                   { "name": "lupus nephritis", "onset": "2023-01" }, { "name": "hypertension" }],
  "observations": [{ "name": "hemoglobin", "code": "LOINC:718-7", "value": 9.5, "unit": "g/dL", "date": "2026-11-01", "referenceHigh": 17.5 },
                   { "name": "creatinine", "value": 1.1, "unit": "mg/dL", "date": "2026-11-01" },
                   { "name": "ALT", "value": 30, "unit": "U/L", "date": "2026-11-01" },
                   { "name": "platelets", "value": 210, "unit": "10*9/L", "date": "2026-11-01" },
                   { "name": "SLEDAI-2K", "value": 10 }, { "name": "HIV antibody", "value": "negative" }],
  "medications":  [{ "name": "prednisone", "dose": 10, "unit": "mg/d", "start": "2025-01-01" },
                   { "name": "mycophenolate mofetil", "dose": 2, "unit": "g/d", "start": "2024-01-01" }],
  "procedures":   [{ "name": "renal biopsy", "date": "2023-01-10" }],
  "immunizations":[{ "name": "influenza vaccine", "date": "2026-10-01" }],
  "answers": { "cond:hepatitis_b": false }
}"#;

#[test]
fn one_patient_against_a_thousand_corpus_trials() {
    let Some(trials) = corpus_trials(1000) else { return };
    assert_eq!(trials.len(), 1000);
    let p = trialsieve::patient::read(PATIENT).unwrap();
    let o = EvalOptions::default();
    // The first check prepares each trial (and keeps it with the trial).
    let start = std::time::Instant::now();
    let first = eval::check(&trials, &p, &o);
    let cold = start.elapsed();
    // Prepared apart, or on the fly for a fresh copy: the same result.
    let prepared = eval::prepare_all(&trials);
    assert_eq!(eval::check_prepared(&trials, &prepared, &p, &o), first);
    assert_eq!(eval::check(&trials.clone(), &p, &o), first);
    if std::env::var("TRIALSIEVE_BENCH_COUNT").is_ok() {
        fn n(r: &eval::CriterionResult) -> (usize, usize, usize) {
            r.children.iter().map(n).fold((1, r.facts.len(), r.reason.len()), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
        }
        let t = first.evaluations.iter().flat_map(|e| &e.criteria).map(n).fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
        let q: usize = first.evaluations.iter().map(|e| e.questions.len()).sum();
        let qc: usize = first.questions.iter().map(|q| q.criteria.len()).sum();
        let atoms: usize = trials.iter().flat_map(|t| &t.criteria).map(|c| { let mut k = 0; c.walk(&mut |x: &trialsieve::criteria::Criterion| k += x.atoms.len()); k }).sum();
        println!("nodes {}, facts {}, reason bytes {}, per-trial questions {q}, merged criteria refs {qc}, atoms {atoms}", t.0, t.1, t.2);
    }
    let runs: usize = std::env::var("TRIALSIEVE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..runs {
        let c0 = cpu_ns();
        let start = std::time::Instant::now();
        let r = eval::check(&trials, &p, &o);
        times.push(start.elapsed());
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            cpu.push(std::time::Duration::from_nanos(b - a));
        }
        drop(r);
    }
    times.sort();
    cpu.sort();
    if !cpu.is_empty() {
        println!("check CPU time: median {:?}, min {:?}", cpu[cpu.len() / 2], cpu[0]);
    }
    // For scale: copying the result alone (its strings, vectors and nodes).
    let start = std::time::Instant::now();
    let copy = first.clone();
    let copy_took = start.elapsed();
    drop(copy);
    println!("copying one result: {copy_took:?}");
    let median = times[times.len() / 2];
    let count = |v: Verdict| first.evaluations.iter().filter(|e| e.verdict == v).count();
    println!(
        "check: 1 patient x 1000 corpus trials: median {median:?} (min {:?}, max {:?}; first check, preparing the trials, {cold:?}); {} eligible, {} undetermined, {} ineligible; {} questions",
        times[0],
        times[times.len() - 1],
        count(Verdict::Eligible),
        count(Verdict::Undetermined),
        count(Verdict::Ineligible),
        first.questions.len()
    );
}

/// The evaluator's promises, over real trials: missing data is unknown,
/// never pass or fail; a criterion not fully understood never passes on its
/// atoms; no trial is eligible while a counted criterion is unknown.
#[test]
fn guarantees_hold_over_the_corpus() {
    use trialsieve::criteria::{Criterion, Understood};
    use trialsieve::eval::{CriterionResult, Status};
    let Some(trials) = corpus_trials(300) else { return };
    let o = EvalOptions { today: Some("2026-11-22".into()), ..Default::default() };
    // Nothing known: nothing settled.
    let empty = trialsieve::patient::read("{}").unwrap();
    let r = eval::check(&trials, &empty, &o);
    fn each(r: &CriterionResult, f: &mut dyn FnMut(&CriterionResult)) {
        f(r);
        r.children.iter().for_each(|c| each(c, f));
    }
    for e in &r.evaluations {
        assert_ne!(e.verdict, Verdict::Ineligible, "{:?}", e.trial_id);
        for c in &e.criteria {
            each(c, &mut |x| assert_ne!(x.status, Status::Fail, "{:?} {}: {}", e.trial_id, x.id, x.reason));
        }
    }
    // A patient with data: partly understood criteria never pass on atoms.
    let p = trialsieve::patient::read(PATIENT).unwrap();
    let r = eval::check(&trials, &p, &o);
    let mut passed_partial = 0;
    for e in &r.evaluations {
        let t = &trials[e.trial_index];
        fn pair(c: &Criterion, r: &CriterionResult, f: &mut dyn FnMut(&Criterion, &CriterionResult)) {
            f(c, r);
            for (cc, rr) in c.children.iter().zip(&r.children) {
                pair(cc, rr, f);
            }
        }
        let results = e.criteria.iter().filter(|r| !r.id.starts_with("trial."));
        for (c, res) in t.criteria.iter().zip(results) {
            pair(c, res, &mut |c, r| {
                assert_eq!(c.id, r.id);
                if c.children.is_empty() && !c.atoms.is_empty() && c.understood != Some(Understood::Full) && r.status == Status::Pass {
                    passed_partial += 1;
                    assert!(r.reason.contains("(answer)") || r.reason.starts_with("does not apply"), "{:?} {}: {}", e.trial_id, r.id, r.reason);
                }
            });
        }
        if e.verdict == Verdict::Eligible {
            for c in &e.criteria {
                each(c, &mut |x| assert!(x.to_confirm || x.status != Status::Unknown || !x.children.is_empty(), "{:?} {} unknown in an eligible trial", e.trial_id, x.id));
            }
        }
    }
    println!("partly understood criteria passing (on answers only): {passed_partial}");
}
