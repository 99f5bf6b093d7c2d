//! Atoms over the whole trial corpus: never a panic, every span of every
//! atom inside its criterion and the same text in UTF-16 as in UTF-8, and
//! the share of criteria fully, partly and not understood.

#[path = "common/corpus.rs"]
mod corpus_path;

use std::path::{Path, PathBuf};

use trialsieve::criteria::{Criterion, NodeKind, Understood};
use trialsieve::{Format, ParseOptions, Span, Trial};

use corpus_path::dir as corpus_dir;

/// Checks every span of a parsed trial; returns what is wrong, one line a
/// problem. Inside Rust: each atom's spans (`span`, `valueSpan`, …,
/// `window.span`), `uncovered` and `appliesIf` lie inside their criterion's
/// span, on character boundaries. After [`Trial::to_utf16`]: each span,
/// sliced from the UTF-16 text, gives the text the byte span gave.
fn span_problems(t: &Trial, label: &str) -> Vec<String> {
    let text = &t.eligibility_text;
    let mut problems = Vec::new();
    // Every span in the order `Trial::spans_mut` visits them, with the span
    // of the criterion it belongs to (the text's whole length for diagnostics).
    let mut owned: Vec<(Span, Span, String)> = Vec::new();
    for d in &t.diagnostics {
        owned.extend(d.span.map(|s| (Span::new(0, text.len()), s, "diagnostic".to_string())));
    }
    for top in &t.criteria {
        top.walk(&mut |c: &Criterion| {
            owned.push((Span::new(0, text.len()), c.span, format!("criterion {}", c.id)));
            if let Some(a) = &c.applies_if {
                owned.push((c.span, a.span, format!("appliesIf of {}", c.id)));
            }
            for (i, a) in c.atoms.iter().enumerate() {
                for s in a.spans() {
                    owned.push((c.span, s, format!("atom {i} of {}", c.id)));
                }
            }
            for s in &c.uncovered {
                owned.push((c.span, *s, format!("uncovered of {}", c.id)));
            }
        });
    }
    for (outer, s, what) in &owned {
        if !outer.contains(*s) || text.get(s.start..s.end).is_none() {
            problems.push(format!("{label}: {what}: span {s:?} outside {outer:?} or off the text"));
        }
    }
    let mut u = t.to_utf16();
    let mut converted = Vec::new();
    u.spans_mut(&mut |s| converted.push(*s));
    if converted.len() != owned.len() {
        problems.push(format!("{label}: {} spans in UTF-8, {} after conversion", owned.len(), converted.len()));
        return problems;
    }
    let units: Vec<u16> = text.encode_utf16().collect();
    for ((_, s, what), c) in owned.iter().zip(&converted) {
        let want = s.slice(text);
        let got = units.get(c.start..c.end).map(String::from_utf16_lossy);
        if got.as_deref() != Some(want) {
            problems.push(format!("{label}: {what}: UTF-16 {c:?} gives {got:?}, UTF-8 {s:?} gives {want:?}"));
        }
    }
    problems
}

fn assert_no_problems(problems: &[String], checked: usize) {
    println!("{checked} trials checked, {} span problems", problems.len());
    assert!(problems.is_empty(), "{} span problems, first: {:#?}", problems.len(), &problems[..problems.len().min(10)]);
}

