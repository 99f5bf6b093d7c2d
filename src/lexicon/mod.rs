//! Concepts (labs, vitals, scores, conditions, infections, drugs and drug
//! classes, procedures, immunizations) with codes and synonyms, read from the
//! JSON files in `data/lexicon/` at build time (schema: `data/lexicon/README.md`).
//!
//! `build.rs` checks the files and writes them as a compact blob (`load.rs`
//! says its layout): each string once, in the order first used, the code
//! and id indexes sorted, synonyms and stop phrases already folded. On
//! first use [`get`] reads the blob into [`Concept`]s, folds the names and
//! case-sensitive synonyms and lays the two tries out (`norm::Trie::build`);
//! no JSON is parsed at start.
//!
//! ```
//! let lex = trialsieve::lexicon::get();
//! let text = "Hb≥90 g/L and ALT ≤ 3×ULN";
//! let ids: Vec<&str> = lex.find_all(text).iter().map(|m| m.concept.id.as_ref()).collect();
//! assert_eq!(ids, ["hemoglobin", "alt"]);
//! assert_eq!(lex.lookup("SGPT").map(|c| c.id.as_ref()), Some("alt"));
//! ```

mod concept;
#[cfg(not(target_arch = "wasm32"))]
mod load;
mod norm;
// Lower case as the scanner writes it, for the folding (`norm`), which
// `build.rs` also compiles, with a `case` of its own.
use crate::atoms::case;

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::atoms::ConceptRef;
use crate::span::Span;
pub use concept::{Concept, ConceptKind};
#[cfg(not(target_arch = "wasm32"))]
pub use load::{FILE_NAMES, STOP_FILE};
use norm::{Class, Entry, NameKind, SEP, Trie, Unit};

impl Concept {
    /// The member of a group concept that `written` (text the concept was
    /// found in) names, folded; `None` when the concept is not a group or
    /// the text names the whole group.
    pub fn member_named(&self, written: &str) -> Option<String> {
        if self.group.is_empty() {
            return None;
        }
        let w = fold(written);
        let name = fold(&self.name);
        if w == name || self.group.iter().any(|g| fold(g) == w) {
            return None;
        }
        // Synonyms are read folded.
        self.synonyms.iter().any(|s| **s == *w).then_some(w)
    }

    /// The reference atoms carry: id, name and main code.
    pub fn to_ref(&self) -> ConceptRef {
        ConceptRef { id: Some(self.id.to_string()), name: self.name.to_string(), code: self.code.as_deref().map(str::to_string) }
    }
}

/// Reads the blob: the numbers of its stream (unsigned LEB128) and the
/// strings they refer to.
struct Reader {
    bytes: &'static [u8],
    at: usize,
    /// The strings, each ended by a NUL byte, and where the next new one starts.
    text: &'static str,
    next: usize,
    /// The strings read so far, in order.
    strings: Vec<&'static str>,
}

impl Reader {
    /// A string: the next new one, or one read before.
    fn str(&mut self) -> &'static str {
        let reference = self.uint();
        self.string(reference)
    }

    /// An optional string: 0 for none, else a string's reference + 1.
    fn opt(&mut self) -> Option<&'static str> {
        let reference = self.uint().checked_sub(1)?;
        Some(self.string(reference))
    }

    /// The string a reference stands for: 0 the next new one, else
    /// 1 + the number of one read before.
    fn string(&mut self, reference: usize) -> &'static str {
        if reference > 0 {
            return self.strings[reference - 1];
        }
        let rest = &self.text[self.next..];
        let s = &rest[..nul(rest.as_bytes()).expect("strings end with NUL")];
        self.next += s.len() + 1;
        self.strings.push(s);
        s
    }

    fn uint(&mut self) -> usize {
        let mut n = 0;
        let mut shift = 0;
        loop {
            let b = self.bytes[self.at];
            self.at += 1;
            n |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                return n;
            }
            shift += 7;
        }
    }

    fn f64(&mut self) -> f64 {
        let b = &self.bytes[self.at..self.at + 8];
        self.at += 8;
        f64::from_le_bytes(sound(b.try_into(), "8 bytes"))
    }
}

/// Where the first NUL byte of `b` is: eight bytes at a time (a word has
/// a zero byte where subtracting one from each byte borrows), as the
/// blob's 24,000 strings are read on first use.
fn nul(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let zero = w.wrapping_sub(ONES) & !w & (ONES << 7);
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|&x| x == 0).map(|p| i + p)
}

