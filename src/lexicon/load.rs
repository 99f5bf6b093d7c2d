//! Reading the lexicon's JSON files, checking them, and writing the blob the
//! library embeds. Shared through `#[path]` by `build.rs`, which runs it on
//! `data/lexicon/*.json` and writes the blob into `OUT_DIR`, and by
//! [`Lexicon::from_files`](super::Lexicon::from_files) on native targets, so
//! that tests check the files through the very code the build uses.
//!
//! The blob holds what the files say, compactly: each distinct string once,
//! parents and `testedBy` as concept positions, the code and id indexes
//! sorted for bisection. Synonyms and stop phrases are stored folded, as the
//! keys the library matches (`norm::key_into`), so that nothing folds them
//! at start; names and case-sensitive synonyms as written.
//!
//! The blob: a `u32` (little endian) giving the length of the string bytes,
//! the strings (UTF-8, each ended by a NUL byte, in the order first used),
//! then a stream of unsigned LEB128 numbers:
//!
//! ```text
//! concepts: count, then per concept: kind, id, name, abbreviation?, code?,
//!           [codes], [synonyms], [caseSensitive], unit?, [altUnits],
//!           a bit set of the numbers present (defaultUln 1, defaultLln 2,
//!           molarMass 4, prednisoneEquivalentFactor 8) and each of them as
//!           8 bytes (f64, little endian), [parents], [group], [testedBy]
//! stops:    [stop phrases]   (folded, as are the synonyms)
//! codes:    count, then (code, concept) sorted by code
//! ids:      concept positions sorted by id
//! ```
//!
//! A string is 0 for the next string not used before, else 1 + the number
//! of the one it repeats; an optional string is 0 for none, else one more.
//! `[…]` is a count and the items; parents and `testedBy` are concept
//! positions. Strings in the order they are used, and mostly zeros in the
//! stream, compress about as well as the JSON text.

use std::collections::{BTreeMap, HashMap};

use super::concept::{self, Concept, ConceptKind, Text};
use super::norm;

/// The lexicon files in `data/lexicon/`, in the order their concepts are
/// numbered. One file per kind of concept, and the stop phrases.
pub const FILE_NAMES: &[&str] = &[
    "labs.json",
    "vitals.json",
    "scores.json",
    "conditions.json",
    "infections.json",
    "drug_classes.json",
    "drugs.json",
    "procedures.json",
    "immunizations.json",
    STOP_FILE,
];

/// The file of stop phrases: a JSON array of names that contain a synonym
/// but mean something else ("National Cancer Institute"). They take part in
/// longest-match selection and are then dropped, so that "cancer" inside
/// them is not reported.
pub const STOP_FILE: &str = "stop_phrases.json";

