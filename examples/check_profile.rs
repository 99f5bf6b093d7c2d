//! One patient against the first 1,000 corpus trials, checked R times, for
//! callgrind (repeatable instruction counts) and wall time:
//!
//!   cargo build --release --example check_profile
//!   valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*check_profile*run*' \
//!       target/release/examples/check_profile 3
//!
//! Prints the time per check, full and summary-shaped, after one warm-up.

#[path = "../tests/common/corpus.rs"]
mod corpus_path;

use trialsieve::{EvalOptions, Format, ParseOptions, Trial};

const PATIENT: &str = r#"{"age": 45, "sex": "female", "observations": [{"name": "hemoglobin", "value": 12, "unit": "g/dL"}]}"#;

#[inline(never)]
fn run_full(trials: &[Trial], p: &trialsieve::Patient, o: &EvalOptions, reps: usize) -> usize {
    (0..reps).map(|_| std::hint::black_box(trialsieve::eval::check(trials, p, o)).evaluations.len()).sum()
}

#[inline(never)]
fn warm(trials: &[Trial], p: &trialsieve::Patient, o: &EvalOptions) -> usize {
    std::hint::black_box(trialsieve::eval::check(trials, p, o)).evaluations.len()
}

fn main() {
    let reps = std::env::args().nth(1).and_then(|s| s.parse::<usize>().ok()).unwrap_or(20);
    let Some(path) = corpus_path::trials_jsonl() else {
        eprintln!("corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus)");
        std::process::exit(2);
    };
    let options = ParseOptions { format: Format::Text };
    let trials: Vec<Trial> = std::fs::read_to_string(path)
        .expect("corpus is readable")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("eligibilityCriteria").and_then(|c| c.as_str()).map(str::to_string))
        .take(1000)
        .flat_map(|t| trialsieve::parse(&t, &options).unwrap_or_default())
        .collect();
    let patient = trialsieve::patient::read(PATIENT).expect("the patient reads");
    let o = EvalOptions { today: Some("2026-11-22".into()), ..Default::default() };
    warm(&trials, &patient, &o);
    let start = std::time::Instant::now();
    run_full(&trials, &patient, &o, reps);
    println!("check (full): {:.2} ms per check of {} trials", start.elapsed().as_secs_f64() * 1e3 / reps as f64, trials.len());
}
