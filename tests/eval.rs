//! The evaluator, atom by atom, on hand-made criteria and patients.

mod eval_builders;

use eval_builders::*;
use trialsieve::atoms::{AtomKind, Sex};

const HB_55: &str = r#"{"observations": [{"name": "hemoglobin", "value": 55, "unit": "g/L"}]}"#;

#[test]
fn measurement_reason_has_the_numbers() {
    let (s, r) = inc(vec![lab("Hemoglobin", Ge, 60.0, "g/L")], HB_55);
    assert_eq!(s, Fail);
    assert_eq!(r, "Hemoglobin 55 g/L is below the required ≥ 60 g/L (Inclusion 1)");
    let (s, r) = inc(vec![lab("Hemoglobin", Ge, 50.0, "g/L")], HB_55);
    assert_eq!((s, r.as_str()), (Pass, "Hemoglobin 55 g/L meets ≥ 50 g/L (Inclusion 1)"));
}

#[test]
fn measurement_units_convert_both_ways() {
    // Patient in g/dL, criterion in g/L, and the reverse.
    let p = r#"{"observations": [{"name": "Hb", "value": 9.5, "unit": "g/dL"}]}"#;
    assert_eq!(inc(vec![lab("hemoglobin", Ge, 90.0, "g/L")], p).0, Pass);
    assert_eq!(inc(vec![lab("hemoglobin", Ge, 100.0, "g/L")], p).0, Fail);
    let p = r#"{"observations": [{"name": "hemoglobin", "value": 95, "unit": "g/L"}]}"#;
    assert_eq!(inc(vec![lab("hemoglobin", Ge, 9.0, "g/dL")], p).0, Pass);
    // Hemoglobin in mmol/L: 1 g/dL = 0.6206 mmol/L.
    let (s, r) = inc(vec![lab("hemoglobin", Ge, 9.0, "g/dL")], r#"{"observations": [{"name": "hemoglobin", "value": 5.4, "unit": "mmol/L"}]}"#);
    assert_eq!(s, Fail, "{r}");
    assert!(r.contains("5.4 mmol/L (8.701 g/dL)"), "{r}");
    // Creatinine: mass <-> molar.
    let p = r#"{"observations": [{"name": "creatinine", "value": 130, "unit": "umol/L"}]}"#;
    assert_eq!(inc(vec![lab("creatinine", Le, 1.5, "mg/dL")], p).0, Pass);
    assert_eq!(inc(vec![lab("creatinine", Le, 1.4, "mg/dL")], p).0, Fail);
    let p = r#"{"observations": [{"name": "creatinine", "value": 1.6, "unit": "mg/dL"}]}"#;
    assert_eq!(inc(vec![lab("creatinine", Lt, 133.0, "umol/L")], p).0, Fail);
    // Cell counts: 1,500/mm3 = 1.5 10*9/L.
    let p = r#"{"observations": [{"name": "absolute neutrophil count", "value": 1500, "unit": "/mm3"}]}"#;
    assert_eq!(inc(vec![lab("absolute neutrophil count", Ge, 1.5, "10*9/L")], p).0, Pass);
    let p = r#"{"observations": [{"name": "platelets", "value": 90, "unit": "10*3/uL"}]}"#;
    assert_eq!(inc(vec![lab("platelets", Ge, 100000.0, "/mm3")], p).0, Fail);
    // Bilirubin and glucose.
    // 1.5 mg/dL of bilirubin = 25.6 µmol/L.
    let p = r#"{"observations": [{"name": "total bilirubin", "value": 20, "unit": "umol/L"}]}"#;
    assert_eq!(inc(vec![lab("bilirubin", Le, 1.5, "mg/dL")], p).0, Pass);
    let p = r#"{"observations": [{"name": "total bilirubin", "value": 30, "unit": "umol/L"}]}"#;
    assert_eq!(inc(vec![lab("bilirubin", Le, 1.5, "mg/dL")], p).0, Fail);
    let p = r#"{"observations": [{"name": "glucose", "value": 7.5, "unit": "mmol/L"}]}"#;
    assert_eq!(inc(vec![lab("glucose", Lt, 126.0, "mg/dL")], p).0, Fail);
}

#[test]
fn measurement_uses_an_alternate_when_units_differ() {
    // Criterion "creatinine ≤ 2.5 mg/dL (221 µmol/L)" for a lab with no molar mass known.
    let p = r#"{"observations": [{"name": "mystery analyte", "value": 200, "unit": "umol/L"}]}"#;
    let a = alternate(lab("mystery analyte", Le, 2.5, "mg/dL"), 221.0, "umol/L");
    assert_eq!(inc(vec![a], p).0, Pass);
    let (s, r) = inc(vec![lab("mystery analyte", Le, 2.5, "mg/dL")], p);
    assert_eq!(s, Unknown);
    assert!(r.contains("Cannot convert mystery analyte from umol/L to mg/dL"), "{r}");
}

#[test]
fn measurement_ranges_scores_and_qualitative_results() {
    let p = r#"{"observations": [{"name": "SLEDAI-2K", "value": 10}, {"name": "HIV antibody", "value": "negative"}, {"name": "HBsAg", "value": "Reactive"}]}"#;
    assert_eq!(inc(vec![lab("SLEDAI-2K", Ge, 6.0, "{score}")], p).0, Pass);
    assert_eq!(inc(vec![lab_between("SLEDAI-2K", 4.0, 8.0, "{score}")], p).0, Fail);
    assert_eq!(exc(vec![qualitative("HIV antibody", "positive")], p).0, Pass);
    assert_eq!(exc(vec![qualitative("HBsAg", "positive")], p).0, Fail);
    assert_eq!(inc(vec![qualitative("HIV antibody", "negative")], p).0, Pass);
    assert_eq!(exc(vec![qualitative("HCV RNA", "positive")], p).0, Unknown);
}

#[test]
fn the_latest_value_counts_and_windows_filter() {
    let p = r#"{"observations": [
        {"name": "hemoglobin", "value": 120, "unit": "g/L", "date": "2026-01-01"},
        {"name": "hemoglobin", "value": 80, "unit": "g/L", "date": "2026-11-01"}]}"#;
    assert_eq!(inc(vec![lab("hemoglobin", Ge, 100.0, "g/L")], p).0, Fail);
    // Only values from the last 4 weeks count; an older one leaves it unknown.
    let old = r#"{"observations": [{"name": "hemoglobin", "value": 120, "unit": "g/L", "date": "2026-01-01"}]}"#;
    let (s, r) = inc(vec![within(lab("hemoglobin", Ge, 100.0, "g/L"), 4.0, "wk")], old);
    assert_eq!(s, Unknown);
    assert!(r.contains("hemoglobin result within 4 weeks before screening (latest: hemoglobin 120 g/L on 2026-01-01"), "{r}");
    assert_eq!(inc(vec![within(lab("hemoglobin", Ge, 100.0, "g/L"), 4.0, "wk")], p).0, Fail);
}

