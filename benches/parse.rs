//! `cargo bench`: parse throughput over the real corpus, native.
//! Reads ../shared/corpus/trials.jsonl; says so and exits when it is absent.

use std::time::Instant;

fn main() {
    let path = ["../shared/corpus/trials.jsonl", "/work/shared/corpus/trials.jsonl"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(path) = path else {
        println!("corpus not found (../shared/corpus/trials.jsonl): nothing to measure");
        return;
    };
    let texts: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("eligibilityCriteria").and_then(|c| c.as_str()).map(str::to_string))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let options = trialsieve::ParseOptions { format: trialsieve::Format::Text };
    let mut runs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let mut nodes = 0usize;
        for text in &texts {
            for trial in trialsieve::parse(text, &options).unwrap() {
                nodes += trial.criteria.len();
            }
        }
        std::hint::black_box(nodes);
        runs.push(t.elapsed().as_secs_f64());
    }
    runs.sort_by(f64::total_cmp);
    let best = runs[0];
    println!("parse (native): {} trials, {:.1} MB in {:.3} s = {:.1} MB/s (best of {})", texts.len(), bytes as f64 / 1e6, best, bytes as f64 / 1e6 / best, runs.len());
}
