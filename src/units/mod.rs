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

// Amount, Range and Scale keep their Deserialize for callers; the library
// itself reads none of them from JSON, so none of that code reaches the wasm.
use serde::Deserialize;

// The unit and analyte tables, checked and written as Rust source by
// `build.rs` from `data/units/units.json` and `data/units/analytes.json`:
// `DIMENSIONS`, `PREFIXES`, `UNITS` and `ALIASES` (lines of tab-separated
// fields, read by `unit_tables`) and `ANALYTES`.
include!(concat!(env!("OUT_DIR"), "/unit_tables.rs"));

/// The most dimensions a unit table may name (base dimensions and one per
/// arbitrary unit); `data/units/units.json` lists them.
const CAP: usize = 32;
/// The first four dimensions of the table, in this order.
const MASS: usize = 0;
const TIME: usize = 2;
const AMOUNT: usize = 3;
/// How deep parentheses may nest in a unit: a bound on the recursion.
const MAX_DEPTH: usize = 16;

/// A parsed unit: `value × factor + offset` is the quantity in base units.
/// `offset` is non-zero only for a temperature scale standing alone
/// (`Cel`, `[degF]`): such units do not combine with others.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    pub factor: f64,
    /// Exponents of the table's dimensions (mass, length, time, amount, …).
    pub dims: [i8; CAP],
    pub offset: f64,
}

const ONE: Unit = Unit { factor: 1.0, dims: [0; CAP], offset: 0.0 };

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

    /// `self^e`; `None` when an exponent overflows or the unit has an
    /// offset (a temperature scale cannot be raised to a power).
    fn pow(self, e: i32) -> Option<Unit> {
        if e == 1 {
            return Some(self);
        }
        if self.offset != 0.0 {
            return None;
        }
        let e8 = i8::try_from(e).ok()?;
        let mut dims = [0i8; CAP];
        for (d, ud) in dims.iter_mut().zip(self.dims) {
            *d = ud.checked_mul(e8)?;
        }
        Some(Unit { factor: self.factor.powi(e), dims, offset: 0.0 })
    }

    /// `self × other^sign`; `None` on overflow or when either has an offset.
    fn times(self, other: Unit, sign: i8) -> Option<Unit> {
        if self.offset != 0.0 || other.offset != 0.0 {
            return None;
        }
        let mut dims = self.dims;
        for (d, od) in dims.iter_mut().zip(other.dims) {
            *d = d.checked_add(od.checked_mul(sign)?)?;
        }
        Some(Unit { factor: self.factor * other.factor.powi(sign as i32), dims, offset: 0.0 })
    }
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
    /// Scales of the same analyte that no unit factor relates (HbA1c in
    /// NGSP % and IFCC mmol/mol): `to = factor × from + offset`.
    pub scales: Vec<Scale>,
}

/// A linear relation between two scales of one analyte.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub from: String,
    pub to: String,
    pub factor: f64,
    pub offset: f64,
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
/// `plausible` is (low, high, unit); a scale is (from, to, factor, offset).
struct AnalyteExtra {
    id: &'static str,
    molar_mass: Option<f64>,
    plausible: Option<(f64, f64, &'static str)>,
    scales: &'static [(&'static str, &'static str, f64, f64)],
}

struct Tables {
    /// Longest first, so that `da` wins over `d`.
    prefixes: Vec<(String, f64)>,
    /// Code -> (unit, takes prefixes).
    units: HashMap<String, (Unit, bool)>,
    aliases: HashMap<String, String>,
    /// Lexicon concept id -> analyte data, for every lab or vital with any.
    analytes: HashMap<String, Analyte>,
}

static TABLES: OnceLock<Tables> = OnceLock::new();

/// Builds the tables from the unit file's data; the message says what is
/// wrong with it (`build.rs` has checked its shape and names; what needs
/// the UCUM reader is checked here).
fn unit_tables() -> Result<Tables, String> {
    if DIMENSIONS.len() > CAP || DIMENSIONS.get(..4) != Some(&["M", "L", "T", "N"][..]) {
        return Err(format!("data/units/units.json: dimensions must start with M, L, T, N and be at most {CAP}"));
    }
    let mut prefixes: Vec<(String, f64)> = PREFIXES.iter().map(|(p, f)| (p.to_string(), *f)).collect();
    crate::sort::sort_by(&mut prefixes, |x, y| y.0.len().cmp(&x.0.len()).then(x.0.cmp(&y.0)));
    let mut t = Tables { prefixes, units: HashMap::new(), aliases: HashMap::new(), analytes: HashMap::new() };
    // A line per unit (`build.rs` writes them): code, its dimension or
    // the value of its expression, the expression (none for a base
    // unit, one listed before otherwise), offset, 1 when prefixable.
    for line in UNITS.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let [code, what, expr, offset, prefixable] = f[..] else {
            return Err(format!("data/units/units.json: cannot read the line {line:?}"));
        };
        let number = |x: &str| crate::decimal::parse(x).ok_or_else(|| format!("data/units/units.json: {code}: {x} is not a number"));
        let mut unit = if expr.is_empty() {
            let i = DIMENSIONS.iter().position(|x| *x == what).ok_or_else(|| format!("data/units/units.json: {code}: unknown dimension {what:?}"))?;
            let mut dims = [0i8; CAP];
            dims[i] = 1;
            Unit { factor: 1.0, dims, offset: 0.0 }
        } else {
            let e = parse_ucum(&t, expr, 0).ok_or_else(|| format!("data/units/units.json: {code}: cannot read {expr:?}"))?;
            Unit { factor: number(what)? * e.factor, dims: e.dims, offset: 0.0 }
        };
        unit.offset = number(offset)?;
        if t.units.insert(code.to_string(), (unit, prefixable == "1")).is_some() {
            return Err(format!("data/units/units.json: {code} is listed twice"));
        }
    }
    t.aliases = ALIASES.lines().filter_map(|l| l.split_once('\t')).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Ok(t)
}

