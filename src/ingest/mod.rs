//! Reading trial records: format detection and one reader per format.
//!
//! This first version reads ClinicalTrials.gov API v2 JSON and takes the
//! criteria of any other text from its first "Inclusion" header on.

use serde_json::Value;

use crate::trial::{Age, Diagnostic, Format, SexEligibility, Trial};
use crate::Error;

/// Reads every trial in `input`. Detects the format unless `format` names one.
pub fn read(input: &str, format: Format) -> Result<Vec<Trial>, Error> {
    let format = if format == Format::Auto { detect(input) } else { format };
    match format {
        Format::CtgovJson => read_ctgov_json(input),
        _ => Ok(vec![read_text(input, format)]),
    }
}

pub fn detect(input: &str) -> Format {
    let t = input.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        Format::CtgovJson
    } else if t.contains("<clinical_study") {
        Format::CtgovXml
    } else if t.starts_with("---") || t.starts_with('#') {
        Format::Markdown
    } else if t.starts_with('<') {
        Format::Html
    } else {
        Format::Text
    }
}

fn read_ctgov_json(input: &str) -> Result<Vec<Trial>, Error> {
    let v: Value = serde_json::from_str(input).map_err(|e| Error::BadJson(e.to_string()))?;
    let studies: Vec<&Value> = match v.get("studies").and_then(Value::as_array) {
        Some(list) => list.iter().collect(),
        None => vec![&v],
    };
    let mut out = Vec::new();
    for s in studies {
        let p = s.get("protocolSection").ok_or_else(|| Error::NotATrial("JSON has no protocolSection".into()))?;
        let str_at = |path: &[&str]| -> Option<String> {
            let mut cur = p;
            for k in path {
                cur = cur.get(k)?;
            }
            cur.as_str().map(str::to_string)
        };
        let mut t = Trial {
            format: Format::CtgovJson,
            id: str_at(&["identificationModule", "nctId"]),
            title: str_at(&["identificationModule", "briefTitle"]),
            eligibility_text: str_at(&["eligibilityModule", "eligibilityCriteria"]).unwrap_or_default(),
            minimum_age: str_at(&["eligibilityModule", "minimumAge"]).and_then(|s| parse_age(&s)),
            maximum_age: str_at(&["eligibilityModule", "maximumAge"]).and_then(|s| parse_age(&s)),
            sex: str_at(&["eligibilityModule", "sex"]).and_then(|s| match s.as_str() {
                "ALL" => Some(SexEligibility::All),
                "FEMALE" => Some(SexEligibility::Female),
                "MALE" => Some(SexEligibility::Male),
                _ => None,
            }),
            ..Trial::default()
        };
        if t.eligibility_text.is_empty() {
            t.diagnostics.push(Diagnostic::warning("record has no eligibility criteria", None));
        }
        out.push(t);
    }
    Ok(out)
}

fn read_text(input: &str, format: Format) -> Trial {
    let start = input.find("Inclusion Criteria").or_else(|| input.find("Inclusion")).unwrap_or(0);
    let mut t = Trial { format, eligibility_text: input[start..].to_string(), ..Trial::default() };
    if start == 0 {
        t.diagnostics.push(Diagnostic::warning("no inclusion header found; the whole text is read as criteria", None));
    }
    t
}

/// "18 Years" → 18 a; "6 Months" → 6 mo.
pub fn parse_age(s: &str) -> Option<Age> {
    let mut it = s.split_whitespace();
    let value: f64 = it.next()?.parse().ok()?;
    let unit = match it.next()?.to_lowercase().trim_end_matches('s') {
        "year" => "a",
        "month" => "mo",
        "week" => "wk",
        "day" => "d",
        "hour" => "h",
        "minute" => "min",
        _ => return None,
    };
    Some(Age { value, unit: unit.into() })
}
