//! Prints how the atom extractor does on the Chia corpus: recall of gold
//! numeric values, precision of numeric atoms, and the most common misses.
//! `cargo run --release --example chia_report`

#[path = "../tests/common/chia.rs"]
mod chia;

fn main() {
    let Some(dir) = chia::corpus_dir() else {
        println!("no corpus found (TRIALSIEVE_CORPUS or ../shared/corpus); nothing to measure");
        return;
    };
    let r = chia::measure(&dir.join("chia"));
    println!("files {}  gold numeric values {}  numeric atoms {}", r.files, r.gold_values, r.atoms);
    println!("recall    {:.3} ({} of {})", r.recall(), r.found_values, r.gold_values);
    println!("precision {:.3} ({} of {}; gold Value or Temporal)", r.precision(), r.atoms_on_gold, r.atoms);
    println!("precision of every numeric atom {:.3} ({} of {}; gold Value, Temporal or Multiplier)", r.precision_numeric(), r.atoms_on_numeric_gold, r.atoms);
    println!(
        "precision where annotated {:.3} ({} of {}; atoms in stretches marked Non-query-able, Parsing_Error, … left out; Multiplier counted as gold)",
        r.precision_annotated(),
        r.atoms_annotated_on_gold,
        r.atoms_annotated
    );
    println!("\nmost common misses (gold values no atom covers):");
    let top: usize = std::env::var("CHIA_TOP").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    for (shape, n, example) in chia::Report::top(&r.misses, top) {
        println!("{n:5}  {shape:30}  e.g. {example}");
    }
    println!("\nmost common false positives (numeric atoms on no gold value or temporal):");
    for (shape, n, example) in chia::Report::top(&r.false_pos, top) {
        println!("{n:5}  {shape:30}  e.g. {example}");
    }
}
