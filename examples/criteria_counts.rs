//! Counts, over every trial of the corpus, the n-of-m groups ("at least 2
//! of the following:") and the section headers found inside a line or a
//! paragraph ("… EXCLUSION CRITERIA: …"), and the exclusion headings still
//! left inside an inclusion section; prints a sample of each.
//! `cargo run --release --example criteria_counts [-- SAMPLE]`

use std::io::BufRead;
use std::path::{Path, PathBuf};

use trialsieve::criteria::{Criterion, Logic, NodeKind, Section};

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("TRIALSIEVE_CORPUS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

fn short(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    t.replace('\n', " | ")
}

fn main() {
    let Some(dir) = corpus() else {
        println!("no corpus (TRIALSIEVE_CORPUS or ../shared/corpus); nothing to count");
        return;
    };
    let sample: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(15);
    let file = std::fs::File::open(dir.join("trials.jsonl")).expect("trials.jsonl readable");
    let (mut trials, mut groups, mut midline, mut left) = (0, Vec::new(), Vec::new(), Vec::new());
    for line in std::io::BufReader::new(file).lines() {
        let Ok(line) = line else { continue };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        let text = v["eligibilityCriteria"].as_str().unwrap_or_default();
        let id = v["nctId"].as_str().or(v["id"].as_str()).unwrap_or("?").to_string();
        trials += 1;
        let (tree, _) = trialsieve::criteria::build(text);
        for sec in &tree {
            // A header that does not start its line: text before it on its line.
            let header_at = sec.own_spans().first().map_or(sec.span.start, |s| s.start);
            let line_start = text[..header_at].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..header_at];
            if sec.span.start == header_at && before.chars().any(char::is_alphanumeric) {
                let tail: String = before.chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
                midline.push(format!("{id} {}: …{}⟦{}⟧", sec.id, short(&tail, 60), short(&text[header_at..], 60)));
            }
            sec.walk(&mut |c: &Criterion| {
                if let Some(Logic::AtLeast(n)) = c.logic {
                    let m = c.children.iter().filter(|k| k.kind != NodeKind::Note).count();
                    groups.push(format!("{id} {} {:?} {n} of {m}: {}", c.id, c.section, short(&c.text, 110)));
                }
                if c.section == Section::Inclusion {
                    let t = &c.text;
                    let l = t.to_lowercase();
                    // "exclusion" followed by a colon (after an optional
                    // "criteria"), or written in capitals, past the start.
                    for (i, _) in l.match_indices("exclusion") {
                        let rest = &l[i + 9..];
                        let rest = rest.strip_prefix(" criteria").unwrap_or(rest).trim_start();
                        let caps = t[i..].starts_with("EXCLUSION");
                        if i > 0 && (rest.starts_with(':') || caps) {
                            let from = (0..=i.saturating_sub(50)).rev().find(|&k| t.is_char_boundary(k)).unwrap_or(0);
                            left.push(format!("{id} {}: {}", c.id, short(&t[from..], 120)));
                            break;
                        }
                    }
                }
            });
        }
    }
    println!("{trials} trials");
    println!("{} n-of-m groups", groups.len());
    for g in groups.iter().step_by((groups.len() / sample).max(1)).take(sample) {
        println!("  {g}");
    }
    println!("{} section headers inside a line or paragraph", midline.len());
    for g in midline.iter().step_by((midline.len() / sample).max(1)).take(sample) {
        println!("  {g}");
    }
    println!("{} exclusion headings left inside inclusion text", left.len());
    for g in left.iter().take(sample * 2) {
        println!("  {g}");
    }
}
