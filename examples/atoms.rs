//! Prints the atoms of each line of standard input, one rendering a line.
//! `echo "Hemoglobin ≥ 60g/L" | cargo run --example atoms`

use std::io::Read;

use trialsieve::{Span, atoms};

fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("cannot read standard input: {e}");
        return;
    }
    for line in input.lines() {
        let found = atoms::extract(line, Span::new(0, line.len()));
        println!("{line}");
        for a in &found {
            println!("    {}  [{}]", atoms::render(a), a.span.slice(line));
        }
    }
}
