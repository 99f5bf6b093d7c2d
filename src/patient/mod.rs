//! The patient: our JSON shape (documented in `schema/patient.schema.json`
//! and `pkg/patient.d.ts`) or a FHIR R4 `Bundle` mapped to it.
//!
//! [`read`] checks what it reads: wrong types, dates that are not dates and
//! impossible values are errors naming the field; doubtful input becomes a
//! [`Warning`] on the patient, among it a unit not understood (the value is
//! kept and used for no comparison). Nothing bad turns silently into a
//! verdict.
//!
//! ```
//! let p = trialsieve::patient::read(r#"{"age": 45, "sex": "female",
//!   "observations": [{"name": "hemoglobin", "value": 9.5, "unit": "g/dL"}]}"#).unwrap();
//! assert_eq!(p.observations.len(), 1);
//! let err = trialsieve::patient::read(r#"{"observations": [{"name": "hemoglobin", "value": 6000, "unit": "g/L"}]}"#);
//! assert!(err.unwrap_err().to_string().contains("observations[0].value"));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::atoms::Sex;
use crate::Error;

pub mod date;
mod fhir;

use date::Date;

/// A patient as the checker sees it. Every field is optional: what is
/// missing is unknown, never assumed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Patient {
    /// The screening date (`YYYY-MM-DD`); when absent, `EvalOptions::today`
    /// (or, on native targets only, the system date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Age in years on `asOf`, when the birth date is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breastfeeding: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub medications: Vec<Medication>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub procedures: Vec<Procedure>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub immunizations: Vec<Immunization>,
    /// Answers to questions, by question id: `true`/`false`/`"not sure"`, a
    /// number or `{ "value": 55, "unit": "g/L" }`, a date, a choice.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// What [`read`] found doubtful (filled by `read`; ignored on input).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// A diagnosis, present or past.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `SYSTEM:value` (`SNOMED:55464009`, `ICD10:M32.14`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<String>,
    /// When it resolved (FHIR abatement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Active when absent (and no `end`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConditionStatus>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConditionStatus {
    Active,
    Recurrence,
    Relapse,
    Inactive,
    Remission,
    Resolved,
    /// Had it in the past; not now.
    History,
    /// Known not to have it (a refuted diagnosis, a negative screen).
    Absent,
}

/// A lab result, vital sign or score.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Observation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `LOINC:718-7`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub value: ObsValue,
    /// UCUM (`g/dL`, `10*9/L`); common spellings (`x10^9/L`, `/mm3`) are read too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Upper limit of normal in `unit`, as the lab reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_high: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_low: Option<f64>,
}

/// A number, or a qualitative result (`"positive"`, `"negative"`, `true`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ObsValue {
    Number(f64),
    Bool(bool),
    Text(String),
}

impl Default for ObsValue {
    fn default() -> ObsValue {
        ObsValue::Text(String::new())
    }
}

/// A drug the patient takes or took.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Medication {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `RXNORM:8640`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<f64>,
    /// A rate (`mg/d`, `mg/wk`, `mg/kg/d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The last day taken; absent while it is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// `active` (the default without `end`), `stopped`, `completed`, `never`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MedicationStatus>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MedicationStatus {
    Active,
    Stopped,
    Completed,
    /// Known never to have taken it.
    Never,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Procedure {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Immunization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `CVX:03`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// Something doubtful in the input, with the field it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// A path into the patient JSON (`observations[2].unit`) or, for FHIR, the resource.
    pub field: String,
    pub message: String,
}

/// Reads a patient from JSON text: our shape, or a FHIR R4 `Bundle`
/// (detected by `"resourceType": "Bundle"`). A bundle may carry `answers`
/// and `asOf` beside its FHIR fields (`{ ...bundle, answers, asOf }`):
/// FHIR has no place for answers to our questions or for the screening
/// date, so they ride along at the top level and are applied as in our shape.
///
/// ```
/// let p = trialsieve::patient::read(r#"{"resourceType": "Bundle", "type": "collection", "entry": [],
///   "asOf": "2026-11-22", "answers": {"pregnant": false}}"#).unwrap();
/// assert_eq!(p.as_of.as_deref(), Some("2026-11-22"));
/// assert_eq!(p.answers["pregnant"], serde_json::json!(false));
/// ```
pub fn read(json: &str) -> Result<Patient, Error> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| Error::BadPatient(e.to_string()))?;
    let mut p = if value.get("resourceType").is_some() {
        let mut p = fhir::map(&value)?;
        apply_extras(&value, &mut p)?;
        p
    } else {
        let mut p: Patient = serde_json::from_value(value).map_err(|e| Error::BadPatient(e.to_string()))?;
        p.warnings.clear();
        p
    };
    validate(&mut p)?;
    Ok(p)
}

