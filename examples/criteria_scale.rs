//! Times the tree builder on growing lists, to see that time grows linearly:
//! `cargo run --release --example criteria_scale`.

use std::time::Instant;

fn main() {
    let para = "Inclusion Criteria:\n\n* Age ≥ 18 years; (1) ALT ≤ 3×ULN. (2) Hb ≥ 90 g/L: a) one; b) two\n";
    let big = para.repeat(10_000_000 / para.len());
    let t = Instant::now();
    let (tree, _) = trialsieve::criteria::build(&big);
    println!("10 MB of short sections: {:?} ({} sections)", t.elapsed(), tree.len());
    for n in [25_000, 50_000, 100_000] {
        let mut items = String::from("Exclusion Criteria:\n");
        for i in 1..=n {
            items.push_str(&format!("{i}. item number {i}\n"));
        }
        let t = Instant::now();
        let (tree, _) = trialsieve::criteria::build(&items);
        println!("{n} items: {:?} ({} children)", t.elapsed(), tree[0].children.len());
    }
}
