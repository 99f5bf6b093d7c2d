//! The words the tree builder looks for (header spellings, logic phrases,
//! cohort and note cues, conditions of applicability), from
//! `data/criteria/phrases.json`, which `build.rs` checks and writes as Rust
//! source (`OUT_DIR/phrases.rs`): no JSON is read at start.

use std::sync::OnceLock;

/// The phrase lists. Every phrase is lower case ASCII; matching ignores case
/// and folds runs of white space.
#[derive(Debug, Default)]
pub(crate) struct Phrases {
    pub inclusion_headers: Vec<String>,
    pub exclusion_headers: Vec<String>,
    /// Headers that name neither section ("Eligibility Criteria").
    pub general_headers: Vec<String>,
    /// Words that may precede a header ("Key", "Main", "Patient").
    pub header_qualifiers: Vec<String>,
    /// A line that ends with a header phrase is a header unless the word
    /// before the phrase is one of these ("meeting all of the inclusion criteria").
    pub header_prefix_stop_words: Vec<String>,
    /// Words that may follow a header phrase on a header line ("Inclusion
    /// criteria stage 1", "Exclusion criteria related to NSCLC"), besides
    /// the cohort words.
    pub header_qualifier_words: Vec<String>,
    /// A group whose lead-in says one of these needs only one child.
    pub any_phrases: Vec<String>,
    pub all_phrases: Vec<String>,
    /// Number words by value ("zero", "one", "two", …): "at least two of the following".
    pub count_words: Vec<String>,
    /// Words a list item ends with when it is one alternative of several ("…; or").
    pub trailing_any: Vec<String>,
    /// A lead-in that opens a cohort ("… can be enrolled in the group").
    pub cohort_phrases: Vec<String>,
    /// First words of a short line naming a cohort ("Cohort A:", "Stratum II").
    pub cohort_words: Vec<String>,
    /// "AID Definition: …" opens a cohort named AID once a section has cohorts.
    pub cohort_definition_words: Vec<String>,
    /// First words of a note ("Definition: …", "Note: …").
    pub note_prefixes: Vec<String>,
    /// An unmarked lead-in ending with ":" that speaks of these is a note
    /// about the list, not a criterion ("… the following criteria will be excluded:").
    pub lead_in_note_words: Vec<String>,
    pub applies_if: Vec<AppliesPattern>,
    /// Words that cannot start the condition of an `appliesIf` ("for all patients").
    pub applies_if_stop_words: Vec<String>,
    /// Noun phrases naming women (or people) able to bear children.
    pub childbearing: Vec<String>,
    /// A criterion that starts with one of these ("Female patients must …")
    /// and goes on with one of `sex_modals` applies to that sex only.
    pub sex_leading: Vec<String>,
    /// Anywhere in a criterion ("… for women", "if female"): it applies to that sex only.
    pub sex_anywhere: Vec<String>,
    pub sex_modals: Vec<String>,
    /// Derived on load: `childbearing` split into words.
    pub childbearing_words: Vec<Vec<String>>,
    /// Derived on load: each `appliesIf` pattern as (words before, words after, kind).
    pub applies_words: Vec<(Vec<String>, Vec<String>, String)>,
    /// Derived on load: the first words of the phrases of `childbearing`,
    /// the `appliesIf` patterns, `sex_leading` and `sex_anywhere`, by their
    /// length in bytes, each with the lists whose phrases it starts (the
    /// bits `STARTS_*`): a word is looked up once, among the few of its length.
    pub firsts_by_len: Vec<Vec<(String, u8)>>,
    /// Derived on load: `sex_leading` and `sex_anywhere` split at spaces, so
    /// matching them word by word allocates nothing.
    pub sex_leading_words: Vec<Vec<String>>,
    pub sex_anywhere_words: Vec<Vec<String>>,
    /// Derived on load: the lower-case first words a header line can start with.
    pub header_first_words: Vec<String>,
}

/// "for {X} patients": the words before and after the condition `{X}`.
#[derive(Debug)]
pub(crate) struct AppliesPattern {
    pub pattern: String,
    pub kind: String,
}

/// The lists whose phrases a word starts ([`Phrases::starts`]).
pub const STARTS_CHILDBEARING: u8 = 1;
pub const STARTS_APPLIES: u8 = 2;
pub const STARTS_SEX_LEADING: u8 = 4;
pub const STARTS_SEX_ANYWHERE: u8 = 8;

impl Phrases {
    /// The lists (`STARTS_*` bits) with a phrase that starts with `word`, in any case.
    pub fn starts(&self, word: &str) -> u8 {
        self.firsts_by_len.get(word.len()).and_then(|b| b.iter().find(|(f, _)| word.eq_ignore_ascii_case(f))).map_or(0, |(_, bits)| *bits)
    }
}

