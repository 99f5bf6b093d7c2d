//! Units of measure: UCUM-style codes parsed into a factor and a dimension,
//! conversion within a dimension, and mass <-> molar conversion for the
//! analytes whose molar mass the lexicon (or, where it has none,
//! `data/units/analytes.json`) gives.
//!
//! ```
//! use trialsieve::units::convert;
//! assert_eq!(convert(1.5, "10*9/L", "/mm3", None).unwrap().round(), 1500.0);
//! let umol = convert(1.0, "mg/dL", "umol/L", Some("creatinine")).unwrap();
//! assert!((umol - 88.4).abs() < 0.1);
//! ```

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde::Deserialize;

/// Dimension exponents: mass, length, time, amount, enzyme activity,
/// pressure, `X` for units that are not physical (`ULN`), and temperature
/// (`Cel` only: scales with an offset are not converted).
const DIMS: [&str; 8] = ["M", "L", "T", "N", "U", "P", "X", "K"];
const MASS: usize = 0;
const TIME: usize = 2;
const AMOUNT: usize = 3;

/// A parsed unit: `value × factor` is the quantity in base units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    pub factor: f64,
    pub dims: [i8; 8],
}

impl Unit {
    /// A pure number (`{score}`, `%`, `10*3`): no dimension at all.
    pub fn is_dimensionless(&self) -> bool {
        self.dims.iter().all(|d| *d == 0)
    }
    /// A mass (`mg`, `g`), as a drug dose is.
    pub fn is_mass(&self) -> bool {
        self.dims.iter().enumerate().all(|(i, d)| *d == if i == MASS { 1 } else { 0 })
    }
    /// A mass per time (`mg/d`), as a daily dose is.
    pub fn is_mass_rate(&self) -> bool {
        self.dims.iter().enumerate().all(|(i, d)| *d == if i == MASS { 1 } else if i == TIME { -1 } else { 0 })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitFile {
    #[allow(dead_code)]
    comment: String,
    prefixes: HashMap<String, f64>,
    units: Vec<UnitDef>,
    aliases: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitDef {
    code: String,
    factor: f64,
    dims: HashMap<String, i8>,
    #[serde(default)]
    prefixable: bool,
}

/// What the evaluator knows about one measured analyte: the lexicon's molar
/// mass and default limits of normal, and the plausible range from
/// `data/units/analytes.json` (which holds only what the lexicon does not).
#[derive(Clone, Debug)]
pub struct Analyte {
    /// The lexicon concept id (`creatinine`, `total_bilirubin`).
    pub id: String,
    /// Display name, from the lexicon.
    pub name: String,
    /// g/mol, for mass <-> molar conversion.
    pub molar_mass: Option<f64>,
    /// Default upper limit of normal, assumed when the patient's
    /// observation gives none.
    pub uln: Option<Amount>,
    /// Default lower limit of normal.
    pub lln: Option<Amount>,
    /// Values outside this range are input errors, not results.
    pub plausible: Option<Range>,
}

/// A value in a unit.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    pub value: f64,
    pub unit: String,
}

/// A closed range in a unit.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub low: f64,
    pub high: f64,
    pub unit: String,
}

/// One entry of `data/units/analytes.json`: what the lexicon lacks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AnalyteExtra {
    id: String,
    #[serde(default)]
    molar_mass: Option<f64>,
    #[serde(default)]
    plausible: Option<Range>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalyteFile {
    #[allow(dead_code)]
    comment: String,
    analytes: Vec<AnalyteExtra>,
}

struct Tables {
    prefixes: Vec<(String, f64)>,
    units: HashMap<String, (Unit, bool)>,
    aliases: HashMap<String, String>,
    /// Lexicon concept id -> analyte data, for every lab or vital with any.
    analytes: HashMap<String, Analyte>,
}

static TABLES: OnceLock<Tables> = OnceLock::new();

fn tables() -> &'static Tables {
    TABLES.get_or_init(|| {
        let f: UnitFile = serde_json::from_str(include_str!("../../data/units/units.json"))
            .expect("data/units/units.json is checked by tests");
        let a: AnalyteFile = serde_json::from_str(include_str!("../../data/units/analytes.json"))
            .expect("data/units/analytes.json is checked by tests");
        let mut prefixes: Vec<(String, f64)> = f.prefixes.into_iter().collect();
        // Longest prefix first, so that `da` wins over `d`.
        prefixes.sort_by(|x, y| y.0.len().cmp(&x.0.len()).then(x.0.cmp(&y.0)));
        let mut units = HashMap::new();
        for u in f.units {
            let mut dims = [0i8; 8];
            for (k, v) in &u.dims {
                if let Some(i) = DIMS.iter().position(|d| d == k) {
                    dims[i] = *v;
                }
            }
            units.insert(u.code, (Unit { factor: u.factor, dims }, u.prefixable));
        }
        let lex = crate::lexicon::get();
        let mut analytes = HashMap::new();
        for c in &lex.concepts {
            let limit = |v: Option<f64>| Some(Amount { value: v?, unit: c.unit.clone()? });
            let (uln, lln) = (limit(c.default_uln), limit(c.default_lln));
            if c.molar_mass.is_some() || uln.is_some() || lln.is_some() {
                analytes.insert(
                    c.id.clone(),
                    Analyte { id: c.id.clone(), name: c.name.clone(), molar_mass: c.molar_mass, uln, lln, plausible: None },
                );
            }
        }
        // Extras name lexicon concepts (tests/units.rs checks it); one that
        // does not is kept under its own id rather than dropped.
        for x in a.analytes {
            let name = lex.by_id(&x.id).map(|c| c.name.clone()).unwrap_or_else(|| x.id.clone());
            let e = analytes.entry(x.id.clone()).or_insert_with(|| Analyte {
                id: x.id.clone(),
                name,
                molar_mass: None,
                uln: None,
                lln: None,
                plausible: None,
            });
            e.molar_mass = e.molar_mass.or(x.molar_mass);
            e.plausible = x.plausible;
        }
        Tables { prefixes, units, aliases: f.aliases, analytes }
    })
}

