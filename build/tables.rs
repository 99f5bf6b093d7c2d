//! The small tables the library used to parse with serde_json at start
//! (phrase lists, page sections and labels, units and analytes): read and
//! checked here, and written as Rust source (`static` slices of `&str` and
//! numbers) that the library `include!`s, so that the wasm holds no
//! Deserialize code for them. Each error names the file and the problem.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use serde::Deserialize;

use crate::page_field::Field;

/// A Rust expression for a list of strings: `&["a", "b"]`.
fn strs<S: AsRef<str>>(list: &[S]) -> String {
    let items: Vec<String> = list.iter().map(|s| format!("{:?}", s.as_ref())).collect();
    format!("&[{}]", items.join(", "))
}

/// A Rust literal for a number read from JSON: `{:?}` of an `f64` reads back
/// as the same `f64`.
fn num(x: f64) -> String {
    format!("{x:?}")
}

fn opt_num(x: Option<f64>) -> String {
    x.map_or("None".to_string(), |x| format!("Some({})", num(x)))
}

fn read<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))
}

// ---------------------------------------------------------------- phrases

const PHRASES: &str = "data/criteria/phrases.json";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PhraseFile {
    inclusion_headers: Vec<String>,
    exclusion_headers: Vec<String>,
    general_headers: Vec<String>,
    header_qualifiers: Vec<String>,
    header_prefix_stop_words: Vec<String>,
    header_qualifier_words: Vec<String>,
    any_phrases: Vec<String>,
    all_phrases: Vec<String>,
    count_words: Vec<String>,
    trailing_any: Vec<String>,
    cohort_phrases: Vec<String>,
    cohort_words: Vec<String>,
    cohort_definition_words: Vec<String>,
    note_prefixes: Vec<String>,
    lead_in_note_words: Vec<String>,
    applies_if: Vec<AppliesPattern>,
    applies_if_stop_words: Vec<String>,
    childbearing: Vec<String>,
    sex_leading: Vec<String>,
    sex_anywhere: Vec<String>,
    sex_modals: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppliesPattern {
    pattern: String,
    kind: String,
}

/// `data/criteria/phrases.json` as a `Phrases` struct expression; the
/// fields the library derives on load are left to `Default`.
pub fn phrases(text: &str) -> Result<String, String> {
    let p: PhraseFile = read(PHRASES, text)?;
    let lists: [(&str, &Vec<String>); 20] = [
        ("inclusion_headers", &p.inclusion_headers),
        ("exclusion_headers", &p.exclusion_headers),
        ("general_headers", &p.general_headers),
        ("header_qualifiers", &p.header_qualifiers),
        ("header_prefix_stop_words", &p.header_prefix_stop_words),
        ("header_qualifier_words", &p.header_qualifier_words),
        ("any_phrases", &p.any_phrases),
        ("all_phrases", &p.all_phrases),
        ("count_words", &p.count_words),
        ("trailing_any", &p.trailing_any),
        ("cohort_phrases", &p.cohort_phrases),
        ("cohort_words", &p.cohort_words),
        ("cohort_definition_words", &p.cohort_definition_words),
        ("note_prefixes", &p.note_prefixes),
        ("lead_in_note_words", &p.lead_in_note_words),
        ("applies_if_stop_words", &p.applies_if_stop_words),
        ("childbearing", &p.childbearing),
        ("sex_leading", &p.sex_leading),
        ("sex_anywhere", &p.sex_anywhere),
        ("sex_modals", &p.sex_modals),
    ];
    // Matching lower-cases the text and folds its white space: a phrase in
    // any other form would never match.
    for (field, list) in &lists {
        for s in *list {
            if *s != s.to_lowercase() || s.split_whitespace().collect::<Vec<_>>().join(" ") != *s {
                return Err(format!("{PHRASES}: {field}: {s:?} must be lower case with single spaces"));
            }
        }
    }
    for a in &p.applies_if {
        if a.pattern.matches("{X}").count() != 1 {
            return Err(format!("{PHRASES}: appliesIf: pattern {:?} needs exactly one {{X}}", a.pattern));
        }
    }
    let mut out = String::from("Phrases {\n");
    for (field, list) in &lists {
        writeln!(out, "    {field}: strings({}),", strs(list)).unwrap();
    }
    let applies: Vec<String> = p.applies_if.iter().map(|a| format!("({:?}, {:?})", a.pattern, a.kind)).collect();
    writeln!(out, "    applies_if: applies(&[{}]),", applies.join(", ")).unwrap();
    out.push_str("    ..Default::default()\n}\n");
    Ok(out)
}

// ---------------------------------------------------------------- page

const SECTIONS: &str = "data/ingest/page_sections.json";
const FACTS: &str = "data/ingest/page_facts.json";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SectionsFile {
    criteria_headers: Vec<String>,
    fallback_headers: Vec<String>,
    end_sections: Vec<String>,
    chrome_lines: Vec<String>,
    location_sections: Vec<String>,
}

/// The page tables as `const`s: the section lists, and `FACTS`, each field
/// with its labels in the order of [`Field`].
pub fn page(sections: &str, facts: &str) -> Result<String, String> {
    let s: SectionsFile = read(SECTIONS, sections)?;
    let f: BTreeMap<String, Vec<String>> = read(FACTS, facts)?;
    let mut by_field = BTreeMap::new();
    let mut seen = HashSet::new();
    for (name, labels) in f {
        let Some((_, field)) = Field::NAMES.iter().find(|(n, _)| *n == name) else {
            return Err(format!("{FACTS}: unknown field {name:?}"));
        };
        for l in &labels {
            if !seen.insert(l.clone()) {
                return Err(format!("{FACTS}: label {l:?} names two fields"));
            }
        }
        by_field.insert(*field, labels);
    }
    let mut out = String::new();
    for (name, list) in [
        ("CRITERIA_HEADERS", &s.criteria_headers),
        ("FALLBACK_HEADERS", &s.fallback_headers),
        ("END_SECTIONS", &s.end_sections),
        ("CHROME_LINES", &s.chrome_lines),
        ("LOCATION_SECTIONS", &s.location_sections),
    ] {
        writeln!(out, "const {name}: &[&str] = {};", strs(list)).unwrap();
    }
    out.push_str("const FACTS: &[(Field, &[&str])] = &[\n");
    for (field, labels) in &by_field {
        writeln!(out, "    (Field::{field:?}, {}),", strs(labels)).unwrap();
    }
    out.push_str("];\n");
    Ok(out)
}

// ---------------------------------------------------------------- units

const UNITS: &str = "data/units/units.json";
const ANALYTES: &str = "data/units/analytes.json";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitFile {
    #[allow(dead_code)]
    comment: String,
    dimensions: Vec<String>,
    prefixes: HashMap<String, f64>,
    units: Vec<UnitDef>,
    aliases: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitDef {
    code: String,
    #[serde(default)]
    dim: Option<String>,
    #[serde(default)]
    is: Option<(f64, String)>,
    #[serde(default)]
    offset: f64,
    #[serde(default)]
    prefixable: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalyteFile {
    #[allow(dead_code)]
    comment: String,
    analytes: Vec<AnalyteExtra>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AnalyteExtra {
    id: String,
    #[serde(default)]
    molar_mass: Option<f64>,
    #[serde(default)]
    plausible: Option<Range>,
    #[serde(default)]
    scales: Vec<Scale>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Range {
    low: f64,
    high: f64,
    unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scale {
    from: String,
    to: String,
    factor: f64,
    offset: f64,
}

/// The unit and analyte tables as `const`s. What needs the UCUM reader (a
/// unit defined by an expression) the library checks as it builds its
/// tables, and tests/units.rs through `check_unit_file`; this checks the
/// shape and the names.
pub fn units(units: &str, analytes: &str) -> Result<String, String> {
    let f: UnitFile = read(UNITS, units)?;
    let a: AnalyteFile = read(ANALYTES, analytes)?;
    let mut out = String::new();
    writeln!(out, "const DIMENSIONS: &[&str] = {};", strs(&f.dimensions)).unwrap();
    // Sorted, so that the generated source does not depend on hashing.
    let prefixes: BTreeMap<_, _> = f.prefixes.iter().collect();
    let prefixes: Vec<String> = prefixes.iter().map(|(p, x)| format!("({p:?}, {})", num(**x))).collect();
    writeln!(out, "const PREFIXES: &[(&str, f64)] = &[{}];", prefixes.join(", ")).unwrap();
    let mut codes = HashSet::new();
    out.push_str("const UNITS: &[UnitDef] = &[\n");
    for u in &f.units {
        if !codes.insert(u.code.as_str()) {
            return Err(format!("{UNITS}: {} is listed twice", u.code));
        }
        let def = match (&u.dim, &u.is) {
            (Some(d), None) if f.dimensions.contains(d) => format!("Def::Dim({d:?})"),
            (Some(d), None) => return Err(format!("{UNITS}: {}: unknown dimension {d:?}", u.code)),
            (None, Some((value, expr))) => format!("Def::Is({}, {expr:?})", num(*value)),
            _ => return Err(format!("{UNITS}: {}: give either dim or is", u.code)),
        };
        writeln!(out, "    UnitDef {{ code: {:?}, def: {def}, offset: {}, prefixable: {} }},", u.code, num(u.offset), u.prefixable)
            .unwrap();
    }
    out.push_str("];\n");
    let aliases: BTreeMap<_, _> = f.aliases.iter().collect();
    let aliases: Vec<String> = aliases.iter().map(|(k, v)| format!("({k:?}, {v:?})")).collect();
    writeln!(out, "const ALIASES: &[(&str, &str)] = &[{}];", aliases.join(", ")).unwrap();
    let mut ids = HashSet::new();
    out.push_str("const ANALYTES: &[AnalyteExtra] = &[\n");
    for x in &a.analytes {
        if !ids.insert(x.id.as_str()) {
            return Err(format!("{ANALYTES}: {:?} is listed twice", x.id));
        }
        let plausible = match &x.plausible {
            Some(r) => format!("Some(({}, {}, {:?}))", num(r.low), num(r.high), r.unit),
            None => "None".to_string(),
        };
        let scales: Vec<String> =
            x.scales.iter().map(|s| format!("({:?}, {:?}, {}, {})", s.from, s.to, num(s.factor), num(s.offset))).collect();
        writeln!(
            out,
            "    AnalyteExtra {{ id: {:?}, molar_mass: {}, plausible: {plausible}, scales: &[{}] }},",
            x.id,
            opt_num(x.molar_mass),
            scales.join(", ")
        )
        .unwrap();
    }
    out.push_str("];\n");
    Ok(out)
}
