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

/// A Rust string literal of phrases, each ended by a line feed (read back
/// line by line): one string instead of a slice of them, whose pointer and
/// length per entry cost the wasm more than the words do. A phrase with a
/// line break in it would read back as two: refused, naming the file.
fn lines<S: AsRef<str>>(file: &str, list: impl IntoIterator<Item = S>) -> Result<String, String> {
    let mut all = String::new();
    for s in list {
        let s = s.as_ref();
        if s.contains(['\n', '\r']) {
            return Err(format!("{file}: {s:?} has a line break"));
        }
        all.push_str(s);
        all.push('\n');
    }
    Ok(format!("{all:?}"))
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
        writeln!(out, "    {field}: strings({}),", lines(PHRASES, list.iter())?).unwrap();
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
        writeln!(out, "const {name}: &str = {};", lines(SECTIONS, list.iter())?).unwrap();
    }
    out.push_str("const FACTS: &[(Field, &str)] = &[\n");
    for (field, labels) in &by_field {
        writeln!(out, "    (Field::{field:?}, {}),", lines(FACTS, labels.iter())?).unwrap();
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
    // One line per unit: code, its dimension or the value of its
    // expression, the expression (none for a base), offset, 1 when
    // prefixable; `src/units/mod.rs` reads it at first use.
    let mut lines_out = String::new();
    for u in &f.units {
        if !codes.insert(u.code.as_str()) {
            return Err(format!("{UNITS}: {} is listed twice", u.code));
        }
        let (what, expr) = match (&u.dim, &u.is) {
            (Some(d), None) if f.dimensions.contains(d) => (d.clone(), ""),
            (Some(d), None) => return Err(format!("{UNITS}: {}: unknown dimension {d:?}", u.code)),
            (None, Some((value, expr))) if !expr.is_empty() => (num(*value), expr.as_str()),
            _ => return Err(format!("{UNITS}: {}: give either dim or is", u.code)),
        };
        let fields = [u.code.as_str(), &what, expr, &num(u.offset), if u.prefixable { "1" } else { "0" }];
        if fields.iter().any(|x| x.contains(['\t', '\n', '\r'])) {
            return Err(format!("{UNITS}: {}: a tab or a line break in a field", u.code));
        }
        lines_out.push_str(&fields.join("\t"));
        lines_out.push('\n');
    }
    writeln!(out, "const UNITS: &str = {lines_out:?};").unwrap();
    let aliases: BTreeMap<_, _> = f.aliases.iter().collect();
    if aliases.iter().any(|(k, v)| k.contains('\t') || v.contains('\t')) {
        return Err(format!("{UNITS}: a tab in an alias"));
    }
    writeln!(out, "const ALIASES: &str = {};", lines(UNITS, aliases.iter().map(|(k, v)| format!("{k}\t{v}")))?).unwrap();
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

// ------------------------------------------------------------ atom tables

/// The scanner's word lists in `data/atoms/` (name, text), checked and
/// written as `static` slices for `src/atoms/lex.rs`: phrases folded as the
/// scanner folds text (`atoms::text::fold_str`) and sorted longest first,
/// words in lower case. An unknown category, a missing column, a number or
/// comparator that does not read, or a phrase given two meanings fails the
/// build, naming the file and line.
pub fn atoms(files: &[(&str, &str)]) -> Result<String, String> {
    let file = |name: &str| files.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).ok_or_else(|| format!("data/atoms/{name}: missing"));
    let rows = |name: &'static str| -> Result<Vec<(usize, Vec<&str>)>, String> {
        Ok(file(name)?
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|(n, l)| (n + 1, l.split('\t').collect()))
            .collect())
    };
    let field = |name: &str, n: usize, cols: &[&str], i: usize| -> Result<String, String> {
        cols.get(i).copied().filter(|s| !s.is_empty()).map(str::to_string).ok_or_else(|| format!("data/atoms/{name} line {n}: missing column {}", i + 1))
    };
    let fold = |s: &str| crate::text::fold_str(s).into_iter().collect::<String>();
    // Longest first (in characters, as the scanner compares); a stable
    // sort keeps the files' order among phrases of one length.
    fn longest_first<T>(rows: &mut [(String, T)]) {
        rows.sort_by_key(|(p, _)| std::cmp::Reverse(p.chars().count()));
    }
    // One meaning per phrase, as the lexicon has one concept per synonym.
    fn once<T: PartialEq + std::fmt::Debug>(name: &str, rows: &[(String, T)]) -> Result<(), String> {
        let mut seen: HashMap<&str, &T> = HashMap::new();
        for (p, v) in rows {
            if let Some(prev) = seen.insert(p, v) {
                if prev != v {
                    return Err(format!("data/atoms/{name}: {p:?} means both {prev:?} and {v:?}"));
                }
            }
        }
        Ok(())
    }
    let mut out = String::new();

    const DIMS: [(&str, &str); 9] =
        [("time", "Time"), ("dose", "Dose"), ("mass", "Mass"), ("conc", "Conc"), ("count", "Count"), ("rate", "Rate"), ("pct", "Pct"), ("pressure", "Pressure"), ("other", "Other")];
    let mut units: Vec<(String, (String, &str))> = Vec::new();
    for (n, cols) in rows("units.tsv")? {
        let d = field("units.tsv", n, &cols, 2)?;
        let dim = DIMS.iter().find(|(k, _)| *k == d).map(|(_, v)| *v).ok_or_else(|| format!("data/atoms/units.tsv line {n}: unknown dimension {d:?}"))?;
        let ucum = field("units.tsv", n, &cols, 1)?;
        if ucum.contains(' ') {
            return Err(format!("data/atoms/units.tsv line {n}: malformed UCUM code {ucum:?}"));
        }
        units.push((fold(&field("units.tsv", n, &cols, 0)?), (ucum, dim)));
    }
    longest_first(&mut units);
    once("units.tsv", &units.iter().map(|(p, (u, _))| (p.clone(), u.clone())).collect::<Vec<_>>())?;
    writeln!(out, "static UNITS: &str = {};", lines("data/atoms/units.tsv", units.iter().map(|u| &u.0))?).unwrap();
    writeln!(out, "static UNIT_CODES: &str = {};", lines("data/atoms/units.tsv", units.iter().map(|u| u.1.0.as_str()))?).unwrap();
    writeln!(out, "static UNIT_DIMS: &[Dim] = &[{}];", units.iter().map(|u| format!("Dim::{}", u.1.1)).collect::<Vec<_>>().join(", ")).unwrap();

    const CMPS: [(&str, &str); 5] = [(">=", "Ge"), ("<=", "Le"), (">", "Gt"), ("<", "Lt"), ("=", "Eq")];
    let mut comparators: Vec<(String, (&str, bool))> = Vec::new();
    for (n, cols) in rows("comparators.tsv")? {
        let c = field("comparators.tsv", n, &cols, 1)?;
        let cmp = CMPS.iter().find(|(k, _)| *k == c).map(|(_, v)| *v).ok_or_else(|| format!("data/atoms/comparators.tsv line {n}: unknown comparator {c:?}"))?;
        let post = match field("comparators.tsv", n, &cols, 2)?.as_str() {
            "pre" => false,
            "post" => true,
            p => return Err(format!("data/atoms/comparators.tsv line {n}: position must be pre or post, not {p:?}")),
        };
        comparators.push((fold(cols[0]), (cmp, post)));
    }
    longest_first(&mut comparators);
    once("comparators.tsv", &comparators.iter().map(|(p, (c, post))| (format!("{p} {post}"), *c)).collect::<Vec<_>>())?;
    writeln!(out, "static COMPARATORS: &str = {};", lines("data/atoms/comparators.tsv", comparators.iter().map(|c| &c.0))?).unwrap();
    writeln!(out, "static COMPARATOR_KINDS: &[(Comparator, bool)] = &[{}];", comparators.iter().map(|(_, (c, post))| format!("(Comparator::{c}, {post})")).collect::<Vec<_>>().join(", ")).unwrap();

    let mut cues: Vec<(String, String)> = Vec::new();
    for (n, cols) in rows("cues.tsv")? {
        let category = field("cues.tsv", n, &cols, 0)?;
        let cue = CUES.iter().find(|(k, _)| *k == category).map(|(_, v)| *v).ok_or_else(|| format!("data/atoms/cues.tsv line {n}: unknown category {category:?}"))?;
        cues.push((fold(&field("cues.tsv", n, &cols, 1)?), cue.to_string()));
    }
    longest_first(&mut cues);
    once("cues.tsv", &cues)?;
    writeln!(out, "static CUES: &str = {};", lines("data/atoms/cues.tsv", cues.iter().map(|c| &c.0))?).unwrap();
    writeln!(out, "static CUE_KINDS: &[Cue] = &[{}];", cues.iter().map(|(_, c)| format!("Cue::{c}")).collect::<Vec<_>>().join(", ")).unwrap();

    let mut uln: Vec<(String, bool)> = Vec::new();
    for (_, cols) in rows("uln.txt")? {
        let p = cols[0].trim();
        // "x normal" needs a multiplier word before it; "ULN" does not.
        let strong = p.contains("upper") || p.contains("uln") || p.contains("unl");
        uln.push((fold(p), !strong));
    }
    longest_first(&mut uln);
    writeln!(out, "static ULN: &str = {};", lines("data/atoms/uln.txt", uln.iter().map(|u| &u.0))?).unwrap();
    writeln!(out, "static ULN_WEAK: &[bool] = &[{}];", uln.iter().map(|u| u.1.to_string()).collect::<Vec<_>>().join(", ")).unwrap();

    let mut numbers: Vec<(String, f64)> = Vec::new();
    for (n, cols) in rows("numbers.tsv")? {
        let v = field("numbers.tsv", n, &cols, 1)?;
        let v: f64 = v.parse().map_err(|_| format!("data/atoms/numbers.tsv line {n}: not a number: {v:?}"))?;
        numbers.push((fold(cols[0]), v));
    }
    longest_first(&mut numbers);
    writeln!(out, "static NUMBERS: &str = {};", lines("data/atoms/numbers.tsv", numbers.iter().map(|n| &n.0))?).unwrap();
    writeln!(out, "static NUMBER_VALUES: &[f64] = &[{}];", numbers.iter().map(|n| num(n.1)).collect::<Vec<_>>().join(", ")).unwrap();

    for (name, konst) in [("stopwords.txt", "STOP"), ("function_words.txt", "FUNCTION"), ("counted.txt", "COUNTED"), ("measure_words.txt", "MEASURE_WORDS")] {
        let words: Vec<String> = rows(name)?.iter().map(|(_, cols)| cols[0].trim().to_lowercase()).collect();
        writeln!(out, "static {konst}: &str = {};", lines(&format!("data/atoms/{name}"), &words)?).unwrap();
    }
    Ok(out)
}