/// A concept found in a text.
#[derive(Clone, Copy, Debug)]
pub struct Match<'a> {
    pub span: Span,
    pub concept: &'a Concept,
}

/// The loaded lexicon: concepts, and the indexes over them.
pub struct Lexicon {
    pub concepts: Vec<Concept>,
    /// Concept positions sorted by id.
    by_id: Vec<u32>,
    /// Every code, main or further, with its concept; sorted by code.
    by_code: Vec<(&'static str, u32)>,
    children: Vec<Vec<usize>>,
    /// Case-insensitive synonyms, keyed by their folded units; also every
    /// concept's name and synonyms (both kinds), folded as [`fold`] does, to
    /// the first concept that has it: the evaluator's index of names.
    folded: Names,
    /// Case-sensitive synonyms, keyed by their case-preserving units.
    exact: Trie,
}

/// Folded names to the first concept of each: the trie of case-insensitive
/// synonyms, whose nodes also hold the concept a name ending there names
/// first (a concept's name or any synonym, folded).
pub(crate) struct Names(Trie);

impl Names {
    /// The position of the first concept named `folded` (see [`fold`]).
    pub fn get(&self, folded: &str) -> Option<&usize> {
        self.0.name(folded)
    }
}

/// The two tries, from the concepts and stop phrases: names and
/// case-sensitive synonyms folded here (`norm::key_into`), synonyms and
/// stop phrases as the blob holds them, folded. The trie of case-insensitive synonyms is also
/// the index of folded names. `build.rs` has refused names that mean two
/// concepts, so each key matched in text has one value.
/// `named[i]`: concept `i`'s name has its key among the concept's synonyms
/// already, so that the name adds nothing to the trie (the synonym marks
/// the node as the name would) and is not folded again.
fn index_names(concepts: &[Concept], stops: &[&str], named: &[bool]) -> (Names, Trie) {
    let count = concepts.iter().map(|c| 1 + c.synonyms.len() + c.case_sensitive.len()).sum::<usize>() + stops.len();
    let bytes = |list: &[concept::Text]| list.iter().map(|s| s.len()).sum::<usize>();
    let size = concepts.iter().map(|c| c.name.len() + bytes(&c.synonyms) + bytes(&c.case_sensitive)).sum::<usize>();
    let mut text: Vec<u8> = Vec::with_capacity(size + stops.iter().map(|s| s.len()).sum::<usize>());
    let mut entries: Vec<Entry> = Vec::with_capacity(count);
    let add = |text: &mut Vec<u8>, entries: &mut Vec<Entry>, name: &str, case_sensitive: bool, value: u32, kind: NameKind| {
        let start = text.len() as u32;
        norm::key_into(name, case_sensitive, text);
        entries.push(Entry { start, end: text.len() as u32, value, kind });
    };
    let key = |text: &mut Vec<u8>, entries: &mut Vec<Entry>, key: &str, value: u32, kind: NameKind| {
        let start = text.len() as u32;
        text.extend_from_slice(key.as_bytes());
        entries.push(Entry { start, end: text.len() as u32, value, kind });
    };
    let mut exact: Vec<Entry> = Vec::new();
    for (i, c) in concepts.iter().enumerate() {
        let i = i as u32;
        if !named.get(i as usize).copied().unwrap_or(false) {
            add(&mut text, &mut entries, &c.name, false, i, NameKind::Name);
        }
        c.synonyms.iter().for_each(|s| key(&mut text, &mut entries, s, i, NameKind::Synonym));
        for s in &c.case_sensitive {
            add(&mut text, &mut entries, s, false, i, NameKind::Name);
            add(&mut text, &mut exact, s, true, i, NameKind::Synonym);
        }
    }
    stops.iter().for_each(|s| key(&mut text, &mut entries, s, STOP, NameKind::Stop));
    (Names(Trie::build(&text, &mut entries)), Trie::build(&text, &mut exact))
}

/// The lexicon files as JSON, for tests that check them
/// ([`Lexicon::from_files`]); the library itself embeds the blob `build.rs`
/// writes from them.
#[cfg(not(target_arch = "wasm32"))]
pub const FILES: &[(&str, &str)] = &[
    ("labs.json", include_str!("../../data/lexicon/labs.json")),
    ("vitals.json", include_str!("../../data/lexicon/vitals.json")),
    ("scores.json", include_str!("../../data/lexicon/scores.json")),
    ("conditions.json", include_str!("../../data/lexicon/conditions.json")),
    ("infections.json", include_str!("../../data/lexicon/infections.json")),
    ("drug_classes.json", include_str!("../../data/lexicon/drug_classes.json")),
    ("drugs.json", include_str!("../../data/lexicon/drugs.json")),
    ("procedures.json", include_str!("../../data/lexicon/procedures.json")),
    ("immunizations.json", include_str!("../../data/lexicon/immunizations.json")),
    (STOP_FILE, include_str!("../../data/lexicon/stop_phrases.json")),
];

/// The trie value of a stop phrase.
const STOP: u32 = u32::MAX;

/// The lexicon, checked, folded and indexed by `build.rs`.
static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.bin"));

static LEXICON: OnceLock<Lexicon> = OnceLock::new();

/// The embedded lexicon, built on first use and shared afterwards.
pub fn get() -> &'static Lexicon {
    LEXICON.get_or_init(|| Lexicon::read(BLOB))
}

