//! The scanner's word lists, read from the data files in `data/atoms/` at
//! build time: unit spellings with their UCUM codes, comparator phrases,
//! cue phrases, number words, ULN phrases and filler words.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::Comparator;

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
    /// The tables' entries by the character a match at a given place must
    /// begin with (ends with, for comparators read backwards), so that a
    /// scan, which asks at nearly every word start, tries only those.
    cue_trie: CueTrie,
    units_by: ByChar,
    uln_by: ByChar,
    numbers_by: ByChar,
    /// Comparators written after their number, by first character; those
    /// written before it, by first and by last character.
    post_by: ByChar,
    pre_by: ByChar,
    pre_by_last: ByChar,
}

/// The cue phrases as a trie over their characters, so that the scan walks
/// the text once at each place instead of trying every phrase that starts
/// with its character. A node's children are one run of `nodes`, sorted
/// by label.
struct CueTrie {
    nodes: Vec<CueNode>,
    root_ascii: [u32; 128],
}

#[derive(Clone, Copy)]
struct CueNode {
    label: char,
    first: u32,
    count: u32,
    /// The phrase that ends here (its index in the table), or [`NO_CUE`].
    term: u32,
}

const NO_CUE: u32 = u32::MAX;
const NO_CUE_NODE: u32 = u32::MAX;

impl CueTrie {
    fn new(phrases: &[(Vec<char>, Cue)]) -> CueTrie {
        // By characters, equal phrases in table order (the sort is stable):
        // the first of equal ones is the one a scan in table order finds.
        let mut order: Vec<usize> = (0..phrases.len()).collect();
        crate::sort::sort_by(&mut order, |&a, &b| phrases[a].0.cmp(&phrases[b].0));
        let mut nodes = vec![CueNode { label: '\0', first: 0, count: 0, term: NO_CUE }];
        // (node, the phrases below it as a range of `order`, its depth)
        let mut queue = vec![(0u32, 0usize, order.len(), 0usize)];
        while let Some((node, mut lo, hi, depth)) = queue.pop() {
            let key = |k: usize| phrases[order[k]].0.get(depth).copied();
            if lo < hi && key(lo).is_none() {
                nodes[node as usize].term = order[lo] as u32;
                while lo < hi && key(lo).is_none() {
                    lo += 1;
                }
            }
            let first = nodes.len() as u32;
            let mut k = lo;
            while k < hi {
                let c = key(k).unwrap_or('\0');
                let start = k;
                while k < hi && key(k) == Some(c) {
                    k += 1;
                }
                queue.push((nodes.len() as u32, start, k, depth + 1));
                nodes.push(CueNode { label: c, first: 0, count: 0, term: NO_CUE });
            }
            let count = nodes.len() as u32 - first;
            let n = &mut nodes[node as usize];
            n.first = first;
            n.count = count;
        }
        let mut root_ascii = [NO_CUE_NODE; 128];
        let root = nodes[0];
        for k in root.first..root.first + root.count {
            let c = nodes[k as usize].label;
            if c.is_ascii() {
                root_ascii[c as usize] = k;
            }
        }
        CueTrie { nodes, root_ascii }
    }
}

/// The positions of a table's entries by one character of each, in table
/// order (so longest first, as the tables are sorted): ASCII characters
/// indexed directly, the few others in a short list.
struct ByChar {
    /// Per ASCII character, its run in `at`.
    ascii: Vec<(u32, u32)>,
    other: Vec<(char, u32, u32)>,
    at: Vec<u32>,
}

