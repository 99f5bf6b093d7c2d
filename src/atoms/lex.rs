//! The scanner's word lists, read from the data files in `data/atoms/` at
//! build time: unit spellings with their UCUM codes, comparator phrases,
//! cue phrases, number words, ULN phrases and filler words.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::Comparator;
use super::text::fold_str;

/// What a unit measures, which decides what kind of atom a quantity makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    Time,
    Dose,
    Mass,
    Conc,
    Count,
    Rate,
    Pct,
    Pressure,
    Other,
}

/// What a cue phrase signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    Negation,
    Exception,
    Pregnancy,
    Breastfeeding,
    Contraception,
    Consent,
    Judgment,
    Participation,
    WindowPre,
    /// "in the next 12 months": a window after now.
    WindowNext,
    WindowBefore,
    WindowAfter,
    DurationPre,
    Age,
    Female,
    Male,
    BothSexes,
    History,
    Active,
    Positive,
    Negative,
    /// A phrase that holds a shorter cue but means nothing by it.
    Filler,
    /// "severe", "uncontrolled": a qualifier of the condition after it.
    Severity,
    /// "partner", "family member", "donor": what follows is about someone
    /// other than the patient.
    ThirdParty,
    /// "similar to", "not related to", "interfere with": what follows is
    /// named for comparison, not as a fact about the patient.
    Relation,
    /// "planning to", "scheduled for", "unable to undergo": what follows is
    /// a plan or an ability, not something that happened.
    Plan,
    /// "stop using", "discontinued": the drug after it is no longer taken.
    Stop,
}

/// FNV-1a over the bytes: these sets hold the words of data files and are
/// asked about nearly every word of text, where SipHash costs more than the
/// rest of the test. Collisions are bounded by the fixed set contents,
/// whatever the text asks.
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A set of lower-case words hashed with [`Fnv`].
pub type WordSet = HashSet<String, BuildHasherDefault<Fnv>>;

pub struct Tables {
    /// (spelling, UCUM, dimension), longest spelling first.
    pub units: Vec<(Vec<char>, String, Dim)>,
    /// (phrase, comparator, after the number), longest first.
    pub comparators: Vec<(Vec<char>, Comparator, bool)>,
    /// (phrase, cue), longest first.
    pub cues: Vec<(Vec<char>, Cue)>,
    /// (phrase, needs a multiplier word before it), longest first.
    pub uln: Vec<(Vec<char>, bool)>,
    /// (word, value), longest first.
    pub numbers: Vec<(Vec<char>, f64)>,
    pub stop: WordSet,
    /// Words a name read from the text may not begin or end with.
    pub function: WordSet,
    /// Nouns a number counts ("1 system", "2 organs", "1 grade A"): a
    /// threshold right before one is not a value of the score before it.
    pub counted: WordSet,
    /// Last words that mark a name read from the text as something measured.
    pub measure_words: WordSet,
    /// Cue indices by first character, so a scan tries only the phrases that can match.
    cue_first: HashMap<char, Vec<usize>>,
    /// The same for ASCII first characters, indexed directly: the scan asks
    /// at every word start, and hashing a character costs more than the test.
    cue_ascii: Vec<Vec<usize>>,
}

impl Tables {
    /// The cue phrases that begin with `c`, longest first.
    pub fn cue_index(&self, c: char) -> impl Iterator<Item = &(Vec<char>, Cue)> {
        let ks: &[usize] = if c.is_ascii() {
            &self.cue_ascii[c as usize]
        } else {
            self.cue_first.get(&c).map_or(&[], Vec::as_slice)
        };
        ks.iter().map(|&k| &self.cues[k])
    }
}

const UNITS: &str = include_str!("../../data/atoms/units.tsv");
const COMPARATORS: &str = include_str!("../../data/atoms/comparators.tsv");
const CUES: &str = include_str!("../../data/atoms/cues.tsv");
const ULN: &str = include_str!("../../data/atoms/uln.txt");
const NUMBERS: &str = include_str!("../../data/atoms/numbers.tsv");
const STOP: &str = include_str!("../../data/atoms/stopwords.txt");
const FUNCTION: &str = include_str!("../../data/atoms/function_words.txt");
const COUNTED: &str = include_str!("../../data/atoms/counted.txt");
const MEASURE_WORDS: &str = include_str!("../../data/atoms/measure_words.txt");

static TABLES: OnceLock<Tables> = OnceLock::new();

/// The embedded tables, loaded on first use.
pub fn get() -> &'static Tables {
    TABLES.get_or_init(|| load().expect("embedded atom tables are checked by tests"))
}

/// The lines of a data file that carry data: not blank, not `#` comments.
fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').collect()))
}

fn field<'a>(file: &str, n: usize, cols: &[&'a str], i: usize) -> Result<&'a str, String> {
    cols.get(i).copied().filter(|s| !s.is_empty()).ok_or_else(|| format!("{file} line {n}: missing column {}", i + 1))
}