fn tables() -> &'static Tables {
    TABLES.get_or_init(|| {
        let mut t = unit_tables().unwrap_or_else(|e| panic!("{e} (checked by tests/units.rs)"));
        let lex = crate::lexicon::get();
        let mut analytes = HashMap::new();
        for c in &lex.concepts {
            let limit = |v: Option<f64>| Some(Amount { value: v?, unit: c.unit.as_deref()?.to_string() });
            let (uln, lln) = (limit(c.default_uln), limit(c.default_lln));
            if c.molar_mass.is_some() || uln.is_some() || lln.is_some() {
                analytes.insert(
                    c.id.to_string(),
                    Analyte { id: c.id.to_string(), name: c.name.to_string(), molar_mass: c.molar_mass, uln, lln, plausible: None, scales: Vec::new() },
                );
            }
        }
        // Extras name lexicon concepts (tests/units.rs checks it); one that
        // does not is kept under its own id rather than dropped.
        for x in ANALYTES {
            let name = lex.by_id(x.id).map(|c| c.name.to_string()).unwrap_or_else(|| x.id.to_string());
            let e = analytes.entry(x.id.to_string()).or_insert_with(|| Analyte {
                id: x.id.to_string(),
                name,
                molar_mass: None,
                uln: None,
                lln: None,
                plausible: None,
                scales: Vec::new(),
            });
            e.molar_mass = e.molar_mass.or(x.molar_mass);
            e.plausible = x.plausible.map(|(low, high, unit)| Range { low, high, unit: unit.to_string() });
            e.scales = x
                .scales
                .iter()
                .map(|(from, to, factor, offset)| Scale { from: from.to_string(), to: to.to_string(), factor: *factor, offset: *offset })
                .collect();
        }
        t.analytes = analytes;
        t
    })
}

/// Whether `data/units/units.json` reads: the message when it does not.
pub fn check_unit_file() -> Option<String> {
    unit_tables().err()
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
    t.analytes.get(&*c.id)
}

