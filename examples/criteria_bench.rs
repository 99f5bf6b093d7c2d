//! Builds the criteria tree of every corpus trial and of large synthetic
//! texts, and prints the times and the share of trials with both sections:
//! `cargo run --release --example criteria_bench`.

#[path = "../tests/common/corpus.rs"]
mod corpus_path;

use std::time::Instant;

use trialsieve::criteria::{build, Criterion, NodeKind, Section};

fn main() {
    if let Some(path) = corpus_path::trials_jsonl() {
        let data = std::fs::read_to_string(path).expect("corpus readable");
        let texts: Vec<String> = data
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line")["eligibilityCriteria"].as_str().unwrap_or("").to_string())
            .collect();
        let t = Instant::now();
        let trees: Vec<Vec<Criterion>> = texts.iter().map(|x| build(x).0).collect();
        let took = t.elapsed();
        let both = trees.iter().filter(|t| has(t, Section::Inclusion) && has(t, Section::Exclusion)).count();
        let cohorts = trees.iter().filter(|t| t.iter().any(|s| s.children.iter().any(|c| c.kind == NodeKind::Cohort) || s.children.iter().any(|g| g.children.iter().any(|c| c.kind == NodeKind::Cohort)))).count();
        let mut nodes = 0;
        for t in &trees {
            for s in t {
                s.walk(&mut |_| nodes += 1);
            }
        }
        if std::env::var_os("MISSING").is_some() {
            for (t, x) in trees.iter().zip(&texts) {
                if !(has(t, Section::Inclusion) && has(t, Section::Exclusion)) {
                    let heads: Vec<&str> = x.lines().filter(|l| l.to_lowercase().contains("clusion")).take(3).collect();
                    println!("missing: {heads:?} / {:?}", x.chars().take(80).collect::<String>());
                }
            }
        }
        if std::env::var_os("COHORTS").is_some() {
            cohort_names(&trees);
        }
        // A looser reading than the test's: some short line names each section.
        let names = |x: &str, w: &str| x.lines().any(|l| l.len() <= 100 && l.to_lowercase().contains(w));
        let loose: Vec<usize> = texts.iter().enumerate().filter(|(_, x)| names(x, "inclusion") && names(x, "exclusion")).map(|(i, _)| i).collect();
        let loose_found = loose.iter().filter(|&&i| has(&trees[i], Section::Inclusion) && has(&trees[i], Section::Exclusion)).count();
        println!("short lines naming both sections in {} trials, both sections found in {loose_found} of them", loose.len());
        println!("{} trials, {} bytes: built in {took:?}; {nodes} nodes; both sections in {both}; cohorts in {cohorts}", texts.len(), texts.iter().map(String::len).sum::<usize>());
    }
    let para = "Inclusion Criteria:\n\n* Age ≥ 18 years; (1) ALT ≤ 3×ULN. (2) Hb ≥ 90 g/L: a) one; b) two\n";
    let big = para.repeat(10_000_000 / para.len());
    let t = Instant::now();
    let (tree, _) = build(&big);
    println!("10 MB synthetic: {} sections in {:?}", tree.len(), t.elapsed());
}

fn has(t: &[Criterion], s: Section) -> bool {
    t.iter().any(|c| c.section == s && !(s == Section::Inclusion && c.text.is_empty()))
}

/// Prints every cohort name found in the corpus (for review).
#[allow(dead_code)]
pub fn cohort_names(trees: &[Vec<Criterion>]) {
    for t in trees {
        for s in t {
            s.walk(&mut |c| {
                if let Some(n) = &c.cohort {
                    println!("cohort {}: {n}", c.id);
                }
            });
        }
    }
}
