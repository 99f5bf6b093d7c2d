//! What the fuzz targets do with their input, shared with the plain cargo
//! test that replays the fuzz corpus and the kept crash inputs
//! (`tests/robustness_replay.rs`), so that a crash found by the fuzzer and
//! its regression test run the very same code.
//!
//! Input layout, chosen so that any byte string is a valid input and the
//! seeds stay readable text:
//! - byte 0 picks the format option (modulo the number of formats);
//! - for `check`, the rest is split at the first NUL byte: trial text, then
//!   patient JSON (absent: an empty object).
//!
//! Bytes that are not UTF-8 are replaced (U+FFFD), as the CLI and the JS
//! edge do: the core only ever sees `&str`.

#![allow(dead_code)]

use trialsieve::{EvalOptions, Format, ParseOptions};

/// Every format option, `Auto` first.
pub const FORMATS: [Format; 6] = [Format::Auto, Format::CtgovJson, Format::CtgovXml, Format::Markdown, Format::Html, Format::Text];

/// The format option selected by an input's first byte.
pub fn format_of(data: &[u8]) -> Format {
    data.first().map_or(Format::Auto, |b| FORMATS[*b as usize % FORMATS.len()])
}

/// Parses `data[1..]` as any format; checks every invariant that must hold
/// whatever the input, and panics (for the fuzzer to see) when one does not.
pub fn parse(data: &[u8]) {
    let options = ParseOptions { format: format_of(data) };
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default());
    if let Ok(trials) = trialsieve::parse(&text, &options) {
        for t in &trials {
            check_spans(t);
            // The JS edge converts every span; it must not panic either.
            let _ = t.to_utf16();
        }
        // Deterministic: the same input gives the same trials.
        let again = trialsieve::parse(&text, &options);
        assert_eq!(again.as_ref(), Ok(&trials), "parse is not deterministic");
    }
}

/// Parses the trial text and checks the patient JSON against it.
pub fn check(data: &[u8]) {
    let options = ParseOptions { format: format_of(data) };
    let rest = data.get(1..).unwrap_or_default();
    let (trial, patient) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &b"{}"[..]),
    };
    let text = String::from_utf8_lossy(trial);
    let patient = String::from_utf8_lossy(patient);
    let Ok(trials) = trialsieve::parse(&text, &options) else { return };
    let Ok(p) = trialsieve::patient::read(&patient) else { return };
    let result = trialsieve::eval::check(&trials, &p, &EvalOptions::default());
    assert_eq!(result.evaluations.len(), trials.len(), "one evaluation per trial");
    let _ = result.to_utf16(&trials);
    for t in &trials {
        let _ = trialsieve::evaluate(t, &p, &EvalOptions { closed_world: true, ..Default::default() });
    }
}

/// Spans lie inside the text, on char boundaries; children nest inside
/// their parent and increase without overlapping; atoms lie inside their node.
pub fn check_spans(t: &trialsieve::Trial) {
    let text = &t.eligibility_text;
    let ok = |s: trialsieve::Span| s.start <= s.end && text.is_char_boundary(s.start) && text.is_char_boundary(s.end);
    for d in &t.diagnostics {
        if let Some(s) = d.span {
            assert!(ok(s), "diagnostic span {s:?} does not fit the text");
        }
    }
    fn walk(text: &str, nodes: &[trialsieve::criteria::Criterion], parent: Option<trialsieve::Span>, ok: &dyn Fn(trialsieve::Span) -> bool) {
        let mut last_end = parent.map_or(0, |p| p.start);
        for c in nodes {
            assert!(ok(c.span), "{}: span {:?} does not fit the text", c.id, c.span);
            if let Some(p) = parent {
                assert!(p.contains(c.span), "{}: span {:?} outside its parent {p:?}", c.id, c.span);
            }
            assert!(c.span.start >= last_end, "{}: span {:?} starts before its elder sibling ends ({last_end})", c.id, c.span);
            last_end = c.span.end;
            for a in &c.atoms {
                let a_span = a.span;
                assert!(ok(a_span), "{}: atom span {:?} does not fit the text", c.id, a.span);
                assert!(c.span.contains(a_span), "{}: atom span {:?} outside its node {:?}", c.id, a.span, c.span);
            }
            if let Some(a) = &c.applies_if {
                assert!(ok(a.span), "{}: appliesIf span {:?} does not fit the text", c.id, a.span);
            }
            for s in &c.uncovered {
                assert!(ok(*s), "{}: uncovered span {s:?} does not fit the text", c.id);
            }
            walk(text, &c.children, Some(c.span), ok);
        }
    }
    walk(text, &t.criteria, None, &ok);
}