impl ByChar {
    /// Indexes each entry under its key, when it has one. (One copy of
    /// this code for every table: the keys come through `dyn`.)
    fn new(keys: &mut dyn Iterator<Item = Option<char>>) -> ByChar {
        let mut pairs: Vec<(char, u32)> = Vec::new();
        for (k, key) in keys.enumerate() {
            if let Some(c) = key {
                pairs.push((c, k as u32));
            }
        }
        // Stable: entries under one character keep the table's order.
        crate::sort::sort_by_key(&mut pairs, |p| p.0);
        let mut by = ByChar { ascii: vec![(0, 0); 128], other: Vec::new(), at: Vec::with_capacity(pairs.len()) };
        let mut i = 0;
        while i < pairs.len() {
            let c = pairs[i].0;
            let start = by.at.len() as u32;
            while i < pairs.len() && pairs[i].0 == c {
                by.at.push(pairs[i].1);
                i += 1;
            }
            let run = (start, by.at.len() as u32);
            if c.is_ascii() {
                by.ascii[c as usize] = run;
            } else {
                by.other.push((c, run.0, run.1));
            }
        }
        by
    }

    /// The positions of the entries under `c`, in table order.
    #[inline]
    fn get(&self, c: char) -> &[u32] {
        let (a, b) = if c.is_ascii() { self.ascii[c as usize] } else { self.other.iter().find(|o| o.0 == c).map_or((0, 0), |o| (o.1, o.2)) };
        &self.at[a as usize..b as usize]
    }
}

impl Tables {
    /// The longest cue phrase written at `i` of `text` for which `ok` (given
    /// its length) holds: its length and cue.
    pub fn cue_at(&self, text: &[char], i: usize, ok: impl Fn(usize) -> bool) -> Option<(usize, Cue)> {
        let t = &self.cue_trie;
        let mut node = 0u32;
        let mut best = None;
        for (d, &c) in text.get(i..).unwrap_or_default().iter().enumerate() {
            let next = if node == 0 && c.is_ascii() {
                t.root_ascii[c as usize]
            } else {
                let n = &t.nodes[node as usize];
                let kids = &t.nodes[n.first as usize..(n.first + n.count) as usize];
                kids.binary_search_by_key(&c, |k| k.label).map_or(NO_CUE_NODE, |k| n.first + k as u32)
            };
            if next == NO_CUE_NODE {
                break;
            }
            node = next;
            let term = t.nodes[node as usize].term;
            if term != NO_CUE && ok(d + 1) {
                best = Some((d + 1, self.cues[term as usize].1));
            }
        }
        best
    }

    /// The unit spellings that begin with `c`, longest first.
    pub fn units_from(&self, c: char) -> impl Iterator<Item = &(Vec<char>, String, Dim)> {
        self.units_by.get(c).iter().map(|&k| &self.units[k as usize])
    }

    /// The ULN phrases that begin with `c`, longest first.
    pub fn uln_from(&self, c: char) -> impl Iterator<Item = &(Vec<char>, bool)> {
        self.uln_by.get(c).iter().map(|&k| &self.uln[k as usize])
    }

    /// Whether a number word or a ULN phrase may begin with `c`: a digit
    /// always may (it starts a number).
    #[inline]
    pub fn may_start_word_quantity(&self, c: char) -> bool {
        c.is_ascii_digit() || !self.numbers_by.get(c).is_empty() || !self.uln_by.get(c).is_empty()
    }

    /// The number words that begin with `c`, longest first.
    pub fn numbers_from(&self, c: char) -> impl Iterator<Item = &(Vec<char>, f64)> {
        self.numbers_by.get(c).iter().map(|&k| &self.numbers[k as usize])
    }

    /// The comparators written after their number that begin with `c`,
    /// longest first.
    pub fn post_from(&self, c: char) -> impl Iterator<Item = &(Vec<char>, Comparator, bool)> {
        self.post_by.get(c).iter().map(|&k| &self.comparators[k as usize])
    }

    /// The comparators written before their number that begin with `c`,
    /// longest first.
    pub fn pre_from(&self, c: char) -> impl Iterator<Item = &(Vec<char>, Comparator, bool)> {
        self.pre_by.get(c).iter().map(|&k| &self.comparators[k as usize])
    }

    /// The comparators written before their number that end with `c`,
    /// longest first.
    pub fn pre_ending(&self, c: char) -> impl Iterator<Item = &(Vec<char>, Comparator, bool)> {
        self.pre_by_last.get(c).iter().map(|&k| &self.comparators[k as usize])
    }
}

