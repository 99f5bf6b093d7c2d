//! FHIR R4 `Bundle` → [`Patient`]. Reads Patient, Observation, Condition,
//! MedicationStatement, MedicationRequest, Procedure and Immunization
//! resources; other resources are skipped. What cannot be mapped (an
//! unknown unit, a value of an unsupported type) is a warning, not an error,
//! since EHR extracts are messy and the rest of the record is still good.

use serde_json::Value;

use super::*;

/// Pregnancy status observations (LOINC) and the SNOMED answers for them.
const PREGNANCY_STATUS: &[&str] = &["82810-3", "11449-6"];
const PREGNANT: &[&str] = &["77386006"];
const NOT_PREGNANT: &[&str] = &["60001007"];

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn system_prefix(system: &str) -> Option<&'static str> {
    Some(match system {
        "http://loinc.org" => "LOINC",
        "http://snomed.info/sct" => "SNOMED",
        "http://hl7.org/fhir/sid/icd-10-cm" | "http://hl7.org/fhir/sid/icd-10" => "ICD10",
        "http://www.nlm.nih.gov/research/umls/rxnorm" => "RXNORM",
        "http://hl7.org/fhir/sid/cvx" => "CVX",
        _ => return None,
    })
}

/// The first coding we know the system of, as `SYSTEM:value`, and the
/// concept's text (its `text`, else the coding's `display`).
fn concept(cc: Option<&Value>) -> (Option<String>, Option<String>) {
    let Some(cc) = cc else { return (None, None) };
    let codings = cc.get("coding").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let code = codings.iter().find_map(|c| {
        let p = system_prefix(s(c, "system")?)?;
        Some(format!("{p}:{}", s(c, "code")?))
    });
    let text = s(cc, "text").or_else(|| codings.iter().find_map(|c| s(c, "display"))).map(str::to_string);
    (code, text)
}

fn raw_code(cc: Option<&Value>) -> Vec<&str> {
    cc.and_then(|c| c.get("coding")).and_then(Value::as_array).into_iter().flatten().filter_map(|c| s(c, "code")).collect()
}

fn date_of(v: &Value, keys: &[&str]) -> Option<String> {
    for k in keys {
        let (key, sub) = match k.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (*k, None),
        };
        let x = match sub {
            Some(sub) => v.get(key).and_then(|p| s(p, sub)),
            None => s(v, key),
        };
        if let Some(d) = x.and_then(Date::parse) {
            return Some(d.to_iso());
        }
    }
    None
}

