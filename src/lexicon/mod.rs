//! Concepts (labs, vitals, scores, conditions, infections, drugs and drug
//! classes, procedures, immunizations) with codes and synonyms, read from the
//! JSON files in `data/lexicon/` at build time (schema: `data/lexicon/README.md`).
//!
//! ```
//! let lex = trialsieve::lexicon::get();
//! let text = "Hb≥90 g/L and ALT ≤ 3×ULN";
//! let ids: Vec<&str> = lex.find_all(text).iter().map(|m| m.concept.id.as_str()).collect();
//! assert_eq!(ids, ["hemoglobin", "alt"]);
//! assert_eq!(lex.lookup("SGPT").map(|c| c.id.as_str()), Some("alt"));
//! ```

mod norm;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::atoms::ConceptRef;
use crate::span::Span;
use norm::{Class, SEP, Trie, Unit};

/// One concept of the lexicon.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Concept {
    /// Stable id, unique across all files (`hemoglobin`, `sle`, `prednisone`).
    pub id: String,
    pub kind: ConceptKind,
    /// Display name.
    pub name: String,
    /// The usual short form (`Hb`, `ALT`, `SLE`), for display.
    #[serde(default)]
    pub abbreviation: Option<String>,
    /// Main code, `SYSTEM:value` (`LOINC:718-7`, `SNOMED:55464009`, `ICD10:M32`, `RXNORM:8640`).
    #[serde(default)]
    pub code: Option<String>,
    /// Further codes that mean the same concept (other systems, other
    /// specimens or methods of the same measurement).
    #[serde(default)]
    pub codes: Vec<String>,
    /// Names and abbreviations as they appear in text. Matching ignores case
    /// unless `caseSensitive` lists the synonym.
    pub synonyms: Vec<String>,
    /// Synonyms that only match with the exact case written (short
    /// abbreviations such as `PT`, `CI`, `EF`).
    #[serde(default)]
    pub case_sensitive: Vec<String>,
    /// Canonical UCUM unit for measurements (`g/L`, `10*9/L`, `{score}`).
    #[serde(default)]
    pub unit: Option<String>,
    /// Other UCUM units the measurement is commonly reported in (`g/dL` for
    /// hemoglobin), so that a reader can tell a plausible unit from a stray one.
    #[serde(default)]
    pub alt_units: Vec<String>,
    /// Default adult upper limit of normal in `unit`, for criteria written
    /// against the ULN when the patient's own lab range is unknown.
    #[serde(default)]
    pub default_uln: Option<f64>,
    /// Default adult lower limit of normal in `unit`.
    #[serde(default)]
    pub default_lln: Option<f64>,
    /// For an analyte: molar mass in g/mol, to convert mass and molar
    /// concentrations (creatinine 113.12: 1 mg/dL = 88.4 µmol/L).
    #[serde(default)]
    pub molar_mass: Option<f64>,
    /// For a glucocorticoid: mg of prednisone equivalent to 1 mg of this drug
    /// (methylprednisolone 1.25, dexamethasone 6.67).
    #[serde(default)]
    pub prednisone_equivalent_factor: Option<f64>,
    /// Ids of broader concepts this one belongs to (a drug's class, a
    /// disease's group), so that "glucocorticoids" matches prednisone.
    #[serde(default)]
    pub parents: Vec<String>,
    /// For a concept that gathers distinct diseases under one id (a
    /// "gastrointestinal disease" that lists celiac disease, dysphagia and
    /// bowel perforation): the synonyms that name the whole group. Every
    /// other synonym names one member, and a criterion naming one member is
    /// not met by a patient with another.
    #[serde(default)]
    pub group: Vec<String>,
    /// For an infection: ids of the laboratory tests whose negative result
    /// rules it out ("HIV antibody: negative" settles "known HIV infection").
    #[serde(default)]
    pub tested_by: Vec<String>,
    /// Where a number or a choice came from, or why a code is left out.
    #[serde(default)]
    pub note: Option<String>,
}