/// The analyte data for a lexicon concept id, or for any name or code the
/// lexicon knows the concept by (`"Hb"`, `"LOINC:718-7"`).
pub fn analyte(key: &str) -> Option<&'static Analyte> {
    let t = tables();
    if let Some(a) = t.analytes.get(key) {
        return Some(a);
    }
    let lex = crate::lexicon::get();
    // A lexicon id without data: no need to read it as a name.
    if lex.by_id(key).is_some() {
        return None;
    }
    let c = lex.lookup(key)?;
    t.analytes.get(&c.id)
}

/// Whether `data/units/analytes.json` repeats a value the lexicon already
/// gives, or names a concept the lexicon does not know: the messages, one
/// per problem (empty when the file is sound).
pub fn check_analyte_file() -> Vec<String> {
    let a: AnalyteFile = match serde_json::from_str(include_str!("../../data/units/analytes.json")) {
        Ok(a) => a,
        Err(e) => return vec![format!("data/units/analytes.json: {e}")],
    };
    let lex = crate::lexicon::get();
    let mut out = Vec::new();
    for x in a.analytes {
        match lex.by_id(&x.id) {
            None => out.push(format!("data/units/analytes.json: {:?} is not a lexicon concept id", x.id)),
            Some(c) if c.molar_mass.is_some() && x.molar_mass.is_some() => {
                out.push(format!("data/units/analytes.json: the molar mass of {:?} is already in the lexicon", x.id))
            }
            Some(_) => {}
        }
    }
    out
}

/// Rewrites common spellings into UCUM: `µ` → `u`, `^` → `*`, `x10^9/l` →
/// `10*9/L`, `mm³` → `mm3`, `/day` → `/d`, `mcg` → `ug`.
pub fn normalize(unit: &str) -> String {
    let mut s = String::with_capacity(unit.len());
    for c in unit.trim().chars() {
        let sup = "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|x| x == c);
        if let Some(d) = sup {
            // A superscript after "10" is its exponent: 10⁹ = 10*9.
            if s.ends_with("10") {
                s.push('*');
            }
            s.push(char::from(b'0' + d as u8));
            continue;
        }
        match c {
            'µ' | 'μ' => s.push('u'),
            '^' => s.push('*'),
            '·' => s.push('.'),
            ' ' => {}
            _ => s.push(c),
        }
    }
    // "x10*9/L", "×10*9/L": the multiplication sign before a power of ten.
    for lead in ["x10*", "X10*", "×10*", "*10*"] {
        if let Some(rest) = s.strip_prefix(lead) {
            s = format!("10*{rest}");
        }
    }
    s
}

/// Parses a unit code. Accepts UCUM and the common spellings
/// [`normalize`] folds into it.
pub fn parse(unit: &str) -> Option<Unit> {
    // Trials and patients use a few dozen units over and over: remember them.
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Unit>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(u) = cache.lock().ok().and_then(|m| m.get(unit).copied()) {
        return u;
    }
    let u = parse_uncached(unit);
    if let Ok(mut m) = cache.lock() {
        if m.len() > 10_000 {
            m.clear();
        }
        m.insert(unit.to_string(), u);
    }
    u
}

fn parse_uncached(unit: &str) -> Option<Unit> {
    let s = normalize(unit);
    if s.is_empty() {
        return Some(Unit { factor: 1.0, dims: [0; 8] });
    }
    parse_ucum(&s)
}