pub(super) fn map(bundle: &Value) -> Result<Patient, Error> {
    let rt = s(bundle, "resourceType").unwrap_or("");
    let entries: Vec<&Value> = match rt {
        "Bundle" => bundle
            .get("entry")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::BadPatient("Bundle.entry: missing or not an array".into()))?
            .iter()
            .filter_map(|e| e.get("resource"))
            .collect(),
        "Patient" => vec![bundle],
        other => return Err(Error::BadPatient(format!("resourceType: expected Bundle or Patient, found \"{other}\""))),
    };
    let mut p = Patient::default();
    let mut pregnancy: Option<(String, bool)> = None;
    for r in entries {
        let rt = s(r, "resourceType").unwrap_or("");
        let id = s(r, "id").unwrap_or("?");
        let here = format!("{rt}/{id}");
        let status = s(r, "status").unwrap_or("");
        if matches!(status, "entered-in-error" | "not-done" | "cancelled") {
            continue;
        }
        match rt {
            "Patient" => {
                p.birth_date = date_of(r, &["birthDate"]);
                p.sex = match s(r, "gender") {
                    Some("female") => Some(Sex::Female),
                    Some("male") => Some(Sex::Male),
                    Some(g) => {
                        p.warnings.push(Warning { field: format!("{here}.gender"), message: format!("\"{g}\" is not mapped to a sex") });
                        None
                    }
                    None => None,
                };
            }
            "Observation" => observation(r, &here, &mut p, &mut pregnancy),
            "Condition" => {
                let (code, name) = concept(r.get("code"));
                let clinical = r.get("clinicalStatus").map(|c| raw_code(Some(c))).unwrap_or_default();
                let verification = r.get("verificationStatus").map(|c| raw_code(Some(c))).unwrap_or_default();
                let end = date_of(r, &["abatementDateTime", "abatementPeriod.end"]);
                let status = if verification.contains(&"refuted") {
                    Some(ConditionStatus::Absent)
                } else {
                    match clinical.first().copied() {
                        Some("active") => Some(ConditionStatus::Active),
                        Some("recurrence") => Some(ConditionStatus::Recurrence),
                        Some("relapse") => Some(ConditionStatus::Relapse),
                        Some("inactive") => Some(ConditionStatus::Inactive),
                        Some("remission") => Some(ConditionStatus::Remission),
                        Some("resolved") => Some(ConditionStatus::Resolved),
                        _ if end.is_some() => Some(ConditionStatus::Resolved),
                        _ => None,
                    }
                };
                if code.is_none() && name.is_none() {
                    continue;
                }
                p.conditions.push(Condition {
                    name,
                    code,
                    onset: date_of(r, &["onsetDateTime", "onsetPeriod.start", "recordedDate"]),
                    end,
                    status,
                });
            }
            "MedicationStatement" | "MedicationRequest" => medication(r, &here, &mut p),
            "Procedure" => {
                let (code, name) = concept(r.get("code"));
                if code.is_none() && name.is_none() {
                    continue;
                }
                p.procedures.push(Procedure { name, code, date: date_of(r, &["performedDateTime", "performedPeriod.start"]) });
            }
            "Immunization" => {
                let (code, name) = concept(r.get("vaccineCode"));
                if code.is_none() && name.is_none() {
                    continue;
                }
                p.immunizations.push(Immunization { name, code, date: date_of(r, &["occurrenceDateTime", "date"]) });
            }
            _ => {}
        }
    }
    if let Some((_, preg)) = pregnancy {
        p.pregnant = Some(preg);
    }
    Ok(p)
}

fn observation(r: &Value, here: &str, p: &mut Patient, pregnancy: &mut Option<(String, bool)>) {
    let date = date_of(r, &["effectiveDateTime", "effectivePeriod.start", "issued"]);
    let codes = raw_code(r.get("code"));
    if codes.iter().any(|c| PREGNANCY_STATUS.contains(c)) {
        let answer = raw_code(r.get("valueCodeableConcept"));
        let v = if answer.iter().any(|c| PREGNANT.contains(c)) {
            Some(true)
        } else if answer.iter().any(|c| NOT_PREGNANT.contains(c)) {
            Some(false)
        } else {
            None
        };
        if let Some(v) = v {
            let d = date.clone().unwrap_or_default();
            // The latest status wins.
            if pregnancy.as_ref().is_none_or(|(pd, _)| *pd <= d) {
                *pregnancy = Some((d, v));
            }
        }
        return;
    }
    // Panels (blood pressure) carry their values in components.
    if let Some(comps) = r.get("component").and_then(Value::as_array) {
        for (i, c) in comps.iter().enumerate() {
            one_observation(c, &format!("{here}.component[{i}]"), date.clone(), p);
        }
    }
    if r.get("valueQuantity").is_some() || r.get("valueCodeableConcept").is_some() || r.get("valueString").is_some() || r.get("valueBoolean").is_some() {
        one_observation(r, here, date, p);
    }
}