/// What kind of thing a concept is; one lexicon file per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConceptKind {
    Lab,
    Vital,
    Score,
    Condition,
    Infection,
    Drug,
    DrugClass,
    Procedure,
    Immunization,
}

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
        self.synonyms.iter().any(|s| fold(s) == w).then_some(w)
    }

    /// The reference atoms carry: id, name and main code.
    pub fn to_ref(&self) -> ConceptRef {
        ConceptRef { id: Some(self.id.clone()), name: self.name.clone(), code: self.code.clone() }
    }
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
    by_id: HashMap<String, usize>,
    by_code: HashMap<String, usize>,
    children: Vec<Vec<usize>>,
    /// Case-insensitive synonyms, keyed by their folded units.
    folded: Trie,
    /// Case-sensitive synonyms, keyed by their case-preserving units.
    exact: Trie,
    /// Every concept's name and synonyms (both kinds), folded as [`fold`]
    /// does, to the first concept that has it: the evaluator's index of
    /// names, made here from the units already computed for the tries.
    by_folded_name: HashMap<String, usize>,
}

/// The lexicon files, embedded at build time. One file per kind of concept.
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

/// The file of stop phrases: a JSON array of names that contain a synonym
/// but mean something else ("National Cancer Institute"). They take part in
/// longest-match selection and are then dropped, so that "cancer" inside
/// them is not reported.
pub const STOP_FILE: &str = "stop_phrases.json";

/// The trie value of a stop phrase.
const STOP: u32 = u32::MAX;

static LEXICON: OnceLock<Lexicon> = OnceLock::new();

/// The embedded lexicon, built on first use and shared afterwards.
pub fn get() -> &'static Lexicon {
    LEXICON.get_or_init(|| Lexicon::from_files(FILES).expect("embedded lexicon is checked by tests"))
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
    norm::key(&norm::units(s), false).into_iter().collect()
}

