//! ClinicalTrials.gov API v2 study JSON: one study, a page
//! `{"studies": [...]}`, or an array of studies.

use serde_json::Value;

use super::facts;
use crate::Error;
use crate::trial::{Diagnostic, Format, Location, Trial};

/// Reads every study in `input`. Invalid JSON is `BadJson`; JSON that holds
/// no study record is `NotATrial`.
pub fn read(input: &str) -> Result<Vec<Trial>, Error> {
    let v: Value = serde_json::from_str(input.trim_start_matches('\u{feff}'))
        .map_err(|e| Error::BadJson(format!("study JSON does not parse: {e}")))?;
    let (studies, place): (Vec<&Value>, &str) = match &v {
        Value::Object(o) if o.contains_key("studies") => match o.get("studies").and_then(Value::as_array) {
            Some(list) => (list.iter().collect(), "studies"),
            None => {
                return Err(Error::NotATrial("\"studies\" is not an array of ClinicalTrials.gov study records".into()));
            }
        },
        Value::Array(list) => (list.iter().collect(), ""),
        Value::Object(_) => (vec![&v], ""),
        other => {
            return Err(Error::NotATrial(format!(
                "JSON {} is not a ClinicalTrials.gov study record (expected an object with protocolSection)",
                kind(other)
            )));
        }
    };
    let mut out = Vec::new();
    for (i, s) in studies.iter().enumerate() {
        let Some(p) = s.get("protocolSection") else {
            let at = if place.is_empty() && studies.len() == 1 && !v.is_array() {
                String::new()
            } else {
                format!("{place}[{i}] ")
            };
            return Err(Error::NotATrial(format!(
                "JSON {at}has no protocolSection, so it is not a ClinicalTrials.gov API v2 study record"
            )));
        };
        out.push(study(p));
    }
    if out.is_empty() {
        return Err(Error::NotATrial("JSON holds an empty list of studies".into()));
    }
    Ok(out)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    Some(cur)
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

fn strings(v: &Value, path: &[&str]) -> Vec<String> {
    at(v, path)
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_str).map(String::from).collect())
}

fn study(p: &Value) -> Trial {
    let mut t = Trial {
        format: Format::CtgovJson,
        id: text(p, &["identificationModule", "nctId"]),
        title: text(p, &["identificationModule", "briefTitle"]),
        official_title: text(p, &["identificationModule", "officialTitle"]),
        status: text(p, &["statusModule", "overallStatus"]),
        phases: strings(p, &["designModule", "phases"]),
        study_type: text(p, &["designModule", "studyType"]),
        sponsor: text(p, &["sponsorCollaboratorsModule", "leadSponsor", "name"]),
        conditions: strings(p, &["conditionsModule", "conditions"]),
        enrollment: at(p, &["designModule", "enrollmentInfo", "count"]).and_then(Value::as_u64),
        healthy_volunteers: at(p, &["eligibilityModule", "healthyVolunteers"]).and_then(Value::as_bool),
        start_date: text(p, &["statusModule", "startDateStruct", "date"]).and_then(|d| facts::date(&d)),
        completion_date: text(p, &["statusModule", "completionDateStruct", "date"]).and_then(|d| facts::date(&d)),
        eligibility_text: at(p, &["eligibilityModule", "eligibilityCriteria"])
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        ..Trial::default()
    };
    if let Some(org) = text(p, &["identificationModule", "orgStudyIdInfo", "id"]) {
        t.secondary_ids.push(org);
    }
    if let Some(list) = at(p, &["identificationModule", "secondaryIdInfos"]).and_then(Value::as_array) {
        for s in list {
            if let Some(id) = text(s, &["id"]) {
                if !t.secondary_ids.contains(&id) {
                    t.secondary_ids.push(id);
                }
            }
        }
    }
    for (field, slot) in [("minimumAge", &mut t.minimum_age), ("maximumAge", &mut t.maximum_age)] {
        if let Some(s) = text(p, &["eligibilityModule", field]) {
            *slot = facts::age(&s);
            if slot.is_none() {
                t.diagnostics.push(Diagnostic::warning(format!("eligibilityModule.{field} {s:?} is not an age"), None));
            }
        }
    }
    if let Some(s) = text(p, &["eligibilityModule", "sex"]) {
        t.sex = facts::sex(&s);
        if t.sex.is_none() {
            t.diagnostics
                .push(Diagnostic::warning(format!("eligibilityModule.sex {s:?} is not ALL, FEMALE or MALE"), None));
        }
    }
    if let Some(list) = at(p, &["contactsLocationsModule", "locations"]).and_then(Value::as_array) {
        t.locations = list
            .iter()
            .map(|l| Location {
                facility: text(l, &["facility"]),
                city: text(l, &["city"]),
                state: text(l, &["state"]),
                country: text(l, &["country"]),
                status: text(l, &["status"]),
            })
            .collect();
    }
    if t.id.is_none() {
        t.diagnostics.push(Diagnostic::warning("study has no identificationModule.nctId", None));
    }
    if t.eligibility_text.trim().is_empty() {
        t.diagnostics.push(Diagnostic::warning("study has no eligibilityModule.eligibilityCriteria", None));
    }
    t
}
