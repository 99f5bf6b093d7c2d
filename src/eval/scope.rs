//! Whether a criterion's atoms account for what it says, so that an atom may
//! decide a fail on its own, and how the atoms of one criterion combine.
//!
//! A criterion is read as clauses: its own text split at `;`, `,`, `:`, a
//! full stop, parentheses, `/` and "or" outside the atoms, a clause that
//! begins with a continuation word ("…, requiring treatment") staying with
//! the one before. Then:
//! - An atom is *held* when its clause holds words that narrow it and that
//!   it does not encode: a qualifier ("progressive forms of MS", "poorly
//!   controlled", "surgery for"), a number nobody read, or content words no
//!   atom covers; or when a treatment noun follows a condition
//!   ("osteoporosis medication": the atom is about the drug). A held atom
//!   never decides a fail: the criterion goes to review.
//! - Words whose reach is the whole criterion (an exception not linked to
//!   an atom, "if", "only", "defined") hold every atom.
//! - In an inclusion, an alternative no atom reads ("Hb ≥ 10 or
//!   transfusion-independent") holds every atom too: the unread branch may
//!   be the one the patient meets.
//! - A condition written with its defining threshold ("renal insufficiency
//!   (creatinine > 3 mg/dL)") is judged by the threshold alone, and a sex
//!   atom inside the criterion's applicability phrase by that phrase.
//! - Grouping: in an inclusion, atoms joined by "or" are alternatives (one
//!   suffices) and the groups are all required; in an exclusion, atoms
//!   joined by a relation ("X with Y", "surgery for Y", "… who is …") are
//!   one statement (all must hold to exclude) and the groups are reasons to
//!   exclude (any one does). A sex or age atom beside atoms of other kinds
//!   in an exclusion says whom it concerns ("women currently taking …"): it
//!   must hold too, and when it does not the criterion does not apply.
//!
//! Everything here depends on the trial only, so it is worked out once per
//! trial ([`super::prepare`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::atom::Truth;
use crate::atoms::text::Lower;
use crate::atoms::{Atom, AtomKind};
use crate::criteria::{Criterion, Section};
use crate::span::Span;

/// `data/eval/scope.tsv` as `build.rs` writes it: without its comments,
/// each category's phrases one a line after a line `@category`.
const SCOPE: &str = include_str!(concat!(env!("OUT_DIR"), "/scope.tsv"));

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cat {
    Global,
    Qualifier,
    Continuation,
    Relation,
    Therapy,
    Allergy,
    Definition,
    Neutral,
    AgeAnchor,
    Distributes,
    ListRelation,
}

impl Cat {
    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// The bit, beside the categories' ([`Cat::bit`]), of a word that starts
/// one of the table's phrases: only at such a word are they tried.
const PHRASE_START: u16 = 1 << 15;

struct Words {
    /// word → its categories as bits ([`Cat::bit`]; a word can be in
    /// several); hashed with FNV. Looked up once per word of a criterion.
    single: HashMap<&'static str, u16, std::hash::BuildHasherDefault<crate::atoms::lex::Fnv>>,
    /// Multi-word phrases, as word lists.
    phrases: Vec<(Vec<&'static str>, Cat)>,
}

fn words() -> &'static Words {
    static W: OnceLock<Words> = OnceLock::new();
    W.get_or_init(|| {
        let mut single: HashMap<&'static str, u16, std::hash::BuildHasherDefault<crate::atoms::lex::Fnv>> = HashMap::default();
        let mut phrases = Vec::new();
        // Each category's phrases follow its `@name` line.
        let mut cat = None;
        for line in SCOPE.lines() {
            if let Some(name) = line.strip_prefix('@') {
                cat = category(name);
                continue;
            }
            let Some(cat) = cat else { continue };
            let ws: Vec<&'static str> = line.split(' ').filter(|x| !x.is_empty()).collect();
            if ws.len() == 1 {
                *single.entry(ws[0]).or_default() |= cat.bit();
            } else if !ws.is_empty() {
                *single.entry(ws[0]).or_default() |= PHRASE_START;
                phrases.push((ws, cat));
            }
        }
        Words { single, phrases }
    })
}

/// The category of a name in the scope table (build.rs refuses any other
/// name); `None` for `procedure`, whose words are looked up in the table's
/// text ([`is_procedure`]) rather than put in the map of words.
fn category(name: &str) -> Option<Cat> {
    Some(match name {
        "global" => Cat::Global,
        "qualifier" => Cat::Qualifier,
        "continuation" => Cat::Continuation,
        "relation" => Cat::Relation,
        "therapy" => Cat::Therapy,
        "allergy" => Cat::Allergy,
        "definition" => Cat::Definition,
        "neutral" => Cat::Neutral,
        "age_anchor" => Cat::AgeAnchor,
        "distributes" => Cat::Distributes,
        "list_relation" => Cat::ListRelation,
        _ => return None,
    })
}

/// The category of each phrase of the scope table, in the table's order
/// by category.
pub fn table_categories() -> Vec<String> {
    let mut cat = "";
    let mut out = Vec::new();
    for line in SCOPE.lines() {
        match line.strip_prefix('@') {
            Some(name) => cat = name,
            None if !line.is_empty() => out.push(cat.to_string()),
            None => {}
        }
    }
    out
}

/// The categories of word `w` as bits ([`Cat::bit`]).
fn cats(w: &str) -> u16 {
    let single = &words().single;
    let mut bits = single.get(w).copied().unwrap_or(0);
    // A compound is a qualifier when a part is ("steroid-induced").
    if w.contains('-') && w.split('-').any(|p| single.get(p).is_some_and(|b| b & Cat::Qualifier.bit() != 0)) {
        bits |= Cat::Qualifier.bit();
    }
    bits
}

fn is(w: &str, cat: Cat) -> bool {
    cats(w) & cat.bit() != 0
}

/// The exception phrases an atom linked by `excepts` accounts for.
const EXCEPTION_WORDS: &[&str] = &["except", "excepting", "excluding", "other", "than", "besides", "apart", "from", "unless", "for"];

/// What [`scope`] found for one criterion.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    /// Per atom: the words that keep it from deciding a fail alone.
    pub held: Vec<Option<String>>,
    /// Per atom: left out of judging (accounted for otherwise).
    pub skip: Vec<bool>,
    /// Per atom: its group (see the module doc); judged atoms only.
    pub group: Vec<u16>,
    /// Per atom: says whom an exclusion concerns.
    pub scope: Vec<bool>,
    /// Per atom: an exclusion written as a prohibition ("No immunosuppressant
    /// therapy"): the atom's negation is the list's, not the fact's, so the
    /// criterion excludes when the fact is present.
    pub flip: Vec<bool>,
    /// Per atom: a condition after "No" opening an exclusion, which reads
    /// either way; it neither excludes nor clears alone.
    pub ambiguous: Vec<bool>,
    /// Words that hold every atom.
    pub global: Option<String>,
    /// An alternative no atom reads (holds every atom in an inclusion).
    pub unread_alternative: Option<String>,
    /// For a criterion whose atoms only the study team can judge: the words
    /// no atom reads that are neither stop words nor of consent, compliance
    /// or the study's own procedures (`procedure` in the scope table). They
    /// may narrow who qualifies ("severe or active periodontal disease"
    /// beside "lack of compliance"), so the criterion is not the team's
    /// alone to confirm.
    pub confirm_unread: Option<String>,
}