/// Folds a name for matching: lower case, diacritics, full-width and
/// typographic variants made plain, runs of spaces and hyphens made one
/// space, possessive `'s` and other apostrophes dropped, Greek letters
/// spelt out.
///
/// ```
/// use trialsieve::lexicon::fold;
/// assert_eq!(fold("Sjögren’s  Syndrome"), "sjogren syndrome");
/// assert_eq!(fold("β-HCG"), "beta hcg");
/// assert_eq!(fold("Ｈｂ"), "hb");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    norm::key_into(s, false, &mut out);
    sound(String::from_utf8(out), "keys are UTF-8")
}

/// The value of a result that cannot fail here, else a panic that says
/// why it could not (`what`). Unlike `Result::expect` it does not format
/// the error, so the wasm carries no `Debug` code for it.
fn sound<T, E>(r: Result<T, E>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(_) => panic!("{what}"),
    }
}

impl Lexicon {
    /// Reads and indexes lexicon files (name, JSON text) as `build.rs`
    /// does. Fails, naming the file, on malformed JSON or an unknown field,
    /// a repeated id or code, a synonym given to two concepts, or a parent
    /// that does not exist. For tests: each call keeps its tables for the
    /// rest of the program, as the embedded lexicon does.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_files(files: &[(&str, &str)]) -> Result<Lexicon, String> {
        let blob = load::encode(files)?;
        Ok(Lexicon::read(Box::leak(blob.into_boxed_slice())))
    }

    /// Reads a blob `load::encode` wrote. The blob is checked when it is
    /// written: here a malformed one panics.
    fn read(blob: &'static [u8]) -> Lexicon {
        const BAD: &str = "lexicon blob is written by build.rs";
        let text_len = u32::from_le_bytes(sound(blob[..4].try_into(), BAD)) as usize;
        let text = sound(std::str::from_utf8(&blob[4..4 + text_len]), BAD);
        let mut r = Reader { bytes: blob, at: 4 + text_len, text, next: 0, strings: Vec::new() };
        // Strings are borrowed from the blob: reading allocates no string.
        let string = |r: &mut Reader| Cow::Borrowed(r.str());
        let opt = |r: &mut Reader| r.opt().map(Cow::Borrowed);
        let list = |r: &mut Reader| (0..r.uint()).map(|_| string(r)).collect::<Vec<concept::Text>>();
        let n = r.uint();
        let mut concepts: Vec<Concept> = Vec::with_capacity(n);
        // Parents and `testedBy` are positions; their ids are known once
        // every concept is read.
        let mut links: Vec<(Vec<usize>, Vec<usize>)> = Vec::with_capacity(n);
        // The ids and the synonyms the blob leaves out (`load::encode`) are
        // written into one string, kept for the program's life as the blob
        // is: where each concept's id is, and where its name's key is and
        // its place among the synonyms.
        let mut made: Vec<u8> = Vec::new();
        let mut made_ids: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let mut made_keys: Vec<(usize, usize, std::ops::Range<usize>)> = Vec::new();
        for i in 0..n {
            // The kind, and whether the id is left out for the one the
            // name gives (`load::encode`).
            let head = r.uint();
            let kind = ConceptKind::ALL[head / 2];
            let id = if head % 2 == 0 { string(&mut r) } else { Cow::Borrowed("") };
            let name = string(&mut r);
            if head % 2 == 1 {
                let start = made.len();
                concept::id_of_name(&name, &mut made);
                made_ids.push((i, start..made.len()));
            }
            let abbreviation = opt(&mut r);
            let code = opt(&mut r);
            let codes = list(&mut r);
            let synonyms = list(&mut r);
            if let Some(k) = r.uint().checked_sub(1) {
                let start = made.len();
                norm::key_into(&name, false, &mut made);
                made_keys.push((i, k, start..made.len()));
            }
            let case_sensitive = list(&mut r);
            let unit = opt(&mut r);
            let alt_units = list(&mut r);
            let present = r.uint();
            let mut number = |bit: usize| (present & bit != 0).then(|| r.f64());
            let (default_uln, default_lln, molar_mass, prednisone_equivalent_factor) = (number(1), number(2), number(4), number(8));
            let parents: Vec<usize> = (0..r.uint()).map(|_| r.uint()).collect();
            let group = list(&mut r);
            let tested_by: Vec<usize> = (0..r.uint()).map(|_| r.uint()).collect();
            links.push((parents, tested_by));
            concepts.push(Concept {
                id,
                kind,
                name,
                abbreviation,
                code,
                codes,
                synonyms,
                case_sensitive,
                unit,
                alt_units,
                default_uln,
                default_lln,
                molar_mass,
                prednisone_equivalent_factor,
                parents: Vec::new(),
                group,
                tested_by: Vec::new(),
                note: (),
            });
        }
        let made: &'static str = Box::leak(sound(String::from_utf8(made), BAD).into_boxed_str());
        for (i, at) in made_ids {
            concepts[i].id = Cow::Borrowed(&made[at]);
        }
        let mut named = vec![false; n];
        for (i, k, at) in made_keys {
            concepts[i].synonyms.insert(k, Cow::Borrowed(&made[at]));
            named[i] = true;
        }
        let mut children = vec![Vec::new(); n];
        for (i, (parents, tested_by)) in links.into_iter().enumerate() {
            for &p in &parents {
                children[p].push(i);
            }
            concepts[i].parents = parents.iter().map(|&p| concepts[p].id.clone()).collect();
            concepts[i].tested_by = tested_by.iter().map(|&t| concepts[t].id.clone()).collect();
        }
        let stops: Vec<&str> = (0..r.uint()).map(|_| r.str()).collect();
        let by_code = (0..r.uint()).map(|_| (r.str(), r.uint() as u32)).collect();
        let by_id = (0..n).map(|_| r.uint() as u32).collect();
        let (folded, exact) = index_names(&concepts, &stops, &named);
        Lexicon { concepts, by_id, by_code, children, folded, exact }
    }

    /// The index from folded names (see [`fold`]) to concept positions.
    pub(crate) fn by_folded_name(&self) -> &Names {
        &self.folded
    }

    /// The position of the concept with this id.
    fn position(&self, id: &str) -> Option<usize> {
        let at = self.by_id.binary_search_by(|&i| (*self.concepts[i as usize].id).cmp(id)).ok()?;
        Some(self.by_id[at] as usize)
    }

    /// The concept with this id.
    pub fn by_id(&self, id: &str) -> Option<&Concept> {
        self.position(id).map(|i| &self.concepts[i])
    }

    /// The concept with this code, main or further (`LOINC:718-7`).
    pub fn by_code(&self, code: &str) -> Option<&Concept> {
        let code = code.trim();
        let at = self.by_code.binary_search_by(|e| e.0.cmp(code)).ok()?;
        Some(&self.concepts[self.by_code[at].1 as usize])
    }

    /// The concept a whole name stands for ("Hb", "hemoglobin",
    /// "LOINC:718-7", or an id).
    pub fn lookup(&self, name: &str) -> Option<&Concept> {
        let name = name.trim();
        if let Some(c) = self.by_code(name) {
            return Some(c);
        }
        let units = norm::units(name);
        let hit = self.exact.get(&norm::key(&units, true)).or_else(|| self.folded.0.get(&norm::key(&units, false)));
        hit.and_then(|i| self.concepts.get(i as usize)).or_else(|| self.by_id(name))
    }

    /// Whether `concept` is `ancestor_id` or lies below it through `parents`
    /// (prednisone is a glucocorticoid).
    pub fn is_a(&self, concept: &Concept, ancestor_id: &str) -> bool {
        if concept.id == ancestor_id {
            return true;
        }
        let Some(start) = self.position(&concept.id) else { return false };
        let mut seen = vec![false; self.concepts.len()];
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            for p in &self.concepts[i].parents {
                if p == ancestor_id {
                    return true;
                }
                if let Some(j) = self.position(p) {
                    stack.push(j);
                }
            }
        }
        false
    }

    /// Every concept below `id` through `parents`, each once, nearest first.
    pub fn descendants(&self, id: &str) -> Vec<&Concept> {
        let Some(start) = self.position(id) else { return Vec::new() };
        let mut seen = vec![false; self.concepts.len()];
        seen[start] = true;
        let mut queue = std::collections::VecDeque::from([start]);
        let mut out = Vec::new();
        while let Some(i) = queue.pop_front() {
            for &k in &self.children[i] {
                if !std::mem::replace(&mut seen[k], true) {
                    out.push(&self.concepts[k]);
                    queue.push_back(k);
                }
            }
        }
        out
    }

    /// Every concept named in `text`, in text order, not overlapping. Where
    /// names overlap the longest wins ("serum creatinine clearance" is
    /// creatinine clearance). A name must not be glued to letters; it may
    /// be glued to operators and to digits ("Hb≥60", "PLT<50", "eGFR≥30")
    /// unless the name itself ends (or starts) with a digit there ("CD4"
    /// is not found in "CD45").
    ///
    /// Time is linear in the length of the text: each start position walks
    /// the synonym trie at most as deep as the longest synonym.
    pub fn find_all<'a>(&'a self, text: &str) -> Vec<Match<'a>> {
        let units = norm::units(text);
        // (start unit, end unit exclusive, concept, case-sensitive)
        let mut found: Vec<(usize, usize, u32, bool)> = Vec::new();
        for i in 0..units.len() {
            let first = units[i];
            if first.lc == SEP || !can_start(i.checked_sub(1).map(|p| units[p]), first) {
                continue;
            }
            for (trie, cs) in [(&self.folded.0, false), (&self.exact, true)] {
                let mut node = 0u32;
                for (j, u) in units[i..].iter().enumerate() {
                    let Some(next) = trie.step(node, if cs { u.cs } else { u.lc }) else { break };
                    node = next;
                    if let Some(concept) = trie.term(node) {
                        let end = i + j + 1;
                        if can_end(*u, units.get(end).copied()) {
                            found.push((i, end, concept, cs));
                        }
                    }
                }
            }
        }
        // Longest first; on a tie the case-sensitive name, then the earlier.
        crate::sort::sort_by(&mut found, |a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(b.3.cmp(&a.3)).then(a.0.cmp(&b.0)));
        let mut taken = vec![false; units.len()];
        let mut out = Vec::new();
        for (s, e, concept, _) in found {
            if taken[s..e].iter().any(|&t| t) {
                continue;
            }
            taken[s..e].iter_mut().for_each(|t| *t = true);
            if concept == STOP {
                continue;
            }
            let span = Span::new(units[s].start as usize, units[e - 1].end as usize);
            out.push(Match { span, concept: &self.concepts[concept as usize] });
        }
        crate::sort::sort_by_key(&mut out, |m| m.span);
        out
    }
}