/// `answers` and `asOf` given beside a FHIR resource. `null` counts as absent
/// (a JS object spread with an unset value).
fn apply_extras(value: &serde_json::Value, p: &mut Patient) -> Result<(), Error> {
    use serde_json::Value;
    match value.get("asOf") {
        None | Some(Value::Null) => {}
        Some(Value::String(d)) => p.as_of = Some(d.clone()),
        Some(other) => return Err(bad("asOf", format!("expected a date string (YYYY-MM-DD), found {other}"))),
    }
    match value.get("answers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                p.answers.insert(k.clone(), v.clone());
            }
        }
        Some(other) => return Err(bad("answers", format!("expected an object of answers by question id, found {other}"))),
    }
    Ok(())
}

fn bad(field: &str, msg: impl std::fmt::Display) -> Error {
    Error::BadPatient(format!("{field}: {msg}"))
}

fn check_date(field: &str, v: &Option<String>) -> Result<Option<Date>, Error> {
    match v {
        None => Ok(None),
        Some(s) => Date::parse(s)
            .map(Some)
            .ok_or_else(|| bad(field, format!("\"{s}\" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"))),
    }
}

fn check_named(field: &str, name: &Option<String>, code: &Option<String>) -> Result<(), Error> {
    let empty = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    if empty(name) && empty(code) {
        return Err(bad(field, "needs a name or a code"));
    }
    if let Some(c) = code {
        if !c.contains(':') {
            return Err(bad(&format!("{field}.code"), format!("\"{c}\" is not SYSTEM:value (e.g. LOINC:718-7)")));
        }
    }
    Ok(())
}

/// Checks a patient in place: hard errors for what cannot be right,
/// warnings for what is doubtful. [`read`] calls it.
pub fn validate(p: &mut Patient) -> Result<(), Error> {
    let as_of = check_date("asOf", &p.as_of)?;
    let birth = check_date("birthDate", &p.birth_date)?;
    if let (Some(b), Some(a)) = (birth, as_of) {
        if b.day > a.day {
            return Err(bad("birthDate", format!("{} is after asOf {}", b.to_iso(), a.to_iso())));
        }
    }
    if let Some(age) = p.age {
        if !age.is_finite() || !(0.0..=130.0).contains(&age) {
            return Err(bad("age", format!("{age} is not a possible age in years")));
        }
        if let (Some(b), Some(a)) = (birth, as_of) {
            let computed = date::age_years(b, a) as f64;
            if (computed - age).abs() >= 1.0 {
                p.warnings.push(Warning {
                    field: "age".into(),
                    message: format!("age {age} disagrees with birthDate (age {computed} on asOf); birthDate is used"),
                });
            }
        }
    }
    if p.sex == Some(Sex::Male) && p.pregnant == Some(true) {
        return Err(bad("pregnant", "true for a patient whose sex is male"));
    }
    for (i, c) in p.conditions.iter().enumerate() {
        let f = format!("conditions[{i}]");
        check_named(&f, &c.name, &c.code)?;
        check_date(&format!("{f}.onset"), &c.onset)?;
        check_date(&format!("{f}.end"), &c.end)?;
    }
    let mut warnings = Vec::new();
    for (i, o) in p.observations.iter().enumerate() {
        let f = format!("observations[{i}]");
        check_named(&f, &o.name, &o.code)?;
        check_date(&format!("{f}.date"), &o.date)?;
        // A unit not understood leaves the observation in the record, unused
        // for comparisons (an atom needing it is unknown): a warning, never
        // a refusal of the whole patient.
        if let Some(u) = o.unit.as_deref().filter(|u| crate::units::parse(u).is_none()) {
            warnings.push(unknown_unit(&f, u));
        }
        match &o.value {
            ObsValue::Number(v) => {
                if !v.is_finite() {
                    return Err(bad(&format!("{f}.value"), "not a finite number"));
                }
                plausible(&f, o, *v)?;
                if o.unit.is_none() && unit_expected(o) {
                    warnings.push(Warning {
                        field: format!("{f}.unit"),
                        message: "missing; the value is compared only with thresholds without a unit".into(),
                    });
                }
            }
            ObsValue::Text(t) if t.trim().is_empty() => return Err(bad(&format!("{f}.value"), "empty")),
            _ => {}
        }
        for (k, v) in [("referenceHigh", o.reference_high), ("referenceLow", o.reference_low)] {
            if v.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return Err(bad(&format!("{f}.{k}"), "not a non-negative number"));
            }
        }
    }
    for (i, m) in p.medications.iter().enumerate() {
        let f = format!("medications[{i}]");
        check_named(&f, &m.name, &m.code)?;
        check_date(&format!("{f}.start"), &m.start)?;
        check_date(&format!("{f}.end"), &m.end)?;
        if let Some(d) = m.dose {
            if !d.is_finite() || d < 0.0 {
                return Err(bad(&format!("{f}.dose"), format!("{d} is not a possible dose")));
            }
            match &m.unit {
                None => return Err(bad(&format!("{f}.unit"), "a dose needs a unit (mg/d, mg/wk, mg/kg/d)")),
                Some(u) if crate::units::parse(u).is_none() => warnings.push(unknown_unit(&f, u)),
                _ => {}
            }
        }
    }
    for (i, x) in p.procedures.iter().enumerate() {
        let f = format!("procedures[{i}]");
        check_named(&f, &x.name, &x.code)?;
        check_date(&format!("{f}.date"), &x.date)?;
    }
    for (i, x) in p.immunizations.iter().enumerate() {
        let f = format!("immunizations[{i}]");
        check_named(&f, &x.name, &x.code)?;
        check_date(&format!("{f}.date"), &x.date)?;
    }
    for (k, v) in &p.answers {
        check_answer(k, v, &mut warnings)?;
    }
    p.warnings.extend(warnings);
    Ok(())
}