impl Lexicon {
    /// Reads and indexes lexicon files (name, JSON text). Fails on malformed
    /// JSON, a repeated id, a synonym given to two concepts, or a parent
    /// that does not exist.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Lexicon, String> {
        let mut concepts: Vec<Concept> = Vec::new();
        let mut stops: Vec<String> = Vec::new();
        for (name, text) in files {
            if *name == STOP_FILE {
                let mut part: Vec<String> =
                    serde_json::from_str(text).map_err(|e| format!("lexicon file {name}: {e}"))?;
                stops.append(&mut part);
                continue;
            }
            let mut part: Vec<Concept> =
                serde_json::from_str(text).map_err(|e| format!("lexicon file {name}: {e}"))?;
            concepts.append(&mut part);
        }
        let mut by_id = HashMap::with_capacity(concepts.len());
        let mut by_code = HashMap::new();
        for (i, c) in concepts.iter().enumerate() {
            if by_id.insert(c.id.clone(), i).is_some() {
                return Err(format!("lexicon concept id {:?} is used twice", c.id));
            }
            for code in c.code.iter().chain(&c.codes) {
                if let Some(j) = by_code.insert(code.clone(), i) {
                    if j != i {
                        return Err(format!("lexicon code {code} is given to both {:?} and {:?}", concepts[j].id, c.id));
                    }
                }
            }
        }
        let mut children = vec![Vec::new(); concepts.len()];
        for (i, c) in concepts.iter().enumerate() {
            for p in &c.parents {
                let Some(&j) = by_id.get(p) else {
                    return Err(format!("lexicon concept {:?} has unknown parent {p:?}", c.id));
                };
                children[j].push(i);
            }
            for t in &c.tested_by {
                match by_id.get(t) {
                    Some(&j) if concepts[j].kind == ConceptKind::Lab => {}
                    _ => return Err(format!("lexicon concept {:?} is tested by {t:?}, which is no laboratory test", c.id)),
                }
            }
        }
        let mut folded = Trie::new();
        let mut exact = Trie::new();
        // A name must not mean two concepts: no two case-insensitive
        // synonyms fold alike, no two case-sensitive ones are equal. A
        // case-sensitive synonym may fold like another concept's
        // case-insensitive one on purpose (`PsA` psoriatic arthritis, `psa`
        // the antigen): on its exact spelling it wins.
        // Each trie is its own table of names seen: inserting a key already
        // there returns the concept it names (and keeps it).
        let names = concepts.iter().map(|c| 1 + c.synonyms.len() + c.case_sensitive.len()).sum();
        let mut by_folded_name: HashMap<String, usize> = HashMap::with_capacity(names);
        for (i, c) in concepts.iter().enumerate() {
            by_folded_name.entry(fold(&c.name)).or_insert(i);
            let syns = c.synonyms.iter().map(|s| (s, false)).chain(c.case_sensitive.iter().map(|s| (s, true)));
            for (s, cs) in syns {
                let units = norm::units(s);
                let k = norm::key(&units, cs);
                let folded_name: String = if cs { norm::key(&units, false).into_iter().collect() } else { k.iter().collect() };
                by_folded_name.entry(folded_name).or_insert(i);
                if k.is_empty() {
                    return Err(format!("lexicon concept {:?} has an empty synonym", c.id));
                }
                let trie = if cs { &mut exact } else { &mut folded };
                if let Some(j) = trie.insert(&k, i as u32) {
                    let j = j as usize;
                    if j != i {
                        return Err(format!("lexicon synonym {s:?} of {:?} already names {:?}", c.id, concepts[j].id));
                    }
                }
            }
        }
        for s in &stops {
            let k = norm::key(&norm::units(s), false);
            if k.is_empty() {
                return Err("lexicon stop phrase is empty".to_string());
            }
            // A stop phrase given twice is no conflict; a concept's synonym is.
            if let Some(j) = folded.insert(&k, STOP) {
                if j != STOP {
                    return Err(format!("lexicon stop phrase {s:?} is a synonym of {:?}", concepts[j as usize].id));
                }
            }
        }
        folded.finish();
        exact.finish();
        Ok(Lexicon { concepts, by_id, by_code, children, folded, exact, by_folded_name })
    }

    /// The index from folded names (see [`fold`]) to concept positions.
    pub(crate) fn by_folded_name(&self) -> &HashMap<String, usize> {
        &self.by_folded_name
    }

    /// The concept with this id.
    pub fn by_id(&self, id: &str) -> Option<&Concept> {
        self.by_id.get(id).map(|&i| &self.concepts[i])
    }

    /// The concept with this code, main or further (`LOINC:718-7`).
    pub fn by_code(&self, code: &str) -> Option<&Concept> {
        self.by_code.get(code.trim()).map(|&i| &self.concepts[i])
    }

    /// The concept a whole name stands for ("Hb", "hemoglobin",
    /// "LOINC:718-7", or an id).
    pub fn lookup(&self, name: &str) -> Option<&Concept> {
        let name = name.trim();
        if let Some(c) = self.by_code(name) {
            return Some(c);
        }
        let units = norm::units(name);
        let hit = self.exact.get(&norm::key(&units, true)).or_else(|| self.folded.get(&norm::key(&units, false)));
        hit.and_then(|i| self.concepts.get(i as usize)).or_else(|| self.by_id(name))
    }

    /// Whether `concept` is `ancestor_id` or lies below it through `parents`
    /// (prednisone is a glucocorticoid).
    pub fn is_a(&self, concept: &Concept, ancestor_id: &str) -> bool {
        if concept.id == ancestor_id {
            return true;
        }
        let Some(&start) = self.by_id.get(&concept.id) else { return false };
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
                if let Some(&j) = self.by_id.get(p) {
                    stack.push(j);
                }
            }
        }
        false
    }

    /// Every concept below `id` through `parents`, each once, nearest first.
    pub fn descendants(&self, id: &str) -> Vec<&Concept> {
        let Some(&start) = self.by_id.get(id) else { return Vec::new() };
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
            for (trie, cs) in [(&self.folded, false), (&self.exact, true)] {
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
        found.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(b.3.cmp(&a.3)).then(a.0.cmp(&b.0)));
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
        out.sort_by_key(|m| m.span);
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
        get().find_all(text).iter().map(|m| m.concept.id.clone()).collect()
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