/// What combining an atom's truth reads of the scope ([`Scope::member`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct Member {
    pub group: u16,
    /// It says whom an exclusion concerns.
    pub in_scope: bool,
    /// No words hold it from deciding a fail alone.
    pub clean: bool,
    /// A condition after "No" opening an exclusion, which reads either way.
    pub ambiguous: bool,
}

/// An atom judged: its place among the criterion's, its truth, and what
/// combining it reads of the scope.
#[derive(Clone, Copy, Debug)]
pub struct Judged {
    pub i: usize,
    pub t: Truth,
    pub m: Member,
}

struct Tok<'a> {
    start: usize,
    end: usize,
    /// The word in lower case (in the criterion's buffer of them).
    lower: &'a str,
    /// Inside an atom or the applicability phrase.
    covered: bool,
    /// The word's categories ([`cats`]).
    cats: u16,
}

impl Tok<'_> {
    fn is(&self, cat: Cat) -> bool {
        self.cats & cat.bit() != 0
    }
}

/// Whether atom `a` is judged against the record: not an exception to
/// another, and not for the study team alone.
pub(crate) fn judged(a: &Atom) -> bool {
    a.excepts.is_none() && !for_study_team(a)
}

/// Whether atom `a` is for the study team alone to judge: consent, the
/// investigator's judgment, participation.
pub(crate) fn for_study_team(a: &Atom) -> bool {
    matches!(a.kind, AtomKind::Consent | AtomKind::Judgment | AtomKind::Participation)
}

