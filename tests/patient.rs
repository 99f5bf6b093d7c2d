//! Reading patients: our JSON shape, validation errors naming the field,
//! and FHIR R4 bundles (the Synthea bundles of the shared corpus).

#[path = "common/corpus.rs"]
mod corpus_path;

use std::path::PathBuf;

use trialsieve::patient::{read, ObsValue};

/// The shared corpus folder, or `None` (with a message) when it is not here.
fn corpus() -> Option<PathBuf> {
    let found = corpus_path::dir();
    if found.is_none() {
        println!("shared corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus); skipping");
    }
    found
}

const EXAMPLE: &str = r#"{ "asOf": "2026-11-22",
  "birthDate": "1981-04-02", "sex": "female",
  "pregnant": false, "breastfeeding": false,
  "conditions":   [{ "name": "systemic lupus erythematosus", "code": "SNOMED:55464009", "onset": "2022-03", "status": "active" }],
  "observations": [{ "name": "hemoglobin", "code": "LOINC:718-7", "value": 9.5, "unit": "g/dL", "date": "2026-11-01", "referenceHigh": 17.5 },
                   { "name": "SLEDAI-2K", "value": 10 }, { "name": "HIV antibody", "value": "negative" }],
  "medications":  [{ "name": "prednisone", "dose": 10, "unit": "mg/d", "start": "2025-01-01" }],
  "procedures":   [{ "name": "CD19 CAR-T cell therapy", "date": "2024-05-01" }],
  "immunizations":[{ "name": "MMR vaccine", "date": "2026-10-30" }],
  "answers": { "cond:sle": true }
}"#;

