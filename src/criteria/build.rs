//! Lays the criteria tree over an eligibility text.
//!
//! This first version knows section headers and one item per line.

use super::{Criterion, Logic, NodeKind, Section};
use crate::span::Span;
use crate::trial::Diagnostic;

/// Builds the criteria tree of an eligibility text. Never fails: what it
/// cannot place is kept in the tree as it is, with a diagnostic.
///
/// ```
/// let (tree, _) = trialsieve::criteria::build("Inclusion Criteria:\n* Age 18 or older\n\nExclusion Criteria:\n* Pregnancy\n");
/// assert_eq!(tree.len(), 2);
/// assert_eq!(tree[1].children[0].text, "Pregnancy");
/// ```
pub fn build(text: &str) -> (Vec<Criterion>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // (section, header span, item line spans)
    let mut sections: Vec<(Section, Span, Vec<Span>)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let span = trim_span(text, Span::new(at, at + line.len()));
        at += line.len();
        if span.is_empty() {
            continue;
        }
        let body = span.slice(text);
        if let Some(section) = header_section(body) {
            sections.push((section, span, Vec::new()));
            continue;
        }
        if sections.is_empty() {
            diags.push(Diagnostic::warning("criteria text before any section header; read as inclusion", None));
            sections.push((Section::Inclusion, Span::new(span.start, span.start), Vec::new()));
        }
        sections.last_mut().unwrap().2.push(span);
    }
    let mut out = Vec::new();
    let mut counts = [0usize; 2];
    for (section, header, items) in sections {
        let n = &mut counts[section as usize];
        *n += 1;
        let base = match section {
            Section::Inclusion => "inc",
            Section::Exclusion => "exc",
        };
        let id = if *n == 1 { base.to_string() } else { format!("{base}{n}") };
        let end = items.last().map_or(header.end, |s| s.end);
        let span = Span::new(header.start, end);
        let mut node = Criterion::new(id.clone(), section, NodeKind::Section, span, fold_ws(header.slice(text)));
        for (i, item) in items.into_iter().enumerate() {
            let (marker, body) = split_marker(text, item);
            let mut c = Criterion::new(format!("{id}.{}", i + 1), section, NodeKind::Criterion, item, fold_ws(body.slice(text)));
            c.marker = marker;
            node.children.push(c);
        }
        if !node.children.is_empty() {
            node.logic = Some(Logic::All);
        }
        out.push(node);
    }
    (out, diags)
}

fn header_section(line: &str) -> Option<Section> {
    let l = line.trim().trim_end_matches(':').trim().to_lowercase();
    let l = l.trim_start_matches(['#', '*', ' ']).trim_end_matches('*');
    match l {
        "inclusion criteria" | "inclusion" | "key inclusion criteria" => Some(Section::Inclusion),
        "exclusion criteria" | "exclusion" | "key exclusion criteria" => Some(Section::Exclusion),
        _ => None,
    }
}

fn trim_span(text: &str, span: Span) -> Span {
    let s = span.slice(text);
    let start = span.start + (s.len() - s.trim_start().len());
    let end = span.end - (s.len() - s.trim_end().len());
    Span::new(start, end.max(start))
}

fn split_marker(text: &str, span: Span) -> (Option<String>, Span) {
    let s = span.slice(text);
    let marker_len = ["* ", "- ", "• ", "· "].iter().find(|m| s.starts_with(**m)).map(|m| m.len()).or_else(|| {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0 && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))).then_some(digits + 1)
    });
    match marker_len {
        Some(n) => {
            let marker = s[..n].trim().to_string();
            (Some(marker), trim_span(text, Span::new(span.start + n, span.end)))
        }
        None => (None, span),
    }
}

/// Folds runs of white space into one space.
pub(crate) fn fold_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