/// Every record of the corpus (`records/ctgov-v2`, `records/ctgov-xml`)
/// and every seed page, read in its own format.
#[test]
fn spans_of_records_and_seeds_lie_in_their_criteria() {
    let mut files: Vec<PathBuf> = Vec::new();
    let list = |dir: PathBuf| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        v.sort();
        v
    };
    files.extend(list(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds")));
    assert!(files.len() >= 5, "the seed pages are missing");
    match corpus_dir() {
        Some(dir) => {
            files.extend(list(dir.join("records/ctgov-v2")));
            files.extend(list(dir.join("records/ctgov-xml")));
        }
        None => println!("no corpus (TRIALSIEVE_CORPUS or ../shared/corpus): seeds only"),
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for f in &files {
        let Ok(input) = std::fs::read_to_string(f) else { continue };
        let Ok(trials) = trialsieve::parse(&input, &ParseOptions::default()) else { continue };
        for t in &trials {
            checked += 1;
            problems.extend(span_problems(t, &f.display().to_string()));
        }
    }
    assert!(checked >= 5);
    assert_no_problems(&problems, checked);
}

/// Over every trial of `trials.jsonl`: the spans (see [`span_problems`]),
/// and the share of criteria understood.
#[test]
fn understood_share_and_spans_over_the_corpus() {
    let Some(dir) = corpus_dir() else {
        println!("no corpus (TRIALSIEVE_CORPUS or ../shared/corpus); skipping");
        return;
    };
    let Ok(lines) = std::fs::read_to_string(dir.join("trials.jsonl")) else {
        println!("no trials.jsonl in {}; skipping", dir.display());
        return;
    };
    let options = ParseOptions { format: Format::Text };
    let (mut full, mut partial, mut none, mut atoms) = (0usize, 0usize, 0usize, 0usize);
    let (mut problems, mut checked) = (Vec::new(), 0usize);
    let started = std::time::Instant::now();
    for line in lines.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let Some(text) = v.get("eligibilityCriteria").and_then(|t| t.as_str()) else { continue };
        let Ok(trials) = trialsieve::parse(text, &options) else { continue };
        for t in &trials {
            checked += 1;
            problems.extend(span_problems(t, v.get("nctId").and_then(|x| x.as_str()).unwrap_or("?")));
            for node in &t.criteria {
                node.walk(&mut |c: &Criterion| {
                    if c.kind != NodeKind::Criterion {
                        return;
                    }
                    for a in &c.atoms {
                        atoms += 1;
                        assert!(t.eligibility_text.get(a.span.start..a.span.end).is_some(), "atom span {:?} not on the text of {:?}", a.span, v.get("nctId"));
                    }
                    for u in &c.uncovered {
                        assert!(c.span.contains(*u), "uncovered span {u:?} outside criterion {:?}", c.span);
                    }
                    match c.understood {
                        Some(Understood::Full) => full += 1,
                        Some(Understood::Partial) => partial += 1,
                        _ => none += 1,
                    }
                });
            }
        }
    }
    let total = (full + partial + none).max(1) as f64;
    println!(
        "criteria {}: full {:.3}, partial {:.3}, none {:.3}; {} atoms; {:?}",
        full + partial + none,
        full as f64 / total,
        partial as f64 / total,
        none as f64 / total,
        atoms,
        started.elapsed()
    );
    assert_no_problems(&problems, checked);
    assert!(full + partial > 0, "no criterion understood at all");
    // Today 0.184 full, 0.599 partial; a floor a little under, so that a
    // regression fails.
    assert!((full + partial) as f64 / total >= 0.77, "share of criteria with atoms fell to {:.3}", (full + partial) as f64 / total);
}

/// Every span on char boundaries of some hard lines: no panic, atom spans
/// inside the span asked for.
#[test]
fn any_span_of_odd_text() {
    let text = "（1）ALT≤3×ULN；AST≤3×ULN。 Hb ≥ 60g/L，PLT＞80×10^9/L 😀 1\\~3 g/d, ≥ 1:80, 30×109/L (2.5mg/dl) 18-65岁 except CD19-CART; no HBV within 2 weeks prior to screening";
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    for (k, &a) in bounds.iter().enumerate() {
        for &b in bounds[k..].iter().step_by(3) {
            let span = trialsieve::Span::new(a, b);
            for atom in trialsieve::atoms::extract(text, span) {
                assert!(span.contains(atom.span), "atom span {:?} outside {span:?}", atom.span);
                assert!(text.get(atom.span.start..atom.span.end).is_some(), "atom span {:?} off char boundaries", atom.span);
            }
        }
    }
}