#[test]
fn reads_the_documented_example() {
    let p = read(EXAMPLE).unwrap();
    assert_eq!(p.conditions.len(), 1);
    assert_eq!(p.observations.len(), 3);
    assert_eq!(p.observations[2].value, ObsValue::Text("negative".into()));
    assert_eq!(p.medications[0].dose, Some(10.0));
    assert_eq!(p.answers.len(), 1);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

/// `bad(json, expected part of the message)`.
fn bad(json: &str, expected: &str) {
    match read(json) {
        Ok(p) => panic!("{json} was accepted: {p:?}"),
        Err(e) => {
            let m = e.to_string();
            assert!(m.contains(expected), "{json}: message {m:?} lacks {expected:?}");
            assert!(!m.ends_with('.'), "{m}");
        }
    }
}

#[test]
fn bad_input_names_the_field() {
    bad(r#"{"age": "forty"}"#, "invalid type");
    bad(r#"{"age": 200}"#, "age: 200 is not a possible age");
    bad(r#"{"sex": "f"}"#, "unknown variant");
    bad(r#"{"weight": 70}"#, "unknown field `weight`");
    bad(r#"{"birthDate": "1981-13-02"}"#, "birthDate: \"1981-13-02\" is not a date");
    bad(r#"{"asOf": "2020-01-01", "birthDate": "2021-01-01"}"#, "birthDate: 2021-01-01 is after asOf");
    bad(r#"{"observations": [{"name": "hemoglobin", "value": 6000, "unit": "g/L"}]}"#, "observations[0].value: hemoglobin 6000 g/L is outside the possible range");
    bad(r#"{"observations": [{"name": "hemoglobin", "value": 9, "unit": "mmol/L"}, {"name": "hemoglobin", "value": 9, "unit": "U/L"}]}"#, "observations[1].unit: \"U/L\" is not a unit of hemoglobin");
    bad(r#"{"observations": [{"value": 9}]}"#, "observations[0]: needs a name or a code");
    bad(r#"{"observations": [{"name": "x", "code": "718-7", "value": 9}]}"#, "observations[0].code: \"718-7\" is not SYSTEM:value");
    bad(r#"{"medications": [{"name": "prednisone", "dose": 10}]}"#, "medications[0].unit: a dose needs a unit");
    bad(r#"{"medications": [{"name": "prednisone", "dose": -1, "unit": "mg/d"}]}"#, "medications[0].dose");
    bad(r#"{"conditions": [{"name": "SLE", "onset": "last year"}]}"#, "conditions[0].onset");
    bad(r#"{"sex": "male", "pregnant": true}"#, "pregnant: true for a patient whose sex is male");
    bad(r#"{"answers": {"obs:hemoglobin": {"value": 6000, "unit": "g/L"}}}"#, "answers.obs:hemoglobin.value");
    bad(r#"{"answers": {"obs:hemoglobin": {"unit": "g/L"}}}"#, "answers.obs:hemoglobin: an object answer needs a numeric \"value\"");
    bad(r#"{"answers": {"pregnant": null}}"#, "answers.pregnant: expected true, false");
    bad("[1, 2]", "invalid type");
    bad(r#"{"resourceType": "Observation"}"#, "resourceType: expected Bundle or Patient");
}

#[test]
fn doubtful_input_is_a_warning() {
    let p = read(r#"{"asOf": "2026-01-01", "birthDate": "1980-01-01", "age": 30,
        "observations": [{"name": "hemoglobin", "value": 9.5}]}"#).unwrap();
    let fields: Vec<&str> = p.warnings.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(fields, ["age", "observations[0].unit"]);
}

#[test]
fn reads_common_unit_spellings_and_partial_dates() {
    let p = read(r#"{"observations": [{"name": "platelets", "value": 150, "unit": "x10^9/L", "date": "2026-11"},
        {"name": "ANC", "value": 1500, "unit": "/mm³", "date": "2026"}]}"#).unwrap();
    assert_eq!(p.observations.len(), 2);
}

#[test]
fn maps_a_small_fhir_bundle() {
    let b = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
      {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "1980-05-01", "gender": "female"}},
      {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hemoglobin"}]},
        "effectiveDateTime": "2026-10-01T10:00:00+00:00",
        "valueQuantity": {"value": 9.1, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"},
        "referenceRange": [{"low": {"value": 12}, "high": {"value": 16}}]}},
      {"resource": {"resourceType": "Observation", "id": "o2", "status": "final",
        "code": {"text": "HIV 1+2 Ab"}, "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "260385009", "display": "Negative"}]}}},
      {"resource": {"resourceType": "Observation", "id": "o3", "status": "entered-in-error",
        "code": {"text": "Hemoglobin"}, "valueQuantity": {"value": 1, "code": "g/dL"}}},
      {"resource": {"resourceType": "Observation", "id": "preg", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]}, "effectiveDateTime": "2026-09-01",
        "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "60001007", "display": "Not pregnant"}]}}},
      {"resource": {"resourceType": "Observation", "id": "bad", "status": "final",
        "code": {"text": "Weird"}, "valueQuantity": {"value": 3, "code": "furlongs"}}},
      {"resource": {"resourceType": "Condition", "id": "c1",
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "55464009", "display": "Systemic lupus erythematosus"}]},
        "onsetDateTime": "2022-03-01"}},
      {"resource": {"resourceType": "Condition", "id": "c2", "verificationStatus": {"coding": [{"code": "refuted"}]},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "B20"}], "text": "HIV disease"}}},
      {"resource": {"resourceType": "MedicationStatement", "id": "m1", "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8640", "display": "prednisone"}]},
        "effectivePeriod": {"start": "2025-01-01"},
        "dosage": [{"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}, "doseAndRate": [{"doseQuantity": {"value": 5, "unit": "mg", "code": "mg"}}]}]}},
      {"resource": {"resourceType": "Procedure", "id": "x1", "status": "completed", "code": {"text": "CAR-T cell infusion"}, "performedDateTime": "2024-05-01"}},
      {"resource": {"resourceType": "Immunization", "id": "i1", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "03", "display": "MMR"}]}, "occurrenceDateTime": "2026-10-30"}}
    ]}"#;
    let p = read(b).unwrap();
    assert_eq!(p.birth_date.as_deref(), Some("1980-05-01"));
    assert_eq!(p.sex, Some(trialsieve::atoms::Sex::Female));
    assert_eq!(p.pregnant, Some(false));
    assert_eq!(p.observations.len(), 2);
    let hb = &p.observations[0];
    assert_eq!(hb.code.as_deref(), Some("LOINC:718-7"));
    assert_eq!((hb.value.clone(), hb.unit.as_deref(), hb.reference_high, hb.date.as_deref()), (ObsValue::Number(9.1), Some("g/dL"), Some(16.0), Some("2026-10-01")));
    assert_eq!(p.observations[1].value, ObsValue::Text("Negative".into()));
    assert_eq!(p.conditions.len(), 2);
    assert_eq!(p.conditions[0].code.as_deref(), Some("SNOMED:55464009"));
    assert_eq!(p.conditions[1].code.as_deref(), Some("ICD10:B20"));
    assert_eq!(p.conditions[1].status, Some(trialsieve::patient::ConditionStatus::Absent));
    assert_eq!((p.medications[0].dose, p.medications[0].unit.as_deref()), (Some(10.0), Some("mg/d")));
    assert_eq!(p.medications[0].code.as_deref(), Some("RXNORM:8640"));
    assert_eq!(p.procedures[0].date.as_deref(), Some("2024-05-01"));
    assert_eq!(p.immunizations[0].code.as_deref(), Some("CVX:03"));
    assert_eq!(p.warnings.len(), 1);
    assert!(p.warnings[0].message.contains("unknown unit \"furlongs\""), "{:?}", p.warnings);
}

/// One unit not understood never refuses the patient: it is a warning on
/// the field, the observation is kept, and the other values still count.
#[test]
fn an_unknown_unit_is_a_warning_not_an_error() {
    let p = read(
        r#"{"observations": [{"name": "Hb", "value": 95, "unit": "gm/dL"}, {"name": "creatinine", "value": 1.0, "unit": "mg/dL"}],
            "medications": [{"name": "prednisone", "dose": 10, "unit": "spoons"}],
            "answers": {"obs:platelets": {"value": 150, "unit": "bananas"}}}"#,
    )
    .unwrap();
    assert_eq!(p.observations.len(), 2);
    assert_eq!(p.medications.len(), 1);
    let w: Vec<String> = p.warnings.iter().map(|w| format!("{}: {}", w.field, w.message)).collect();
    assert_eq!(
        w,
        [
            "observations[0].unit: unknown unit \"gm/dL\"; the value is not used for comparisons",
            "medications[0].unit: unknown unit \"spoons\"; the value is not used for comparisons",
            "answers.obs:platelets.unit: unknown unit \"bananas\"; the value is not used for comparisons",
        ]
    );
    // An impossible value stays an error, naming the field.
    bad(r#"{"observations": [{"name": "hemoglobin", "value": 6000, "unit": "g/L"}, {"name": "Hb", "value": 95, "unit": "gm/dL"}]}"#, "observations[0].value: hemoglobin 6000 g/L is outside the possible range");
    // Valid UCUM of real records reads with no warning at all.
    let p = read(
        r#"{"observations": [{"name": "pH", "value": 7.4, "unit": "[pH]"}, {"name": "urine protein", "value": 150, "unit": "mg/(24.h)"},
            {"name": "red cells in urine", "value": 3, "unit": "/[HPF]"}, {"name": "body temperature", "value": 98.6, "unit": "[degF]"},
            {"name": "angle", "value": 10, "unit": "deg"}, {"name": "urine albumin", "value": 20, "unit": "ug/(24.h)"}]}"#,
    )
    .unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn loads_every_synthea_bundle() {
    let Some(dir) = corpus() else { return };
    let mut files: Vec<_> = std::fs::read_dir(dir.join("fhir")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 10);
    let mut totals = [0usize; 6];
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let p = read(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(p.birth_date.is_some() && p.sex.is_some(), "{}", f.display());
        let counts = [p.conditions.len(), p.observations.len(), p.medications.len(), p.procedures.len(), p.immunizations.len(), p.warnings.len()];
        println!("{}: conditions {} observations {} medications {} procedures {} immunizations {} warnings {}",
            f.file_name().unwrap().to_string_lossy(), counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
        for w in &p.warnings {
            println!("  warning {}: {}", w.field, w.message);
        }
        for (t, c) in totals.iter_mut().zip(counts) {
            *t += c;
        }
        // Every patient evaluates without panicking.
        let t = trialsieve::Trial::default();
        let _ = trialsieve::eval::evaluate(&t, &p, &trialsieve::EvalOptions::default());
    }
    println!("total: {totals:?}");
    // Counts of the ten bundles: 59 conditions, 47 medication requests, 70
    // procedures, 143 immunizations; observations gain blood-pressure components.
    assert_eq!(totals[0], 59);
    assert_eq!(totals[2], 47);
    assert_eq!(totals[3], 70);
    assert_eq!(totals[4], 143);
    assert!(totals[1] >= 1032, "{totals:?}");
    assert_eq!(totals[5], 0, "no warnings expected on the Synthea bundles");
}

#[test]
fn schema_names_every_field() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/patient.schema.json")).unwrap()).unwrap();
    // A patient with every field set, serialized: its keys must be the schema's.
    let full = read(EXAMPLE).unwrap();
    let mut full = serde_json::to_value(&full).unwrap();
    full["age"] = serde_json::json!(45);
    full["warnings"] = serde_json::json!([{"field": "x", "message": "y"}]);
    full["conditions"][0]["end"] = serde_json::json!("2023");
    full["observations"][0]["referenceLow"] = serde_json::json!(12);
    full["medications"][0]["end"] = serde_json::json!("2026");
    full["medications"][0]["status"] = serde_json::json!("active");
    full["medications"][0]["code"] = serde_json::json!("RXNORM:8640");
    full["procedures"][0]["code"] = serde_json::json!("SNOMED:1");
    full["immunizations"][0]["code"] = serde_json::json!("CVX:03");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&full), keys(&schema["properties"]));
    for (list, def) in [("conditions", "condition"), ("observations", "observation"), ("medications", "medication"), ("procedures", "event"), ("immunizations", "event")] {
        assert_eq!(keys(&full[list][0]), keys(&schema["$defs"][def]["properties"]), "{list}");
    }
    // And it reads back.
    read(&full.to_string()).unwrap();
}

#[test]
fn answers_and_as_of_ride_along_with_a_fhir_bundle() {
    // What the demo sends: `{ ...bundle, answers, asOf }`.
    let b = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
      {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "1980-05-01", "gender": "female"}}],
      "answers": {"pregnant": false, "obs:hemoglobin": {"value": 55, "unit": "g/L"}}, "asOf": "2026-11-22"}"#;
    let p = read(b).unwrap();
    assert_eq!(p.as_of.as_deref(), Some("2026-11-22"));
    assert_eq!(p.answers.len(), 2);
    assert_eq!(p.sex, Some(trialsieve::atoms::Sex::Female));
    // Applied: the answers settle criteria, asOf dates the age.
    let trials = trialsieve::parse("Inclusion Criteria:\n\n* Aged 18 to 65 years\n* Hemoglobin ≥ 60 g/L\n", &Default::default()).unwrap();
    let e = trialsieve::eval::evaluate(&trials[0], &p, &Default::default());
    fn walk<'a>(r: &'a trialsieve::eval::CriterionResult, out: &mut Vec<&'a str>) {
        out.push(&r.reason);
        r.children.iter().for_each(|c| walk(c, out));
    }
    let mut reasons = Vec::new();
    e.criteria.iter().for_each(|c| walk(c, &mut reasons));
    assert!(reasons.iter().any(|r| r.contains("55") && r.contains("60")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("Age 46")), "{reasons:?}");
    assert_eq!(e.verdict, trialsieve::eval::Verdict::Ineligible);
    // Unset values (null) are absent; wrong types name the field; answers
    // are checked as in our own shape; a bad asOf is refused.
    let p = read(r#"{"resourceType": "Bundle", "type": "collection", "entry": [], "answers": null, "asOf": null}"#).unwrap();
    assert!(p.answers.is_empty() && p.as_of.is_none());
    bad(r#"{"resourceType": "Bundle", "type": "collection", "entry": [], "answers": [1]}"#, "answers: expected an object");
    bad(r#"{"resourceType": "Bundle", "type": "collection", "entry": [], "asOf": 2026}"#, "asOf: expected a date string");
    bad(r#"{"resourceType": "Bundle", "type": "collection", "entry": [], "asOf": "tomorrow"}"#, "asOf: \"tomorrow\" is not a date");
}