#[test]
fn uln_from_the_reference_range_or_the_default_table() {
    let p = r#"{"observations": [{"name": "ALT", "value": 150, "unit": "U/L", "referenceHigh": 33}]}"#;
    let (s, r) = exc(vec![lab("ALT", Gt, 3.0, "ULN")], p);
    assert_eq!(s, Fail, "{r}");
    assert!(r.contains("4.55 × ULN") && r.contains("(ULN 33 U/L)"), "{r}");
    // No reference range: the default ULN (40 U/L) is assumed, and said.
    let p = r#"{"observations": [{"name": "alanine aminotransferase", "value": 100, "unit": "U/L"}]}"#;
    let (s, r) = exc(vec![lab("ALT", Gt, 3.0, "ULN")], p);
    assert_eq!(s, Pass, "{r}");
    assert!(r.contains("assuming the usual ULN of 40 U/L"), "{r}");
    // Bilirubin ULN default is in mg/dL; the patient's value in µmol/L.
    let p = r#"{"observations": [{"name": "bilirubin", "value": 40, "unit": "umol/L"}]}"#;
    assert_eq!(inc(vec![lab("bilirubin", Le, 1.5, "ULN")], p).0, Fail);
    // The lexicon's default for lipase (60 U/L).
    let p = r#"{"observations": [{"name": "lipase", "value": 100, "unit": "U/L"}]}"#;
    let (s, r) = inc(vec![lab("lipase", Le, 3.0, "ULN")], p);
    assert_eq!(s, Pass, "{r}");
    assert!(r.contains("assuming the usual ULN of 60 U/L"), "{r}");
    // No default known: unknown.
    let p = r#"{"observations": [{"name": "albumin", "value": 40, "unit": "g/L"}]}"#;
    assert_eq!(inc(vec![lab("albumin", Le, 3.0, "ULN")], p).0, Unknown);
}

#[test]
fn egfr_and_creatinine_clearance_are_computed() {
    // Female, 50, creatinine 0.8 mg/dL: CKD-EPI 2021 gives 89.7.
    let p = r#"{"asOf": "2026-11-22", "birthDate": "1976-06-01", "sex": "female",
        "observations": [{"name": "creatinine", "value": 0.8, "unit": "mg/dL"}, {"name": "body weight", "value": 60, "unit": "kg"}]}"#;
    let (s, r) = inc(vec![lab("eGFR", Ge, 60.0, "mL/min/{1.73_m2}")], p);
    assert_eq!(s, Pass);
    assert!(r.contains("eGFR 90 mL/min/1.73 m² (CKD-EPI 2021 from creatinine 0.8 mg/dL, age 50, female) meets ≥ 60"), "{r}");
    let (s, _) = inc(vec![lab("eGFR", Ge, 90.0, "mL/min/{1.73_m2}")], p);
    assert_eq!(s, Fail);
    // MDRD when the criterion names it.
    let mut a = lab("eGFR", Ge, 60.0, "mL/min/{1.73_m2}");
    a.qualifier = Some("MDRD".into());
    let (_, r) = inc(vec![a], p);
    assert!(r.contains("MDRD"), "{r}");
    // Cockcroft-Gault: (140-50)·60/(72·0.8)·0.85 = 79.7.
    let (s, r) = inc(vec![lab("creatinine clearance", Ge, 80.0, "mL/min")], p);
    assert_eq!(s, Fail, "{r}");
    assert!(r.contains("Cockcroft-Gault"), "{r}");
    // Without sex: unknown.
    let p = r#"{"age": 50, "observations": [{"name": "creatinine", "value": 0.8, "unit": "mg/dL"}]}"#;
    assert_eq!(inc(vec![lab("eGFR", Ge, 60.0, "mL/min/{1.73_m2}")], p).0, Unknown);
}

