//! Concepts (labs, scores, conditions, drugs, procedures) with codes and
//! synonyms, read from the JSON files in `data/lexicon/` at build time.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::atoms::ConceptRef;
use crate::span::Span;

/// One concept of the lexicon.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Concept {
    /// Stable id, unique across all files (`hemoglobin`, `sle`, `prednisone`).
    pub id: String,
    pub kind: ConceptKind,
    /// Display name.
    pub name: String,
    /// Main code, `SYSTEM:value` (`LOINC:718-7`, `SNOMED:55464009`, `ICD10:M32`, `RXNORM:8640`).
    #[serde(default)]
    pub code: Option<String>,
    /// Further codes that mean the same concept (other systems, children).
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
    /// Ids of broader concepts this one belongs to (a drug's class, a
    /// disease's group), so that "glucocorticoids" matches prednisone.
    #[serde(default)]
    pub parents: Vec<String>,
}

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

pub struct Lexicon {
    pub concepts: Vec<Concept>,
    /// (folded synonym, concept index, case-sensitive original or empty)
    entries: Vec<(String, usize, bool)>,
}

/// The lexicon files, embedded at build time. One file per kind of concept.
const FILES: &[(&str, &str)] = &[("labs.json", include_str!("../../data/lexicon/labs.json"))];

static LEXICON: OnceLock<Lexicon> = OnceLock::new();

/// The embedded lexicon, loaded on first use.
pub fn get() -> &'static Lexicon {
    LEXICON.get_or_init(|| Lexicon::from_files(FILES).expect("embedded lexicon is checked by tests"))
}

/// Folds a name for matching: lower case, typographic variants made plain.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '’' | '‘' | '`' => out.push('\''),
            '–' | '—' | '‐' => out.push('-'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

impl Lexicon {
    pub fn from_files(files: &[(&str, &str)]) -> Result<Lexicon, String> {
        let mut concepts: Vec<Concept> = Vec::new();
        for (name, text) in files {
            let mut part: Vec<Concept> =
                serde_json::from_str(text).map_err(|e| format!("lexicon file {name}: {e}"))?;
            concepts.append(&mut part);
        }
        let mut entries = Vec::new();
        for (i, c) in concepts.iter().enumerate() {
            for s in &c.synonyms {
                entries.push((fold(s), i, false));
            }
            for s in &c.case_sensitive {
                entries.push((s.clone(), i, true));
            }
        }
        // Longest first, so that a scan prefers "total bilirubin" to "bilirubin".
        entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(Lexicon { concepts, entries })
    }

    pub fn by_id(&self, id: &str) -> Option<&Concept> {
        self.concepts.iter().find(|c| c.id == id)
    }

    /// The concept a whole name stands for ("Hb", "hemoglobin", "LOINC:718-7").
    pub fn lookup(&self, name: &str) -> Option<&Concept> {
        let name = name.trim();
        if let Some(c) = self.concepts.iter().find(|c| c.code.as_deref() == Some(name) || c.codes.iter().any(|k| k == name)) {
            return Some(c);
        }
        let folded = fold(name);
        self.entries
            .iter()
            .find(|(s, _, cs)| if *cs { s == name } else { *s == folded })
            .map(|(_, i, _)| &self.concepts[*i])
    }

    /// Every concept named in `text`, longest match first, not overlapping,
    /// on word boundaries, in text order.
    pub fn find_all<'a>(&'a self, text: &str) -> Vec<Match<'a>> {
        let folded = fold(text);
        // `fold` may change byte lengths for rare characters; fall back to
        // case-sensitive matching on the original text when it does.
        let same = folded.len() == text.len();
        let mut taken: Vec<Span> = Vec::new();
        let mut out = Vec::new();
        for (syn, idx, cs) in &self.entries {
            let hay = if *cs || !same { text } else { folded.as_str() };
            let mut from = 0;
            while let Some(pos) = hay[from..].find(syn.as_str()) {
                let start = from + pos;
                let end = start + syn.len();
                from = start + syn.len().max(1);
                if !is_boundary(text, start, end) {
                    continue;
                }
                let span = Span::new(start, end);
                if taken.iter().any(|t| t.start < end && start < t.end) {
                    continue;
                }
                taken.push(span);
                out.push(Match { span, concept: &self.concepts[*idx] });
            }
        }
        out.sort_by_key(|m| m.span);
        out
    }
}

fn is_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    !word(before) && !word(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_longest_match_on_word_boundaries() {
        let lex = get();
        let found: Vec<_> = lex.find_all("Hemoglobin ≥ 60g/L; Hb2 no").iter().map(|m| m.concept.id.as_str()).collect();
        assert_eq!(found, ["hemoglobin"]);
    }
}