fn parse_ucum(s: &str) -> Option<Unit> {
    let t = tables();
    let mut out = Unit { factor: 1.0, dims: [0; 8] };
    let mut sign: i8 = 1;
    let mut term = String::new();
    let mut depth = 0usize;
    let mut first = true;
    let flush = |term: &mut String, sign: i8, out: &mut Unit, first: bool| -> Option<()> {
        if term.is_empty() {
            // A leading "/" ("/mm3") divides 1; anything else empty is malformed.
            return if first && sign == -1 { Some(()) } else { None };
        }
        let u = term_unit(t, term)?;
        out.factor *= u.factor.powi(sign as i32);
        for (d, ud) in out.dims.iter_mut().zip(u.dims) {
            *d = d.checked_add(ud.checked_mul(sign)?)?;
        }
        term.clear();
        Some(())
    };
    for c in s.chars() {
        match c {
            '{' => {
                depth += 1;
                term.push(c);
            }
            '}' => {
                depth = depth.saturating_sub(1);
                term.push(c);
            }
            '/' | '.' if depth == 0 => {
                if !(first && term.is_empty() && c == '/') {
                    flush(&mut term, sign, &mut out, false)?;
                }
                first = false;
                sign = if c == '/' { -1 } else { 1 };
            }
            _ => term.push(c),
        }
    }
    flush(&mut term, sign, &mut out, false)?;
    Some(out)
}

fn term_unit(t: &Tables, term: &str) -> Option<Unit> {
    // Annotations are dimensionless: {score}, {cells}, {1.73_m2}.
    if term.starts_with('{') && term.ends_with('}') {
        return Some(Unit { factor: 1.0, dims: [0; 8] });
    }
    // An atom followed by an annotation ("U{37Cel}") keeps the atom.
    if let Some(i) = term.find('{') {
        if term.ends_with('}') && i > 0 {
            return term_unit(t, &term[..i]);
        }
    }
    // Powers of ten: 10*9, 10*3.
    if let Some(exp) = term.strip_prefix("10*").or_else(|| term.strip_prefix("10**")) {
        let e: i32 = exp.parse().ok()?;
        return Some(Unit { factor: 10f64.powi(e), dims: [0; 8] });
    }
    if let Some(u) = atom(t, term) {
        return Some(u);
    }
    // A trailing exponent: m2, mm3, cm-1.
    let digits = term.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    if digits.len() < term.len() && !digits.is_empty() {
        let e: i32 = term[digits.len()..].parse().ok()?;
        let u = atom(t, digits)?;
        let e8 = i8::try_from(e).ok()?;
        let mut dims = [0i8; 8];
        for (d, ud) in dims.iter_mut().zip(u.dims) {
            *d = ud.checked_mul(e8)?;
        }
        return Some(Unit { factor: u.factor.powi(e), dims });
    }
    None
}

fn atom(t: &Tables, a: &str) -> Option<Unit> {
    if let Some((u, _)) = t.units.get(a) {
        return Some(*u);
    }
    for (p, f) in &t.prefixes {
        if let Some(rest) = a.strip_prefix(p.as_str()) {
            if let Some((u, true)) = t.units.get(rest) {
                return Some(Unit { factor: u.factor * f, dims: u.dims });
            }
        }
    }
    if let Some(al) = t.aliases.get(a) {
        return parse_ucum(al);
    }
    None
}

/// Why a conversion could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConvertError {
    /// The unit is not one we can read.
    UnknownUnit(String),
    /// The two units measure different things (and no molar mass bridges them).
    Incompatible(String, String),
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConvertError::UnknownUnit(u) => write!(f, "unknown unit \"{u}\""),
            ConvertError::Incompatible(a, b) => write!(f, "cannot convert \"{a}\" to \"{b}\": they measure different things"),
        }
    }
}

/// Converts `value` from unit `from` to unit `to`. `analyte` (a concept id
/// or name) lets mass and molar concentrations meet through its molar mass.
pub fn convert(value: f64, from: &str, to: &str, analyte: Option<&str>) -> Result<f64, ConvertError> {
    let f = parse(from).ok_or_else(|| ConvertError::UnknownUnit(from.to_string()))?;
    let t = parse(to).ok_or_else(|| ConvertError::UnknownUnit(to.to_string()))?;
    let base = value * f.factor;
    if f.dims == t.dims {
        return Ok(base / t.factor);
    }
    let mm = analyte.and_then(self::analyte).and_then(|a| a.molar_mass);
    if let Some(mm) = mm {
        let diff: [i8; 8] = std::array::from_fn(|i| f.dims[i].saturating_sub(t.dims[i]));
        let mut mass_to_molar = [0i8; 8];
        mass_to_molar[MASS] = 1;
        mass_to_molar[AMOUNT] = -1;
        let molar_to_mass: [i8; 8] = std::array::from_fn(|i| -mass_to_molar[i]);
        if diff == mass_to_molar {
            return Ok(base / mm / t.factor);
        }
        if diff == molar_to_mass {
            return Ok(base * mm / t.factor);
        }
    }
    Err(ConvertError::Incompatible(from.to_string(), to.to_string()))
}

/// Whether two units measure the same thing (directly or through the analyte's molar mass).
pub fn compatible(from: &str, to: &str, analyte: Option<&str>) -> bool {
    convert(1.0, from, to, analyte).is_ok()
}

/// The number of years in a time unit (`a`, `mo`, `wk`, `d`, `h`).
pub fn years(value: f64, unit: &str) -> Option<f64> {
    convert(value, unit, "a", None).ok()
}

/// The number of days in a time unit.
pub fn days(value: f64, unit: &str) -> Option<f64> {
    convert(value, unit, "d", None).ok()
}