static PHRASES: OnceLock<Phrases> = OnceLock::new();

/// The embedded phrase lists, loaded on first use.
pub(crate) fn get() -> &'static Phrases {
    PHRASES.get_or_init(|| {
        // Each list is one string, a phrase per line.
        let strings = |list: &str| list.lines().map(str::to_string).collect::<Vec<_>>();
        let applies = |list: &[(&str, &str)]| {
            list.iter().map(|(pattern, kind)| AppliesPattern { pattern: pattern.to_string(), kind: kind.to_string() }).collect()
        };
        let mut p: Phrases = include!(concat!(env!("OUT_DIR"), "/phrases.rs"));
        // Longest first, so that "inclusion criteria" wins over "inclusion".
        for list in [&mut p.inclusion_headers, &mut p.exclusion_headers, &mut p.general_headers] {
            crate::sort::sort_by_key(list, |h| std::cmp::Reverse(h.len()));
        }
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        p.childbearing_words = p.childbearing.iter().map(|c| words(c)).collect();
        let spaced = |list: &[String]| list.iter().map(|s| s.split(' ').map(str::to_string).collect()).collect();
        p.sex_leading_words = spaced(&p.sex_leading);
        p.sex_anywhere_words = spaced(&p.sex_anywhere);
        p.applies_words = p
            .applies_if
            .iter()
            .map(|a| {
                let (before, after) = a.pattern.split_once("{X}").unwrap_or((a.pattern.as_str(), ""));
                (words(before), words(after), a.kind.clone())
            })
            .collect();
        let firsts = |lists: Vec<&Vec<String>>| {
            let mut f: Vec<String> = lists.into_iter().filter_map(|l| l.first().cloned()).collect();
            crate::sort::sort(&mut f);
            f.dedup();
            f
        };
        let lists = [
            (STARTS_CHILDBEARING, firsts(p.childbearing_words.iter().collect())),
            (STARTS_APPLIES, firsts(p.applies_words.iter().map(|(b, _, _)| b).collect())),
            (STARTS_SEX_LEADING, firsts(p.sex_leading_words.iter().collect())),
            (STARTS_SEX_ANYWHERE, firsts(p.sex_anywhere_words.iter().collect())),
        ];
        for (bit, list) in lists {
            for w in list {
                if p.firsts_by_len.len() <= w.len() {
                    p.firsts_by_len.resize(w.len() + 1, Vec::new());
                }
                let bucket = &mut p.firsts_by_len[w.len()];
                match bucket.iter_mut().find(|(f, _)| *f == w) {
                    Some((_, bits)) => *bits |= bit,
                    None => bucket.push((w, bit)),
                }
            }
        }
        let mut first: Vec<String> = [&p.inclusion_headers, &p.exclusion_headers, &p.general_headers, &p.header_qualifiers]
            .into_iter()
            .flatten()
            .filter_map(|h| h.split(|c: char| !c.is_alphanumeric()).next().map(str::to_string))
            .collect();
        crate::sort::sort(&mut first);
        first.dedup();
        p.header_first_words = first;
        p
    })
}

/// Whether `hay` (any case) holds `phrase` (lower case) on word boundaries.
/// Linear in `hay`.
pub(crate) fn contains_phrase(hay_lower: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = hay_lower.get(from..).and_then(|h| h.find(phrase)) {
        let start = from + pos;
        let end = start + phrase.len();
        let before = hay_lower[..start].chars().next_back();
        let after = hay_lower[end..].chars().next();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        if !word(before) && !word(after) {
            return true;
        }
        from = start + phrase.len().max(1);
        while !hay_lower.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// Lower case with white space runs folded to one space.
pub(crate) fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(crate::atoms::case::lower));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_load_and_are_lower_case() {
        let p = get();
        for list in [&p.inclusion_headers, &p.exclusion_headers, &p.any_phrases, &p.all_phrases, &p.childbearing, &p.sex_leading, &p.sex_anywhere, &p.sex_modals] {
            for s in list {
                assert_eq!(s, &s.to_lowercase(), "phrase {s:?} must be lower case");
                assert_eq!(s, &norm(s), "phrase {s:?} must have single spaces");
            }
        }
        for a in &p.applies_if {
            assert_eq!(a.pattern.matches("{X}").count(), 1, "pattern {:?} needs one {{X}}", a.pattern);
        }
    }

    #[test]
    fn phrase_on_word_boundaries() {
        assert!(contains_phrase("meet any one below can", "any one below"));
        assert!(!contains_phrase("company one below", "any one below"));
        assert!(contains_phrase("≥3 or", "or"));
    }
}
