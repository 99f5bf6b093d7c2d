//! The extractor measured on the Chia corpus (gold BRAT annotations):
//! prints recall of numeric gold values and precision of numeric atoms, and
//! holds the line against regressions.

mod common;

#[test]
fn chia_recall_and_precision() {
    let Some(dir) = common::chia::corpus_dir() else {
        println!("no corpus (TRIALSIEVE_CORPUS or ../shared/corpus); skipping the Chia measurement");
        return;
    };
    let r = common::chia::measure(&dir.join("chia"));
    println!("chia: {} files, recall {:.3} ({} of {}), precision {:.3} ({} of {})", r.files, r.recall(), r.found_values, r.gold_values, r.precision(), r.atoms_on_gold, r.atoms);
    println!("chia: precision of every numeric atom {:.3} ({} of {})", r.precision_numeric(), r.atoms_on_numeric_gold, r.atoms);
    println!("chia: precision where annotated {:.3} ({} of {})", r.precision_annotated(), r.atoms_annotated_on_gold, r.atoms_annotated);
    for (shape, n, example) in common::chia::Report::top(&r.misses, 20) {
        println!("miss {n:4}  {shape}  e.g. {example}");
    }
    assert!(r.files >= 1600, "expected the 1600 Chia texts, found {}", r.files);
    // Floors a little under today's figures (recall 0.891, precision
    // 0.897), so that a regression fails. Recall stands lower than it once
    // did on purpose: counts and names that measure nothing ("> 3
    // hospitalizations", "1 or more csDMARDs") no longer make measurements.
    assert!(r.recall() >= 0.88, "Chia recall fell to {:.3}", r.recall());
    assert!(r.precision() >= 0.885, "Chia precision fell to {:.3}", r.precision());
    // Every atom that states a number (values, bounds, doses, windows),
    // each once, against any numeric gold entity (Chia marks many doses and
    // counts as Multiplier): 0.922 today.
    assert!(r.precision_numeric() >= 0.91, "Chia numeric precision fell to {:.3}", r.precision_numeric());
}