/// Whether a name may start at `first` after `prev`: not inside a word,
/// and not inside a number when the name starts with a digit.
fn can_start(prev: Option<Unit>, first: Unit) -> bool {
    match prev {
        None => true,
        Some(p) => !(p.class == Class::Letter || (p.class == Class::Digit && first.class == Class::Digit)),
    }
}

/// Whether a name ending with `last` may be followed by `next`.
fn can_end(last: Unit, next: Option<Unit>) -> bool {
    match next {
        None => true,
        Some(n) => !(n.class == Class::Letter || (n.class == Class::Digit && last.class == Class::Digit)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        get().find_all(text).iter().map(|m| m.concept.id.to_string()).collect()
    }

    #[test]
    fn the_first_nul_is_found_wherever_it_is() {
        for len in 0..20 {
            assert_eq!(nul(&vec![7u8; len]), None, "{len}");
            for at in 0..len {
                // Bytes that borrow or wrap when one is taken from them, after it too.
                let mut b: Vec<u8> = (0..len).map(|i| [1, 0x80, 0xff, 0x01, b'a'][i % 5]).collect();
                b[at] = 0;
                if at + 1 < len {
                    b[at + 1] = 0;
                }
                assert_eq!(nul(&b), Some(at), "{b:?}");
            }
        }
    }

    #[test]
    fn finds_longest_match_on_word_boundaries() {
        assert_eq!(ids("Hemoglobin ≥ 60g/L; Hbx no"), ["hemoglobin"]);
        assert_eq!(ids("Hb≥60"), ["hemoglobin"]);
    }

    #[test]
    fn spans_cover_the_source_text() {
        let text = "血红蛋白Ｈｂ＞90";
        let m = get().find_all(text);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].span.slice(text), "Ｈｂ");
    }
}