/// The categories of `cues.tsv` and the `Cue` each names.
const CUES: [(&str, &str); 27] = [
    ("negation", "Negation"),
    ("exception", "Exception"),
    ("pregnancy", "Pregnancy"),
    ("breastfeeding", "Breastfeeding"),
    ("contraception", "Contraception"),
    ("consent", "Consent"),
    ("judgment", "Judgment"),
    ("participation", "Participation"),
    ("window_pre", "WindowPre"),
    ("window_next", "WindowNext"),
    ("window_before", "WindowBefore"),
    ("window_after", "WindowAfter"),
    ("duration_pre", "DurationPre"),
    ("age", "Age"),
    ("female", "Female"),
    ("male", "Male"),
    ("both_sexes", "BothSexes"),
    ("history", "History"),
    ("active", "Active"),
    ("positive", "Positive"),
    ("negative", "Negative"),
    ("filler", "Filler"),
    ("severity", "Severity"),
    ("third_party", "ThirdParty"),
    ("relation", "Relation"),
    ("plan", "Plan"),
    ("stop", "Stop"),
];

/// The lower case of every character as runs (`src/atoms/case.rs`),
/// written from the standard library's `char::to_lowercase` on the machine
/// that builds, whose Unicode tables are the target's: runs of characters
/// that lower by the same offset, one after the other or every second one
/// (`Ā ā Ă ă`). The one character whose lower case is two characters
/// (`İ`, `i` and a combining dot) is the library's to write.
pub fn lower_case() -> Result<String, String> {
    // (first, count, step, offset)
    let mut runs: Vec<(u32, u32, u32, i64)> = Vec::new();
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        let mut it = c.to_lowercase();
        let (Some(l), second) = (it.next(), it.next()) else { continue };
        if let Some(s) = second {
            if c != '\u{130}' || l != 'i' || s != '\u{307}' || it.next().is_some() {
                return Err(format!("the lower case of U+{:04X} is several characters, which src/atoms/case.rs does not write", c as u32));
            }
            continue;
        }
        if l == c {
            continue;
        }
        let (c, offset) = (c as u32, l as i64 - c as i64);
        if let Some(r) = runs.last_mut() {
            let last = r.0 + (r.1 - 1) * r.2;
            if r.3 == offset && (c - last == r.2 || (r.1 == 1 && c - last == 2)) {
                r.2 = c - last;
                r.1 += 1;
                continue;
            }
        }
        runs.push((c, 1, 1, offset));
    }
    let mut s = String::from("/// Lower-case runs: (first character, count << 1 | every second one, offset).\nstatic LOWER: &[(u32, u32, i32)] = &[\n");
    for (first, count, step, offset) in runs {
        s.push_str(&format!("    ({first}, {}, {offset}),\n", count << 1 | u32::from(step == 2)));
    }
    s.push_str("];\n");
    Ok(s)
}