/// Whether `w` is a `procedure` word of the scope table: a search by
/// halves of their block, one word a line in byte order (build.rs sorts
/// it), so that nothing is built for the few criteria that ask.
fn is_procedure(w: &str) -> bool {
    static BLOCK: OnceLock<&str> = OnceLock::new();
    let block = BLOCK
        .get_or_init(|| {
            let Some(at) = SCOPE.find("@procedure\n") else { return "" };
            let rest = &SCOPE[at + "@procedure\n".len()..];
            &rest[..rest.find("\n@").map_or(rest.len(), |i| i + 1)]
        })
        .as_bytes();
    let w = w.as_bytes();
    let (mut lo, mut hi) = (0, block.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let start = block[..mid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1).max(lo);
        let end = block[start..].iter().position(|&b| b == b'\n').map_or(block.len(), |i| start + i);
        match block[start..end].cmp(w) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// The runs of `uncovered` (spans of `text`) that hold a word other than a
/// stop word or a `procedure` word, joined: what a criterion the study team
/// confirms leaves unread that may narrow who qualifies ([`Scope::confirm_unread`]).
fn confirm_unread(text: &str, uncovered: &[Span]) -> Option<String> {
    let stop = &crate::atoms::lex::get().stop;
    let mut out = String::new();
    for sp in uncovered {
        let Some(run) = text.get(sp.start..sp.end) else { continue };
        let content = run
            .split(|ch: char| !(ch.is_alphanumeric() || ch == '-' || ch == '\'' || ch == '’'))
            .map(|w| w.trim_matches(|ch: char| !ch.is_alphanumeric()).lower())
            .any(|w| w.chars().nth(1).is_some() && !w.bytes().all(|b| b.is_ascii_digit()) && !stop.contains(w.as_str()) && !is_procedure(&w));
        if content {
            for w in run.split_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(w);
            }
            out.push_str(" …");
        }
    }
    out.pop();
    out.pop();
    (!out.is_empty()).then_some(out)
}

/// Reads the scope of criterion `c`'s atoms in `text` (the eligibility text).
pub(crate) fn scope(text: &str, c: &Criterion) -> Scope {
    let n = c.atoms.len();
    let mut s = Scope { held: vec![None; n], skip: vec![false; n], group: vec![0; n], scope: vec![false; n], flip: vec![false; n], ambiguous: vec![false; n], global: None, unread_alternative: None, confirm_unread: None };
    if n == 0 {
        return s;
    }
    if !c.uncovered.is_empty() && c.atoms.iter().all(for_study_team) {
        s.confirm_unread = confirm_unread(text, &c.uncovered);
    }
    let start = c.span.start.min(text.len());
    let end = c.children.first().map_or(c.span.end, |ch| ch.span.start).clamp(start, text.len());
    let (start, end) = (floor(text, start), floor(text, end));
    let region = &text[start..end];

    // What atoms and the applicability phrase account for.
    let mut cov: Vec<Span> = c.atoms.iter().flat_map(Atom::spans).collect();
    if let Some(ai) = &c.applies_if {
        cov.push(ai.span);
    }
    let covered = |p: usize| cov.iter().any(|x| x.start <= p && p < x.end);

    // Tokens: words, and the separators that end a clause. Each word's
    // lower case goes into one buffer (`lows`), its place in it beside the
    // word's: (start, end, place in `lows`, covered).
    let mut lows = String::new();
    let mut words_at: Vec<(usize, usize, usize, usize, bool)> = Vec::new();
    // Byte offsets (absolute) where a clause may end.
    let mut breaks: Vec<usize> = Vec::new();
    // Whether an "or" or a "/" outside the atoms joins alternatives.
    let mut has_or = false;
    let b = region.as_bytes();
    let mut i = 0;
    while i < region.len() {
        let ch = region[i..].chars().next().unwrap_or(' ');
        let len = ch.len_utf8();
        if ch.is_alphanumeric() {
            let w0 = i;
            let mut j = i;
            while j < region.len() {
                let cj = region[j..].chars().next().unwrap_or(' ');
                let inner = (cj == '-' || cj == '\'' || cj == '’') && region[j + cj.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric);
                if cj.is_alphanumeric() || inner {
                    j += cj.len_utf8();
                } else {
                    break;
                }
            }
            let abs = start + w0;
            let at = lows.len();
            let word = &region[w0..j];
            if word.is_ascii() {
                lows.push_str(word);
                lows[at..].make_ascii_lowercase();
            } else {
                lows.push_str(&word.lower());
            }
            let lower = &lows[at..];
            let cv = covered(abs);
            if !cv && matches!(lower, "or" | "nor" | "either") {
                breaks.push(abs);
                has_or |= lower != "nor";
            }
            words_at.push((abs, start + j, at, lows.len(), cv));
            i = j;
            continue;
        }
        let abs = start + i;
        if !covered(abs) {
            let next = b.get(i + 1).copied().unwrap_or(b' ');
            let is_break = match ch {
                // Not parentheses: "Immunoglobulin M (IgM) multiple myeloma"
                // is one phrase; a parenthesis holding a definition or a
                // window is read by the rules below and by the atoms.
                ';' | ',' | ':' | '\n' | '；' | '，' | '：' | '/' => true,
                // A full stop, not a decimal point or an abbreviation's ("i.e.").
                '.' | '。' => next == b' ' || next == b'\n' || next == b'\r' || i + len >= region.len(),
                _ => false,
            };
            if is_break {
                breaks.push(abs);
                has_or |= ch == '/';
            }
        }
        i += len;
    }

    let toks: Vec<Tok> = words_at.iter().map(|&(start, end, a, b, covered)| Tok { start, end, lower: &lows[a..b], cats: cats(&lows[a..b]), covered }).collect();

    // Clause of each token and each atom: a break opens a new clause unless
    // the next word is a continuation word.
    let mut clause_of_tok = vec![0usize; toks.len()];
    let mut clause_starts: Vec<usize> = vec![start];
    // Per clause: whether a list separator (",", "/", "or") opened it, so
    // that a qualifier at the head of a list reaches its items.
    let mut opened_by_list: Vec<bool> = vec![false];
    {
        let mut bi = 0;
        let mut clause = 0usize;
        let mut pending = false;
        let mut list = true;
        for (k, t) in toks.iter().enumerate() {
            while bi < breaks.len() && breaks[bi] < t.start + 1 {
                // A break word ("or") is itself a break: it belongs to the clause before.
                if !pending {
                    list = true;
                }
                pending = true;
                list &= matches!(text.as_bytes().get(breaks[bi]), Some(b',' | b'/' | b'o' | b'O' | b'n' | b'N' | b'e' | b'E'));
                bi += 1;
            }
            let is_break_word = !t.covered && matches!(t.lower, "or" | "nor" | "either");
            if pending && !is_break_word {
                if t.covered || !t.is(Cat::Continuation) {
                    clause += 1;
                    clause_starts.push(t.start);
                    opened_by_list.push(list);
                }
                pending = false;
            }
            clause_of_tok[k] = clause;
        }
    }
    let clause_at = |p: usize| clause_starts.iter().rposition(|&x| x <= p).unwrap_or(0);
    let nclauses = clause_starts.len();

    // Per clause: what narrows it, as spans of words.
    let mut blockers: Vec<Vec<(Span, Block)>> = vec![Vec::new(); nclauses];
    let in_uncovered = |p: usize| c.uncovered.iter().any(|x| x.start <= p && p < x.end);
    let any_linked_exception = c.atoms.iter().any(|a| a.excepts.is_some());
    let mut global: Vec<String> = Vec::new();
    let mut clause_has_atom = vec![false; nclauses];
    let mut clause_has_content = vec![false; nclauses];
    // Clauses with a word of allergy or intolerance, and where it is.
    let mut allergy: Vec<Option<Span>> = vec![None; nclauses];
    // "X defined as/by …": where the phrase stands.
    let mut definitions: Vec<Span> = Vec::new();
    for a in c.atoms.iter().filter(|a| judged(a)) {
        if a.span.end > start && a.span.start < end {
            for k in clause_at(a.span.start.max(start))..=clause_at(a.span.end.saturating_sub(1).max(start)) {
                clause_has_atom[k] = true;
            }
        }
    }
    for (k, t) in toks.iter().enumerate() {
        let cl = clause_of_tok[k];
        if t.is(Cat::Allergy) && allergy[cl].is_none() {
            allergy[cl] = Some(Span::new(t.start, t.end));
        }
        if t.covered {
            continue;
        }
        let w = t.lower;
        // A list marker ("1.", "b)") at the start reads nothing.
        let marker = k == 0 && t.end - t.start <= 3 && text[t.end..].starts_with(['.', ')']);
        if marker {
            continue;
        }
        if in_uncovered(t.start) {
            clause_has_content[cl] = true;
        }
        let phrase_at = |cat: Cat| {
            if t.cats & PHRASE_START == 0 {
                return None;
            }
            words().phrases.iter().find(|(ws, pc)| *pc == cat && toks.len() >= k + ws.len() && ws.iter().zip(&toks[k..]).all(|(p, t)| *p == t.lower && !t.covered))
        };
        if let Some((ws, _)) = phrase_at(Cat::Definition) {
            definitions.push(Span::new(t.start, toks[k + ws.len() - 1].end));
        }
        if let Some((ws, _)) = phrase_at(Cat::Global) {
            let exception = ws.iter().all(|x| EXCEPTION_WORDS.contains(x));
            if !(exception && any_linked_exception) {
                global.push(ws.join(" "));
            }
        } else if t.is(Cat::Global) && !(any_linked_exception && EXCEPTION_WORDS.contains(&w)) {
            global.push(w.to_string());
        }
        if let Some((ws, _)) = phrase_at(Cat::Qualifier) {
            blockers[cl].push((Span::new(t.start, toks[k + ws.len() - 1].end), Block::Qualifier));
        }
        let sp = Span::new(t.start, t.end);
        if t.is(Cat::Qualifier) || t.is(Cat::Definition) || t.is(Cat::AgeAnchor) {
            blockers[cl].push((sp, Block::Qualifier));
        } else if w.chars().any(|x| x.is_ascii_digit()) {
            blockers[cl].push((sp, Block::Number));
        } else if in_uncovered(t.start) && !t.is(Cat::Neutral) {
            blockers[cl].push((sp, Block::Unread));
        }
    }
    // A condition defined by a threshold after it ("osteoporosis defined by
    // a T-score < -2.5") is judged by the threshold; the phrase is read.
    for d in &definitions {
        let cl = clause_at(d.start);
        let cond = c.atoms.iter().rposition(|a| judged(a) && a.kind == AtomKind::Condition && a.span.end <= d.start && clause_at(a.span.start.max(start)) == cl);
        let meas = c.atoms.iter().any(|m| m.kind == AtomKind::Measurement && m.span.start >= d.end && clause_at(m.span.start) == cl);
        if let (Some(ci), true) = (cond, meas) {
            s.skip[ci] = true;
            blockers[cl].retain(|(b, _)| !(d.start <= b.start && b.end <= d.end));
        }
    }
    // What each atom's own words and clause hold back, and the qualifiers
    // written before it that a list after it shares ("poorly controlled
    // diabetes or hypertension", "hypersensitivity to aspirin, ibuprofen").
    let mut held: Vec<Vec<Span>> = vec![Vec::new(); n];
    let mut lead: Vec<Vec<Span>> = vec![Vec::new(); n];
    for (ai, a) in c.atoms.iter().enumerate() {
        if !judged(a) {
            continue;
        }
        let mine = &mut held[ai];
        // The concept's names folded, once per atom and only if a word asks.
        let mut names: Option<Names> = None;
        let mut enc: Option<Encoded> = None;
        for t in toks.iter().filter(|t| t.start < a.span.end && t.end > a.span.start) {
            if a.value_span.is_some_and(|v| v.start <= t.start && t.end <= v.end) {
                continue;
            }
            if t.is(Cat::Qualifier) && !enc.get_or_insert_with(|| Encoded::of(a)).has(&t.lower) {
                mine.push(Span::new(t.start, t.end));
                lead[ai].push(Span::new(t.start, t.end));
            } else if matches!(a.kind, AtomKind::Condition | AtomKind::Medication | AtomKind::Procedure | AtomKind::Immunization) && !reads(a, names.get_or_insert_with(|| Names::of(a)), enc.get_or_insert_with(|| Encoded::of(a)), &t.lower) {
                // A word inside the atom's span that neither its concept
                // nor a cue accounts for ("No uncont rolled hypertension").
                mine.push(Span::new(t.start, t.end));
            }
        }
        // A treatment noun right after a condition: the atom names its purpose.
        if a.kind == AtomKind::Condition {
            if let Some(t) = toks.iter().find(|t| t.start >= a.span.end) {
                let gap = &text[a.span.end.min(t.start)..t.start];
                if gap.trim().is_empty() && t.is(Cat::Therapy) {
                    mine.push(Span::new(a.span.start, t.end));
                }
            }
            // A condition with its defining threshold in parentheses.
            let after = &text[a.span.end.min(text.len())..end.max(a.span.end).min(text.len())];
            let trimmed = after.trim_start();
            if trimmed.starts_with('(') {
                let open = a.span.end + (after.len() - trimmed.len());
                let close = text[open..end.max(open)].find(')').map_or(end, |x| open + x);
                if c.atoms.iter().any(|m| m.kind == AtomKind::Measurement && m.span.start > open && m.span.start < close) {
                    s.skip[ai] = true;
                }
            }
        }
        if a.kind == AtomKind::Sex && c.applies_if.as_ref().is_some_and(|x| x.span.start < a.span.end && a.span.start < x.span.end) {
            s.skip[ai] = true;
        }
        let lo = clause_at(a.span.start.max(start));
        let hi = clause_at(a.span.end.saturating_sub(1).max(start)).min(nclauses - 1);
        for k in lo..=hi {
            if matches!(a.kind, AtomKind::Medication | AtomKind::Immunization) {
                if let Some(al) = allergy[k] {
                    mine.push(al);
                    lead[ai].push(al);
                }
            }
            for &(b, kind) in &blockers[k] {
                let counts = match (kind, a.kind) {
                    // Sex is one fact: nothing in its clause narrows it
                    // ("Female patients … with primary breast cancer").
                    (_, AtomKind::Sex) => false,
                    // An age is narrowed by the moment it is taken at ("at
                    // diagnosis") and by numbers nobody read, not by what
                    // else the clause asks.
                    (Block::Qualifier, AtomKind::Age) => toks.iter().any(|t| t.start == b.start && t.is(Cat::AgeAnchor)),
                    (Block::Qualifier | Block::Number, _) => true,
                    // What is measured is named before the number; words
                    // after it say when or how ("at the screening visit").
                    (Block::Unread, AtomKind::Age) => false,
                    (Block::Unread, AtomKind::Measurement) => b.start < a.span.start,
                    (Block::Unread, _) => true,
                };
                if counts {
                    mine.push(b);
                    if kind == Block::Qualifier && b.start < a.span.start {
                        lead[ai].push(b);
                    }
                }
            }
        }
    }
    // Qualifiers in atomless clauses at the head of the atom's list
    // ("uncontrollable fungal, bacterial, viral, or other infections").
    for (ai, a) in c.atoms.iter().enumerate() {
        if !judged(a) {
            continue;
        }
        let mut k = clause_at(a.span.start.max(start));
        while k > 0 && opened_by_list.get(k).copied().unwrap_or(false) {
            k -= 1;
            if clause_has_atom[k] {
                break;
            }
            for &(b, kind) in &blockers[k] {
                if kind == Block::Qualifier && !held[ai].contains(&b) {
                    held[ai].push(b);
                }
            }
        }
    }
    {
        let mut order: Vec<usize> = (0..n).filter(|&i| judged(&c.atoms[i])).collect();
        crate::sort::sort_by_key(&mut order, |&i| c.atoms[i].span.start);
        for w in order.windows(2) {
            let (p, i) = (w[0], w[1]);
            let (pa, ia) = (&c.atoms[p], &c.atoms[i]);
            if lead[p].is_empty() || pa.span.end > ia.span.start || !list_gap(text, Span::new(pa.span.end, ia.span.start)) {
                continue;
            }
            let carried = lead[p].clone();
            for sp in carried {
                if !held[i].contains(&sp) {
                    held[i].push(sp);
                }
                if !lead[i].contains(&sp) {
                    lead[i].push(sp);
                }
            }
        }
    }
    // A phrase after a preposition that closes a list ("active infection or
    // inflammation in the eyes") may belong to every item: its unread words
    // hold the atoms of the items before it as well as its own.
    for k in 1..nclauses {
        if !opened_by_list[k] {
            continue;
        }
        let Some(p) = toks.iter().enumerate().find(|&(ti, t)| clause_of_tok[ti] == k && !t.covered && t.is(Cat::Distributes)).map(|(_, t)| t.start) else {
            continue;
        };
        // Only a short item takes a phrase for the whole list ("inflammation
        // in the eyes"), not one with words of its own ("planning to become
        // pregnant within 2 years after reinfusion of the trial drug").
        let before = toks.iter().enumerate().filter(|&(ti, t)| clause_of_tok[ti] == k && t.start < p && !matches!(t.lower, "or" | "nor" | "either" | "and")).count();
        let tail: Vec<Span> = blockers[k].iter().filter(|&&(b, kind)| kind == Block::Unread && b.start > p).map(|x| x.0).collect();
        if tail.is_empty() || before > 3 {
            continue;
        }
        let mut j = k;
        while j > 0 && opened_by_list[j] {
            j -= 1;
            for (ai, a) in c.atoms.iter().enumerate() {
                if judged(a) && !matches!(a.kind, AtomKind::Sex | AtomKind::Age) && clause_at(a.span.start.max(start)) == j {
                    for sp in &tail {
                        if !held[ai].contains(sp) {
                            held[ai].push(*sp);
                        }
                    }
                }
            }
        }
    }
    // "DME patients must be ≥ 18 years of age, NVAMD patients must be ≥ 50":
    // a condition naming the patients before "must" says whom the clause
    // concerns. The condition is not itself required, and what follows is
    // required only of those patients: it does not decide alone.
    for (wi, w) in toks.iter().enumerate() {
        let obliged = toks.get(wi + 1).is_some_and(|m| matches!(m.lower, "must" | "should" | "need" | "needs"));
        if w.covered || !obliged || !matches!(w.lower, "patients" | "patient" | "subjects" | "participants" | "those" | "people" | "persons") {
            continue;
        }
        let k = clause_of_tok[wi];
        let conds: Vec<usize> = (0..n).filter(|&ai| judged(&c.atoms[ai]) && c.atoms[ai].kind == AtomKind::Condition && c.atoms[ai].span.end <= w.start && clause_at(c.atoms[ai].span.start.max(start)) == k).collect();
        let unread = toks[..wi].iter().enumerate().filter(|&(j, x)| clause_of_tok[j] == k && !x.covered && in_uncovered(x.start)).map(|(_, x)| x.start).next();
        let from = conds.iter().map(|&ai| c.atoms[ai].span.start).chain(unread).min();
        let Some(from) = from else { continue };
        let phrase = Span::new(from, w.end);
        for &ai in &conds {
            s.skip[ai] = true;
        }
        for (ai, a) in c.atoms.iter().enumerate() {
            if judged(a) && a.span.start > w.end && clause_at(a.span.start.max(start)) == k && !held[ai].contains(&phrase) {
                held[ai].push(phrase);
            }
        }
    }
    // "18 years of age", "70 years old, female": an age or a value with no
    // word of comparison is read as "= N", which is seldom what is meant
    // ("at least 18"); it does not decide alone.
    for (ai, a) in c.atoms.iter().enumerate() {
        if judged(a) && matches!(a.kind, AtomKind::Age | AtomKind::Measurement) && a.comparator == Some(crate::atoms::Comparator::Eq) && held[ai].is_empty() {
            held[ai].push(a.span);
        }
    }
    for (ai, h) in held.iter_mut().enumerate() {
        if !h.is_empty() {
            s.held[ai] = Some(render(text, h));
        }
    }
    // An atom with no place in the criterion's text (made by hand, not
    // extracted) cannot be read in its clause: it decides alone only when
    // the criterion is understood in full.
    let partly = c.understood.is_some_and(|u| u != crate::criteria::Understood::Full) || !c.uncovered.is_empty();
    for (ai, a) in c.atoms.iter().enumerate() {
        let placed = a.span.start >= c.span.start && a.span.end <= c.span.end && a.span.end > a.span.start;
        if !placed {
            s.held[ai] = partly.then(|| "the rest of the criterion".to_string());
        }
    }
    let blockers: Vec<Vec<Span>> = blockers.into_iter().map(|v| v.into_iter().map(|x| x.0).collect()).collect();
    if !global.is_empty() {
        global.dedup();
        s.global = Some(global.join(", "));
    }
    if !breaks.is_empty() {
        let alt: Vec<usize> = (0..nclauses).filter(|&k| clause_has_content[k] && !clause_has_atom[k]).collect();
        if has_or && !alt.is_empty() {
            let mut spans: Vec<Span> = alt.iter().flat_map(|&k| blockers[k].iter().copied()).collect();
            s.unread_alternative = Some(render(text, &mut spans));
        }
    }

    // "No X" opening an exclusion prohibits X.
    let mut ambiguous_no: Vec<(usize, Span)> = Vec::new();
    if c.section == Section::Exclusion {
        let first = toks.iter().position(|t| !(t.end - t.start <= 3 && text[t.end..].starts_with(['.', ')'])) && !t.lower.chars().all(|x| x.is_ascii_digit()));
        // Only "No" right before what it prohibits ("No prior
        // chemotherapy"): "Not tested for X", "Without a history of X" say
        // something else of X.
        if let Some(k) = first {
            let f = &toks[k];
            if f.lower == "no" {
                for (ai, a) in c.atoms.iter().enumerate() {
                    let words_between = toks.iter().filter(|t| t.start > f.start && t.end <= a.span.start && !t.covered).count();
                    if !(a.negated && judged(a) && a.span.start >= f.start && words_between <= 2) {
                        continue;
                    }
                    // A treatment after "No" in a list of exclusions is one
                    // not allowed ("No prior chemotherapy"); a condition is
                    // either way ("No past pregnancy" excludes women never
                    // pregnant): it does not decide alone.
                    if matches!(a.kind, AtomKind::Medication | AtomKind::Procedure | AtomKind::Immunization) {
                        s.flip[ai] = true;
                    } else {
                        ambiguous_no.push((ai, Span::new(f.start, a.span.end)));
                    }
                }
            }
        }
    }
    // "Willing to abstain from smoking": met by a patient who does not
    // smoke, so the atom after the word of abstention is flipped; a smoker
    // may still be willing, so the word keeps holding it back from a fail.
    for (k, t) in toks.iter().enumerate() {
        if t.covered || !matches!(t.lower, "abstain" | "abstaining" | "refrain" | "refraining" | "abstinence") {
            continue;
        }
        let cl = clause_of_tok[k];
        for (ai, a) in c.atoms.iter().enumerate() {
            if judged(a) && !a.negated && a.span.start > t.end && clause_at(a.span.start) == cl && matches!(a.kind, AtomKind::Condition | AtomKind::Medication) {
                s.flip[ai] = true;
                if s.held[ai].is_none() {
                    s.held[ai] = Some(text[t.start..t.end].to_string());
                }
            }
        }
    }
    // Treatment history ("received steroids") beside a time written in the
    // criterion that no window of the atom reads ("over the past year",
    // "within 14 days"): the time may be the history's, so it does not
    // decide alone.
    let timed = toks.iter().any(|t| matches!(t.lower, "within" | "past" | "last" | "recent" | "recently" | "during" | "since"));
    for (ai, a) in c.atoms.iter().enumerate() {
        if timed && a.kind == AtomKind::Medication && a.window.is_none() && a.status.as_deref() == Some("history") && s.held[ai].is_none() {
            s.held[ai] = Some("when it was taken".into());
        }
    }
    for (ai, sp) in ambiguous_no {
        s.ambiguous[ai] = true;
        let w = sp.slice(text).split_whitespace().collect::<Vec<_>>().join(" ");
        s.held[ai] = Some(match s.held[ai].take() {
            Some(h) => format!("{w} (excluded, or required?); {h}"),
            None => format!("{w} (excluded, or required?)"),
        });
    }
    // Groups and scope atoms.
    let mut order: Vec<usize> = (0..n).filter(|&i| judged(&c.atoms[i]) && !s.skip[i]).collect();
    crate::sort::sort_by_key(&mut order, |&i| (c.atoms[i].span.start, c.atoms[i].span.end));
    if c.section == Section::Exclusion {
        let kinds = |f: &dyn Fn(AtomKind) -> bool| order.iter().any(|&i| f(c.atoms[i].kind));
        let others_than_sex = kinds(&|k| k != AtomKind::Sex);
        let others_than_age = kinds(&|k| !matches!(k, AtomKind::Age | AtomKind::Sex));
        for &i in &order {
            s.scope[i] = match c.atoms[i].kind {
                AtomKind::Sex => others_than_sex,
                AtomKind::Age => others_than_age,
                _ => false,
            };
        }
    }
    let mut g = 0u16;
    let mut prev: Option<usize> = None;
    // In an exclusion, the relation word ("for", "due to") that made the
    // statement before: a list right after it may be more of its objects
    // ("surgery for trauma, tumor, or infection").
    let mut relation: Option<String> = None;
    for &i in order.iter().filter(|&&i| !s.scope[i]) {
        if let Some(p) = prev {
            let (pa, ia) = (&c.atoms[p], &c.atoms[i]);
            let placed = |a: &Atom| a.span.end > a.span.start;
            // Atoms that overlap in an inclusion are read as alternatives
            // ("Non-smoker or ex-smoker" holds two): a fail then needs both.
            let class = if !placed(pa) || !placed(ia) {
                Gap::List
            } else if pa.span.end > ia.span.start {
                if c.section == Section::Inclusion { Gap::Or } else { Gap::List }
            } else {
                gap_class(text, Span::new(pa.span.end, ia.span.start), &toks)
            };
            let joined = match c.section {
                Section::Inclusion => class == Gap::Or,
                Section::Exclusion => class == Gap::Relation,
            };
            if !joined {
                g += 1;
            }
            if c.section == Section::Exclusion {
                let gap = Span::new(pa.span.end.min(ia.span.start), ia.span.start);
                match class {
                    Gap::Relation => {
                        relation = toks
                            .iter()
                            .filter(|t| t.start >= gap.start && t.end <= gap.end && !t.covered)
                            .find(|t| t.is(Cat::Distributes) || t.is(Cat::ListRelation))
                            // The relation with its first object: "for trauma, tumor".
                            .map(|t| render(text, &mut vec![Span::new(t.start, ia.span.end)]));
                    }
                    Gap::List | Gap::Or if relation.is_some() && !gap.slice(text).contains([';', '.', ':', '\n']) => {
                        if s.held[i].is_none() {
                            s.held[i] = relation.clone();
                        }
                    }
                    _ => relation = None,
                }
            }
        }
        s.group[i] = g;
        prev = Some(i);
    }
    s
}

/// Why a word holds an atom back.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Block {
    /// A word of the scope table's qualifiers.
    Qualifier,
    /// A number no atom read.
    Number,
    /// A content word no atom or cue covers.
    Unread,
}

