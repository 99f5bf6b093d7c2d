use std::collections::HashMap;
use trialsieve::criteria::{Criterion, NodeKind, Understood};
fn main() {
    let lines = std::fs::read_to_string("/work/shared/corpus/trials.jsonl").unwrap();
    let opts = trialsieve::ParseOptions { format: trialsieve::Format::Text };
    let mut words: HashMap<String, usize> = HashMap::new();
    let mut partial_one: HashMap<String, usize> = HashMap::new();
    for line in lines.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(t) = v.get("eligibilityCriteria").and_then(|t| t.as_str()) else { continue };
        let trials = trialsieve::parse(t, &opts).unwrap();
        for tr in &trials { for n in &tr.criteria { n.walk(&mut |c: &Criterion| {
            if c.kind != NodeKind::Criterion { return; }
            for u in &c.uncovered { for w in u.slice(&tr.eligibility_text).split(|ch: char| !ch.is_alphanumeric()) { if !w.is_empty() { *words.entry(w.to_lowercase()).or_default() += 1; } } }
            if c.understood == Some(Understood::Partial) && c.uncovered.len() == 1 { *partial_one.entry(c.uncovered[0].slice(&tr.eligibility_text).to_lowercase()).or_default() += 1; }
        }); } }
    }
    let mut v: Vec<_> = words.into_iter().collect(); v.sort_by(|a, b| b.1.cmp(&a.1));
    for (w, n) in v.iter().take(150) { print!("{w}:{n} "); }
    println!("\n---");
    let mut v: Vec<_> = partial_one.into_iter().collect(); v.sort_by(|a, b| b.1.cmp(&a.1));
    for (w, n) in v.iter().take(80) { print!("{w}:{n} | "); }
}
