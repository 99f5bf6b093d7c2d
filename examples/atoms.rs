//! Prints the atoms of each line of standard input, one rendering a line.
//! `echo "Hemoglobin ≥ 60g/L" | cargo run --example atoms`
//!
//! With a file argument, parses it as a trial and prints every criterion's
//! text with its atoms: `cargo run --example atoms -- tests/fixtures/seeds/001_….txt`

use std::io::Read;

use trialsieve::criteria::Criterion;
use trialsieve::{ParseOptions, Span, atoms};

fn main() {
    if let Some(path) = std::env::args().nth(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return;
            }
        };
        let Ok(trials) = trialsieve::parse(&text, &ParseOptions::default()) else {
            eprintln!("cannot parse {path}");
            return;
        };
        for t in &trials {
            let et = &t.eligibility_text;
            for node in &t.criteria {
                node.walk(&mut |c: &Criterion| {
                    if c.understood.is_none() {
                        return;
                    }
                    println!("{} [{:?}] {}", c.id, c.understood, c.span.slice(et).replace('\n', " "));
                    for u in &c.uncovered {
                        println!("    unread  «{}»", u.slice(et));
                    }
                    for a in &c.atoms {
                        println!("    {}  «{}»", atoms::render(a), a.span.slice(et));
                    }
                });
            }
        }
        return;
    }
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