/// Reads and checks lexicon files (name, JSON text) and writes the blob.
/// Fails, naming the file, on malformed JSON or an unknown field, a repeated
/// id, a code given to two concepts, an unknown parent, a `testedBy` that is
/// no laboratory test, an empty synonym or stop phrase, a synonym given to
/// two concepts, or a stop phrase that is a synonym.
pub fn encode(files: &[(&str, &str)]) -> Result<Vec<u8>, String> {
    let mut concepts: Vec<Concept> = Vec::new();
    // The file each concept came from, for messages.
    let mut file_of: Vec<&str> = Vec::new();
    let mut stops: Vec<(String, &str)> = Vec::new();
    for (name, text) in files {
        if *name == STOP_FILE {
            let part: Vec<String> = serde_json::from_str(text).map_err(|e| format!("lexicon file {name}: {e}"))?;
            stops.extend(part.into_iter().map(|s| (s, *name)));
            continue;
        }
        let part: Vec<Concept> = serde_json::from_str(text).map_err(|e| format!("lexicon file {name}: {e}"))?;
        file_of.extend(part.iter().map(|_| *name));
        concepts.extend(part);
    }
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(concepts.len());
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in concepts.iter().enumerate() {
        if let Some(j) = by_id.insert(&c.id, i) {
            return Err(format!("lexicon file {}: concept id {:?} is used twice (also in {})", file_of[i], c.id, file_of[j]));
        }
        for code in c.code.iter().chain(&c.codes) {
            if let Some(j) = by_code.insert(code, i) {
                if j != i {
                    return Err(format!("lexicon file {}: code {code} is given to both {:?} and {:?}", file_of[i], concepts[j].id, c.id));
                }
            }
        }
    }
    let mut parents: Vec<Vec<usize>> = Vec::with_capacity(concepts.len());
    let mut tested_by: Vec<Vec<usize>> = Vec::with_capacity(concepts.len());
    for (i, c) in concepts.iter().enumerate() {
        let mut ps = Vec::with_capacity(c.parents.len());
        for p in &c.parents {
            let Some(&j) = by_id.get(&**p) else {
                return Err(format!("lexicon file {}: concept {:?} has unknown parent {p:?}", file_of[i], c.id));
            };
            ps.push(j);
        }
        parents.push(ps);
        let mut ts = Vec::with_capacity(c.tested_by.len());
        for t in &c.tested_by {
            match by_id.get(&**t) {
                Some(&j) if concepts[j].kind == ConceptKind::Lab => ts.push(j),
                _ => {
                    return Err(format!("lexicon file {}: concept {:?} is tested by {t:?}, which is no laboratory test", file_of[i], c.id));
                }
            }
        }
        tested_by.push(ts);
    }
    // A name must not mean two concepts: no two case-insensitive synonyms
    // fold alike, no two case-sensitive ones are equal. A case-sensitive
    // synonym may fold like another concept's case-insensitive one on
    // purpose (`PsA` psoriatic arthritis, `psa` the antigen): on its exact
    // spelling it wins. Each map is its own table of names seen, and keeps
    // the first concept given a key.
    // Synonyms and stop phrases are only ever matched or compared folded:
    // they are stored as their keys (folded as the library folds at start),
    // so that nothing folds them there. Folding a key again must give it
    // back, as the library's look-ups fold what they are given.
    let key = |s: &str, file: &str| {
        let mut k = Vec::new();
        norm::key_into(s, false, &mut k);
        let k = String::from_utf8(k).expect("keys are UTF-8");
        let mut again = Vec::new();
        norm::key_into(&k, false, &mut again);
        if again != k.as_bytes() {
            return Err(format!("lexicon file {file}: {s:?} folds to {k:?}, which folds again to {:?}", String::from_utf8_lossy(&again)));
        }
        Ok(Text::Owned(k))
    };
    let synonyms: Vec<Vec<Text>> =
        concepts.iter().zip(&file_of).map(|(c, file)| c.synonyms.iter().map(|s| key(s, file)).collect::<Result<_, _>>()).collect::<Result<_, _>>()?;
    let stop_keys: Vec<Text> = stops.iter().map(|(s, file)| key(s, file)).collect::<Result<_, _>>()?;
    let stop = concepts.len();
    let mut folded: HashMap<&[u8], usize> = HashMap::new();
    let mut exact: HashMap<Vec<u8>, usize> = HashMap::new();
    for (i, c) in concepts.iter().enumerate() {
        let check = |s: &str, k: &[u8], j: usize| {
            if k.is_empty() {
                return Err(format!("lexicon file {}: concept {:?} has an empty synonym", file_of[i], c.id));
            }
            if j != i {
                return Err(format!("lexicon file {}: synonym {s:?} of {:?} already names {:?}", file_of[i], c.id, concepts[j].id));
            }
            Ok(())
        };
        for (s, k) in c.synonyms.iter().zip(&synonyms[i]) {
            let j = if k.is_empty() { i } else { *folded.entry(k.as_bytes()).or_insert(i) };
            check(s, k.as_bytes(), j)?;
        }
        for s in &c.case_sensitive {
            let mut k = Vec::new();
            norm::key_into(s, true, &mut k);
            let j = if k.is_empty() { i } else { *exact.entry(k.clone()).or_insert(i) };
            check(s, &k, j)?;
        }
    }
    for ((s, file), k) in stops.iter().zip(&stop_keys) {
        if k.is_empty() {
            return Err(format!("lexicon file {file}: a stop phrase is empty"));
        }
        // A stop phrase given twice is no conflict; a concept's synonym is.
        let j = *folded.entry(k.as_bytes()).or_insert(stop);
        if j != stop {
            return Err(format!("lexicon file {file}: stop phrase {s:?} is a synonym of {:?}", concepts[j].id));
        }
    }

    let mut w = Writer::default();
    w.uint(concepts.len());
    for (i, c) in concepts.iter().enumerate() {
        // The kind, and whether the id is the one the name gives, in which
        // case it is left out.
        let mut own_id = Vec::new();
        concept::id_of_name(&c.name, &mut own_id);
        let derived = own_id == c.id.as_bytes();
        w.uint(2 * c.kind as usize + usize::from(derived));
        if !derived {
            w.str(&c.id);
        }
        w.str(&c.name);
        w.opt(c.abbreviation.as_deref());
        w.opt(c.code.as_deref());
        w.strs(&c.codes);
        // The synonym that is the name's own key (most concepts have one)
        // is left out, and where it goes is written instead: 1 + its place,
        // or 0.
        let mut own = Vec::new();
        norm::key_into(&c.name, false, &mut own);
        let at = synonyms[i].iter().position(|s| s.as_bytes() == own);
        let mut rest = synonyms[i].clone();
        if let Some(k) = at {
            rest.remove(k);
        }
        w.strs(&rest);
        w.uint(at.map_or(0, |k| k + 1));
        w.strs(&c.case_sensitive);
        w.opt(c.unit.as_deref());
        w.strs(&c.alt_units);
        let numbers = [c.default_uln, c.default_lln, c.molar_mass, c.prednisone_equivalent_factor];
        w.uint(numbers.iter().enumerate().filter(|(_, x)| x.is_some()).map(|(b, _)| 1 << b).sum());
        for x in numbers.into_iter().flatten() {
            w.stream.extend_from_slice(&x.to_le_bytes());
        }
        w.positions(&parents[i]);
        w.strs(&c.group);
        w.positions(&tested_by[i]);
    }
    w.strs(&stop_keys);
    w.uint(by_code.len());
    for (k, &v) in &by_code {
        w.str(k);
        w.uint(v);
    }
    let mut ids: Vec<usize> = (0..concepts.len()).collect();
    ids.sort_by_key(|&i| &*concepts[i].id);
    ids.iter().for_each(|&i| w.uint(i));
    Ok(w.finish())
}

