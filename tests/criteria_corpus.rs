//! Invariants of the criteria tree over the whole corpus and over bad input.

mod criteria_support;

use std::time::Instant;

use criteria_support::{corpus, has_plain_header, invariants};
use trialsieve::criteria::{build, Section};

#[test]
fn corpus_trees_hold_the_invariants() {
    let Some(trials) = corpus() else {
        println!("corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus); skipping");
        return;
    };
    let mut failures = Vec::new();
    let (mut both_found, mut both_headers, mut both_found_of_headers) = (0, 0, 0);
    for (id, text) in &trials {
        let (tree, _) = build(text);
        if let Err(e) = invariants(text, &tree) {
            failures.push(format!("{id}: {e}"));
        }
        let inc = tree.iter().any(|c| c.section == Section::Inclusion && !c.text.is_empty());
        let exc = tree.iter().any(|c| c.section == Section::Exclusion);
        if inc && exc {
            both_found += 1;
        }
        if has_plain_header(text, "inclusion") && has_plain_header(text, "exclusion") {
            both_headers += 1;
            if inc && exc {
                both_found_of_headers += 1;
            } else {
                failures.push(format!("{id}: both headers written but sections not both found"));
            }
        }
    }
    println!(
        "{} trials; both sections found in {both_found}; plain headers for both in {both_headers}, of which both found in {both_found_of_headers}",
        trials.len()
    );
    assert!(failures.is_empty(), "{} failures, first: {:#?}", failures.len(), &failures[..failures.len().min(10)]);
}

#[test]
fn corpus_trees_are_deterministic() {
    let Some(trials) = corpus() else {
        println!("corpus not found; skipping");
        return;
    };
    for (id, text) in trials.iter().step_by(7) {
        assert_eq!(build(text), build(text), "{id}: two builds differ");
    }
}

/// Builds the tree of `text` and checks its invariants. The time is printed
/// for the reader, never asserted: it depends on the machine's load.
/// `cargo run --release --example criteria_scale` shows the time growing
/// linearly with the input.
fn built(label: &str, text: &str) {
    let t = Instant::now();
    let (tree, _) = build(text);
    let took = t.elapsed();
    if let Err(e) = invariants(text, &tree) {
        panic!("{label}: {e}");
    }
    println!("{label}: {} bytes in {took:?}", text.len());
}

#[test]
fn bad_input_holds_the_invariants() {
    built("empty", "");
    let para = "Inclusion Criteria:\n\n* Age ≥ 18 years; (1) ALT ≤ 3×ULN. (2) Hb ≥ 90 g/L: a) one; b) two\n";
    built("10 MB", &para.repeat(10_000_000 / para.len()));
    let mut items = String::from("Exclusion Criteria:\n");
    for i in 1..=100_000 {
        items.push_str(&format!("{i}. item number {i}\n"));
    }
    built("100,000 items", &items);
    let long = "word (1) x; ".repeat(1_000_000 / 12);
    built("1 MB line", &long);
    let inline: String = (1..=50_000).map(|i| format!("({i}) x; ")).collect();
    built("50,000 inline items on one line", &inline);
    let mut deep = String::from("Inclusion Criteria:\n");
    for d in 0..1000 {
        deep.push_str(&" ".repeat(d));
        deep.push_str("1. lead-in:\n");
    }
    built("nesting 1,000 deep", &deep);
    let (tree, _) = build(&deep);
    let depth = fn_depth(&tree[0]);
    assert!(depth <= 14, "nesting is capped, got {depth}");
    let junk: String = (0..200_000).map(|i| char::from_u32(0x20 + (i * 7919) % 0x3000).unwrap_or(' ')).collect();
    built("junk", &junk);
}

fn fn_depth(c: &trialsieve::criteria::Criterion) -> usize {
    1 + c.children.iter().map(fn_depth).max().unwrap_or(0)
}

/// Random texts made of the pieces the builder reacts to: markers, headers,
/// punctuation, indentation, multi-byte characters.
#[test]
fn random_texts_hold_the_invariants() {
    const PIECES: &[&str] = &[
        "1.", "2.", "3)", "(1)", "( 2)", "（3）", "a)", "b.", "i.", "ii.", "* ", "- ", "• ", "· ", "\n", "\n\n", "  ", "\t",
        ":", ";", "。", "；", "：", ".", " or ", "Inclusion Criteria:", "Exclusion criteria", "Eligibility Criteria\n",
        "Cohort A:", "SSc: patients who can be enrolled in the group.", "4. SSc", "for SLE patients", "women of childbearing potential",
        "RA: diagnosis of RA", "any one below", "one of the following:", "Definition: x", "≥3", "1.5×ULN", "é", "😀", "\\.", "word",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for case in 0..10_000 {
        let n = (next() % 60) as usize;
        let text: String = (0..n).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
        let (tree, _) = build(&text);
        if let Err(e) = invariants(&text, &tree) {
            panic!("case {case}: {e}\ntext: {text:?}");
        }
        assert_eq!(build(&text).0, tree, "case {case}: not deterministic");
    }
}
