//! Parse the first N corpus trials (all when N is absent) as text, for
//! callgrind (repeatable instruction counts) and wall time:
//!
//!   cargo build --release --example parse_profile
//!   valgrind --tool=callgrind target/release/examples/parse_profile 300
//!
//! With CHECKSUM=1 in the environment, also prints a hash of the output.
//! Prints the number of criteria (a checksum of sorts), the bytes parsed,
//! the time spent in `parse` and the throughput.

#[path = "../tests/common/corpus.rs"]
mod corpus_path;

use trialsieve::{Format, ParseOptions};

fn main() {
    let n = std::env::args().nth(1).and_then(|s| s.parse::<usize>().ok()).unwrap_or(usize::MAX);
    let Some(path) = corpus_path::trials_jsonl() else {
        eprintln!("corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus)");
        std::process::exit(2);
    };
    let texts: Vec<String> = std::fs::read_to_string(path)
        .expect("corpus is readable")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("eligibilityCriteria").and_then(|c| c.as_str()).map(str::to_string))
        .take(n)
        .collect();
    let options = ParseOptions { format: Format::Text };
    let bytes: usize = texts.iter().map(String::len).sum();
    let start = std::time::Instant::now();
    let mut criteria = 0;
    for t in &texts {
        criteria += trialsieve::parse(t, &options).map(|ts| ts.iter().map(|t| t.criteria.len()).sum::<usize>()).unwrap_or(0);
    }
    let secs = start.elapsed().as_secs_f64();
    // With SLOWEST set, the trials that take longest per byte.
    if std::env::var_os("SLOWEST").is_some() {
        let mut times: Vec<(f64, usize, usize)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let s = std::time::Instant::now();
                let _ = trialsieve::parse(t, &options);
                (s.elapsed().as_secs_f64(), i, t.len())
            })
            .collect();
        times.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (s, i, n) in times.iter().take(10) {
            println!("trial {i}: {n} bytes, {:.1} ms, {:.2} MB/s", s * 1e3, *n as f64 / s / 1e6);
        }
    }
    // With CHECKSUM set, a hash of the whole output as JSON, to show a
    // speed change leaves the output as it was.
    if std::env::var_os("CHECKSUM").is_some() {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for t in &texts {
            serde_json::to_string(&trialsieve::parse(t, &options).ok()).unwrap_or_default().hash(&mut h);
        }
        println!("checksum {:016x}", h.finish());
    }
    println!("{} trials, {} bytes, {} criteria, {:.3} s, {:.2} MB/s", texts.len(), bytes, criteria, secs, bytes as f64 / secs / 1e6);
}
