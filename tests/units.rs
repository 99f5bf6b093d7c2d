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
fn converts_between_scales_of_one_analyte() {
    // HbA1c: IFCC mmol/mol = 10.929 × (NGSP % − 2.15); 6.5 % is 48 mmol/mol.
    check(6.5, "%", "mmol/mol", Some("hba1c"), 47.54);
    check(6.045, "%", "mmol/mol", Some("HbA1c"), 42.57);
    check(53.0, "mmol/mol", "%", Some("hba1c"), 7.0);
    // Without the analyte the units relate by their factors alone.
    check(6.5, "%", "mmol/mol", None, 65.0);
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

/// `ucum(code, value, to, expected)`: the code reads, and converts as UCUM says.
fn ucum(code: &str, value: f64, to: &str, expected: f64) {
    assert!(parse(code).is_some(), "cannot read {code}");
    check(value, code, to, None, expected);
}

#[test]
fn reads_the_ucum_grammar() {
    // Square-bracket atoms and special units.
    ucum("[pH]", 7.4, "[pH]", 7.4);
    ucum("Cel", 37.0, "[degF]", 98.6);
    ucum("[degF]", 212.0, "Cel", 100.0);
    ucum("deg", 180.0, "rad", std::f64::consts::PI);
    ucum("[iU]/L", 5.0, "[IU]/L", 5.0);
    ucum("m[IU]/mL", 1.0, "[IU]/L", 1.0);
    ucum("[arb'U]/mL", 2.0, "[arb'U]/L", 2000.0);
    ucum("/[HPF]", 5.0, "/[HPF]", 5.0);
    ucum("/[LPF]", 1.0, "/[HPF]", 0.01);
    ucum("%", 50.0, "1", 0.5);
    ucum("mm[Hg]", 760.0, "kPa", 101.325);
    ucum("cm[H2O]", 10.0, "mm[Hg]", 7.3556);
    ucum("10*3/uL", 150.0, "10*9/L", 150.0);
    ucum("10*-3", 1.0, "1", 0.001);
    // Division, parentheses, numbers and exponents.
    ucum("ug/(24.h)", 240.0, "ug/h", 10.0);
    ucum("mg/(24.h)", 150.0, "mg/d", 150.0);
    ucum("mL/min/{1.73_m2}", 60.0, "mL/min", 60.0);
    ucum("kg/m2", 25.0, "g/cm2", 2.5);
    ucum("m2", 1.0, "cm2", 10_000.0);
    ucum("cm-1", 1.0, "/m", 100.0);
    ucum("s+2", 1.0, "min2", 1.0 / 3600.0);
    ucum("mmol/(kg.d)", 1.0, "umol/kg/h", 1000.0 / 24.0);
    ucum("g.m/s2", 1000.0, "N", 1.0);
    ucum("J/s", 1.0, "W", 1.0);
    ucum("kcal", 1.0, "kJ", 4.184);
    ucum("[lb_av]", 1.0, "[oz_av]", 16.0);
    ucum("[in_i]", 1.0, "cm", 2.54);
    ucum("[foz_us]", 1.0, "mL", 29.5735);
    ucum("[gal_us]", 1.0, "L", 3.78541);
    ucum("[diop]", 2.0, "/m", 2.0);
    // Annotations are dimensionless, alone or on an atom.
    ucum("{cells}/uL", 1.0, "/mL", 1000.0);
    ucum("U{37Cel}/L", 3.0, "U/L", 3.0);
    ucum("{score}", 3.0, "1", 3.0);
    // Prefixes, the longest first.
    ucum("dag", 1.0, "g", 10.0);
    ucum("ng/mL", 1.0, "ug/L", 1.0);
    ucum("pmol/L", 1000.0, "nmol/L", 1.0);
    ucum("fL", 90.0, "um3", 90.0);
    ucum("Gy", 1.0, "cGy", 100.0);
    ucum("MBq", 1.0, "kBq", 1000.0);
}

#[test]
fn keeps_apart_what_ucum_keeps_apart() {
    for (a, b) in [("[arb'U]", "[CFU]"), ("[arb'U]", "1"), ("[IU]", "mol"), ("Cel", "m"), ("mm[Hg]", "g"), ("deg", "1"), ("[HPF]", "m")] {
        assert!(matches!(convert(1.0, a, b, None), Err(ConvertError::Incompatible(..))), "{a} and {b} should not convert");
    }
    // A temperature scale with an offset does not combine with other units.
    for u in ["Cel/h", "Cel2", "[degF].s", "/Cel", "mg/", "((((mg", "mg)", "{unclosed", "[unclosed", "m[Hg", "10*", "mg.", ".mg"] {
        if u == "10*" {
            // "10*" alone is UCUM's ten.
            assert_eq!(parse(u).map(|x| x.factor), Some(10.0));
            continue;
        }
        assert!(parse(u).is_none(), "{u} should not read");
    }
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("{}g{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(parse(&deep).is_none());
}

#[test]
fn the_unit_file_reads() {
    assert_eq!(trialsieve::units::check_unit_file(), None);
}

/// The UCUM codes of the Synthea FHIR bundles (a real lab panel, vitals and
/// scores): every one reads.
#[test]
fn every_unit_of_the_synthea_bundles_reads() {
    #[path = "common/corpus.rs"]
    mod corpus_path;
    let Some(dir) = corpus_path::dir() else {
        println!("no corpus (TRIALSIEVE_CORPUS or ../shared/corpus); skipping");
        return;
    };
    fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("system").and_then(|s| s.as_str()) == Some("http://unitsofmeasure.org") {
                    out.extend(m.get("code").and_then(|c| c.as_str()).map(String::from));
                }
                m.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut units = std::collections::BTreeSet::new();
    let mut bundles = 0;
    for e in std::fs::read_dir(dir.join("fhir")).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        walk(&serde_json::from_str(&text).unwrap(), &mut units);
        bundles += 1;
    }
    assert!(bundles >= 10 && units.len() >= 15, "{bundles} bundles, {} units", units.len());
    let unread: Vec<&String> = units.iter().filter(|u| parse(u).is_none()).collect();
    assert!(unread.is_empty(), "units of the bundles not read: {unread:?}");
    println!("{} UCUM codes in {bundles} bundles, all read: {units:?}", units.len());
}

/// An observation in a unit not understood: a warning on the evaluation,
/// and the atom that needs the value is unknown, never pass or fail.
#[test]
fn an_unknown_unit_makes_its_atom_unknown() {
    use trialsieve::eval::{self, EvalOptions, Status};
    let trial = trialsieve::parse("Inclusion Criteria:\n* Hemoglobin ≥ 10 g/dL\n* Creatinine ≤ 1.5 mg/dL", &Default::default()).unwrap().remove(0);
    let p = trialsieve::patient::read(
        r#"{"observations": [{"name": "hemoglobin", "value": 12, "unit": "gm/dL", "date": "2026-11-01"},
                             {"name": "creatinine", "value": 1.0, "unit": "mg/dL", "date": "2026-11-01"}]}"#,
    )
    .unwrap();
    let e = eval::evaluate(&trial, &p, &EvalOptions { today: Some("2026-11-22".into()), ..Default::default() });
    assert!(e.warnings.iter().any(|w| w.contains("observations[0].unit: unknown unit \"gm/dL\"")), "{:?}", e.warnings);
    let mut statuses = Vec::new();
    fn walk(r: &trialsieve::eval::CriterionResult, out: &mut Vec<(String, Status)>) {
        if r.children.is_empty() {
            out.push((r.id.clone(), r.status));
        }
        r.children.iter().for_each(|c| walk(c, out));
    }
    e.criteria.iter().filter(|r| r.id.starts_with("inc")).for_each(|r| walk(r, &mut statuses));
    assert_eq!(statuses, [("inc.1".to_string(), Status::Unknown), ("inc.2".to_string(), Status::Pass)]);
}