// The tables of `data/atoms/`, checked, folded and sorted longest first by
// `build.rs` (`build/tables.rs`): the phrases of `UNITS`, `COMPARATORS`,
// `CUES`, `ULN` and `NUMBERS`, one per line, each beside a list of what
// they mean (`UNIT_CODES` and `UNIT_DIMS`, `COMPARATOR_KINDS`, `CUE_KINDS`,
// `ULN_WEAK`, `NUMBER_VALUES`), and the word lists `STOP`, `FUNCTION`,
// `COUNTED` and `MEASURE_WORDS`, one word per line.
include!(concat!(env!("OUT_DIR"), "/atom_tables.rs"));

static TABLES: OnceLock<Tables> = OnceLock::new();

/// The embedded tables, laid out on first use.
pub fn get() -> &'static Tables {
    TABLES.get_or_init(load)
}

/// The tables from what `build.rs` wrote: no file is parsed, folded or
/// sorted here.
pub fn load() -> Tables {
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let words = |list: &str| list.split_terminator('\n').map(str::to_string).collect::<WordSet>();
    let cues: Vec<(Vec<char>, Cue)> = CUES.split_terminator('\n').zip(CUE_KINDS).map(|(p, &c)| (chars(p), c)).collect();
    let units: Vec<(Vec<char>, String, Dim)> = UNITS.split_terminator('\n').zip(UNIT_CODES.split_terminator('\n')).zip(UNIT_DIMS).map(|((p, u), &d)| (chars(p), u.to_string(), d)).collect();
    let comparators: Vec<(Vec<char>, Comparator, bool)> = COMPARATORS.split_terminator('\n').zip(COMPARATOR_KINDS).map(|(p, &(c, post))| (chars(p), c, post)).collect();
    let uln: Vec<(Vec<char>, bool)> = ULN.split_terminator('\n').zip(ULN_WEAK).map(|(p, &weak)| (chars(p), weak)).collect();
    let numbers: Vec<(Vec<char>, f64)> = NUMBERS.split_terminator('\n').zip(NUMBER_VALUES).map(|(p, &v)| (chars(p), v)).collect();
    let comparator = |post: bool, last: bool| {
        ByChar::new(&mut comparators.iter().map(|(p, _, is_post)| if *is_post != post { None } else if last { p.last().copied() } else { p.first().copied() }))
    };
    Tables {
        cue_trie: CueTrie::new(&cues),
        units_by: ByChar::new(&mut units.iter().map(|u| u.0.first().copied())),
        uln_by: ByChar::new(&mut uln.iter().map(|u| u.0.first().copied())),
        numbers_by: ByChar::new(&mut numbers.iter().map(|u| u.0.first().copied())),
        post_by: comparator(true, false),
        pre_by: comparator(false, false),
        pre_by_last: comparator(false, true),
        units,
        comparators,
        cues,
        uln,
        numbers,
        stop: words(STOP),
        function: words(FUNCTION),
        counted: words(COUNTED),
        measure_words: words(MEASURE_WORDS),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn tables_load() {
        let t = super::load();
        assert!(t.units.len() > 100);
        assert!(t.cues.iter().any(|(p, _)| p.iter().collect::<String>() == "except"));
        // The build folded every phrase as the scanner folds text.
        let phrases = t.units.iter().map(|x| &x.0).chain(t.comparators.iter().map(|x| &x.0)).chain(t.cues.iter().map(|x| &x.0));
        for p in phrases.chain(t.uln.iter().map(|x| &x.0)).chain(t.numbers.iter().map(|x| &x.0)) {
            let s: String = p.iter().collect();
            assert_eq!(&super::super::text::fold_str(&s), p, "{s:?} is not folded");
        }
        // Longest first, as the scanner tries them.
        assert!(t.cues.windows(2).all(|w| w[0].0.len() >= w[1].0.len()));
    }

    /// Every table is checked the way the lexicon is (by the build, which
    /// refuses otherwise): one meaning per phrase.
    #[test]
    fn no_phrase_has_two_meanings() {
        let t = super::load();
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