fn unknown_unit(field: &str, unit: &str) -> Warning {
    Warning { field: format!("{field}.unit"), message: format!("unknown unit \"{unit}\"; the value is not used for comparisons") }
}

fn obs_key(o: &Observation) -> Option<String> {
    let lex = crate::lexicon::get();
    let c = o.code.as_deref().and_then(|c| lex.lookup(c)).or_else(|| o.name.as_deref().and_then(|n| lex.lookup(n)));
    c.map(|c| c.id.to_string()).or_else(|| o.name.clone())
}

fn unit_expected(o: &Observation) -> bool {
    let Some(k) = obs_key(o) else { return false };
    crate::units::analyte(&k).and_then(|a| a.plausible.as_ref()).is_some_and(|r| {
        crate::units::parse(&r.unit).is_some_and(|u| !u.is_dimensionless())
    })
}

fn plausible(field: &str, o: &Observation, v: f64) -> Result<(), Error> {
    let Some(key) = obs_key(o) else { return Ok(()) };
    let Some(an) = crate::units::analyte(&key) else { return Ok(()) };
    let Some(r) = &an.plausible else { return Ok(()) };
    let from = o.unit.as_deref().unwrap_or("");
    // A unit not understood is a warning of its own (see `validate`).
    if crate::units::parse(from).is_none() {
        return Ok(());
    }
    let Ok(x) = crate::units::convert(v, from, &r.unit, Some(&an.id)) else {
        if o.unit.is_some() {
            return Err(bad(
                &format!("{field}.unit"),
                format!("\"{from}\" is not a unit of {} (expected something like {})", o.name.as_deref().unwrap_or(&an.name), r.unit),
            ));
        }
        return Ok(());
    };
    if x < r.low || x > r.high {
        let name = o.name.clone().unwrap_or_else(|| an.name.clone());
        return Err(bad(
            &format!("{field}.value"),
            format!("{name} {v} {from} is outside the possible range {}–{} {}", r.low, r.high, r.unit),
        ));
    }
    Ok(())
}

fn check_answer(key: &str, v: &serde_json::Value, warnings: &mut Vec<Warning>) -> Result<(), Error> {
    use serde_json::Value as V;
    let f = format!("answers.{key}");
    match v {
        V::Bool(_) | V::String(_) => Ok(()),
        V::Number(n) if n.as_f64().is_some_and(f64::is_finite) => Ok(()),
        V::Object(o) => {
            let value = o.get("value").and_then(V::as_f64);
            let unit = o.get("unit").and_then(V::as_str);
            if value.is_none() {
                return Err(bad(&f, "an object answer needs a numeric \"value\""));
            }
            if let Some(u) = unit.filter(|u| crate::units::parse(u).is_none()) {
                warnings.push(unknown_unit(&f, u));
            }
            if let (Some(x), Some(id)) = (value, key.strip_prefix("obs:")) {
                let o = Observation {
                    name: Some(id.to_string()),
                    value: ObsValue::Number(x),
                    unit: unit.map(str::to_string),
                    ..Default::default()
                };
                plausible(&f, &o, x)?;
            }
            Ok(())
        }
        _ => Err(bad(&f, "expected true, false, \"not sure\", a number, {\"value\", \"unit\"}, a date or a choice")),
    }
}
