//! Prints how a patient fares against a trial, one criterion a line:
//! status, id, reason. `cargo run --example explain -- trial.txt patient.json`

use trialsieve::eval::{self, CriterionResult, EvalOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(tp), Some(pp)) = (args.first(), args.get(1)) else {
        eprintln!("usage: explain TRIAL PATIENT.json");
        std::process::exit(2);
    };
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| {
        eprintln!("cannot read {p}: {e}");
        std::process::exit(2);
    });
    let trials = match trialsieve::parse(&read(tp), &Default::default()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{tp}: {e}");
            std::process::exit(2);
        }
    };
    let patient = match trialsieve::patient::read(&read(pp)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{pp}: {e}");
            std::process::exit(2);
        }
    };
    fn walk(r: &CriterionResult, depth: usize) {
        println!("{}{:?} {}: {}", "  ".repeat(depth), r.status, r.id, r.reason);
        for c in &r.children {
            walk(c, depth + 1);
        }
    }
    for t in &trials {
        let e = eval::evaluate(t, &patient, &EvalOptions::default());
        println!("{} → {:?}", t.id.as_deref().unwrap_or("(no id)"), e.verdict);
        for r in &e.criteria {
            walk(r, 0);
        }
    }
}
