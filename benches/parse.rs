//! `cargo bench --bench parse`: native parse throughput over the real
//! corpus, and one patient against 1,000 parsed trials, split into its
//! stages (evaluation, UTF-16 span conversion, JSON output) so that the
//! wasm figures of `bench/wasm.mjs` can be read against them.
//!
//! Reads `trials.jsonl` of the corpus (`TRIALSIEVE_CORPUS`, else
//! `../shared/corpus` beside the repository root); says
//! so and measures nothing when it is absent. `scripts/bench.sh` runs this
//! and the wasm side and prints one table.

#[path = "../tests/common/corpus.rs"]
mod corpus_path;

use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use trialsieve::{EvalOptions, Format, ParseOptions, Trial};

fn main() {
    if TEXTS.is_empty() {
        println!("corpus not found (../shared/corpus/trials.jsonl): nothing to measure");
        return;
    }
    cpu_time_parse();
    divan::main();
}

/// This thread's CPU time in nanoseconds (Linux), `None` elsewhere: on a
/// machine busy with other work it stays near what an idle machine would
/// show, where wall time does not.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// The corpus parse timed by CPU time, best of 3, on one line that
/// `bench/table.mjs` reads beside divan's wall-time table.
fn cpu_time_parse() {
    let bytes: usize = TEXTS.iter().map(String::len).sum();
    let mut best = u64::MAX;
    for _ in 0..3 {
        let Some(start) = thread_cpu_ns() else { return };
        for text in TEXTS.iter() {
            black_box(trialsieve::parse(black_box(text), &TEXT).unwrap());
        }
        best = best.min(thread_cpu_ns().unwrap_or(u64::MAX) - start);
    }
    println!("parse (native, by CPU time): {:.1} MB/s", bytes as f64 * 1e3 / best as f64);
}

/// The eligibility criteria of every corpus trial.
static TEXTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let Some(path) = corpus_path::trials_jsonl() else {
        return Vec::new();
    };
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("eligibilityCriteria").and_then(|c| c.as_str()).map(str::to_string))
        .collect()
});

const TEXT: ParseOptions = ParseOptions { format: Format::Text };

/// The first 1,000 corpus trials, parsed; the patient of `bench/wasm.mjs`.
static THOUSAND: LazyLock<(Vec<Trial>, trialsieve::Patient)> = LazyLock::new(|| {
    let trials = TEXTS.iter().take(1000).flat_map(|t| trialsieve::parse(t, &TEXT).unwrap()).collect();
    let patient = trialsieve::patient::read(r#"{"age": 45, "sex": "female", "observations": [{"name": "hemoglobin", "value": 12, "unit": "g/dL"}]}"#).unwrap();
    (trials, patient)
});

/// Every corpus trial's criteria, parsed once per iteration.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_corpus(b: Bencher) {
    let bytes: usize = TEXTS.iter().map(String::len).sum();
    b.counter(BytesCount::new(bytes)).bench(|| {
        for text in TEXTS.iter() {
            black_box(trialsieve::parse(black_box(text), &TEXT).unwrap());
        }
    });
}

/// One patient against 1,000 trials: the evaluation alone.
#[divan::bench(sample_count = 30)]
fn check_1000_eval(b: Bencher) {
    let (trials, patient) = &*THOUSAND;
    b.bench(|| trialsieve::eval::check(black_box(trials), patient, &EvalOptions::default()));
}

/// The same, with the spans turned into UTF-16 offsets as the JS edge does.
#[divan::bench(sample_count = 30)]
fn check_1000_eval_utf16(b: Bencher) {
    let (trials, patient) = &*THOUSAND;
    b.bench(|| trialsieve::eval::check(black_box(trials), patient, &EvalOptions::default()).into_utf16(trials));
}

/// One patient against 1,000 trials, summarised (`TrialStore.checkSummary`
/// but for the JSON text): the lean evaluation.
#[divan::bench(sample_count = 30)]
fn check_1000_summary(b: Bencher) {
    let (trials, patient) = &*THOUSAND;
    b.bench(|| trialsieve::eval::check_summary(black_box(trials), patient, &EvalOptions::default()));
}

/// The same, with its JSON text, as the wasm edge writes it.
#[divan::bench(sample_count = 30)]
fn check_1000_summary_json(b: Bencher) {
    let (trials, patient) = &*THOUSAND;
    b.bench(|| trialsieve::eval::check_summary(black_box(trials), patient, &EvalOptions::default()).into_utf16(trials).to_json());
}

/// The same, written out as JSON text: all the work the wasm edge does but
/// for handing the result to JavaScript.
#[divan::bench(sample_count = 30)]
fn check_1000_eval_utf16_json(b: Bencher) {
    let (trials, patient) = &*THOUSAND;
    b.bench(|| serde_json::to_string(&trialsieve::eval::check(black_box(trials), patient, &EvalOptions::default()).into_utf16(trials)).unwrap());
}
