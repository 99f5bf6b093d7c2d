//! Reading trial records: format detection and one reader per format.
//!
//! Every reader fills the same [`Trial`]: its metadata and the eligibility
//! text as published; `criteria::build` lays the tree over that text later.
//! JSON that does not parse or holds no study is an `Err`; everything read
//! as text (pages, markdown, HTML, XML) yields a trial with diagnostics.

mod ctgov_json;
mod ctgov_xml;
mod detect;
pub mod facts;
pub mod html;
mod markdown;
mod page;
mod page_field;
pub mod xml;

pub use ctgov_xml::dedent;
pub use detect::detect;
pub use markdown::unescape as unescape_markdown;

use crate::Error;
use crate::trial::{Diagnostic, Format, Trial};

/// Reads every trial in `input`. Detects the format unless `format` names one.
///
/// ```
/// use trialsieve::{ingest::read, Format};
/// let page = "A Study of Something New\nPhasePHASE2\nSexAll\nAges18 Years and up\n\nInclusion Criteria:\n* Adults\n\nHow to participate\nCall us";
/// let t = &read(page, Format::Auto).unwrap()[0];
/// assert_eq!(t.phases, ["PHASE2"]);
/// assert_eq!(t.eligibility_text, "Inclusion Criteria:\n* Adults");
/// ```
pub fn read(input: &str, format: Format) -> Result<Vec<Trial>, Error> {
    let explicit = format != Format::Auto;
    let format = if explicit { format } else { detect(input) };
    if input.trim_start_matches('\u{feff}').trim().is_empty() {
        let mut t = Trial { format, ..Trial::default() };
        t.diagnostics.push(Diagnostic::warning("input is empty", None));
        return Ok(vec![t]);
    }
    if let Some(bad) = binary(input) {
        let mut t = Trial { format, ..Trial::default() };
        t.diagnostics.push(Diagnostic::error(
            format!("input looks binary ({bad} control characters in its first 8 KB); nothing was read"),
            None,
        ));
        return Ok(vec![t]);
    }
    match format {
        Format::CtgovJson => ctgov_json::read(input),
        Format::CtgovXml => match ctgov_xml::read(input) {
            Err(e) if !explicit => {
                // Detection saw "<clinical_study" but no record was there:
                // read the input as a page rather than fail on text.
                let mut t = read_page(&html::to_text(input), Format::Html);
                t.diagnostics.push(Diagnostic::warning(format!("read as HTML because {e}"), None));
                Ok(vec![t])
            }
            other => other,
        },
        Format::Markdown => Ok(vec![markdown::read(input)]),
        Format::Html => {
            let mut t = Trial { title: html::first_h1(input), ..Trial::default() };
            read_page_into(&html::to_text(input), Format::Html, &mut t);
            Ok(vec![t])
        }
        Format::Text | Format::Auto => Ok(vec![read_page(input, Format::Text)]),
    }
}

/// A page read as text. A text with no criteria header and no page facts
/// is taken to be bare criteria.
fn read_page(text: &str, format: Format) -> Trial {
    let mut t = Trial::default();
    read_page_into(text, format, &mut t);
    t
}

/// Reads a page into `t`, keeping the fields it already has.
fn read_page_into(text: &str, format: Format, t: &mut Trial) {
    let known = std::mem::take(t);
    *t = Trial { format, ..known.clone() };
    let page = page::Lines::new(text);
    let page_like = page::read_lines(&page, t, true, page::PageOptions { probe: true, ..Default::default() });
    if !page_like {
        // No page facts: the text is criteria as published, preamble
        // ("DISEASE CHARACTERISTICS:", "Part A") included.
        let had_header = !t.eligibility_text.is_empty();
        let titled = known.title.is_some();
        *t = Trial { format, ..known };
        let _ = page::read_lines(&page, t, true, page::PageOptions { bare: true, ..Default::default() });
        if !titled && text.trim_start().starts_with(t.eligibility_text.as_str()) {
            // The "title" found was the first criterion.
            t.title = None;
        }
        if !had_header {
            t.diagnostics.push(Diagnostic::info("no criteria header found; the whole text is read as criteria", None));
        }
    }
}

/// The number of control characters in the first 8 KB when they make up
/// more than a tenth of it.
fn binary(input: &str) -> Option<usize> {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in input.chars().take(8192) {
        total += 1;
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || c == '\u{fffd}' {
            bad += 1;
        }
    }
    (bad * 10 > total).then_some(bad)
}