#[test]
fn age_and_sex() {
    let p = r#"{"asOf": "2026-11-22", "birthDate": "1981-04-02", "sex": "female"}"#;
    assert_eq!(inc(vec![age_between(18.0, 65.0)], p).0, Pass);
    assert_eq!(inc(vec![age_between(18.0, 40.0)], p).0, Fail);
    assert_eq!(inc(vec![age_between(18.0, 65.0)], r#"{"age": 70}"#).0, Fail);
    assert_eq!(inc(vec![age_between(18.0, 65.0)], "{}").0, Unknown);
    // Months.
    let mut a = age_between(6.0, 24.0);
    a.unit = Some("mo".into());
    assert_eq!(inc(vec![a], r#"{"age": 1.5}"#).0, Pass);
    assert_eq!(inc(vec![sex(Sex::Female)], p).0, Pass);
    assert_eq!(inc(vec![sex(Sex::Male)], p).0, Fail);
    assert_eq!(inc(vec![sex(Sex::Male)], "{}").0, Unknown);
    // The birthday counts on its day.
    assert_eq!(inc(vec![lab_age(18.0)], r#"{"asOf": "2026-11-22", "birthDate": "2008-11-22"}"#).0, Pass);
    assert_eq!(inc(vec![lab_age(18.0)], r#"{"asOf": "2026-11-21", "birthDate": "2008-11-22"}"#).0, Fail);
}

fn lab_age(min: f64) -> trialsieve::atoms::Atom {
    trialsieve::atoms::Atom { comparator: Some(Ge), value: Some(min), unit: Some("a".into()), ..atom(AtomKind::Age) }
}

#[test]
fn conditions_active_history_absent() {
    let p = r#"{"conditions": [
        {"name": "systemic lupus erythematosus", "onset": "2022-03", "status": "active"},
        {"name": "tuberculosis", "onset": "2010", "status": "resolved"},
        {"name": "HIV infection", "status": "absent"}]}"#;
    assert_eq!(inc(vec![cond("systemic lupus erythematosus")], p).0, Pass);
    assert_eq!(exc(vec![cond("tuberculosis")], p).0, Fail);
    assert_eq!(exc(vec![active("tuberculosis")], p).0, Pass);
    assert_eq!(exc(vec![cond("HIV infection")], p).0, Pass);
    let (s, r) = exc(vec![cond("hepatitis B")], p);
    assert_eq!(s, Unknown);
    assert_eq!(r, "Hepatitis B is not in the record (Exclusion 1)");
    // Inclusion "no history of X" (negated atom).
    assert_eq!(inc(vec![negated(cond("tuberculosis"))], p).0, Fail);
    // Codes match exactly.
    let coded = r#"{"conditions": [{"code": "SNOMED:55464009"}]}"#;
    let mut a = cond("lupus");
    a.concept.as_mut().unwrap().code = Some("SNOMED:55464009".into());
    assert_eq!(inc(vec![a], coded).0, Pass);
}

#[test]
fn closed_world_makes_absent_things_absent() {
    let t = trial("T", vec![], vec![crit("Hepatitis B", vec![cond("hepatitis B")]), crit("Rituximab", vec![med("rituximab")])]);
    let p = patient(r#"{"conditions": [{"name": "asthma"}]}"#);
    let e = trialsieve::eval::evaluate(&t, &p, &opts());
    assert_eq!(e.verdict, Undetermined);
    let mut o = opts();
    o.closed_world = true;
    let e = trialsieve::eval::evaluate(&t, &p, &o);
    assert_eq!(e.verdict, Eligible);
    assert!(node(&e, "exc.1").reason.contains("complete record assumed"));
    // Measurements stay unknown in a closed world.
    let t = trial("T", vec![crit("Hb", vec![lab("hemoglobin", Ge, 90.0, "g/L")])], vec![]);
    assert_eq!(trialsieve::eval::evaluate(&t, &p, &o).verdict, Undetermined);
}

#[test]
fn condition_duration_window_qualifier_classification() {
    let p = r#"{"conditions": [{"name": "systemic lupus erythematosus", "onset": "2026-03-01"},
        {"name": "lupus nephritis class IV", "onset": "2025-01"},
        {"name": "herpes zoster", "onset": "2026-10-01", "end": "2026-10-20"}]}"#;
    assert_eq!(inc(vec![lasting(cond("systemic lupus erythematosus"), 6.0, "mo")], p).0, Pass);
    assert_eq!(inc(vec![lasting(cond("systemic lupus erythematosus"), 12.0, "mo")], p).0, Fail);
    assert_eq!(inc(vec![lasting(cond("asthma"), 12.0, "mo")], r#"{"conditions": [{"name": "asthma"}]}"#).0, Unknown);
    assert_eq!(exc(vec![within(cond("herpes zoster"), 3.0, "mo")], p).0, Fail);
    assert_eq!(exc(vec![within(cond("herpes zoster"), 2.0, "wk")], p).0, Pass);
    // A qualifier must be in the record.
    let mut a = cond("lupus nephritis");
    a.qualifier = Some("class IV".into());
    let p2 = r#"{"conditions": [{"name": "lupus nephritis"}]}"#;
    let (s, _) = inc(vec![a.clone()], p2);
    assert_eq!(s, Unknown);
    let mut b = a.clone();
    b.concept = Some(concept("lupus nephritis class IV"));
    assert_eq!(inc(vec![b], p).0, Pass);
    // Classification criteria: passes on the diagnosis, the study team confirms.
    let mut c = cond("systemic lupus erythematosus");
    c.classification = Some("2019 EULAR/ACR".into());
    let t = trial("T", vec![crit("SLE per 2019 EULAR/ACR", vec![c])], vec![]);
    let e = run(&t, p);
    assert_eq!(e.verdict, Eligible);
    assert_eq!(e.to_confirm.len(), 1);
}

#[test]
fn medications_current_window_and_dose() {
    let p = r#"{"medications": [
        {"name": "prednisone", "dose": 10, "unit": "mg/d", "start": "2025-01-01"},
        {"name": "rituximab", "start": "2026-01-01", "end": "2026-02-01"},
        {"name": "Hydroxychloroquine 200 MG Oral Tablet", "start": "2024-01-01"}]}"#;
    assert_eq!(inc(vec![med("prednisone")], p).0, Pass);
    assert_eq!(inc(vec![med("hydroxychloroquine")], p).0, Pass);
    // Rituximab stopped in February: not current, but within 12 months.
    assert_eq!(exc(vec![med("rituximab")], p).0, Pass);
    assert_eq!(exc(vec![within(med("rituximab"), 12.0, "mo")], p).0, Fail);
    assert_eq!(exc(vec![within(med("rituximab"), 6.0, "mo")], p).0, Pass);
    // Dose bounds: ≤ 7.5 mg/d fails at 10 mg/d; mg/wk converts.
    let (s, r) = inc(vec![dose(med("prednisone"), Le, 7.5, "mg/d")], p);
    assert_eq!(s, Fail);
    assert!(r.contains("Prednisone dose 10 mg/d is above the required ≤ 7.5 mg/d"), "{r}");
    assert_eq!(inc(vec![dose(med("prednisone"), Le, 70.0, "mg/wk")], p).0, Pass);
    // Not taking the drug: a dose of 0.
    assert_eq!(exc(vec![dose(med("methotrexate"), Gt, 25.0, "mg/wk")], r#"{"medications": [{"name": "methotrexate", "status": "never"}]}"#).0, Pass);
    assert_eq!(exc(vec![dose(med("methotrexate"), Gt, 25.0, "mg/wk")], "{}").0, Unknown);
}

#[test]
fn glucocorticoid_doses_in_prednisone_equivalents() {
    // 12 mg/d methylprednisolone = 15 mg/d prednisone.
    let p = r#"{"medications": [{"name": "methylprednisolone", "dose": 12, "unit": "mg/d", "start": "2026-01-01"}]}"#;
    let (s, r) = exc(vec![dose(med("glucocorticoids"), Gt, 10.0, "mg/d")], p);
    assert_eq!(s, Fail, "{r}");
    assert!(r.contains("prednisone-equivalent") && r.contains("15 mg/d"), "{r}");
    assert_eq!(inc(vec![dose(med("corticosteroids"), Le, 20.0, "mg/d")], p).0, Pass);
    // Dexamethasone 1.5 mg/d ≈ 10 mg/d prednisone (the lexicon's factor
    // is 6.67, so exactly 10.005); per-kg doses need the weight.
    let p = r#"{"medications": [{"name": "dexamethasone", "dose": 1.5, "unit": "mg/d"}]}"#;
    assert_eq!(inc(vec![dose(med("glucocorticoids"), Le, 10.1, "mg/d")], p).0, Pass);
    assert_eq!(inc(vec![dose(med("glucocorticoids"), Le, 9.0, "mg/d")], p).0, Fail);
    let p = r#"{"observations": [{"name": "body weight", "value": 50, "unit": "kg"}], "medications": [{"name": "prednisone", "dose": 30, "unit": "mg/d"}]}"#;
    assert_eq!(exc(vec![dose(med("glucocorticoids"), Gt, 0.5, "mg/kg/d")], p).0, Fail);
    // Glucocorticoid use within a window, by class.
    let p = r#"{"medications": [{"name": "prednisolone", "start": "2026-10-01"}]}"#;
    assert_eq!(exc(vec![within(med("systemic corticosteroids"), 4.0, "wk")], p).0, Fail);
}

#[test]
fn procedures_and_immunizations() {
    let p = r#"{"procedures": [{"name": "CD19 CAR-T cell therapy", "date": "2024-05-01"}],
        "immunizations": [{"name": "MMR vaccine", "date": "2026-10-30"}]}"#;
    assert_eq!(exc(vec![proc_("CD19 CAR-T cell therapy")], p).0, Fail);
    assert_eq!(exc(vec![within(proc_("CD19 CAR-T cell therapy"), 1.0, "a")], p).0, Pass);
    assert_eq!(exc(vec![within(imm("MMR vaccine"), 4.0, "wk")], p).0, Fail);
    assert_eq!(exc(vec![within(imm("MMR vaccine"), 1.0, "wk")], p).0, Pass);
    assert_eq!(exc(vec![imm("BCG vaccine")], p).0, Unknown);
    // A month-precise date straddling the window's edge is unknown.
    let p = r#"{"immunizations": [{"name": "MMR vaccine", "date": "2026-10"}]}"#;
    assert_eq!(exc(vec![within(imm("MMR vaccine"), 4.0, "wk")], p).0, Unknown);
}

#[test]
fn pregnancy_breastfeeding_contraception() {
    let preg = atom(AtomKind::Pregnancy);
    let bf = atom(AtomKind::Breastfeeding);
    assert_eq!(exc(vec![preg.clone(), bf.clone()], r#"{"sex": "female", "pregnant": false, "breastfeeding": false}"#).0, Pass);
    assert_eq!(exc(vec![preg.clone(), bf.clone()], r#"{"sex": "female", "pregnant": false, "breastfeeding": true}"#).0, Fail);
    assert_eq!(exc(vec![preg.clone(), bf.clone()], r#"{"sex": "female", "pregnant": false}"#).0, Unknown);
    assert_eq!(exc(vec![preg.clone(), bf.clone()], r#"{"sex": "male"}"#).0, Pass);
    assert_eq!(inc(vec![atom(AtomKind::Contraception)], r#"{"sex": "male"}"#).0, Unknown);
    assert_eq!(inc(vec![atom(AtomKind::Contraception)], r#"{"answers": {"contraception": true}}"#).0, Pass);
}

#[test]
fn exclusions_fail_when_their_condition_is_present() {
    let p = r#"{"observations": [{"name": "hemoglobin", "value": 70, "unit": "g/L"}]}"#;
    // Exclusion "Hb < 80 g/L": holds → fail.
    let (s, r) = exc(vec![lab("hemoglobin", Lt, 80.0, "g/L")], p);
    assert_eq!((s, r.as_str()), (Fail, "Hemoglobin 70 g/L meets < 80 g/L (Exclusion 1)"));
    let (s, r) = exc(vec![lab("hemoglobin", Lt, 60.0, "g/L")], p);
    assert_eq!((s, r.as_str()), (Pass, "Hemoglobin 70 g/L is not < 60 g/L (Exclusion 1)"));
    // Several atoms in an exclusion: any of them excludes.
    let p = r#"{"conditions": [{"name": "hepatitis C"}, {"name": "HIV infection", "status": "absent"}]}"#;
    assert_eq!(exc(vec![cond("HIV infection"), cond("hepatitis B"), cond("hepatitis C")], p).0, Fail);
    assert_eq!(exc(vec![cond("HIV infection"), cond("hepatitis B")], p).0, Unknown);
    // In an inclusion, all of them must hold.
    let p = r#"{"observations": [{"name": "hemoglobin", "value": 100, "unit": "g/L"}, {"name": "platelets", "value": 80, "unit": "10*9/L"}]}"#;
    assert_eq!(inc(vec![lab("hemoglobin", Ge, 90.0, "g/L"), lab("platelets", Ge, 100.0, "10*9/L")], p).0, Fail);
}

#[test]
fn partly_understood_criteria_never_pass_on_their_atoms() {
    let p = r#"{"observations": [{"name": "hemoglobin", "value": 100, "unit": "g/L"}]}"#;
    let t = trial("T", vec![partial(crit("Hb ≥ 90 g/L and stable disease", vec![lab("hemoglobin", Ge, 90.0, "g/L")]))], vec![]);
    let e = run(&t, p);
    assert_eq!(node(&e, "inc.1").status, Unknown);
    assert_eq!(e.verdict, Undetermined);
    assert!(e.questions.iter().any(|q| q.id == "crit:T:inc.1"));
    // Nor does it fail: the words not read could narrow it. It goes to
    // review, which leaves the trial undetermined and asks about the criterion.
    let t = trial("T", vec![partial(crit("Hb ≥ 120 g/L and stable disease", vec![lab("hemoglobin", Ge, 120.0, "g/L")]))], vec![]);
    let e = run(&t, p);
    assert_eq!(node(&e, "inc.1").status, Review);
    assert_eq!(e.verdict, Undetermined);
    assert!(e.questions.iter().any(|q| q.id == "crit:T:inc.1"));
    // A partly understood exclusion whose understood part is present: review too.
    let t = trial("T", vec![], vec![partial(crit("Hb < 110 g/L due to bleeding", vec![lab("hemoglobin", Lt, 110.0, "g/L")]))]);
    let e = run(&t, p);
    assert_eq!(node(&e, "exc.1").status, Review);
    assert!(node(&e, "exc.1").reason.contains("Hemoglobin 100 g/L"), "{}", node(&e, "exc.1").reason);
    assert_eq!(e.verdict, Undetermined);
    // Understood in full, it fails.
    let t = trial("T", vec![], vec![crit("Hb < 110 g/L", vec![lab("hemoglobin", Lt, 110.0, "g/L")])]);
    assert_eq!(run(&t, p).verdict, Ineligible);
    // With no atoms at all: unknown, and a question about the criterion itself.
    let t = trial("T", vec![crit("Able to swallow tablets", vec![])], vec![]);
    let e = run(&t, p);
    assert_eq!(node(&e, "inc.1").status, Unknown);
    assert_eq!(e.questions[0].id, "crit:T:inc.1");
}

#[test]
fn study_team_criteria_go_to_confirm() {
    let p = r#"{"age": 40}"#;
    let t = trial(
        "T",
        vec![crit("Aged 18-65", vec![age_between(18.0, 65.0)]), crit("Signed informed consent", vec![atom(AtomKind::Consent)])],
        vec![crit("Any condition that in the investigator's opinion…", vec![atom(AtomKind::Judgment)]), crit("In another trial", vec![atom(AtomKind::Participation)])],
    );
    let e = run(&t, p);
    assert_eq!(e.verdict, Eligible);
    let ids: Vec<&str> = e.to_confirm.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["inc.2", "exc.1", "exc.2"]);
    assert!(node(&e, "inc.2").to_confirm);
    assert!(e.questions.is_empty());
}

#[test]
fn exceptions() {
    // "No malignancy, except basal cell carcinoma": same-kind exception takes the fact out.
    let p = r#"{"conditions": [{"name": "basal cell carcinoma", "onset": "2020"}]}"#;
    let a = vec![cond("basal cell carcinoma"), excepting(cond("basal cell carcinoma"), 0)];
    let (s, r) = exc(a, p);
    assert_eq!(s, Unknown, "{r}");
    assert!(r.contains("not counting basal cell carcinoma"), "{r}");
    let mut o = opts();
    o.closed_world = true;
    let t = trial("T", vec![], vec![crit("No malignancy except BCC", vec![cond("basal cell carcinoma"), excepting(cond("basal cell carcinoma"), 0)])]);
    assert_eq!(trialsieve::eval::evaluate(&t, &patient(p), &o).verdict, Eligible);
    // "Bilirubin ≤ 1.5 × ULN, unless Gilbert's syndrome": another kind waives the atom.
    let atoms = vec![lab("bilirubin", Le, 1.5, "ULN"), excepting(cond("Gilbert syndrome"), 0)];
    let high = r#"{"observations": [{"name": "bilirubin", "value": 3, "unit": "mg/dL", "referenceHigh": 1.2}], "conditions": [{"name": "Gilbert syndrome"}]}"#;
    let (s, r) = inc(atoms.clone(), high);
    assert_eq!(s, Pass, "{r}");
    assert!(r.contains("waived"), "{r}");
    let no_gilbert = r#"{"observations": [{"name": "bilirubin", "value": 3, "unit": "mg/dL", "referenceHigh": 1.2}]}"#;
    let (s, r) = inc(atoms.clone(), no_gilbert);
    assert_eq!(s, Unknown, "{r}");
    assert!(r.contains("unless"), "{r}");
    let normal = r#"{"observations": [{"name": "bilirubin", "value": 1, "unit": "mg/dL", "referenceHigh": 1.2}]}"#;
    assert_eq!(inc(atoms, normal).0, Pass);
}

#[test]
fn applies_if_makes_criteria_not_applicable() {
    let lupus = Some(concept("systemic lupus erythematosus"));
    let c = applies_if(crit("For SLE patients: SLEDAI ≥ 6", vec![lab("SLEDAI-2K", Ge, 6.0, "{score}")]), "SLE patients", "condition", lupus);
    let wocbp = applies_if(crit("WOCBP: negative pregnancy test", vec![qualitative("pregnancy test", "negative")]), "women of childbearing potential", "childbearing", None);
    let t = trial("T", vec![c, wocbp], vec![]);
    let e = run(&t, r#"{"sex": "male", "conditions": [{"name": "systemic sclerosis"}, {"name": "systemic lupus erythematosus", "status": "absent"}]}"#);
    assert_eq!(node(&e, "inc.1").status, NotApplicable);
    assert_eq!(node(&e, "inc.2").status, NotApplicable);
    assert!(node(&e, "inc.2").reason.starts_with("does not apply"), "{}", node(&e, "inc.2").reason);
    assert_eq!(e.verdict, Eligible);
    // Unknown whether it applies: unknown unless it passes anyway.
    let e = run(&t, r#"{"sex": "female", "observations": [{"name": "SLEDAI-2K", "value": 8}, {"name": "pregnancy test", "value": "negative"}]}"#);
    assert_eq!(node(&e, "inc.1").status, Pass);
    assert_eq!(node(&e, "inc.2").status, Pass);
    let e = run(&t, r#"{"sex": "female", "observations": [{"name": "SLEDAI-2K", "value": 2}]}"#);
    assert_eq!(node(&e, "inc.1").status, Unknown);
    assert!(e.questions.iter().any(|q| q.id == "cond:sle"), "{:?}", e.questions);
}

#[test]
fn groups_follow_their_logic() {
    let any = group("One of:", trialsieve::criteria::Logic::Any, vec![crit("SLE", vec![cond("SLE")]), crit("RA", vec![cond("rheumatoid arthritis")])]);
    let t = trial("T", vec![any], vec![]);
    assert_eq!(run(&t, r#"{"conditions": [{"name": "rheumatoid arthritis"}]}"#).verdict, Eligible);
    assert_eq!(run(&t, r#"{"conditions": [{"name": "SLE", "status": "absent"}]}"#).verdict, Undetermined);
    // Exclusion groups exclude on any sub-item.
    let g = group("Lab abnormalities:", trialsieve::criteria::Logic::All, vec![crit("Hb < 80", vec![lab("hemoglobin", Lt, 80.0, "g/L")]), crit("PLT < 50", vec![lab("platelets", Lt, 50.0, "10*9/L")])]);
    let t = trial("T", vec![], vec![g]);
    let e = run(&t, r#"{"observations": [{"name": "hemoglobin", "value": 70, "unit": "g/L"}, {"name": "platelets", "value": 200, "unit": "10*9/L"}]}"#);
    assert_eq!(e.verdict, Ineligible);
    assert_eq!(e.failing.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["exc.1.1"]);
}


#[test]
fn names_match_through_the_lexicon_and_codes_exactly() {
    // The lexicon knows "HGB" and "Hb" as hemoglobin (LOINC:718-7).
    let atom = trialsieve::atoms::Atom { concept: Some(with_id("Hemoglobin", "hemoglobin")), ..lab("x", Ge, 100.0, "g/L") };
    for p in [
        r#"{"observations": [{"name": "HGB", "value": 12, "unit": "g/dL"}]}"#,
        r#"{"observations": [{"name": "Haemoglobin", "value": 12, "unit": "g/dL"}]}"#,
        r#"{"observations": [{"code": "LOINC:718-7", "value": 12, "unit": "g/dL"}]}"#,
    ] {
        assert_eq!(inc(vec![atom.clone()], p).0, Pass, "{p}");
    }
    // A different code does not match, whatever the name.
    let p = r#"{"observations": [{"name": "Hemoglobin A1c", "code": "LOINC:4548-4", "value": 6, "unit": "%"}]}"#;
    assert_eq!(inc(vec![atom], p).0, Unknown);
    // An atom with only a code matches the same code.
    let mut coded = lab("ignored name", Ge, 100.0, "10*9/L");
    coded.concept = Some(trialsieve::atoms::ConceptRef { id: None, name: "PLT".into(), code: Some("LOINC:777-3".into()) });
    assert_eq!(inc(vec![coded], r#"{"observations": [{"code": "LOINC:777-3", "value": 150, "unit": "10*3/uL"}]}"#).0, Pass);
}

#[test]
fn odd_atoms_never_panic() {
    use trialsieve::atoms::{Atom, Bound, Direction, Dose, Duration, Window};
    let odd_numbers = [f64::NAN, f64::INFINITY, -1e300, 0.0, 1e300];
    let odd_units = ["", "ULN", "LLN", "bananas", "a", "{score}", "10*9/L", "mg/kg/d", "/"];
    let kinds = [
        AtomKind::Age, AtomKind::Sex, AtomKind::Measurement, AtomKind::Condition, AtomKind::Medication, AtomKind::Procedure,
        AtomKind::Immunization, AtomKind::Pregnancy, AtomKind::Breastfeeding, AtomKind::Contraception, AtomKind::Consent,
    ];
    let p = r#"{"asOf": "2026-11-22", "birthDate": "1981-04-02", "sex": "female",
        "conditions": [{"name": "x", "onset": "2022"}], "observations": [{"name": "x", "value": 5, "unit": "g/L", "referenceHigh": 0}],
        "medications": [{"name": "x", "dose": 0, "unit": "mg/d"}], "procedures": [{"name": "x"}], "immunizations": [{"name": "x", "date": "2026"}],
        "answers": {"obs:x": {"value": 1, "unit": "bananas/L"}}}"#;
    // A unit not understood in an answer: a warning on its field, not a refusal.
    let p = trialsieve::patient::read(p).unwrap();
    assert!(p.warnings.iter().any(|w| w.field == "answers.obs:x.unit"), "{:?}", p.warnings);
    let p = r#"{"asOf": "2026-11-22", "birthDate": "1981-04-02", "sex": "female",
        "conditions": [{"name": "x", "onset": "2022"}], "observations": [{"name": "x", "value": 5, "unit": "g/L", "referenceHigh": 0}],
        "medications": [{"name": "x", "dose": 0, "unit": "mg/d"}], "procedures": [{"name": "x"}], "immunizations": [{"name": "x", "date": "2026"}]}"#;
    for kind in kinds {
        for v in odd_numbers {
            for u in odd_units {
                let a = Atom {
                    kind,
                    concept: Some(concept("x")),
                    comparator: Some(Ge),
                    value: Some(v),
                    unit: Some(u.into()),
                    low: Some(Bound { value: v, inclusive: false }),
                    duration: Some(Duration { comparator: None, value: v, unit: u.into() }),
                    dose: Some(Dose { comparator: Some(Lt), value: Some(v), low: None, high: None, unit: u.into() }),
                    window: Some(Window { comparator: Some(Gt), value: v, unit: u.into(), direction: Direction::After, span: None, anchor: "screening".into() }),
                    qualifier: Some(String::new()),
                    excepts: Some(99),
                    ..atom(kind)
                };
                let _ = inc(vec![a.clone(), excepting(a.clone(), 0)], p);
                let _ = exc(vec![a], p);
            }
        }
    }
}

#[test]
fn the_lexicon_hierarchy_counts_downwards_only() {
    // A narrower fact meets a broader criterion: the drug is in the class,
    // lupus nephritis is lupus.
    let p = r#"{"medications": [{"name": "prednisone", "start": "2026-01-01"}, {"name": "Rituximab 500 MG Injection"}], "conditions": [{"name": "lupus nephritis"}]}"#;
    assert_eq!(exc(vec![med("glucocorticoids")], p).0, Fail);
    assert_eq!(exc(vec![med("B-cell targeted therapy")], p).0, Fail);
    assert_eq!(exc(vec![med("biologics")], p).0, Fail);
    assert_eq!(inc(vec![cond("systemic lupus erythematosus")], p).0, Pass);
    // A broader fact says nothing of the narrower criterion.
    let p = r#"{"conditions": [{"name": "SLE"}], "medications": [{"name": "glucocorticoids"}]}"#;
    let (s, r) = inc(vec![cond("lupus nephritis")], p);
    assert_eq!(s, Unknown, "{r}");
    assert_eq!(exc(vec![med("prednisone")], p).0, Unknown);
    // Nor does a sibling.
    assert_eq!(exc(vec![med("rituximab")], r#"{"medications": [{"name": "belimumab"}]}"#).0, Unknown);
    // Codes: a SNOMED-coded lupus nephritis is lupus.
    let p = r#"{"conditions": [{"code": "SNOMED:68815009"}]}"#;
    assert_eq!(inc(vec![cond("SLE")], p).0, Pass);
}

/// An n-of-m group over three conditions, in the section given, judged for
/// the patient's conditions (`name` or `name:absent`): its status and reason.
fn two_of_three(exclusion: bool, conditions: &[&str]) -> (trialsieve::eval::Status, String) {
    let g = group(
        "At least 2 of the following:",
        trialsieve::criteria::Logic::AtLeast(2),
        vec![crit("Diabetes", vec![cond("diabetes mellitus")]), crit("Hypertension", vec![cond("hypertension")]), crit("Obesity", vec![cond("obesity")])],
    );
    let t = if exclusion { trial("T", vec![], vec![g]) } else { trial("T", vec![g], vec![]) };
    let list: Vec<String> = conditions
        .iter()
        .map(|c| match c.split_once(':') {
            Some((n, s)) => format!(r#"{{"name": "{n}", "status": "{s}"}}"#),
            None => format!(r#"{{"name": "{c}"}}"#),
        })
        .collect();
    let e = run(&t, &format!(r#"{{"conditions": [{}]}}"#, list.join(", ")));
    let id = if exclusion { "exc.1" } else { "inc.1" };
    let r = node(&e, id);
    (r.status, r.reason.clone())
}

#[test]
fn n_of_m_inclusion_counts_its_children() {
    let check = |conds: &[&str], want: trialsieve::eval::Status, reason: &str| {
        let (s, r) = two_of_three(false, conds);
        assert_eq!((s, r.as_str()), (want, reason), "{conds:?}");
    };
    check(&["diabetes mellitus", "hypertension"], Pass, "2 of at least 2 met, 1 unknown");
    check(&["diabetes mellitus", "hypertension", "obesity"], Pass, "3 of at least 2 met");
    // One met, two unknown: two could still be met.
    check(&["diabetes mellitus"], Unknown, "1 of at least 2 met, 2 unknown");
    // One met, one absent, one unknown: still possible.
    check(&["diabetes mellitus", "hypertension:absent"], Unknown, "1 of at least 2 met, 1 not met, 1 unknown");
    // Two absent: at most one can be met.
    check(&["diabetes mellitus:absent", "hypertension:absent"], Fail, "0 of at least 2 met, 2 not met, 1 unknown");
}

#[test]
fn n_of_m_exclusion_excludes_when_n_items_hold() {
    let check = |conds: &[&str], want: trialsieve::eval::Status, reason: &str| {
        let (s, r) = two_of_three(true, conds);
        assert_eq!((s, r.as_str()), (want, reason), "{conds:?}");
    };
    // One item alone does not exclude; it stays open while two are unknown.
    check(&["diabetes mellitus"], Unknown, "1 of at least 2 present, 2 unknown");
    check(&["diabetes mellitus", "hypertension"], Fail, "2 of at least 2 present, 1 unknown");
    // Two absent: at most one item can hold, so the group does not exclude.
    check(&["diabetes mellitus", "hypertension:absent", "obesity:absent"], Pass, "1 of at least 2 present, 2 absent");
    check(&["hypertension:absent", "obesity:absent"], Pass, "0 of at least 2 present, 2 absent, 1 unknown");
}