/// Reads and checks every table.
pub fn load() -> Result<Tables, String> {
    let mut units = Vec::new();
    for (n, cols) in rows(UNITS) {
        let dim = match field("units.tsv", n, &cols, 2)? {
            "time" => Dim::Time,
            "dose" => Dim::Dose,
            "mass" => Dim::Mass,
            "conc" => Dim::Conc,
            "count" => Dim::Count,
            "rate" => Dim::Rate,
            "pct" => Dim::Pct,
            "pressure" => Dim::Pressure,
            "other" => Dim::Other,
            d => return Err(format!("units.tsv line {n}: unknown dimension {d:?}")),
        };
        units.push((fold_str(field("units.tsv", n, &cols, 0)?), field("units.tsv", n, &cols, 1)?.to_string(), dim));
    }
    crate::sort::sort_by_key(&mut units, |e| std::cmp::Reverse(e.0.len()));
    let mut comparators = Vec::new();
    for (n, cols) in rows(COMPARATORS) {
        let cmp = parse_comparator(field("comparators.tsv", n, &cols, 1)?)
            .ok_or_else(|| format!("comparators.tsv line {n}: unknown comparator {:?}", cols[1]))?;
        let post = match field("comparators.tsv", n, &cols, 2)? {
            "pre" => false,
            "post" => true,
            p => return Err(format!("comparators.tsv line {n}: position must be pre or post, not {p:?}")),
        };
        comparators.push((fold_str(cols[0]), cmp, post));
    }
    crate::sort::sort_by_key(&mut comparators, |e| std::cmp::Reverse(e.0.len()));
    let mut cues = Vec::new();
    for (n, cols) in rows(CUES) {
        let cue = match field("cues.tsv", n, &cols, 0)? {
            "negation" => Cue::Negation,
            "exception" => Cue::Exception,
            "pregnancy" => Cue::Pregnancy,
            "breastfeeding" => Cue::Breastfeeding,
            "contraception" => Cue::Contraception,
            "consent" => Cue::Consent,
            "judgment" => Cue::Judgment,
            "participation" => Cue::Participation,
            "window_pre" => Cue::WindowPre,
            "window_next" => Cue::WindowNext,
            "window_before" => Cue::WindowBefore,
            "window_after" => Cue::WindowAfter,
            "duration_pre" => Cue::DurationPre,
            "age" => Cue::Age,
            "female" => Cue::Female,
            "male" => Cue::Male,
            "both_sexes" => Cue::BothSexes,
            "history" => Cue::History,
            "active" => Cue::Active,
            "positive" => Cue::Positive,
            "negative" => Cue::Negative,
            "filler" => Cue::Filler,
            "severity" => Cue::Severity,
            "third_party" => Cue::ThirdParty,
            "relation" => Cue::Relation,
            "plan" => Cue::Plan,
            "stop" => Cue::Stop,
            c => return Err(format!("cues.tsv line {n}: unknown category {c:?}")),
        };
        cues.push((fold_str(field("cues.tsv", n, &cols, 1)?), cue));
    }
    crate::sort::sort_by_key(&mut cues, |e| std::cmp::Reverse(e.0.len()));
    let mut uln: Vec<(Vec<char>, bool)> = rows(ULN)
        .map(|(_, cols)| {
            let p = cols[0].trim();
            let strong = p.contains("upper") || p.contains("uln") || p.contains("unl");
            (fold_str(p), !strong)
        })
        .collect();
    crate::sort::sort_by_key(&mut uln, |e| std::cmp::Reverse(e.0.len()));
    let mut numbers = Vec::new();
    for (n, cols) in rows(NUMBERS) {
        let v: f64 = field("numbers.tsv", n, &cols, 1)?
            .parse()
            .map_err(|_| format!("numbers.tsv line {n}: not a number: {:?}", cols[1]))?;
        numbers.push((fold_str(cols[0]), v));
    }
    crate::sort::sort_by_key(&mut numbers, |e| std::cmp::Reverse(e.0.len()));
    let function = rows(FUNCTION).map(|(_, cols)| cols[0].trim().to_lowercase()).collect();
    let stop = rows(STOP).map(|(_, cols)| cols[0].trim().to_lowercase()).collect();
    let counted = rows(COUNTED).map(|(_, cols)| cols[0].trim().to_lowercase()).collect();
    let measure_words = rows(MEASURE_WORDS).map(|(_, cols)| cols[0].trim().to_lowercase()).collect();
    let mut cue_first: HashMap<char, Vec<usize>> = HashMap::new();
    for (k, (p, _)) in cues.iter().enumerate() {
        if let Some(&c) = p.first() {
            cue_first.entry(c).or_default().push(k);
        }
    }
    let mut cue_ascii = vec![Vec::new(); 128];
    for (c, ks) in &cue_first {
        if c.is_ascii() {
            cue_ascii[*c as usize] = ks.clone();
        }
    }
    Ok(Tables { units, comparators, cues, uln, numbers, stop, function, counted, measure_words, cue_first, cue_ascii })
}

pub fn parse_comparator(s: &str) -> Option<Comparator> {
    Some(match s {
        ">=" => Comparator::Ge,
        "<=" => Comparator::Le,
        ">" => Comparator::Gt,
        "<" => Comparator::Lt,
        "=" => Comparator::Eq,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn tables_load() {
        let t = super::load().unwrap();
        assert!(t.units.len() > 100);
        assert!(t.cues.iter().any(|(p, _)| p.iter().collect::<String>() == "except"));
    }

    /// Every table is checked the way the lexicon is: one meaning per phrase.
    #[test]
    fn no_phrase_has_two_meanings() {
        let t = super::load().unwrap();
        let mut units: HashMap<&[char], &str> = HashMap::new();
        for (p, u, _) in &t.units {
            let s: String = p.iter().collect();
            assert!(!u.is_empty() && !u.contains(' '), "unit {s:?} maps to a malformed UCUM code {u:?}");
            if let Some(prev) = units.insert(p, u) {
                assert_eq!(prev, u, "unit spelling {s:?} maps to two UCUM codes");
            }
        }
        let mut comparators = HashMap::new();
        for (p, c, post) in &t.comparators {
            if let Some(prev) = comparators.insert((p, post), c) {
                assert_eq!(prev, c, "comparator {:?} has two meanings", p.iter().collect::<String>());
            }
        }
        let mut cues = HashMap::new();
        for (p, c) in &t.cues {
            if let Some(prev) = cues.insert(p, c) {
                assert_eq!(prev, c, "cue {:?} is in two categories", p.iter().collect::<String>());
            }
        }
    }
}
