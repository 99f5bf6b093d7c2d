//! Helpers shared by the criteria tests: the outline rendering, the tree
//! invariants and the corpus location.

#![allow(dead_code)]

use std::path::PathBuf;

use trialsieve::criteria::{Criterion, NodeKind};

#[allow(unused_imports)]
pub use trialsieve::criteria::outline;

/// Checks the invariants of a tree over its text; returns what is wrong.
pub fn invariants(text: &str, tree: &[Criterion]) -> Result<(), String> {
    fn node(text: &str, c: &Criterion, covered: &mut [u8]) -> Result<(), String> {
        let s = c.span;
        if s.start > s.end || s.end > text.len() || !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            return Err(format!("node {} has a bad span {:?}", c.id, s));
        }
        let mut at = s.start;
        for k in &c.children {
            if k.span.start < at || k.span.end > s.end {
                return Err(format!("child {} {:?} of {} {:?} does not nest or increase", k.id, k.span, c.id, s));
            }
            at = k.span.end;
        }
        if c.children.is_empty() == c.logic.is_some() && c.kind != NodeKind::Note {
            return Err(format!("node {} has children but no logic or logic without children", c.id));
        }
        if let Some(a) = &c.applies_if {
            if !s.contains(a.span) || a.span.slice(text).is_empty() {
                return Err(format!("appliesIf of {} lies outside it", c.id));
            }
        }
        for o in c.own_spans() {
            for b in &mut covered[o.start..o.end] {
                *b += 1;
            }
        }
        for k in &c.children {
            node(text, k, covered)?;
        }
        Ok(())
    }
    let mut covered = vec![0u8; text.len()];
    let mut at = 0;
    for c in tree {
        if c.kind != NodeKind::Section || c.span.start < at {
            return Err(format!("top-level node {} is not a section or does not increase", c.id));
        }
        at = c.span.end;
        node(text, c, &mut covered)?;
    }
    for (i, ch) in text.char_indices() {
        if !ch.is_whitespace() && covered[i] != 1 {
            let ctx: String = text[i..].chars().take(40).collect();
            return Err(format!("character at {i} is covered {} times: {ctx:?}", covered[i]));
        }
    }
    Ok(())
}

/// Whether a line of the text is plainly a section header of the kind
/// ("Inclusion Criteria:", "**EXCLUSION CRITERIA**"): an independent, strict
/// reading to hold the builder to.
pub fn has_plain_header(text: &str, word: &str) -> bool {
    text.lines().any(|l| {
        let t: String = l.chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect::<String>().to_lowercase();
        t.trim() == format!("{word} criteria")
    })
}

#[path = "../common/corpus.rs"]
mod corpus_path;

/// The corpus folder with its `trials.jsonl` (`TRIALSIEVE_CORPUS`, else
/// `../shared/corpus` beside the repository root).
pub fn corpus_dir() -> Option<PathBuf> {
    corpus_path::trials_jsonl().and_then(|p| p.parent().map(PathBuf::from))
}

/// The corpus trials as (nctId, eligibility text).
pub fn corpus() -> Option<Vec<(String, String)>> {
    let dir = corpus_dir()?;
    let data = std::fs::read_to_string(dir.join("trials.jsonl")).ok()?;
    let mut out = Vec::new();
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
        let id = v["nctId"].as_str().unwrap_or("").to_string();
        let text = v["eligibilityCriteria"].as_str().unwrap_or("").to_string();
        out.push((id, text));
    }
    Some(out)
}