fn one_observation(r: &Value, here: &str, date: Option<String>, p: &mut Patient) {
    let (code, name) = concept(r.get("code"));
    if code.is_none() && name.is_none() {
        return;
    }
    let mut unit = None;
    let value = if let Some(q) = r.get("valueQuantity") {
        let Some(v) = q.get("value").and_then(Value::as_f64) else { return };
        let u = s(q, "code").or_else(|| s(q, "unit")).map(str::to_string);
        if let Some(u) = &u {
            if crate::units::parse(u).is_none() {
                p.warnings.push(Warning { field: format!("{here}.valueQuantity"), message: format!("unknown unit \"{u}\"; the value is not used") });
                return;
            }
        }
        unit = u;
        ObsValue::Number(v)
    } else if let Some(cc) = r.get("valueCodeableConcept") {
        let (_, text) = concept(Some(cc));
        let Some(t) = text else { return };
        ObsValue::Text(t)
    } else if let Some(t) = s(r, "valueString") {
        ObsValue::Text(t.to_string())
    } else if let Some(b) = r.get("valueBoolean").and_then(Value::as_bool) {
        ObsValue::Bool(b)
    } else {
        return;
    };
    let range = r.get("referenceRange").and_then(Value::as_array).and_then(|a| a.first());
    let reference_high = range.and_then(|x| x.get("high")).and_then(|h| h.get("value")).and_then(Value::as_f64);
    let reference_low = range.and_then(|x| x.get("low")).and_then(|h| h.get("value")).and_then(Value::as_f64);
    let o = Observation { name, code, value, unit, date, reference_high, reference_low };
    // An impossible value in an EHR extract is dropped with a warning.
    if let ObsValue::Number(v) = o.value {
        if let Err(e) = plausible(here, &o, v) {
            p.warnings.push(Warning { field: here.to_string(), message: format!("{e}; the value is not used") });
            return;
        }
    }
    p.observations.push(o);
}

fn medication(r: &Value, here: &str, p: &mut Patient) {
    let (code, name) = concept(r.get("medicationCodeableConcept"));
    if code.is_none() && name.is_none() {
        p.warnings.push(Warning { field: here.to_string(), message: "no medicationCodeableConcept; skipped".into() });
        return;
    }
    let status = match s(r, "status") {
        Some("active") | Some("intended") | Some("on-hold") => Some(MedicationStatus::Active),
        Some("stopped") => Some(MedicationStatus::Stopped),
        Some("completed") => Some(MedicationStatus::Completed),
        Some("not-taken") => Some(MedicationStatus::Never),
        _ => None,
    };
    let start = date_of(r, &["effectiveDateTime", "effectivePeriod.start", "authoredOn", "dateAsserted"]);
    let end = date_of(r, &["effectivePeriod.end"]);
    let dosage = r
        .get("dosageInstruction")
        .or_else(|| r.get("dosage"))
        .and_then(Value::as_array)
        .and_then(|a| a.first());
    let (mut dose, mut unit) = (None, None);
    if let Some(d) = dosage {
        let q = d.get("doseAndRate").and_then(Value::as_array).and_then(|a| a.first()).and_then(|x| x.get("doseQuantity"));
        let v = q.and_then(|q| q.get("value")).and_then(Value::as_f64);
        let u = q.and_then(|q| s(q, "code").or_else(|| s(q, "unit")));
        let rep = d.get("timing").and_then(|t| t.get("repeat"));
        let freq = rep.and_then(|r| r.get("frequency")).and_then(Value::as_f64).unwrap_or(1.0);
        let period = rep.and_then(|r| r.get("period")).and_then(Value::as_f64);
        let period_unit = rep.and_then(|r| s(r, "periodUnit"));
        // A dose becomes a daily rate only when its unit is a mass and the timing is known.
        if let (Some(v), Some(u), Some(period), Some(pu)) = (v, u, period, period_unit) {
            let is_mass = crate::units::parse(u).is_some_and(|x| x.is_mass());
            if is_mass && period > 0.0 {
                if let Ok(mg) = crate::units::convert(v * freq / period, &format!("{u}/{pu}"), "mg/d", None) {
                    dose = Some((mg * 1000.0).round() / 1000.0);
                    unit = Some("mg/d".to_string());
                }
            }
        }
    }
    p.medications.push(Medication { name, code, dose, unit, start, end, status });
}
