//! Format detection from the first bytes of the input.

use crate::trial::Format;

/// How far into the input detection looks: it stays cheap on 10 MB.
const LOOK: usize = 8192;

/// The format `input` is most likely in.
///
/// ```
/// use trialsieve::{ingest::detect, Format};
/// assert_eq!(detect("{\"protocolSection\": {}}"), Format::CtgovJson);
/// assert_eq!(detect("<?xml version=\"1.0\"?>\n<clinical_study>"), Format::CtgovXml);
/// assert_eq!(detect("---\ntitle: x\n---\n# x"), Format::Markdown);
/// assert_eq!(detect("<!DOCTYPE html><html>"), Format::Html);
/// assert_eq!(detect("Inclusion Criteria:\n* Adults"), Format::Text);
/// assert_eq!(detect("[Skip to content](#main)\nInclusion Criteria:"), Format::Text);
/// ```
pub fn detect(input: &str) -> Format {
    let t = input.trim_start_matches('\u{feff}').trim_start();
    let mut end = t.len().min(LOOK);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let head = &t[..end];
    let lower = head.to_ascii_lowercase();
    // JSON opens with '{' then a key, or '[' then a value; a page opening
    // with a markdown link ("[Skip to content]") is no JSON.
    let second = t.get(1..).map(|r| r.trim_start().chars().next());
    match (t.chars().next(), second.flatten()) {
        (Some('{'), Some('"' | '}') | None) => return Format::CtgovJson,
        (Some('['), Some('{' | ']' | '[') | None) => return Format::CtgovJson,
        _ => {}
    }
    if lower.contains("<clinical_study") {
        return Format::CtgovXml;
    }
    if t.starts_with('<') {
        return Format::Html;
    }
    if t.starts_with("---\n") || t.starts_with("---\r\n") || t.starts_with("# ") {
        return Format::Markdown;
    }
    // Text with HTML in it: count closing block tags.
    let tags =
        ["</p>", "</div>", "</li>", "<br", "</td>", "</h"].iter().map(|tag| lower.matches(tag).count()).sum::<usize>();
    if tags >= 3 {
        return Format::Html;
    }
    if lower.contains("\n## ") && lower.contains("```") {
        return Format::Markdown;
    }
    Format::Text
}