/// The blob being written: the strings (each distinct one once, in the
/// order first used) and the stream of numbers.
#[derive(Default)]
struct Writer {
    table: HashMap<String, usize>,
    text: Vec<u8>,
    stream: Vec<u8>,
}

impl Writer {
    fn uint(&mut self, mut n: usize) {
        loop {
            let low = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.stream.push(low);
                return;
            }
            self.stream.push(low | 0x80);
        }
    }

    /// 0 for a string not written before (it is added), else 1 + its number.
    fn reference(&mut self, s: &str) -> usize {
        if let Some(&n) = self.table.get(s) {
            return n + 1;
        }
        self.table.insert(s.to_string(), self.table.len());
        self.text.extend_from_slice(s.as_bytes());
        self.text.push(0);
        0
    }

    fn str(&mut self, s: &str) {
        let n = self.reference(s);
        self.uint(n);
    }

    fn opt(&mut self, s: Option<&str>) {
        let n = s.map_or(0, |s| self.reference(s) + 1);
        self.uint(n);
    }

    fn strs(&mut self, list: &[Text]) {
        self.uint(list.len());
        list.iter().for_each(|s| self.str(s));
    }

    fn positions(&mut self, list: &[usize]) {
        self.uint(list.len());
        list.iter().for_each(|&i| self.uint(i));
    }

    fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + self.text.len() + self.stream.len());
        out.extend_from_slice(&(self.text.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.text);
        out.extend_from_slice(&self.stream);
        out
    }
}
