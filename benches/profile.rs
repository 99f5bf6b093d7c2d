//! A fixed workload for profilers (`valgrind --tool=callgrind` counts
//! instructions repeatably, whatever the machine's load), not a timing:
//!
//!   cargo bench --bench profile --no-run      # prints the binary's path
//!   valgrind --tool=callgrind BINARY WORKLOAD [SIZE]
//!
//! Workloads: `corpus` (parse the first SIZE corpus trials, default all),
//! `check` (one patient against SIZE parsed trials, default 1,000, with the
//! UTF-16 conversion and JSON output the wasm edge does), `check-eval`
//! (the evaluation alone), `summary` (the summary-shaped check and its JSON
//! text, as `TrialStore.checkSummary`), `repeat` (SIZE bytes of a repeated
//! criteria block), `items` (SIZE list items), `line` (one line of SIZE
//! bytes), `first` (what a page does up to its first verdict, as
//! `bench/first-verdict.js`: the tables loaded on first use, one seed page
//! parsed with its format detected, one patient checked, the result in
//! UTF-16 as JSON).
//! `cargo bench` runs it with no workload, which does nothing.
//!
//! `cargo bench` builds at opt-level 3 (`[profile.bench]`), as native code
//! is built for speed; the wasm is built for size ("z"). To count the
//! instructions of the code as the wasm's is laid out, build the binary
//! with `CARGO_PROFILE_BENCH_OPT_LEVEL=z`.

#[path = "../tests/common/corpus.rs"]
mod corpus_path;

use trialsieve::{EvalOptions, Format, ParseOptions};

const TEXT: ParseOptions = ParseOptions { format: Format::Text };

const BLOCK: &str = "Inclusion Criteria:\n\n* Aged 18-75 years\n* ECOG performance status 0-1\n* Hemoglobin ≥ 9 g/dL; ALT ≤ 3 × ULN\n  * in patients with liver metastases, ALT ≤ 5 × ULN\n* Signed informed consent\n\nExclusion Criteria:\n\n1. Pregnant or breastfeeding women\n2. Prior chemotherapy within 4 weeks before enrolment, except hormonal therapy\n3. Known HIV infection or active hepatitis B (HBsAg positive) or C\n4. 血红蛋白 < 60 g/L（1）\n5. Any condition that, in the opinion of the investigator, would interfere with the study 😀\n";

fn corpus_texts(n: usize) -> Vec<String> {
    let Some(path) = corpus_path::trials_jsonl() else {
        eprintln!("corpus not found (../shared/corpus/trials.jsonl)");
        std::process::exit(2);
    };
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("eligibilityCriteria").and_then(|c| c.as_str()).map(str::to_string))
        .take(n)
        .collect()
}

fn parse_one(text: &str) -> usize {
    trialsieve::parse(text, &TEXT).unwrap().iter().map(|t| t.criteria.len()).sum()
}

/// The summary check and its JSON text, apart so that a profiler can count
/// it alone (`--toggle-collect='profile::summary'`).
#[inline(never)]
fn summary(trials: &[trialsieve::Trial], patient: &trialsieve::patient::Patient) -> usize {
    let s = trialsieve::eval::check_summary(trials, patient, &EvalOptions::default());
    s.into_utf16(trials).to_json().len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let size = args.get(1).and_then(|s| s.parse::<usize>().ok());
    let out = match args.first().map(String::as_str) {
        None => return,
        Some("corpus") => corpus_texts(size.unwrap_or(usize::MAX)).iter().map(|t| parse_one(t)).sum(),
        Some(w @ ("check" | "check-eval" | "summary")) => {
            let trials: Vec<_> = corpus_texts(size.unwrap_or(1000)).iter().flat_map(|t| trialsieve::parse(t, &TEXT).unwrap()).collect();
            let patient = trialsieve::patient::read(r#"{"age": 45, "sex": "female", "observations": [{"name": "hemoglobin", "value": 12, "unit": "g/dL"}]}"#).unwrap();
            // Trials are prepared on their first check and keep it: a page
            // re-checks the same trials, so the check profiled is a later one.
            for t in &trials {
                t.prepared.get(t);
            }
            if w == "summary" {
                // A page re-checks on every change: the one profiled is a
                // later check, as for `check`.
                trialsieve::eval::check_summary(&trials, &patient, &EvalOptions::default());
                return println!("{}", summary(&trials, &patient));
            }
            let result = trialsieve::eval::check(&trials, &patient, &EvalOptions::default());
            if w == "check" { serde_json::to_string(&result.into_utf16(&trials)).unwrap().len() } else { result.evaluations.len() }
        }
        Some("first") => {
            let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds/001_b9cf3ad41ca6d1e4.txt")).unwrap();
            let trials = trialsieve::parse(&page, &ParseOptions::default()).unwrap();
            let patient = trialsieve::patient::read(r#"{"age": 45, "sex": "female"}"#).unwrap();
            let result = trialsieve::eval::check(&trials, &patient, &EvalOptions::default());
            serde_json::to_string(&result.into_utf16(&trials)).unwrap().len()
        }
        Some("repeat") => {
            let n = size.unwrap_or(1_000_000);
            parse_one(&BLOCK.repeat(n / BLOCK.len() + 1))
        }
        Some("items") => {
            let mut s = String::from("Inclusion Criteria:\n");
            for i in 0..size.unwrap_or(100_000) {
                s.push_str(&format!("{}. Item {i}\n", i + 1));
            }
            parse_one(&s)
        }
        Some("line") => parse_one(&format!("Inclusion Criteria:\n* {}\n", "age ≥ 18 years and hemoglobin > 9 g/dL, ".repeat(size.unwrap_or(1_000_000) / 42 + 1))),
        Some(w) => {
            eprintln!("unknown workload '{w}': corpus, check, check-eval, summary, first, repeat, items or line");
            std::process::exit(2);
        }
    };
    println!("{out}");
}