/// Whether only a list separator lies in `gap`: commas, "or", "and", "/".
fn list_gap(text: &str, gap: Span) -> bool {
    let g = gap.slice(text);
    !g.contains([';', '(', ')', ':', '.'])
        && g.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).all(|w| matches!(w.lower().as_str(), "or" | "and" | "nor" | "either" | "any" | "other"))
}

/// Spans of words as text: words next to each other make one phrase,
/// phrases are joined by commas, in text order.
fn render(text: &str, spans: &mut Vec<Span>) -> String {
    crate::sort::sort(spans);
    spans.dedup();
    let mut phrases: Vec<Span> = Vec::new();
    for &sp in spans.iter() {
        match phrases.last_mut() {
            Some(last) if sp.start <= last.end || text.get(last.end..sp.start).is_some_and(|g| g.chars().all(|c| c == ' ' || c == '-')) => {
                last.end = last.end.max(sp.end);
            }
            _ => phrases.push(sp),
        }
    }
    phrases.iter().map(|p| p.slice(text).split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(", ")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    Or,
    Relation,
    List,
}

fn gap_class(text: &str, gap: Span, toks: &[Tok]) -> Gap {
    // Side by side, one noun phrase: "corticosteroid intravitreal injection".
    if gap.slice(text).chars().all(char::is_whitespace) {
        return Gap::Relation;
    }
    let mut rel = false;
    for t in toks.iter().filter(|t| t.start >= gap.start && t.end <= gap.end && !t.covered) {
        match t.lower {
            "or" | "nor" | "either" => return Gap::Or,
            _ if t.is(Cat::Relation) => rel = true,
            _ => {}
        }
    }
    if gap.slice(text).contains('/') && !rel {
        return Gap::Or;
    }
    if rel { Gap::Relation } else { Gap::List }
}

/// The names of an atom's concept, folded ([`crate::lexicon::fold`]): the
/// atom's own, then the lexicon's synonyms and abbreviation. `known` is
/// false for a concept the lexicon does not have (a name read from the
/// text), which is its own account.
struct Names {
    folded: Vec<std::borrow::Cow<'static, str>>,
    known: bool,
}

impl Names {
    fn of(a: &Atom) -> Names {
        use std::borrow::Cow;
        let Some(concept) = a.concept.as_ref() else { return Names { folded: Vec::new(), known: false } };
        let mut folded = vec![Cow::Owned(crate::lexicon::fold(&concept.name))];
        let entry = concept.id.as_deref().and_then(|id| crate::lexicon::get().by_id(id));
        if let Some(c) = entry {
            // Synonyms are read folded (borrowed from the lexicon); case-sensitive ones as written.
            folded.extend(c.synonyms.iter().map(|s| Cow::Borrowed(&**s)));
            folded.extend(c.case_sensitive.iter().map(|s| Cow::Owned(crate::lexicon::fold(s))));
            folded.extend(c.abbreviation.as_deref().map(|s| Cow::Owned(crate::lexicon::fold(s))));
        }
        Names { folded, known: entry.is_some() }
    }
}

/// What an atom says beyond its concept ([`Encoded::has`]): its status,
/// qualifier and classification and its concept's own name, in lower case,
/// worked out once per atom and only if a word asks.
struct Encoded(Vec<String>);

impl Encoded {
    fn of(a: &Atom) -> Encoded {
        // The concept's own name says it ("chronic kidney disease", "acute
        // myeloid leukaemia"). Not its synonyms: some fold a qualifier into
        // the broader concept ("poorly controlled diabetes" is matched as
        // diabetes), which is exactly what must not decide alone.
        let concept = a.concept.as_ref().and_then(|c| c.id.as_deref()).and_then(|id| crate::lexicon::get().by_id(id));
        let texts = [a.status.as_deref(), a.qualifier.as_deref(), a.classification.as_deref(), concept.map(|c| &*c.name)];
        Encoded(texts.into_iter().flatten().map(Lower::lower).collect())
    }

    /// Whether the atom encodes the word `w` (lower case).
    fn has(&self, w: &str) -> bool {
        self.0.iter().any(|s| s.split(|c: char| !c.is_alphanumeric()).any(|x| x == w))
    }
}

/// Whether a word inside an atom's span is read: a filler or cue word, a
/// word of the concept's names (`names`, see [`Names`]), or one the atom
/// encodes (`enc`, see [`Encoded`]).
fn reads(a: &Atom, names: &Names, enc: &Encoded, w: &str) -> bool {
    const CUES: &[&str] = &["no", "not", "non", "without", "never", "none", "history", "prior", "previous", "previously", "past", "known", "active", "current", "currently", "ongoing", "positive", "negative", "suspected", "confirmed", "documented", "diagnosed", "diagnosis", "evidence", "presence", "present", "recent", "treated", "treatment", "therapy", "use", "using", "taking", "received", "receiving"];
    if crate::atoms::is_filler(w) || CUES.contains(&w) || is(w, Cat::Neutral) || w.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if enc.has(w) {
        return true;
    }
    // "non-smoker": the prefix is the atom's negation.
    if let Some(rest) = w.strip_prefix("non-").filter(|_| a.negated) {
        return reads(a, names, enc, rest);
    }
    if a.concept.is_none() || !names.known {
        return true;
    }
    // Word for word, hyphenated or not ("anti-inflammatory"). A name that
    // does not hold the word, or each of its parts, is passed over first.
    let hyphenated = w.contains('-');
    let has = |f: &std::borrow::Cow<'static, str>| {
        if !(f.contains(w) || hyphenated && w.split('-').all(|part| f.contains(part))) {
            return false;
        }
        f.split(|c: char| !c.is_alphanumeric() && c != '-').any(|x| x == w) || w.split('-').all(|part| part.is_empty() || f.split(|c: char| !c.is_alphanumeric()).any(|x| x == part))
    };
    names.folded.iter().any(has)
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Scope {
    /// What the combining of atom `i`'s truth reads of the scope, kept
    /// beside the atom in a trial's prepared plan.
    pub fn member(&self, i: usize) -> Member {
        Member {
            group: self.group.get(i).copied().unwrap_or(0),
            in_scope: self.scope.get(i).copied().unwrap_or(false),
            clean: self.held.get(i).is_some_and(|h| h.is_none()),
            ambiguous: self.ambiguous.get(i).copied().unwrap_or(false),
        }
    }

    /// The criterion's truth from its atoms' truths (judged atoms only),
    /// combined by the groups.
    pub fn combine(section: Section, judged: &[Judged]) -> Truth {
        // Most leaves judge one atom: its truth, but for one saying whom an
        // inclusion concerns, which leaves it to hold.
        if let [x] = judged {
            return if x.m.in_scope && section == Section::Inclusion { Truth::Yes } else { x.t };
        }
        let mut scope = Truth::Yes;
        // The groups' truths combined, each group taken at its first member
        // (a leaf has a handful of atoms: no list of groups is built).
        let mut body: Option<Truth> = None;
        for (k, x) in judged.iter().enumerate() {
            if x.m.in_scope {
                scope = scope.and(x.t);
                continue;
            }
            let g = x.m.group;
            if judged[..k].iter().any(|y| !y.m.in_scope && y.m.group == g) {
                continue;
            }
            let mut member = x.t;
            for y in &judged[k + 1..] {
                if !y.m.in_scope && y.m.group == g {
                    member = if section == Section::Inclusion { member.or(y.t) } else { member.and(y.t) };
                }
            }
            body = Some(match (body, section) {
                (None, _) => member,
                (Some(b), Section::Inclusion) => b.and(member),
                (Some(b), Section::Exclusion) => b.or(member),
            });
        }
        // No group: an inclusion holds; an exclusion of whom it concerns
        // only is about them as such.
        let body = body.unwrap_or(Truth::Yes);
        if section == Section::Exclusion { scope.and(body) } else { body }
    }

    /// Whether the scope atoms of an exclusion say it does not concern the patient.
    pub fn not_concerned(judged: &[Judged]) -> bool {
        judged.iter().any(|x| x.m.in_scope && x.t == Truth::No && x.m.clean)
    }

    /// When the criterion fails on its atoms: `None` when a group of clean
    /// atoms decides it, else the words that keep the fail from standing.
    pub fn undecided(&self, section: Section, judged: &[Judged]) -> Option<String> {
        if let Some(g) = &self.global {
            return Some(g.clone());
        }
        if section == Section::Inclusion {
            if let Some(a) = &self.unread_alternative {
                return Some(a.clone());
            }
        }
        // The truth that makes a group decide: an unmet inclusion, a present exclusion.
        let deciding = if section == Section::Inclusion { Truth::No } else { Truth::Yes };
        let held = |i: usize| self.held.get(i).and_then(|h| h.clone());
        let mut why: Vec<String> = Vec::new();
        if section == Section::Exclusion {
            for i in judged.iter().filter(|x| x.m.in_scope).map(|x| x.i) {
                if let Some(h) = held(i) {
                    return Some(h);
                }
            }
        }
        let mut gs: Vec<u16> = judged.iter().filter(|x| !x.m.in_scope).map(|x| x.m.group).collect();
        crate::sort::sort(&mut gs);
        gs.dedup();
        for g in gs {
            let members: Vec<&Judged> = judged.iter().filter(|x| !x.m.in_scope && x.m.group == g).collect();
            if !members.iter().all(|x| x.t == deciding) {
                continue;
            }
            let h: Vec<String> = members.iter().filter_map(|x| held(x.i)).collect();
            if h.is_empty() {
                return None;
            }
            for w in h {
                if !why.contains(&w) {
                    why.push(w);
                }
            }
        }
        Some(if why.is_empty() { "the rest of the criterion".into() } else { why.join("; ") })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn procedure_words_are_found_by_halves() {
        // Every word of the block is found, the first and the last among
        // them, and no word between or beyond them.
        let block: Vec<&str> = super::SCOPE.split("@procedure\n").nth(1).unwrap_or("").split('@').next().unwrap_or("").lines().collect();
        assert!(block.len() > 100, "{}", block.len());
        for w in &block {
            assert!(super::is_procedure(w), "{w}");
            assert!(!super::is_procedure(&format!("{w}x")) || block.contains(&format!("{w}x").as_str()), "{w}x");
        }
        for w in ["", "a", "zzzz", "periodontal", "employees", "norwegian", "procedure "] {
            assert!(!super::is_procedure(w), "{w:?}");
        }
    }
}
