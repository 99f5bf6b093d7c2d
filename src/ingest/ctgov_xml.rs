//! Legacy ClinicalTrials.gov XML (`<clinical_study>`), read with the small
//! reader in [`super::xml`]. Its text blocks are hard-wrapped and indented:
//! the common indentation is taken off, the line breaks are kept.

use super::{facts, xml};
use crate::Error;
use crate::trial::{Diagnostic, Format, Location, Trial};

/// Reads a `<clinical_study>` record. Malformed XML is read as far as it
/// goes, with diagnostics; XML without a `<clinical_study>` is `NotATrial`.
pub fn read(input: &str) -> Result<Vec<Trial>, Error> {
    let (doc, problems) = xml::parse(input);
    let Some(s) = doc.child("clinical_study") else {
        return Err(Error::NotATrial(
            "XML has no <clinical_study> element, so it is not a ClinicalTrials.gov record".into(),
        ));
    };
    let mut t = Trial {
        format: Format::CtgovXml,
        id: s.text_at(&["id_info", "nct_id"]),
        title: s.text_at(&["brief_title"]).map(|x| fold_space(&x)),
        official_title: s.text_at(&["official_title"]).map(|x| fold_space(&x)),
        status: s.text_at(&["overall_status"]).and_then(|x| facts::status(&x)),
        phases: s.text_at(&["phase"]).and_then(|x| facts::phases(&x)).unwrap_or_default(),
        study_type: s.text_at(&["study_type"]).and_then(|x| facts::study_type(&x)),
        sponsor: s.text_at(&["sponsors", "lead_sponsor", "agency"]),
        conditions: s
            .children_named("condition")
            .map(|c| c.text().trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        enrollment: s.text_at(&["enrollment"]).and_then(|x| facts::count(&x)),
        healthy_volunteers: s.text_at(&["eligibility", "healthy_volunteers"]).and_then(|x| facts::yes_no(&x)),
        start_date: s.text_at(&["start_date"]).and_then(|x| facts::date(&x)),
        completion_date: s.text_at(&["completion_date"]).and_then(|x| facts::date(&x)),
        eligibility_text: s
            .at(&["eligibility", "criteria", "textblock"])
            .or_else(|| s.at(&["eligibility", "criteria"]))
            .map(|e| dedent(&e.text()))
            .unwrap_or_default(),
        ..Trial::default()
    };
    if let Some(ids) = s.child("id_info") {
        for name in ["org_study_id", "secondary_id"] {
            for e in ids.children_named(name) {
                let v = e.text().trim().to_string();
                if !v.is_empty() && !t.secondary_ids.contains(&v) {
                    t.secondary_ids.push(v);
                }
            }
        }
    }
    for (name, slot) in [("minimum_age", &mut t.minimum_age), ("maximum_age", &mut t.maximum_age)] {
        if let Some(v) = s.text_at(&["eligibility", name]) {
            *slot = facts::age(&v);
            if slot.is_none() && v != "N/A" {
                t.diagnostics.push(Diagnostic::warning(format!("<{name}> {v:?} is not an age"), None));
            }
        }
    }
    t.sex = s.text_at(&["eligibility", "gender"]).and_then(|x| facts::sex(&x));
    t.locations = s
        .children_named("location")
        .map(|l| Location {
            facility: l.text_at(&["facility", "name"]),
            city: l.text_at(&["facility", "address", "city"]),
            state: l.text_at(&["facility", "address", "state"]),
            country: l.text_at(&["facility", "address", "country"]),
            status: l.text_at(&["status"]).and_then(|x| facts::status(&x)),
        })
        .collect();
    for p in problems.into_iter().take(20) {
        t.diagnostics.push(Diagnostic::warning(format!("malformed XML: {p}"), None));
    }
    if t.id.is_none() {
        t.diagnostics.push(Diagnostic::warning("record has no <id_info><nct_id>", None));
    }
    if t.eligibility_text.is_empty() {
        t.diagnostics.push(Diagnostic::warning("record has no <eligibility><criteria>", None));
    }
    Ok(vec![t])
}

fn fold_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Takes off the indentation common to every non-blank line, trailing
/// blanks and the blank lines around the text.
pub fn dedent(s: &str) -> String {
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(s.len());
    for l in s.lines() {
        // The indent is ASCII blanks on every non-blank line, so the cut
        // falls on a character boundary; blank lines become empty.
        let l = if l.trim().is_empty() { "" } else { l.get(indent..).unwrap_or(l) };
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out.trim_matches('\n').to_string()
}
