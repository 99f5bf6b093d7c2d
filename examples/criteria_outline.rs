//! Prints the criteria tree of a text file as an indented outline:
//! `cargo run --example criteria_outline -- FILE`.

use trialsieve::criteria::{Criterion, Logic, NodeKind};

fn line(c: &Criterion, depth: usize, out: &mut String) {
    let kind = match c.kind {
        NodeKind::Section => "section",
        NodeKind::Cohort => "cohort",
        NodeKind::Group => "group",
        NodeKind::Criterion => "criterion",
        NodeKind::Note => "note",
    };
    let logic = match c.logic {
        Some(Logic::All) => " all",
        Some(Logic::Any) => " any",
        None => "",
    };
    let text: String = c.text.chars().take(90).collect();
    out.push_str(&format!("{}{} {}{}: {}", "  ".repeat(depth), c.id, kind, logic, text));
    if let Some(a) = &c.applies_if {
        out.push_str(&format!("  [if {:?} {}]", a.kind, a.text));
    }
    out.push('\n');
    for k in &c.children {
        line(k, depth + 1, out);
    }
}

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("readable file");
        let (tree, diags) = trialsieve::criteria::build(&text);
        let mut out = String::new();
        for c in &tree {
            line(c, 0, &mut out);
        }
        println!("== {path}\n{out}{diags:?}");
    }
}