/// Whether `data/units/analytes.json` repeats a value the lexicon already
/// gives, or names a concept the lexicon does not know: the messages, one
/// per problem (empty when the file is sound).
pub fn check_analyte_file() -> Vec<String> {
    let lex = crate::lexicon::get();
    let mut out = Vec::new();
    for x in ANALYTES {
        match lex.by_id(x.id) {
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
        return Some(ONE);
    }
    parse_ucum(tables(), &s, 0)
}

/// Reads a unit expression by the UCUM grammar:
///
/// ```text
/// main      = "/" term | term
/// term      = component (("." | "/") component)*      left to right
/// component = "(" term ")" | annotation | number | symbol exponent? annotation?
/// symbol    = prefix? atom                            atom may hold "[…]"
/// exponent  = ("+" | "-")? digits
/// ```
///
/// `depth` counts alias expansions and parentheses, so that no input
/// recurses without bound.
fn parse_ucum(t: &Tables, s: &str, depth: usize) -> Option<Unit> {
    let mut p = Reader { t, s: s.as_bytes(), at: 0, depth };
    let u = if p.eat(b'/') { ONE.times(p.term()?, -1)? } else { p.term()? };
    (p.at == p.s.len()).then_some(u)
}

struct Reader<'a> {
    t: &'a Tables,
    s: &'a [u8],
    at: usize,
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn term(&mut self) -> Option<Unit> {
        let mut u = self.component()?;
        loop {
            let sign = match self.peek() {
                Some(b'.') => 1,
                Some(b'/') => -1,
                _ => return Some(u),
            };
            self.at += 1;
            u = u.times(self.component()?, sign)?;
        }
    }

    /// Skips an annotation `{…}` (no nesting, no `}` inside).
    fn annotation(&mut self) -> Option<()> {
        let end = self.s[self.at..].iter().position(|&c| c == b'}')?;
        self.at += end + 1;
        Some(())
    }

    fn component(&mut self) -> Option<Unit> {
        match self.peek()? {
            b'(' => {
                self.at += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                let u = self.term()?;
                self.depth -= 1;
                self.eat(b')').then_some(u)
            }
            b'{' => {
                self.annotation()?;
                Some(ONE)
            }
            _ => {
                let start = self.at;
                while let Some(c) = self.peek() {
                    match c {
                        b'.' | b'/' | b'(' | b')' | b'{' | b'}' => break,
                        b'[' => {
                            let end = self.s[self.at..].iter().position(|&c| c == b']')?;
                            self.at += end + 1;
                        }
                        _ => self.at += 1,
                    }
                }
                let sym = std::str::from_utf8(&self.s[start..self.at]).ok()?;
                let u = self.symbol(sym)?;
                if self.peek() == Some(b'{') {
                    self.annotation()?;
                }
                Some(u)
            }
        }
    }

    /// A symbol with its exponent: `mg`, `m2`, `10*9`, `[HPF]`, or a whole
    /// number (`24` in `ug/(24.h)`).
    fn symbol(&self, sym: &str) -> Option<Unit> {
        if sym.is_empty() {
            return None;
        }
        if sym.bytes().all(|c| c.is_ascii_digit()) {
            return Some(Unit { factor: crate::decimal::parse(sym)?, ..ONE });
        }
        if let Some(u) = self.simple(sym) {
            return Some(u);
        }
        // A trailing exponent: m2, mm3, cm-1, 10*9, 10*-3, s+2.
        let base = sym.trim_end_matches(|c: char| c.is_ascii_digit());
        if base.len() == sym.len() || base.is_empty() {
            return None;
        }
        let base = base.strip_suffix(['+', '-']).filter(|b| !b.is_empty() && !b.ends_with(['+', '-'])).unwrap_or(base);
        let e: i32 = sym[base.len()..].trim_start_matches('+').parse().ok()?;
        self.simple(base)?.pow(e)
    }

    /// A symbol without exponent: an atom, a prefix and a metric atom, or an
    /// alias for a common spelling.
    fn simple(&self, sym: &str) -> Option<Unit> {
        let t = self.t;
        if let Some((u, _)) = t.units.get(sym) {
            return Some(*u);
        }
        for (p, f) in &t.prefixes {
            if let Some(rest) = sym.strip_prefix(p.as_str()) {
                if let Some((u, true)) = t.units.get(rest) {
                    return Some(Unit { factor: u.factor * f, ..*u });
                }
            }
        }
        let al = t.aliases.get(sym)?;
        (self.depth < MAX_DEPTH).then(|| parse_ucum(t, al, self.depth + 1))?
    }
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
    let an = analyte.and_then(self::analyte);
    // Two scales of one analyte that share a dimension but not a zero
    // (6.5 % HbA1c is 48 mmol/mol, not 65): the analyte's own relation.
    if let Some(a) = an.filter(|a| !a.scales.is_empty()) {
        let (nf, nt) = (normalize(from), normalize(to));
        for s in &a.scales {
            let (sf, st) = (normalize(&s.from), normalize(&s.to));
            if sf == nf && st == nt {
                return Ok(value * s.factor + s.offset);
            }
            if sf == nt && st == nf {
                return Ok((value - s.offset) / s.factor);
            }
        }
    }
    let base = value * f.factor + f.offset;
    if f.dims == t.dims {
        return Ok((base - t.offset) / t.factor);
    }
    let mm = an.and_then(|a| a.molar_mass);
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
