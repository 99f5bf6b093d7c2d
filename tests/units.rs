//! Unit conversion: within a dimension, through molar masses, cell counts,
//! and the data files that drive it.

use trialsieve::units::{convert, parse, ConvertError};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// `check(value, from, to, analyte, expected)` in both directions.
fn check(value: f64, from: &str, to: &str, analyte: Option<&str>, expected: f64) {
    let got = convert(value, from, to, analyte).unwrap_or_else(|e| panic!("{value} {from} -> {to}: {e}"));
    assert!((got - expected).abs() <= 1e-3 * expected.abs().max(1e-9), "{value} {from} -> {to}: got {got}, expected {expected}");
    let back = convert(got, to, from, analyte).unwrap();
    assert!(close(back, value), "{expected} {to} -> {from}: got {back}, expected {value}");
}

#[test]
fn converts_within_a_dimension() {
    check(9.5, "g/dL", "g/L", None, 95.0);
    check(1.0, "mg/dL", "mg/L", None, 10.0);
    check(1.0, "g", "mg", None, 1000.0);
    check(1.0, "mg/d", "mg/wk", None, 7.0);
    check(70.0, "kg", "[lb_av]", None, 154.3236);
    check(65.0, "a", "mo", None, 780.0);
    check(4.0, "wk", "d", None, 28.0);
    check(1.0, "10*3/uL", "10*9/L", None, 1.0);
    check(1.0, "10*9/L", "/mm3", None, 1000.0);
    check(1.5, "10*9/L", "/mm3", None, 1500.0);
    check(150.0, "10*3/uL", "/uL", None, 150000.0);
    check(40.0, "U/L", "kU/L", None, 0.04);
    check(60.0, "mL/min/{1.73_m2}", "mL/min/{1.73_m2}", None, 60.0);
    check(7.0, "%", "{ratio}", None, 0.07);
}

#[test]
fn converts_mass_and_molar_through_the_analyte() {
    check(1.0, "mg/dL", "umol/L", Some("creatinine"), 88.4016);
    check(1.2, "mg/dL", "umol/L", Some("bilirubin"), 20.525);
    check(1.2, "mg/dL", "umol/L", Some("total_bilirubin"), 20.525);
    check(100.0, "mg/dL", "mmol/L", Some("glucose"), 5.5506);
    // 1 g/dL = 0.6206 mmol/L.
    check(1.0, "g/dL", "mmol/L", Some("hemoglobin"), 0.6206);
    check(9.5, "g/dL", "mmol/L", Some("haemoglobin"), 5.8957);
    // Without the analyte there is no bridge.
    assert!(matches!(convert(1.0, "mg/dL", "umol/L", None), Err(ConvertError::Incompatible(..))));
    assert!(matches!(convert(1.0, "mg/dL", "umol/L", Some("albumin")), Err(ConvertError::Incompatible(..))));
}

#[test]
fn reads_common_spellings() {
    for (written, ucum) in [
        ("x10^9/L", "10*9/L"),
        ("×10⁹/L", "10*9/L"),
        ("10^9/l", "10*9/L"),
        ("/mm³", "/mm3"),
        ("cells/mm3", "/mm3"),
        ("K/uL", "10*3/uL"),
        ("µmol/L", "umol/L"),
        ("mcg/d", "ug/d"),
        ("mg/day", "mg/d"),
        ("IU/L", "U/L"),
        ("mmHg", "mm[Hg]"),
    ] {
        let a = parse(written).unwrap_or_else(|| panic!("cannot read {written}"));
        let b = parse(ucum).unwrap();
        assert_eq!(a.dims, b.dims, "{written}");
        assert!(close(a.factor, b.factor), "{written}: {} vs {}", a.factor, b.factor);
    }
}

#[test]
fn rejects_what_it_cannot_read() {
    for u in ["gm/dL", "mg//dL", "bananas", "10*x/L", "mg/"] {
        assert!(parse(u).is_none(), "{u} should not parse");
    }
    assert_eq!(convert(1.0, "gm/dL", "g/L", None), Err(ConvertError::UnknownUnit("gm/dL".into())));
    assert!(matches!(convert(1.0, "g/L", "mL", None), Err(ConvertError::Incompatible(..))));
}

#[test]
fn analyte_table_units_all_parse() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/units/analytes.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut ids = std::collections::HashSet::new();
    for a in v["analytes"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        assert!(ids.insert(id.to_string()), "duplicate analyte {id}");
        for k in ["uln", "plausible"] {
            if let Some(u) = a.get(k).and_then(|x| x["unit"].as_str()) {
                assert!(parse(u).is_some(), "{id}.{k}: unit {u}");
            }
        }
        assert!(trialsieve::units::analyte(id).is_some());
    }
}

#[test]
fn analyte_data_has_one_source() {
    // Molar masses and default limits come from the lexicon; the analyte
    // file adds only what it lacks, under lexicon ids.
    assert_eq!(trialsieve::units::check_analyte_file(), Vec::<String>::new());
    let cr = trialsieve::units::analyte("creatinine").unwrap();
    let lex = trialsieve::lexicon::get().by_id("creatinine").unwrap();
    assert_eq!(cr.molar_mass, lex.molar_mass);
    assert_eq!(cr.uln.as_ref().map(|u| (u.value, u.unit.as_str())), Some((1.2, "mg/dL")));
    // Found by any lexicon name or code.
    assert_eq!(trialsieve::units::analyte("SGPT").map(|a| a.id.as_str()), Some("alt"));
    assert_eq!(trialsieve::units::analyte("LOINC:2160-0").map(|a| a.id.as_str()), Some("creatinine"));
}

#[test]
fn odd_units_never_panic() {
    for u in ["m100.m100", "m127/m-128", "10*999/L", "10*-5", "{", "}", "/", "./.", "m99999", "µ", "L{x", "{a}{b}", "mg/{1.73_m2", "×", "10*9/10*9", "%/%"] {
        let _ = parse(u);
        let _ = convert(1.0, u, "g/L", Some("creatinine"));
    }
}
