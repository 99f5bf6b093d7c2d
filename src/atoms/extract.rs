//! Finds the atoms of one criterion: thresholds first (they are the most
//! reliable), then the concepts the lexicon names, then the cue phrases
//! (pregnancy, consent, …), and last the modifiers that hang on other atoms
//! (negation, exceptions, time windows, durations, doses).
//!
//! A wrong atom is worse than a missing one, so some are left out on
//! purpose and their words stay uncovered (the criterion is then partial):
//! counts and names read from the text that measure nothing ("1 or more
//! csDMARDs", "> 3 hospitalizations"), thresholds under an unclear
//! negation, facts about a partner, relative or donor, conditions named for
//! comparison ("similar to SSc"), plans ("planning to undergo surgery"),
//! the event a window counts from, and drugs stopped at no stated time.

use super::cues::{self, CueHit};
use super::lex::{Cue, Dim};
use super::quantity::{self, Expr};
use super::text::Folded;
use super::{Atom, AtomKind, Comparator, ConceptRef, Direction, Dose, Duration, Sex, Window};
use crate::atoms::text::Lower;
use crate::criteria::{Criterion, NodeKind};
use crate::lexicon::{self, ConceptKind};
use crate::span::Span;
use crate::trial::Trial;

/// Fills `atoms`, `understood` and `uncovered` on every criterion (and on
/// the lead-in text of every group) of the trial's tree.
pub fn annotate(trial: &mut Trial) {
    let text = std::mem::take(&mut trial.eligibility_text);
    for node in &mut trial.criteria {
        node.walk_mut(&mut |c: &mut Criterion| {
            if !matches!(c.kind, NodeKind::Criterion | NodeKind::Group) {
                return;
            }
            let spans = c.own_spans();
            let mut atoms = Vec::new();
            let mut accounted = Vec::new();
            for s in &spans {
                let (mut found, cues) = extract_parts(&text, *s);
                let base = atoms.len();
                for a in &mut found {
                    if let Some(e) = a.excepts.as_mut() {
                        *e += base;
                    }
                }
                // Most criteria are one span: their lists are taken as they are.
                if atoms.is_empty() {
                    atoms = found;
                } else {
                    atoms.extend(found);
                }
                if accounted.is_empty() {
                    accounted = cues;
                } else {
                    accounted.extend(cues);
                }
            }
            let (understood, uncovered) = super::coverage::judge(&text, &spans, &atoms, &accounted);
            if c.kind == NodeKind::Group && atoms.is_empty() {
                // A group's lead-in often only introduces its items.
                c.uncovered = Vec::new();
                return;
            }
            c.understood = Some(understood);
            c.uncovered = uncovered;
            c.atoms = atoms;
        });
    }
    trial.eligibility_text = text;
}

/// The atoms found in `span` of `text`; atom spans point into `text`.
///
/// ```
/// use trialsieve::{atoms, Span};
/// let text = "Male or female, aged 18-65 years";
/// let found = atoms::extract(text, Span::new(0, text.len()));
/// assert_eq!(found[0].low.unwrap().value, 18.0);
/// ```
pub fn extract(text: &str, span: Span) -> Vec<Atom> {
    extract_parts(text, span).0
}

/// The atoms of `span`, and the spans of the cue words they account for
/// ("male or female", "no", "except") that no atom's span holds.
pub(crate) fn extract_parts(text: &str, span: Span) -> (Vec<Atom>, Vec<Span>) {
    let span = Span::new(span.start.min(text.len()), span.end.min(text.len()));
    if text.get(span.start..span.end).is_none() {
        return (Vec::new(), Vec::new());
    }
    if span.len() <= MAX_PIECE {
        return extract_piece(text, span);
    }
    // A criterion longer than any real one (a whole list on one line, a
    // pasted document): read it clause by clause, so that the modifiers'
    // look-arounds stay local and the time stays linear in its length.
    let mut atoms = Vec::new();
    let mut accounted = Vec::new();
    for piece in pieces(text, span) {
        let (mut found, cues) = extract_piece(text, piece);
        let base = atoms.len();
        for a in &mut found {
            if let Some(e) = a.excepts.as_mut() {
                *e += base;
            }
        }
        atoms.extend(found);
        accounted.extend(cues);
    }
    (atoms, accounted)
}

/// The longest stretch of text read as one piece; real criteria are far
/// shorter (the longest in the corpus is about 3 KB).
const MAX_PIECE: usize = 4096;

/// Cuts `span` into pieces of at most [`MAX_PIECE`] bytes, each ending at a
/// clause break (`.` `;` `。` `；` or a line break) when one lies in its last
/// half, else at a space, else at a char boundary. Linear in the span.
fn pieces(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = span.start;
    while span.end - start > MAX_PIECE {
        let mut limit = start + MAX_PIECE;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let half = window.len() / 2;
        let cut = window
            .char_indices()
            .rev()
            .take_while(|(i, _)| *i >= half)
            .find(|(_, c)| matches!(c, '.' | ';' | '。' | '；' | '\n'))
            .map(|(i, c)| i + c.len_utf8())
            .or_else(|| window.rfind(' ').filter(|&i| i > 0))
            .unwrap_or(window.len());
        out.push(Span::new(start, start + cut));
        start += cut;
    }
    out.push(Span::new(start, span.end));
    out
}

fn extract_piece(text: &str, span: Span) -> (Vec<Atom>, Vec<Span>) {
    let f = Folded::new(text, span);
    let ex = Extractor::new(text, span, &f);
    let cues: Vec<(usize, usize)> = ex.cues.iter().map(|c| (c.a, c.b)).collect();
    let spans: Vec<Span> = cues.iter().map(|&(a, b)| ex.span(a, b)).collect();
    let (atoms, withheld) = ex.run();
    // A cue word inside what was left out ("pregnant" after "partner") is
    // not understood: the criterion stays partial.
    let accounted = cues
        .iter()
        .zip(spans)
        .filter(|((a, b), _)| !withheld.iter().any(|&(wa, wb)| wa < *b && *a < wb))
        .map(|(_, s)| s)
        .collect();
    (atoms, accounted)
}

/// A found concept in folded indices.
#[derive(Clone, Copy)]
struct Hit<'a> {
    a: usize,
    b: usize,
    concept: &'a lexicon::Concept,
}

/// An atom under construction, in folded indices.
struct Draft {
    atom: Atom,
    a: usize,
    b: usize,
    /// The threshold's folded range, when there is one.
    val: Option<(usize, usize)>,
}

/// A window or duration waiting for an atom to hang on.
struct Modifier {
    a: usize,
    b: usize,
    window: Option<Window>,
    duration: Option<Duration>,
    dose: Option<Dose>,
    /// What came right before, as written, when no atom takes the modifier.
    name: Option<(usize, usize)>,
    /// The event a window counts from ("prior to CAR T cell reinfusion").
    anchor: Option<(usize, usize)>,
}

struct Extractor<'t> {
    text: &'t str,
    f: &'t Folded,
    hits: Vec<Hit<'static>>,
    cues: Vec<CueHit>,
    exprs: Vec<Expr>,
    /// Folded index of the clause each character belongs to (split at ; . newline).
    clause: Vec<u32>,
    /// A word looked up in a word set (`word_in`), written here rather than
    /// in a string of its own.
    buf: std::cell::Cell<String>,
}

impl<'t> Extractor<'t> {
    #[inline(never)]
    fn new(text: &'t str, span: Span, f: &'t Folded) -> Extractor<'t> {
        let lex = lexicon::get();
        let hits = lex
            .find_all(span.slice(text))
            .into_iter()
            .map(|m| Hit { a: f.index_of(span.start + m.span.start), b: f.index_end(span.start + m.span.end), concept: m.concept })
            .filter(|h| h.a < h.b)
            .collect();
        let exprs = quantity::scan(f);
        let cues = cues::scan(f, &exprs);
        let mut clause = Vec::with_capacity(f.len());
        let mut n = 0u32;
        for i in 0..f.len() {
            clause.push(n);
            let c = f.c[i];
            let decimal = c == '.' && i > 0 && f.c[i - 1].is_ascii_digit() && f.get(i + 1).is_ascii_digit();
            if matches!(c, ';' | '\n') || (c == '.' && !decimal) {
                n += 1;
            }
        }
        Extractor { text, f, hits, cues, exprs, clause, buf: std::cell::Cell::new(String::new()) }
    }

    /// Whether the folded text `a..b` is a word of `set`.
    fn word_in(&self, set: &super::lex::WordSet, a: usize, b: usize) -> bool {
        let mut buf = self.buf.take();
        buf.clear();
        buf.extend(&self.f.c[a.min(self.f.len())..b.min(self.f.len())]);
        let found = set.contains(buf.as_str());
        self.buf.set(buf);
        found
    }

    /// Whether the folded text `a..b` is one of `words`.
    fn word_is(&self, a: usize, b: usize, words: &[&str]) -> bool {
        words.iter().any(|w| self.f.is(a, b, w))
    }

    fn same_clause(&self, a: usize, b: usize) -> bool {
        let last = self.clause.len().saturating_sub(1);
        self.clause.get(a.min(last)) == self.clause.get(b.min(last))
    }

    fn span(&self, a: usize, b: usize) -> Span {
        self.f.span(a, b)
    }

    fn cue_before(&self, at: usize, max_words: usize, want: &[Cue]) -> Option<&CueHit> {
        self.cues.iter().rev().filter(|c| c.b <= at && want.contains(&c.cue)).find(|c| self.words_between(c.b, at) <= max_words && self.same_clause(c.a, at))
    }

    fn cue_after(&self, at: usize, max_words: usize, want: &[Cue]) -> Option<&CueHit> {
        self.cues.iter().filter(|c| c.a >= at && want.contains(&c.cue)).find(|c| self.words_between(at, c.a) <= max_words && self.same_clause(c.a, at))
    }

    /// Words between two folded indices (bounded: stops counting past 50).
    fn words_between(&self, a: usize, b: usize) -> usize {
        let mut n = 0;
        let mut in_word = false;
        for i in a..b.min(self.f.len()) {
            let w = self.f.is_word(i);
            if w && !in_word {
                n += 1;
                if n > 50 {
                    return n;
                }
            }
            in_word = w;
        }
        n
    }

    /// Whether only filler lies between `a` and `b`: a few words, no digit,
    /// no clause break.
    fn filler_between(&self, a: usize, b: usize, max_words: usize) -> bool {
        if a > b || !self.same_clause(a, b) {
            return false;
        }
        if (a..b).any(|i| self.f.get(i).is_ascii_digit() || matches!(self.f.get(i), ',' | ';')) {
            // Commas end the reach of a name, except inside parentheses "(ALT)".
            let paren = (a..b).any(|i| self.f.get(i) == '(');
            if !paren || (a..b).any(|i| self.f.get(i).is_ascii_digit()) {
                return false;
            }
        }
        self.words_between(a, b) <= max_words
    }

    /// The atoms, and the folded ranges of what was deliberately left out.
    ///
    /// Its stages stay functions of their own (`#[inline(never)]`, and
    /// `-ocimfs` in `scripts/build.sh`): inlined into their one caller they
    /// made a 53 KB function, which a browser's optimizing compiler took
    /// about 130 ms to compile during the first parse of a page.
    fn run(self) -> (Vec<Atom>, Vec<(usize, usize)>) {
        let mut drafts: Vec<Draft> = Vec::new();
        let mut mods: Vec<Modifier> = Vec::new();
        let mut withheld: Vec<(usize, usize)> = Vec::new();
        let mut used_hits = vec![false; self.hits.len()];
        let mut used_cues = vec![false; self.cues.len()];
        for x in &self.exprs {
            let mut x = x.clone();
            match self.negated_comparator(&x) {
                None => {}
                Some(Some(c)) => x.cmp = Some(c),
                Some(None) => {
                    withheld.push((x.a, x.b));
                    continue;
                }
            }
            self.place_expr(&x, &mut drafts, &mut mods, &mut used_hits, &mut used_cues);
        }
        // "< 3.5 or > 5.1 mEq/L": the unit written once holds for both bounds.
        for k in 1..drafts.len() {
            let (head, tail) = drafts.split_at_mut(k);
            let (p, d) = (&mut head[k - 1], &tail[0]);
            let close = p.val.zip(d.val).is_some_and(|((_, pb), (da, _))| pb <= da && self.words_between(pb, da) <= 1);
            if close && p.atom.kind == AtomKind::Measurement && p.atom.unit.is_none() && p.atom.concept == d.atom.concept {
                p.atom.unit = d.atom.unit.clone();
            }
        }
        // Concepts the lexicon names, not already taken by a threshold.
        // "Sjogren's Syndrome (SS)": an abbreviation in brackets right after
        // its concept is the same mention, one atom spanning both.
        let mut draft_of_hit: Vec<Option<usize>> = vec![None; self.hits.len()];
        for (k, h) in self.hits.iter().enumerate() {
            if k > 0 {
                let p = &self.hits[k - 1];
                // Nothing but an opening bracket between them, spaces aside.
                let bracket = || p.b <= h.a && {
                    let mut inner = (p.b..h.a).map(|i| self.f.get(i)).filter(|c| !c.is_whitespace());
                    matches!((inner.next(), inner.next()), (Some('(' | '['), None))
                };
                if p.concept.id == h.concept.id && bracket() {
                    if let Some(j) = draft_of_hit[k - 1] {
                        let close = self.f.skip_spaces(h.b);
                        let end = if matches!(self.f.get(close), ')' | ']') { close + 1 } else { h.b };
                        drafts[j].b = drafts[j].b.max(end);
                        draft_of_hit[k] = Some(j);
                        continue;
                    }
                    if used_hits[k - 1] {
                        continue;
                    }
                }
            }
            if used_hits[k] {
                continue;
            }
            // "non-SLE cutaneous manifestations", "non-Hodgkin lymphoma": the
            // concept only qualifies the noun after it.
            if self.non_prefixed(h) {
                withheld.push((h.a, h.b));
                continue;
            }
            let kind = match h.concept.kind {
                ConceptKind::Condition | ConceptKind::Infection => AtomKind::Condition,
                ConceptKind::Drug | ConceptKind::DrugClass => AtomKind::Medication,
                ConceptKind::Procedure => AtomKind::Procedure,
                ConceptKind::Immunization => AtomKind::Immunization,
                ConceptKind::Lab => {
                    // "Positive HBsAg", "anti-dsDNA negative": a test result without a number.
                    if let Some((status, at)) = self.status_of(h.a, h.b, &mut used_cues).filter(|(s, _)| s == "positive" || s == "negative") {
                        let atom = Atom { kind: AtomKind::Measurement, concept: Some(h.concept.to_ref()), status: Some(status), ..Atom::default() };
                        let a = h.a.min(at);
                        let b = self.cue_after(h.b, 1, &[Cue::Positive, Cue::Negative]).map_or(h.b, |c| c.b.max(h.b));
                        drafts.push(Draft { atom, a, b, val: None });
                    }
                    continue;
                }
                ConceptKind::Score => {
                    // "NYHA class III or IV": levels in roman numerals.
                    if let Some((levels, end)) = self.romans_after(h.b) {
                        let mut atom = Atom { kind: AtomKind::Measurement, concept: Some(h.concept.to_ref()), unit: Some("{score}".into()), ..Atom::default() };
                        let (lo, hi) = (levels.iter().min().copied().unwrap_or(0), levels.iter().max().copied().unwrap_or(0));
                        let consecutive = levels.len() as u32 == hi - lo + 1;
                        if levels.len() == 1 {
                            atom.comparator = Some(Comparator::Eq);
                            atom.value = Some(f64::from(lo));
                        } else if consecutive {
                            atom.low = Some(super::Bound { value: f64::from(lo), inclusive: true });
                            atom.high = Some(super::Bound { value: f64::from(hi), inclusive: true });
                        } else {
                            continue;
                        }
                        drafts.push(Draft { atom, a: h.a, b: end, val: Some((h.b, end)) });
                    }
                    continue;
                }
                ConceptKind::Vital => continue,
            };
            if drafts.iter().any(|d| d.a <= h.a && h.b <= d.b && d.atom.concept.as_ref().is_some_and(|c| c.id.as_deref() == Some(&*h.concept.id))) {
                continue;
            }
            let mut atom = Atom { kind, concept: Some(h.concept.to_ref()), span: self.span(h.a, h.b), ..Atom::default() };
            // One member of a group concept ("celiac disease" in
            // "gastrointestinal disease") is named as written, so that it is
            // judged as that member.
            let member = if h.concept.group.is_empty() { None } else { h.concept.member_named(&self.f.string(h.a, h.b)) };
            if let (Some(m), Some(c)) = (member, atom.concept.as_mut()) {
                c.name = m;
            }
            let mut a = h.a;
            if kind == AtomKind::Condition {
                if let Some((status, at)) = self.status_of(h.a, h.b, &mut used_cues) {
                    atom.status = Some(status);
                    a = a.min(at);
                }
                if let Some(c) = self.cue_before(a, 0, &[Cue::Severity]) {
                    atom.qualifier = Some(self.f.string(c.a, c.b));
                    a = a.min(c.a);
                }
            }
            // "prior chemotherapy", "received rituximab", "progressed
            // following bortezomib": treatment history, met by a course
            // that ended; "current", "receiving", "on" keep it now.
            let first_word_past = {
                let mut e = h.a;
                while e < h.b && self.f.is_word(e) {
                    e += 1;
                }
                ["prior", "previous", "past"].iter().any(|w| self.f.is(h.a, e, w))
            };
            if kind == AtomKind::Medication && (first_word_past || self.history_before(h.a)) {
                atom.status = Some("history".into());
            }
            let mut b = h.b;
            if let Some((q, end)) = self.qualifier_of(h, kind) {
                atom.qualifier = Some(q);
                b = b.max(end);
                a = a.min(end.min(h.a));
            }
            draft_of_hit[k] = Some(drafts.len());
            drafts.push(Draft { atom, a, b, val: None });
        }
        self.cue_atoms(&mut drafts, &mut used_cues);
        self.sex_atom(&mut drafts, &mut used_cues);
        crate::sort::sort_by_key(&mut drafts, |d| (d.a, d.b));
        let anchors: Vec<(usize, usize)> = mods.iter().filter_map(|m| m.anchor).collect();
        self.attach(&mut drafts, mods);
        self.classification(&mut drafts);
        self.negate(&mut drafts);
        self.exceptions(&mut drafts);
        self.cessation(&mut drafts);
        self.leave_out(&mut drafts, &anchors, &mut withheld);
        let atoms = drafts
            .into_iter()
            .map(|mut d| {
                d.atom.span = self.span(d.a, d.b);
                if let Some((a, b)) = d.val {
                    d.atom.value_span = Some(self.span(a, b));
                }
                d.atom
            })
            .collect();
        (atoms, withheld)
    }

    /// "cannot be reduced to less than 7.5 mg/day", "unable to taper below
    /// 10 mg": a negated reduction turns the bound around (`Some(Some(>=))`);
    /// another negation right before the comparator leaves its meaning
    /// unclear, and the threshold is dropped (`Some(None)`).
    #[inline(never)]
    fn negated_comparator(&self, x: &Expr) -> Option<Option<Comparator>> {
        let c = x.cmp?;
        if x.is_range() {
            return None;
        }
        // Up to five words back, within the clause, not past punctuation or a number.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut i = x.a;
        while i > 0 && words.len() < 5 {
            let ch = self.f.get(i - 1);
            if self.f.is_word(i - 1) || ch == '\'' {
                let e = i;
                while i > 0 && (self.f.is_word(i - 1) || self.f.get(i - 1) == '\'') {
                    i -= 1;
                }
                if self.f.c[i..e].iter().any(|c| c.is_ascii_digit()) {
                    break;
                }
                words.push((i, e));
            } else if ch == ' ' || ch == '-' {
                i -= 1;
            } else {
                break;
            }
        }
        const NEG: &[&str] = &["not", "cannot", "can't", "unable", "never", "failed", "fail", "inability", "incapable"];
        const REDUCE: &[&str] = &["reduce", "reduced", "reducing", "taper", "tapered", "tapering", "decrease", "decreased", "lower", "lowered", "wean", "weaned"];
        let neg = words.iter().position(|w| self.word_is(w.0, w.1, NEG))?;
        if words.iter().any(|w| self.word_is(w.0, w.1, REDUCE)) {
            return Some(match c {
                Comparator::Lt => Some(Comparator::Ge),
                Comparator::Le => Some(Comparator::Gt),
                Comparator::Gt => Some(Comparator::Le),
                Comparator::Ge => Some(Comparator::Lt),
                Comparator::Eq => None,
            });
        }
        // "is not < 50", "cannot be > 2": only linking words between the
        // negation and the comparator.
        let linking = words[..neg].iter().all(|w| self.word_is(w.0, w.1, &["be", "been", "is", "are", "was", "were", "to", "have", "has"]));
        if linking {
            return Some(None);
        }
        None
    }

    /// Whether the concept is written "non-X" before another noun.
    fn non_prefixed(&self, h: &Hit) -> bool {
        if h.a < 4 || !self.f.is(h.a - 4, h.a, "non-") && !self.f.is(h.a - 4, h.a, "non ") {
            return false;
        }
        if h.a > 4 && self.f.is_word(h.a - 5) {
            return false;
        }
        let t = super::lex::get();
        let mut i = h.b;
        while self.f.get(i) == ' ' {
            i += 1;
        }
        if i == h.b && self.f.is_word(i) || !self.f.is_word(i) {
            return false;
        }
        let s = i;
        while self.f.is_word(i) {
            i += 1;
        }
        let w = self.f.string(s, i);
        !t.stop.contains(&w) && !t.function.contains(&w)
    }

    /// "stop using immunosuppressant more than one week", "discontinued
    /// methotrexate for at least 4 weeks", "must have discontinued steroids
    /// ≥ 1 week prior to registration", "corticosteroids … have been
    /// discontinued": the drug not taken within that time. A stopped drug
    /// with no such time says nothing clear about now ("discontinued X due
    /// to toxicity") and is left out by `leave_out`.
    #[inline(never)]
    fn cessation(&self, drafts: &mut [Draft]) {
        for c in self.cues.iter().filter(|c| c.cue == Cue::Stop) {
            // "Corticosteroids prescribed for brain metastases have been
            // discontinued at least 7 days before registration": the window
            // right after the cue went to the atom before it; it belongs to
            // the stopped drug.
            let drug = drafts.iter().position(|d| d.atom.kind == AtomKind::Medication && d.b <= c.a && self.stopped(c, d) && d.atom.window.is_none() && d.atom.duration.is_none());
            if let Some(k) = drug {
                let moved = drafts.iter().position(|d| {
                    d.a >= drafts[k].b && d.b <= c.a && d.atom.window.as_ref().and_then(|w| w.span).is_some_and(|ws| self.span(c.b, c.b).start <= ws.start && self.words_between(c.b, self.f.index_of(ws.start)) <= 2)
                });
                if let Some(j) = moved {
                    drafts[k].atom.window = drafts[j].atom.window.take();
                }
            }
            for d in drafts.iter_mut() {
                if d.atom.kind != AtomKind::Medication || !self.stopped(c, d) {
                    continue;
                }
                // The time of the stopping: a duration ("for at least 4 weeks")
                // or a window counted back from an event ("≥ 1 week prior to
                // registration"); "within 4 weeks" of stopping is unclear.
                let (value, unit, anchor, span) = if let Some(w) = &d.atom.window {
                    if w.direction != Direction::Before || matches!(w.comparator, Some(Comparator::Lt) | Some(Comparator::Le)) {
                        continue;
                    }
                    (w.value, w.unit.clone(), w.anchor.clone(), w.span)
                } else if let Some(dur) = &d.atom.duration {
                    if matches!(dur.comparator, Some(Comparator::Lt) | Some(Comparator::Le)) {
                        continue;
                    }
                    (dur.value, dur.unit.clone(), "now".to_string(), d.atom.duration_span)
                } else {
                    continue;
                };
                d.atom.duration = None;
                d.atom.duration_span = None;
                d.atom.negated = true;
                d.atom.window = Some(Window { comparator: Some(Comparator::Le), value, unit, direction: Direction::Before, anchor, span });
                if c.b <= d.a {
                    d.a = d.a.min(c.a);
                }
            }
        }
    }

    /// Whether the stop cue `c` is about the drug of `d`: within three words
    /// before it ("discontinued methotrexate"), or within four words after
    /// it ("steroids have been discontinued"), in the same clause and not
    /// across a comma.
    fn stopped(&self, c: &CueHit, d: &Draft) -> bool {
        let (a, b) = if c.b <= d.a { (c.b, d.a) } else if d.b <= c.a { (d.b, c.a) } else { return false };
        let reach = if c.b <= d.a { 3 } else { 10 };
        self.same_clause(a, b) && self.words_between(a, b) <= reach && !(a..b).any(|i| self.f.get(i) == ',')
    }

    /// Leaves out the atoms that are not facts about the patient: what a
    /// partner, relative or donor has ("The partner … plans to become
    /// pregnant"), what is named for comparison ("similar to SSc", "not
    /// related to SLE"), what is only planned ("planning to undergo
    /// surgery"), and the event a window counts from ("48 hours before CAR T
    /// cell reinfusion"). Left-out ranges go to `withheld`.
    #[inline(never)]
    fn leave_out(&self, drafts: &mut Vec<Draft>, anchors: &[(usize, usize)], withheld: &mut Vec<(usize, usize)>) {
        let mut drop = vec![false; drafts.len()];
        for c in &self.cues {
            let stop = |i: usize, commas: bool| {
                let ch = self.f.get(i);
                matches!(ch, ';' | '\n') || (ch == '.' && !self.f.get(i + 1).is_ascii_digit()) || (commas && matches!(ch, ',' | ':'))
            };
            let (reach, commas, kinds): (usize, bool, &[AtomKind]) = match c.cue {
                Cue::ThirdParty => (12, false, &[AtomKind::Condition, AtomKind::Medication, AtomKind::Procedure, AtomKind::Immunization, AtomKind::Pregnancy, AtomKind::Breastfeeding, AtomKind::Contraception]),
                Cue::Relation => (8, true, &[AtomKind::Condition, AtomKind::Medication, AtomKind::Procedure, AtomKind::Immunization, AtomKind::Measurement]),
                Cue::Plan => (5, true, &[AtomKind::Medication, AtomKind::Procedure, AtomKind::Immunization, AtomKind::Pregnancy, AtomKind::Breastfeeding]),
                Cue::Stop => (3, true, &[AtomKind::Medication]),
                _ => continue,
            };
            let end = (c.b..self.f.len()).find(|&i| stop(i, commas)).unwrap_or(self.f.len());
            for (k, d) in drafts.iter().enumerate() {
                if !kinds.contains(&d.atom.kind) {
                    continue;
                }
                // A stopped drug with its washout window is understood (`cessation`).
                if c.cue == Cue::Stop {
                    if self.stopped(c, d) && !(d.atom.negated && d.atom.window.is_some()) {
                        drop[k] = true;
                    }
                    continue;
                }
                let after = d.a >= c.b && d.a < end && self.words_between(c.b, d.a) <= reach;
                // "vaccination was planned", "surgery is planned": the plan written after.
                let planned_after = c.cue == Cue::Plan && d.b <= c.a && self.same_clause(d.b, c.a) && self.words_between(d.b, c.a) <= 2 && !(d.b..c.a).any(|i| self.f.get(i) == ',');
                if after || planned_after {
                    drop[k] = true;
                }
            }
        }
        for (k, d) in drafts.iter().enumerate() {
            let concept = matches!(d.atom.kind, AtomKind::Condition | AtomKind::Medication | AtomKind::Procedure | AtomKind::Immunization);
            if concept && d.atom.window.is_none() && anchors.iter().any(|&(a, b)| a <= d.a && d.b <= b) {
                drop[k] = true;
            }
        }
        // An exception to a left-out atom goes with it.
        for k in 0..drafts.len() {
            if drafts[k].atom.excepts.is_some_and(|t| drop.get(t).copied().unwrap_or(true)) {
                drop[k] = true;
            }
        }
        if !drop.contains(&true) {
            return;
        }
        let mut index = Vec::with_capacity(drafts.len());
        let mut n = 0;
        for &gone in &drop {
            index.push(n);
            if !gone {
                n += 1;
            }
        }
        let mut k = 0;
        drafts.retain(|d| {
            let keep = !drop[k];
            if !keep {
                withheld.push((d.a, d.b));
            }
            k += 1;
            keep
        });
        for d in drafts.iter_mut() {
            if let Some(t) = d.atom.excepts {
                d.atom.excepts = Some(index[t]);
            }
        }
    }

    /// The concepts a threshold at `x` is about: the nearest lab, vital or
    /// score before it, with any list it ends ("AST, ALT < 2.5 x ULN").
    #[inline(never)]
    fn subjects(&self, x: &Expr) -> Vec<usize> {
        let measurable = |h: &Hit| matches!(h.concept.kind, ConceptKind::Lab | ConceptKind::Vital | ConceptKind::Score);
        let mut near = None;
        for (k, h) in self.hits.iter().enumerate().rev() {
            if h.b > x.a {
                continue;
            }
            if !self.filler_between(h.b, x.a, 6) {
                break;
            }
            if measurable(h) {
                near = Some(k);
                break;
            }
        }
        let Some(mut k) = near else {
            // "≥ 3 swollen joints": the concept right after.
            return self
                .hits
                .iter()
                .position(|h| h.a >= x.b && measurable(h) && self.words_between(x.b, h.a) == 0 && self.same_clause(x.b, h.a))
                .into_iter()
                .collect();
        };
        // "lymphocyte count in the blood routine > 0.5": the specific test
        // named before its panel is what the threshold is about.
        if k > 0 {
            let p = &self.hits[k - 1];
            if measurable(p) && p.concept.parents.iter().any(|id| *id == self.hits[k].concept.id) && self.filler_between(p.b, self.hits[k].a, 5) {
                k -= 1;
            }
        }
        let mut out = vec![k];
        // "AST and ALT", "AST/ALT", "AST, ALT": same threshold for each.
        while k > 0 {
            let p = &self.hits[k - 1];
            // "AST(SGOT)/ALT(SGPT)": parentheses around a synonym do not break the list.
            let gap: String = self.f.string(p.b, self.hits[k].a).chars().filter(|c| !matches!(c, '(' | ')')).collect();
            let g = gap.trim();
            let joined = matches!(g, "," | "/" | "and" | "or" | "&" | ", and" | ", or" | "and/or" | "")
                || (g.starts_with('(') && g.ends_with(')') && g.len() < 12);
            // "Positive HBsAg or HBV DNA > 1000 IU/mL": a test with its own result takes no threshold.
            let own_result = self.cues.iter().any(|c| matches!(c.cue, Cue::Positive | Cue::Negative) && (c.b <= p.a && self.words_between(c.b, p.a) == 0 || c.a >= p.b && self.words_between(p.b, c.a) == 0 || c.a >= p.a && c.b <= p.b));
            // "Abnormal liver function (ALT ≥ 3 × ULN)": the panel before one of
            // its tests is not in the list.
            let panel = self.hits[k].concept.parents.iter().any(|id| *id == p.concept.id);
            if !joined || !measurable(p) || own_result || panel {
                break;
            }
            if p.concept.id != self.hits[k].concept.id {
                out.push(k - 1);
            }
            k -= 1;
        }
        out.reverse();
        out
    }

    /// The words before `at` that name what a threshold measures, when the
    /// lexicon does not know them ("Karnofsky performance status > 60").
    /// A threshold in parentheses takes the name before them
    /// ("bradycardia (< 50 beats/min)").
    fn name_before(&self, at: usize) -> Option<(usize, usize)> {
        let mut i = self.f.skip_spaces_back(at);
        if i > 0 && matches!(self.f.get(i - 1), '(' | ':') {
            i = self.f.skip_spaces_back(i - 1);
        }
        let mut words: Vec<(usize, usize)> = Vec::new();
        while i > 0 && words.len() < 6 {
            let c = self.f.get(i - 1);
            // "Diarrhea, grade 1 or greater": a level word alone reaches past the comma.
            let levels_so_far = !words.is_empty() && words.iter().all(|w: &(usize, usize)| self.word_is(w.0, w.1, &["stage", "grade", "class", "level"]));
            if c == ',' && levels_so_far {
                i -= 1;
                continue;
            }
            if matches!(c, ';' | '.' | ',' | '\n' | '(' | ')' | '[' | ']' | ':' | '=' | '<' | '>' | '≤' | '≥') {
                break;
            }
            if self.f.is_word(i - 1) {
                let e = i;
                while i > 0 && (self.f.is_word(i - 1) || matches!(self.f.get(i - 1), '-' | '\'' | '/')) {
                    i -= 1;
                }
                // A number ends the name ("5x ULN or ≤ 5"), a name with digits ("FEV1") does not.
                if self.f.get(i).is_ascii_digit() {
                    break;
                }
                words.push((i, e));
            } else {
                i -= 1;
            }
        }
        words.reverse();
        self.clean_name(words)
    }

    /// The words right after a threshold that name what it counts
    /// ("> 7 metabolic equivalents", "≥ 3 swollen joints").
    fn name_after(&self, at: usize) -> Option<(usize, usize)> {
        let mut i = self.f.skip_spaces(at);
        let mut words = Vec::new();
        while i < self.f.len() && words.len() < 3 {
            if !self.f.is_word(i) {
                if self.f.get(i) == ' ' {
                    i += 1;
                    continue;
                }
                break;
            }
            let s = i;
            while self.f.is_word(i) || (self.f.get(i) == '-' && self.f.is_word(i + 1)) {
                i += 1;
            }
            if self.word_in(&super::lex::get().function, s, i) || self.word_in(&super::lex::get().stop, s, i) {
                break;
            }
            words.push((s, i));
        }
        self.clean_name(words)
    }

    /// Trims function words from both ends of a run of words; `None` when
    /// nothing that could name a concept is left.
    fn clean_name(&self, mut words: Vec<(usize, usize)>) -> Option<(usize, usize)> {
        let t = super::lex::get();
        let func = |w: &(usize, usize)| self.word_in(&t.function, w.0, w.1);
        while words.last().is_some_and(&func) {
            words.pop();
        }
        // Keep the words after the last function word that is not "of"/"in"
        // ("of Karnofsky score" -> "Karnofsky score", but "duration of symptoms" stays).
        if let Some(cut) = words.iter().rposition(|w| func(w) && !self.word_is(w.0, w.1, &["of", "in", "on", "at"])) {
            words.drain(..=cut);
        }
        // Leading filler goes too ("at least one focal lesion" -> "focal lesion").
        while words.first().is_some_and(|w| func(w) || (words.len() > 1 && self.word_in(&t.stop, w.0, w.1))) {
            words.remove(0);
        }
        while words.last().is_some_and(&func) {
            words.pop();
        }
        // A unit ("cm on the 10 cm") or a cue word names nothing.
        let named = words.iter().any(|w| {
            let unit = t.units_from(self.f.get(w.0)).any(|(p, _, _)| w.0 < w.1 && p.as_slice() == &self.f.c[w.0..w.1]);
            !self.word_in(&t.stop, w.0, w.1) && !unit && !self.cues.iter().any(|c| c.a <= w.0 && w.1 <= c.b)
        });
        // A level word alone ("Grade 2 or 3") names nothing either.
        let levels_only = words.iter().all(|w| self.word_is(w.0, w.1, &["stage", "grade", "class", "level", "score"]));
        if !named || levels_only {
            return None;
        }
        Some((words.first()?.0, words.last()?.1))
    }

    #[inline(never)]
    fn place_expr(&self, x: &Expr, drafts: &mut Vec<Draft>, mods: &mut Vec<Modifier>, used_hits: &mut [bool], used_cues: &mut [bool]) {
        if x.bare && self.hits.iter().any(|h| h.a <= x.a && x.b <= h.b) {
            // The number belongs to a name the lexicon knows ("CKD stage 5").
            return;
        }
        if x.bare {
            // "NYHA 4", "ASA class 2", "GOLD 1": a level of the score just before.
            let score = self.hits.iter().enumerate().rev().find(|(_, h)| h.b <= x.a).filter(|(_, h)| {
                h.concept.kind == ConceptKind::Score && self.filler_between(h.b, x.a, 2) && {
                    let gap = self.f.string(h.b, x.a);
                    gap.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).all(|w| matches!(w, "class" | "grade" | "stage" | "score" | "status" | "of" | "category" | "group" | "level"))
                }
            });
            if let Some((k, h)) = score {
                used_hits[k] = true;
                let mut atom = Atom { kind: AtomKind::Measurement, concept: Some(h.concept.to_ref()), ..Atom::default() };
                self.fill_value(&mut atom, x);
                atom.unit = Some("{score}".into());
                drafts.push(Draft { atom, a: h.a, b: x.b, val: Some((x.a, x.b)) });
            } else if let Some((na, nb)) = self.name_before(x.a).filter(|&(na, nb)| {
                let k = self.f.skip_spaces_back(x.a);
                let levelled = ["stage", "grade", "class", "level"].iter().any(|w| self.f.string(k.saturating_sub(w.len()), k) == *w);
                // The level word alone ("Stage 4 colon cancer") names nothing.
                let named = self.f.string(na, nb).split(|c: char| !c.is_alphanumeric()).any(|w| !w.is_empty() && !matches!(w, "stage" | "grade" | "class" | "level"));
                levelled && named
            }) {
                // "Duke stage 5": a level of what is named before.
                let name = self.span(na, nb).slice(self.text).to_string();
                let mut atom = Atom { kind: AtomKind::Measurement, concept: Some(ConceptRef { id: None, name, code: None }), ..Atom::default() };
                self.fill_value(&mut atom, x);
                drafts.push(Draft { atom, a: na, b: x.b, val: Some((x.a, x.b)) });
            }
            return;
        }
        let dim = x.dim;
        // "= 4 (0-10)": the range of the scale, not a criterion.
        let open = self.f.skip_spaces_back(x.a);
        if x.is_range() && open > 0 && self.f.get(open - 1) == '(' {
            let before = self.f.skip_spaces_back(open - 1);
            if self.exprs.iter().any(|e| e.b == before) {
                return;
            }
        }
        // Life expectancy and the like: a judgment with a threshold.
        if dim == Some(Dim::Time) {
            if let Some(c) = self.cue_before(x.a, 3, &[Cue::Judgment]) {
                let name = self.f.span(c.a, c.b).slice(self.text).to_string();
                if name.lower().contains("surviv") || name.lower().contains("expectancy") {
                    let mut atom = Atom { kind: AtomKind::Judgment, concept: Some(ConceptRef { id: None, name, code: None }), ..Atom::default() };
                    self.fill_value(&mut atom, x);
                    let (a, b) = (c.a, x.b);
                    self.mark_cues(c.a, c.b, used_cues);
                    drafts.push(Draft { atom, a, b, val: Some((x.a, x.b)) });
                    return;
                }
            }
        }
        // Ages: "aged 18-65 years", "≥18 years old", "18 years of age or older".
        let age_cue = self.cue_before(x.a, 2, &[Cue::Age]).map(|c| (c.a, c.b)).or_else(|| self.cue_after(x.b, 1, &[Cue::Age]).map(|c| (c.a, c.b)));
        let written = self.f.string(x.a, x.b);
        let older = written.contains("older") || written.contains("younger") || written.contains("age");
        let yearish = x.unit.as_deref() == Some("a")
            || (x.unit.is_none() && (older || self.cue_before(x.a, 2, &[Cue::Age]).is_some()) && !x.is_uln())
            || (dim == Some(Dim::Time) && self.cue_before(x.a, 1, &[Cue::Age]).is_some());
        // "= 18yrs" alone: a bound in years with nothing it could be the duration of.
        // Ages under 12 alone are more often durations ("over 2 years").
        let lone_years = x.unit.as_deref() == Some("a")
            && (x.cmp.is_some() && x.value.is_some_and(|v| v >= 12.0) || x.is_range())
            && self.cue_before(x.a, 3, &[Cue::DurationPre, Cue::WindowPre, Cue::WindowNext]).is_none()
            && !self.hits.iter().any(|h| h.b <= x.a && self.same_clause(h.b, x.a) && !matches!(h.concept.kind, ConceptKind::Lab | ConceptKind::Vital | ConceptKind::Score));
        let leads = (self.words_between(0, x.a) == 0 || lone_years) && (x.cmp.is_some() || x.is_range());
        if yearish && (age_cue.is_some() || older || leads || x.unit.is_some() && self.clause_has(x.a, Cue::Age)) && !self.has_window_cue(x) {
            let mut atom = Atom { kind: AtomKind::Age, concept: Some(ConceptRef { id: None, name: "Age".into(), code: Some("LOINC:30525-0".into()) }), ..Atom::default() };
            self.fill_value(&mut atom, x);
            atom.unit = Some(x.unit.clone().unwrap_or_else(|| "a".into()));
            let (mut a, mut b) = (x.a, x.b);
            if let Some((ca, cb)) = age_cue {
                a = a.min(ca);
                b = b.max(cb);
                self.mark_cues(ca, cb, used_cues);
            }
            drafts.push(Draft { atom, a, b, val: Some((x.a, x.b)) });
            return;
        }
        if dim == Some(Dim::Time) {
            self.time_modifier(x, mods, used_cues);
            return;
        }
        // Doses: a rate of a drug ("prednisone ≤ 7.5 mg/day"), or a mass after a drug.
        if matches!(dim, Some(Dim::Dose) | Some(Dim::Mass)) {
            let drug_near = self.hits.iter().rev().any(|h| {
                let reach = if dim == Some(Dim::Mass) { 4 } else { 12 };
                matches!(h.concept.kind, ConceptKind::Drug | ConceptKind::DrugClass) && h.b <= x.a && self.same_clause(h.b, x.a) && self.words_between(h.b, x.a) <= reach
            });
            // "Adalimumab 40 mg": a mass of something named reads as a dose too.
            let mass_named = dim == Some(Dim::Mass) && x.unit.as_deref().is_some_and(|u| matches!(u, "mg" | "ug" | "g")) && self.name_before(x.a).is_some();
            if dim == Some(Dim::Dose) || drug_near || mass_named {
                let dose = Dose {
                    comparator: if x.is_range() { None } else { x.cmp },
                    value: if x.is_range() { None } else { x.value },
                    low: x.low,
                    high: x.high,
                    unit: x.unit.clone().unwrap_or_default(),
                };
                mods.push(Modifier { a: x.a, b: x.b, window: None, duration: None, dose: Some(dose), name: self.name_before(x.a), anchor: None });
                return;
            }
        }
        // "BILAG at least 1 system is A", "≥ 2 organs": the number counts
        // what follows it, not a value of any score before it.
        if self.counts_next(x.b) {
            return;
        }
        let subjects = self.subjects(x);
        if subjects.is_empty() {
            // A bare count names what it counts after it ("> 3 hospitalizations").
            // "10 cm visual analogue scale": a number with no comparator before
            // the name describes the thing, it sets no bound on it.
            let described = x.cmp.is_none() && !x.is_range();
            let names = if x.unit.is_none() && !x.is_range() {
                [self.name_after(x.b), self.name_before(x.a)]
            } else {
                [self.name_before(x.a), if x.is_uln() || described { None } else { self.name_after(x.b) }]
            };
            // "grade 2 or higher acute graft-versus-host disease", "Grade 3-4
            // infusion reaction": a level of a condition the lexicon knows is
            // a qualifier of that condition.
            if x.unit.is_none() && self.levelled(x) {
                let level = names.iter().flatten().find_map(|&(na, mut nb)| {
                    // "Diarrhea, grade 1": the name without its level word.
                    loop {
                        let mut s = nb;
                        while s > na && self.f.is_word(s - 1) {
                            s -= 1;
                        }
                        if s == nb || !matches!(self.f.string(s, nb).as_str(), "grade" | "stage" | "class" | "level") {
                            break;
                        }
                        nb = s;
                        while nb > na && matches!(self.f.get(nb - 1), ' ' | ',') {
                            nb -= 1;
                        }
                    }
                    self.hits.iter().enumerate().find(|(_, h)| h.a < nb && nb <= h.b && matches!(h.concept.kind, ConceptKind::Condition | ConceptKind::Infection))
                });
                if let Some((k, h)) = level {
                    if !used_hits[k] {
                        used_hits[k] = true;
                        let word = ["grade", "stage", "class"].into_iter().find(|w| self.f.string(x.a.saturating_sub(12), x.b).contains(w)).unwrap_or("level");
                        let bound = if let (Some(l), Some(hi)) = (x.low, x.high) {
                            format!("{} {}-{}", word, l.value, hi.value)
                        } else {
                            let c = match x.cmp.unwrap_or(Comparator::Eq) {
                                Comparator::Ge => ">=",
                                Comparator::Le => "<=",
                                Comparator::Gt => ">",
                                Comparator::Lt => "<",
                                Comparator::Eq => "=",
                            };
                            format!("{word} {c} {}", x.value.unwrap_or_default())
                        };
                        let mut atom = Atom { kind: AtomKind::Condition, concept: Some(h.concept.to_ref()), qualifier: Some(bound), ..Atom::default() };
                        // Status and severity as on any condition ("serious, active infection").
                        let mut a = x.a.min(h.a);
                        if let Some((status, at)) = self.status_of(h.a, h.b, used_cues) {
                            atom.status = Some(status);
                            a = a.min(at);
                        }
                        // "serious, active infection (> Grade 2)", "grade 2 or higher acute GVHD".
                        let severity = self.cue_before(a, 0, &[Cue::Severity]).or_else(|| self.cue_before(h.a, 0, &[Cue::Severity]).filter(|c| c.a >= x.b));
                        if let Some(c) = severity {
                            atom.qualifier = Some(format!("{}, {}", self.f.string(c.a, c.b), atom.qualifier.unwrap_or_default()));
                            a = a.min(c.a);
                        }
                        drafts.push(Draft { atom, a, b: x.b.max(h.b), val: Some((x.a, x.b)) });
                    }
                    return;
                }
            }
            let named = names.iter().flatten().copied().find(|&n| self.names_measure(x, n));
            let Some((na, nb)) = named else {
                if names.iter().any(Option::is_some) {
                    return;
                }
                // "potassium < 3.5 or > 5.1 mEq/L", "<40 mg/dL in men, <50 mg/dL in women":
                // a second bound on what the threshold just before measured.
                let prev = drafts.iter().rev().find(|d| {
                    let units_agree = match (&d.atom.unit, &x.unit) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    };
                    units_agree && d.atom.kind == AtomKind::Measurement && d.val.is_some_and(|(_, vb)| vb <= x.a && self.same_clause(vb, x.a) && self.words_between(vb, x.a) <= 5)
                });
                if let Some(p) = prev {
                    let mut atom = Atom { kind: AtomKind::Measurement, concept: p.atom.concept.clone(), ..Atom::default() };
                    self.fill_value(&mut atom, x);
                    if atom.unit.is_none() {
                        atom.unit = p.atom.unit.clone();
                    }
                    drafts.push(Draft { atom, a: x.a, b: x.b, val: Some((x.a, x.b)) });
                }
                return;
            };
            let name = self.span(na, nb).slice(self.text).to_string();
            let mut atom = Atom { kind: AtomKind::Measurement, concept: Some(ConceptRef { id: None, name, code: None }), ..Atom::default() };
            self.fill_value(&mut atom, x);
            drafts.push(Draft { atom, a: na.min(x.a), b: nb.max(x.b), val: Some((x.a, x.b)) });
            return;
        }
        for k in subjects {
            used_hits[k] = true;
            let mut h = self.hits[k];
            // "absolute neutrophil count (ANC)": the same concept named twice.
            if k > 0 {
                let p = self.hits[k - 1];
                let gap = self.f.string(p.b, h.a);
                if p.concept.id == h.concept.id && matches!(gap.trim(), "(" | "" | ",") {
                    used_hits[k - 1] = true;
                    h.a = p.a;
                }
            }
            let mut atom = Atom { kind: AtomKind::Measurement, concept: Some(h.concept.to_ref()), ..Atom::default() };
            self.fill_value(&mut atom, x);
            if atom.unit.is_none() && h.concept.kind == ConceptKind::Score {
                atom.unit = Some("{score}".into());
            }
            let a = h.a.min(x.a);
            drafts.push(Draft { atom, a, b: x.b.max(h.b), val: Some((x.a, x.b)) });
        }
    }

    /// Whether a name read from the text (`na..nb`) can be what the
    /// threshold `x` measures. "1 or more csDMARDs", "≥ 2 prior chemotherapy
    /// regimens": a count of drugs, procedures or conditions is no
    /// measurement (the concept makes its own atom; the count stays
    /// uncovered). Otherwise a name is measured with a unit that measures
    /// something, as a level ("Grade 3-4 infusion reaction"), as an acronym
    /// of a test ("MADRS = 18", "TBUT < 5"), or when a word of it says so
    /// ("Hamilton rating scale score ≥ 18", "prostate volume"); any other
    /// name is a count the atoms cannot express ("> 3 hospitalizations").
    fn names_measure(&self, x: &Expr, (na, nb): (usize, usize)) -> bool {
        let t = super::lex::get();
        let levelled = self.levelled(x);
        let folded = self.f.string(na, nb);
        let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let measured = words.iter().any(|w| t.measure_words.contains(*w));
        let last_end = nb;
        let count = x.unit.is_none() && !levelled;
        if count && !measured && self.hits.iter().any(|h| h.a < last_end && last_end <= h.b && !matches!(h.concept.kind, ConceptKind::Lab | ConceptKind::Vital | ConceptKind::Score)) {
            return false;
        }
        let unit_measures = x.unit.is_some() && x.dim != Some(Dim::Time);
        let written = self.span(na, nb).slice(self.text);
        let last = written.rsplit(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or_default();
        // "MADRS", "TBUT", "HbA1c", "FEV1": capitals, or capitals with digits.
        let letters = last.chars().filter(|c| c.is_alphabetic()).count();
        let upper = last.chars().filter(|c| c.is_uppercase()).count();
        let acronym = letters >= 2 && (upper == letters || upper >= 1 && last.chars().any(|c| c.is_ascii_digit()));
        unit_measures || x.is_uln() || levelled || acronym || measured
    }

    /// Whether a name read from the text holds a lab, vital or score the
    /// lexicon knows ("HDL cholesterol"), so a mass or a rate after it
    /// measures that.
    fn names_quantity(&self, na: usize, nb: usize) -> bool {
        self.hits.iter().any(|h| h.a < nb && na < h.b && matches!(h.concept.kind, ConceptKind::Lab | ConceptKind::Vital | ConceptKind::Score))
    }

    /// Whether a level word stands right before the number ("grade 3-4",
    /// "> Grade 2", "stage ≥ 2").
    fn levelled(&self, x: &Expr) -> bool {
        const LEVEL: &[&str] = &["grade", "stage", "class", "level", "category", "tier", "type"];
        let inside = self.f.string(x.a, x.num_a);
        if inside.split(|c: char| !c.is_alphanumeric()).any(|w| LEVEL.contains(&w)) {
            return true;
        }
        let e = self.f.skip_spaces_back(x.a);
        let mut s = e;
        while s > 0 && self.f.is_word(s - 1) {
            s -= 1;
        }
        LEVEL.contains(&self.f.string(s, e).as_str())
    }

    /// Whether the word right after `at` names what a number counts ("1
    /// system", "2 Grade B organ scores").
    fn counts_next(&self, at: usize) -> bool {
        let s = self.f.skip_spaces(at);
        let mut e = s;
        while self.f.is_word(e) || (self.f.get(e) == '-' && self.f.is_word(e + 1)) {
            e += 1;
        }
        e > s && super::lex::get().counted.contains(&self.f.string(s, e))
    }

    /// "lupus nephritis, ISN/RPS class III or IV" → `class III/IV`; "anti-CD19
    /// CAR-T" → `CD19`: the qualifier and where it ends (or starts, when before).
    #[inline(never)]
    fn qualifier_of(&self, h: &Hit, kind: AtomKind) -> Option<(String, usize)> {
        let f = self.f;
        if kind == AtomKind::Condition {
            // "class" within four words after the concept, then roman numerals.
            let mut i = h.b;
            let limit = (h.b + 40).min(f.len());
            let class: Vec<char> = "class".chars().collect();
            while i < limit && !f.phrase_at(i, &class) {
                if matches!(f.get(i), ';' | '.') {
                    return None;
                }
                i += 1;
            }
            if i >= limit || self.words_between(h.b, i) > 4 {
                return None;
            }
            let mut j = i + class.len();
            let mut classes: Vec<String> = Vec::new();
            let mut end = j;
            loop {
                j = f.skip_spaces(j);
                let s = j;
                while matches!(f.get(j), 'i' | 'v' | 'x') {
                    j += 1;
                }
                if j > s && !f.is_word(j) {
                    classes.push(f.string(s, j).to_ascii_uppercase());
                    end = j;
                } else {
                    break;
                }
                let Some(k) = next_list_item(f, j, &['/', ',', '+']) else { break };
                j = k;
            }
            if classes.is_empty() {
                return None;
            }
            return Some((format!("class {}", classes.join("/")), end));
        }
        if kind == AtomKind::Procedure && h.concept.id.contains("car_t") {
            // The target inside or right before the name: "anti-CD19", "BCMA", "CD19/BCMA".
            let from = h.a.saturating_sub(16);
            let mut i = from;
            while i < h.b {
                let at_word = f.is_word(i) && (i == 0 || !f.is_word(i - 1));
                if at_word {
                    let s = i;
                    while f.is_word(i) {
                        i += 1;
                    }
                    let w = f.string(s, i);
                    let target = (w.starts_with("cd") && w.len() > 2 && w[2..].chars().all(|c| c.is_ascii_digit())) || w == "bcma" || w == "gprc5d";
                    if target && self.same_clause(s, h.a) {
                        return Some((w.to_ascii_uppercase(), if s < h.a { s } else { h.b }));
                    }
                } else {
                    i += 1;
                }
            }
        }
        None
    }

    /// "class III or IV", "stage II-III", "grade I": the levels after a
    /// level word within two words of `at`, and where they end.
    #[inline(never)]
    fn romans_after(&self, at: usize) -> Option<(Vec<u32>, usize)> {
        let f = self.f;
        let mut j = f.skip_spaces(at);
        let mut saw_word = false;
        for w in ["class", "stage", "grade", "functional class", "category"] {
            let p: Vec<char> = w.chars().collect();
            if f.phrase_at(j, &p) {
                j += p.len();
                saw_word = true;
                break;
            }
        }
        // The score's own name may end with the level word ("NYHA class").
        let named_level = ["class", "stage", "grade"].iter().any(|w| self.f.string(at.saturating_sub(w.len()), at) == *w);
        if !saw_word && !named_level {
            return None;
        }
        let mut levels = Vec::new();
        let mut end = j;
        loop {
            j = f.skip_spaces(j);
            let s = j;
            while matches!(f.get(j), 'i' | 'v') {
                j += 1;
            }
            let v = match f.string(s, j).as_str() {
                "i" => 1,
                "ii" => 2,
                "iii" => 3,
                "iv" => 4,
                "v" => 5,
                "vi" => 6,
                _ => 0,
            };
            if v == 0 || f.is_word(j) {
                break;
            }
            levels.push(v);
            end = j;
            let Some(k) = next_list_item(f, j, &['/', ',', '-']) else { break };
            j = k;
        }
        // "II-IV" is a range: fill the levels between.
        if levels.len() == 2 && (end - at) < 40 && self.f.string(at, end).contains('-') {
            let (a, b) = (levels[0], levels[1]);
            levels = (a.min(b)..=a.max(b)).collect();
        }
        if levels.is_empty() { None } else { Some((levels, end)) }
    }

    fn clause_has(&self, at: usize, cue: Cue) -> bool {
        self.cues.iter().any(|c| c.cue == cue && self.same_clause(c.a, at))
    }

    fn has_window_cue(&self, x: &Expr) -> bool {
        self.cue_before(x.a, 3, &[Cue::WindowPre, Cue::WindowNext]).is_some()
            || self.cue_after(x.b, 0, &[Cue::WindowBefore, Cue::WindowAfter]).is_some_and(|c| {
                let s = self.f.string(c.a, c.b);
                s != "of" && s != "from"
            })
    }

    fn fill_value(&self, atom: &mut Atom, x: &Expr) {
        atom.comparator = if x.is_range() { None } else { Some(x.cmp.unwrap_or(Comparator::Eq)) };
        atom.value = if x.is_range() { None } else { x.value };
        atom.low = x.low;
        atom.high = x.high;
        atom.unit = x.unit.clone();
        atom.alternates = x.alternates.clone();
        if let (Some(v), Some(o)) = (x.value, x.over) {
            atom.qualifier = Some(format!("{v}/{o}"));
        }
    }

    fn mark_cues(&self, a: usize, b: usize, used: &mut [bool]) {
        for (k, c) in self.cues.iter().enumerate() {
            if c.a >= a && c.b <= b {
                used[k] = true;
            }
        }
    }

    /// A time quantity: a window ("within 4 weeks prior to screening"), or a
    /// duration ("for at least 6 months").
    #[inline(never)]
    fn time_modifier(&self, x: &Expr, mods: &mut Vec<Modifier>, used_cues: &mut [bool]) {
        let value = x.value.or(x.high.map(|h| h.value)).unwrap_or(0.0);
        let unit = x.unit.clone().unwrap_or_default();
        let pre = self.cue_before(x.a, 3, &[Cue::WindowPre, Cue::WindowNext, Cue::DurationPre]).map(|c| (c.a, c.b, c.cue));
        let next = pre.is_some_and(|p| p.2 == Cue::WindowNext);
        let post = self.cue_after(x.b, 0, &[Cue::WindowBefore, Cue::WindowAfter]).map(|c| (c.a, c.b, c.cue));
        let mut a = x.a;
        let mut b = x.b;
        if let Some((pa, pb, _)) = pre {
            a = pa;
            self.mark_cues(pa, pb, used_cues);
        }
        let is_within = pre.is_some_and(|p| matches!(p.2, Cue::WindowPre | Cue::WindowNext));
        let post = post.filter(|p| {
            let s = self.f.string(p.0, p.1);
            (s != "of" && s != "from") || is_within
        });
        if is_within || post.is_some() {
            let direction = match post {
                Some((pa, pb, Cue::WindowAfter)) if !matches!(self.f.string(pa, pb).as_str(), "of" | "from") => Direction::After,
                _ if next => Direction::After,
                _ => Direction::Before,
            };
            let mut anchor = "now".to_string();
            let mut anchor_at = None;
            if let Some((pa, pb, _)) = post {
                self.mark_cues(pa, pb, used_cues);
                b = pb;
                if self.f.string(pa, pb) != "ago" {
                    let (an, ae) = self.anchor_after(pb);
                    if ae > an {
                        anchor = self.span(an, ae).slice(self.text).trim().to_string();
                        anchor_at = Some((an, ae));
                        b = ae;
                    }
                }
            }
            // "3 months after use of 1 or more csDMARDs": "after" with no event
            // read after it says nothing about now.
            if anchor_at.is_none() && direction == Direction::After && !next {
                return;
            }
            let comparator = if is_within { Some(Comparator::Le) } else { x.cmp.or(Some(Comparator::Eq)) };
            let window = Window { comparator, value, unit, direction, anchor, span: None };
            mods.push(Modifier { a, b, window: Some(window), duration: None, dose: None, name: None, anchor: anchor_at });
        } else {
            let duration = Duration { comparator: x.cmp.or(if x.is_range() { Some(Comparator::Ge) } else { None }), value: x.value.or(x.low.map(|l| l.value)).unwrap_or(value), unit };
            let name = self.name_before(x.a);
            mods.push(Modifier { a, b, window: None, duration: Some(duration), dose: None, name, anchor: None });
        }
    }

    /// The anchor event after "prior to" / "after": up to five words, to the
    /// end of the clause or a comma.
    fn anchor_after(&self, at: usize) -> (usize, usize) {
        let start = self.f.skip_spaces(at);
        let mut i = start;
        let mut words = 0;
        let mut end = start;
        while i < self.f.len() && words < 5 {
            let c = self.f.get(i);
            if matches!(c, ',' | ';' | '.' | '(' | ')' | '\n' | ':') && !(c == '.' && self.f.get(i + 1).is_ascii_digit()) {
                break;
            }
            if self.f.is_word(i) {
                let s = i;
                while self.f.is_word(i) || self.f.get(i) == '-' {
                    i += 1;
                }
                let w = self.f.string(s, i);
                let t = super::lex::get();
                let filler = t.function.contains(&w) && !matches!(w.as_str(), "the" | "of" | "a" | "an" | "to" | "in" | "on" | "at");
                if filler || matches!(w.as_str(), "unless" | "except") || w.chars().any(|c| c.is_ascii_digit()) {
                    break;
                }
                words += 1;
                end = i;
            } else {
                i += 1;
            }
        }
        (start, end)
    }

    /// The status written next to a condition, with where its cue starts.
    /// Whether the few words before `at`, in its clause, speak of the past
    /// ("prior", "previous", "received", "following", "history of") and
    /// none of the present ("current", "ongoing", "receiving", "on").
    fn history_before(&self, at: usize) -> bool {
        const PAST: &[&str] = &["prior", "previous", "previously", "history", "past", "received", "had", "failed", "following", "after", "exposure", "exposed", "pretreated", "pre-treated", "treated", "completed", "former"];
        const NOW: &[&str] = &["current", "currently", "ongoing", "receiving", "taking", "on", "using", "concomitant", "concurrent", "stable", "now", "active"];
        let mut words: Vec<String> = Vec::new();
        let mut i = at;
        while i > 0 && words.len() < 5 {
            let ch = self.f.get(i - 1);
            if matches!(ch, ',' | ';' | '.' | ':' | '\n' | '(' | ')') {
                break;
            }
            if self.f.is_word(i - 1) {
                let end = i;
                while i > 0 && (self.f.is_word(i - 1) || (self.f.get(i - 1) == '-' && i > 1 && self.f.is_word(i - 2))) {
                    i -= 1;
                }
                words.push(self.f.string(i, end));
            } else {
                i -= 1;
            }
        }
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        has(PAST) && !has(NOW)
    }

    fn status_of(&self, a: usize, b: usize, used: &mut [bool]) -> Option<(String, usize)> {
        let found = self
            .cues
            .iter()
            .find(|c| c.a >= a && c.b <= b && matches!(c.cue, Cue::Positive | Cue::Negative | Cue::History | Cue::Active))
            .or_else(|| self.cue_before(a, 2, &[Cue::History, Cue::Active, Cue::Positive, Cue::Negative]).filter(|c| !(c.b..a).any(|i| self.f.get(i) == ',')))
            .or_else(|| self.cue_after(b, 1, &[Cue::Positive, Cue::Negative]))?;
        let s = match found.cue {
            Cue::History => "history",
            Cue::Active => "active",
            Cue::Positive => "positive",
            Cue::Negative => "negative",
            _ => return None,
        };
        let (ca, cb) = (found.a, found.b);
        self.mark_cues(ca, cb, used);
        Some((s.into(), ca))
    }

    #[inline(never)]
    fn cue_atoms(&self, drafts: &mut Vec<Draft>, used: &mut [bool]) {
        let mut last: Option<(AtomKind, usize)> = None;
        for (k, c) in self.cues.iter().enumerate() {
            if used[k] {
                continue;
            }
            let kind = match c.cue {
                Cue::Pregnancy => AtomKind::Pregnancy,
                Cue::Breastfeeding => AtomKind::Breastfeeding,
                Cue::Contraception => AtomKind::Contraception,
                Cue::Consent => AtomKind::Consent,
                Cue::Judgment => AtomKind::Judgment,
                Cue::Participation => AtomKind::Participation,
                _ => continue,
            };
            // One atom per kind and clause.
            if let Some((lk, ld)) = last {
                if lk == kind && self.same_clause(drafts[ld].a, c.a) {
                    drafts[ld].b = drafts[ld].b.max(c.b);
                    continue;
                }
            }
            let mut atom = Atom { kind, ..Atom::default() };
            if kind == AtomKind::Pregnancy {
                if let Some(n) = self.cue_before(c.a, 2, &[Cue::Negative, Cue::Positive]) {
                    atom.status = Some(if n.cue == Cue::Negative { "negative test".into() } else { "positive test".into() });
                }
            }
            drafts.push(Draft { atom, a: c.a, b: c.b, val: None });
            last = Some((kind, drafts.len() - 1));
        }
    }

    /// "Women only", "Female, 18 to 45": a sex restriction when a sex word
    /// leads the criterion and nothing about pregnancy or contraception
    /// follows (then the word only names who the rest applies to).
    #[inline(never)]
    fn sex_atom(&self, drafts: &mut Vec<Draft>, used: &mut [bool]) {
        if self.cues.iter().any(|c| c.cue == Cue::BothSexes) {
            for (k, c) in self.cues.iter().enumerate() {
                if c.cue == Cue::BothSexes {
                    used[k] = true;
                }
            }
            return;
        }
        let reproductive = self.cues.iter().any(|c| matches!(c.cue, Cue::Pregnancy | Cue::Breastfeeding | Cue::Contraception));
        if reproductive {
            return;
        }
        let sexes: Vec<&CueHit> = self.cues.iter().filter(|c| matches!(c.cue, Cue::Female | Cue::Male)).collect();
        let Some(first) = sexes.first() else { return };
        if sexes.iter().any(|c| c.cue != first.cue) || self.words_between(0, first.a) > 2 {
            return;
        }
        // "Women who …", "Men with …" describe a subgroup, not a restriction.
        let after = self.f.skip_spaces(first.b);
        for w in ["who", "with", "if", "whose", "that"] {
            let p: Vec<char> = w.chars().collect();
            if self.f.phrase_at(after, &p) {
                return;
            }
        }
        let sex = if first.cue == Cue::Female { Sex::Female } else { Sex::Male };
        let atom = Atom { kind: AtomKind::Sex, sex: Some(sex), ..Atom::default() };
        drafts.push(Draft { atom, a: first.a, b: first.b, val: None });
    }

    /// Hangs windows, durations and doses on the atom they qualify: the
    /// nearest atom before them in the same clause, else the next after.
    #[inline(never)]
    fn attach(&self, drafts: &mut Vec<Draft>, mods: Vec<Modifier>) {
        for m in mods {
            let fits = |d: &Draft| {
                
                match (&m.dose, d.atom.kind) {
                    (Some(_), AtomKind::Medication) => d.atom.dose.is_none(),
                    (Some(_), _) => false,
                    (None, AtomKind::Age | AtomKind::Sex | AtomKind::Consent | AtomKind::Judgment) => false,
                    (None, _) => if m.window.is_some() { d.atom.window.is_none() } else { d.atom.duration.is_none() },
                }
            };
            // The nearest atom before, in the same clause and not across a comma
            // ("…, and do not change in 24 weeks after" qualifies no earlier atom).
            let before = drafts
                .iter()
                .enumerate()
                .rev()
                .find(|(_, d)| d.b <= m.b.max(m.a + 1) && d.a < m.a && self.same_clause(d.b.saturating_sub(1), m.a) && !(d.b..m.a).any(|i| self.f.get(i) == ',') && fits(d))
                .map(|(k, _)| k);
            // "prednisone (or equivalent dose of glucocorticoid) ≥ 100 mg/d": a
            // dose right after brackets is of the drug before them.
            let before = before.map(|k| {
                let close = self.f.skip_spaces_back(m.a);
                if m.dose.is_none() || close == 0 || self.f.get(close - 1) != ')' || drafts[k].a >= close {
                    return k;
                }
                let mut depth = 0;
                let mut open = None;
                for i in (close.saturating_sub(200)..close).rev() {
                    match self.f.get(i) {
                        ')' => depth += 1,
                        '(' => {
                            depth -= 1;
                            if depth == 0 {
                                open = Some(i);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(open) = open else { return k };
                if drafts[k].a < open {
                    return k;
                }
                drafts.iter().enumerate().rev().find(|(_, d)| d.b <= open && self.filler_between(d.b, open, 1) && fits(d)).map_or(k, |(j, _)| j)
            });
            // A window with its own anchor ("3 months after use of …") never reaches forward.
            let anchored = m.window.as_ref().is_some_and(|w| w.anchor != "now");
            let after = || {
                if anchored {
                    return None;
                }
                drafts.iter().position(|d| d.a >= m.b && self.same_clause(d.a, m.b) && self.words_between(m.b, d.a) <= 6 && fits(d))
            };
            let target = before.or_else(after);
            match target {
                Some(k) => {
                    let d = &mut drafts[k];
                    if let Some(mut w) = m.window {
                        w.span = Some(self.span(m.a, m.b));
                        // "stroke, myocardial infarction or TIA in the last 6 months": each one.
                        let mut j = k;
                        while j > 0 {
                            let (p, q) = (&drafts[j - 1], &drafts[j]);
                            let gap = if p.b <= q.a { self.f.string(p.b, q.a) } else { String::from("x") };
                            let joined = matches!(gap.trim(), "," | "or" | "and" | ", or" | ", and" | "/" | "and/or");
                            if !joined || p.atom.window.is_some() || p.atom.kind != q.atom.kind {
                                break;
                            }
                            drafts[j - 1].atom.window = Some(w.clone());
                            j -= 1;
                        }
                        let d = &mut drafts[k];
                        d.atom.window = Some(w);
                    } else if let Some(dur) = m.duration {
                        d.atom.duration = Some(dur);
                        d.atom.duration_span = Some(self.span(m.a, m.b));
                    } else if let Some(dose) = m.dose {
                        d.atom.dose = Some(dose);
                        d.atom.dose_span = Some(self.span(m.a, m.b));
                    }
                }
                None if m.dose.is_some() => {
                    // "Leflunomide ≤ 20mg/day" with a drug the lexicon does not know.
                    // A drug's name is one word; a longer name read from the text
                    // is what is measured ("HDL cholesterol < 40 mg/dL", "urinary
                    // protein > 3.5 g", "fetal weight > 4500 g"), or nothing
                    // ("allow usingglucocorticoids").
                    if let (Some(dose), Some((na, nb))) = (m.dose, m.name) {
                        let one_word = (na..nb).all(|i| self.f.is_word(i) || self.f.get(i) == '-');
                        let name = self.span(na, nb).slice(self.text).to_string();
                        let atom = if one_word {
                            Atom { kind: AtomKind::Medication, concept: Some(ConceptRef { id: None, name, code: None }), dose: Some(dose), dose_span: Some(self.span(m.a, m.b)), ..Atom::default() }
                        } else {
                            let measured = self.f.string(na, nb).split(|c: char| !c.is_alphanumeric()).any(|w| super::lex::get().measure_words.contains(w));
                            let glued = self.f.string(na, nb).split(|c: char| !c.is_alphanumeric()).any(|w| w.len() > 15);
                            if glued || !(measured || self.names_quantity(na, nb)) {
                                continue;
                            }
                            Atom {
                                kind: AtomKind::Measurement,
                                concept: Some(ConceptRef { id: None, name, code: None }),
                                comparator: if dose.low.is_some() || dose.high.is_some() { None } else { Some(dose.comparator.unwrap_or(Comparator::Eq)) },
                                value: dose.value,
                                low: dose.low,
                                high: dose.high,
                                unit: Some(dose.unit),
                                ..Atom::default()
                            }
                        };
                        let val = if atom.kind == AtomKind::Measurement { Some((m.a, m.b)) } else { None };
                        let pos = drafts.partition_point(|d| d.a <= na);
                        drafts.insert(pos, Draft { atom, a: na, b: m.b, val });
                    }
                }
                None => {
                    // "Duration of symptoms: 6 or more weeks": a measurement of a time,
                    // when the name says it is one ("amenorrhea last for at least
                    // 12 months" says it in a way the atoms cannot hold).
                    let measured = |&(na, nb): &(usize, usize)| self.f.string(na, nb).split(|c: char| !c.is_alphanumeric()).any(|w| super::lex::get().measure_words.contains(w));
                    if let (Some(dur), Some((na, nb))) = (m.duration, m.name.filter(measured)) {
                        let name = self.span(na, nb).slice(self.text).to_string();
                        let atom = Atom {
                            kind: AtomKind::Measurement,
                            concept: Some(ConceptRef { id: None, name, code: None }),
                            comparator: Some(dur.comparator.unwrap_or(Comparator::Eq)),
                            value: Some(dur.value),
                            unit: Some(dur.unit),
                            ..Atom::default()
                        };
                        let pos = drafts.partition_point(|d| d.a <= na);
                        drafts.insert(pos, Draft { atom, a: na, b: m.b, val: Some((m.a, m.b)) });
                    }
                }
            }
        }
    }

    /// "2019 EULAR/ACR", "2010 American College of Rheumatology (ACR)/European
    /// League Against Rheumatism (EULAR)": the classification criteria a
    /// diagnosis follows, set on the conditions of the same clause.
    #[inline(never)]
    fn classification(&self, drafts: &mut [Draft]) {
        const BODIES: &[&str] = &["acr", "eular", "slicc", "aecg", "isn", "rps", "isn/rps", "acr/eular", "eular/acr", "esc", "who", "nyha", "ilae", "ada", "mcdonald", "gold", "idsa", "kdigo", "iwg", "imwg", "cdc"];
        let f = self.f;
        let mut i = 0;
        while i + 4 <= f.len() {
            let year = (0..4).all(|k| f.get(i + k).is_ascii_digit()) && matches!(f.get(i), '1' | '2') && (i == 0 || !f.is_word(i - 1)) && !f.is_word(i + 4);
            if !year {
                i += 1;
                continue;
            }
            let mut names: Vec<String> = Vec::new();
            let mut j = i + 4;
            let mut words = 0;
            let mut end = j;
            while j < f.len() && words < 14 && self.same_clause(i, j) {
                if f.is_word(j) {
                    let s = j;
                    while f.is_word(j) {
                        j += 1;
                    }
                    let w = f.string(s, j);
                    words += 1;
                    if BODIES.contains(&w.as_str()) {
                        let up = w.to_ascii_uppercase();
                        if !names.contains(&up) {
                            names.push(up);
                        }
                        end = j;
                    } else if w == "criteria" || w == "classification" {
                        end = j;
                        if w == "criteria" {
                            break;
                        }
                    } else if (f.get(s).is_ascii_digit()) && names.is_empty() {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            if !names.is_empty() {
                let label = format!("{} {}", f.string(i, i + 4), names.join("/"));
                // The condition it classifies: nearest in the clause.
                let target = drafts
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.atom.kind == AtomKind::Condition && d.atom.classification.is_none() && self.same_clause(d.a, i))
                    .min_by_key(|(_, d)| d.a.abs_diff(i))
                    .map(|(k, _)| k);
                if let Some(k) = target {
                    drafts[k].atom.classification = Some(label);
                    drafts[k].atom.classification_span = Some(self.span(i, end));
                }
            }
            i = end.max(i + 4);
        }
    }

    /// "no", "without", "never": the atoms after the cue in its clause,
    /// up to a comma or "but", are negated.
    #[inline(never)]
    fn negate(&self, drafts: &mut [Draft]) {
        for c in self.cues.iter().filter(|c| c.cue == Cue::Negation) {
            // "non" is a prefix: it negates the word it is written with
            // ("non-smoker"), not what follows ("non-compliance, drug or
            // alcohol abuse").
            let prefix = c.b - c.a == 3 && self.f.string(c.a, c.b).eq_ignore_ascii_case("non");
            let mut stop = self.f.len();
            for i in c.b..self.f.len() {
                let ch = self.f.get(i);
                if matches!(ch, ';' | '\n') || (ch == '.' && !self.f.get(i + 1).is_ascii_digit()) {
                    stop = i;
                    break;
                }
            }
            for d in drafts.iter_mut() {
                if prefix && self.words_between(c.b, d.a) > 0 {
                    continue;
                }
                if d.a >= c.b && d.a < stop && self.words_between(c.b, d.a) <= 6 && !matches!(d.atom.kind, AtomKind::Measurement | AtomKind::Age | AtomKind::Sex) {
                    d.atom.negated = true;
                    if self.words_between(c.b, d.a) <= 3 && !(c.b..d.a).any(|i| self.f.get(i) == ',') {
                        d.a = d.a.min(c.a);
                    }
                }
            }
        }
    }

    /// "except …", "unless …", "excluding …": the atoms in the cue's scope
    /// are exceptions to the nearest atom before the cue.
    #[inline(never)]
    fn exceptions(&self, drafts: &mut Vec<Draft>) {
        for c in self.cues.iter().filter(|c| c.cue == Cue::Exception) {
            let Some(target) = drafts.iter().rposition(|d| d.a < c.a && d.atom.excepts.is_none()) else { continue };
            // Scope: to the end of the clause, or of the parenthesis the cue is in.
            let in_paren = {
                let mut depth = 0i32;
                let mut open = false;
                for i in (0..c.a).rev() {
                    match self.f.get(i) {
                        ')' => depth += 1,
                        '(' if depth == 0 => {
                            open = true;
                            break;
                        }
                        '(' => depth -= 1,
                        ';' | '\n' => break,
                        _ => {}
                    }
                }
                open
            };
            let mut stop = self.f.len();
            for i in c.b..self.f.len() {
                let ch = self.f.get(i);
                if matches!(ch, ';' | '\n') || (ch == '.' && !self.f.get(i + 1).is_ascii_digit()) || (in_paren && ch == ')') {
                    stop = i;
                    break;
                }
            }
            let mut any = false;
            for (k, d) in drafts.iter_mut().enumerate() {
                if k != target && d.a >= c.b && d.a < stop && d.atom.excepts.is_none() {
                    d.atom.excepts = Some(target);
                    any = true;
                }
            }
            if !any {
                let s = self.f.skip_spaces(c.b);
                let mut e = stop;
                while e > s && !self.f.is_word(e - 1) && self.f.get(e - 1) != ')' {
                    e -= 1;
                }
                let mut words = Vec::new();
                let mut i = s;
                while i < e {
                    if self.f.is_word(i) {
                        let w0 = i;
                        while i < e && (self.f.is_word(i) || (matches!(self.f.get(i), '-' | '\'') && self.f.is_word(i + 1))) {
                            i += 1;
                        }
                        words.push((w0, i));
                    } else {
                        i += 1;
                    }
                }
                let named = if words.len() <= 12 { self.clean_name(words) } else { None };
                if let Some((s, e)) = named {
                    let name = self.span(s, e).slice(self.text).to_string();
                    // What is excepted from a threshold is a condition of the patient.
                    let kind = match drafts[target].atom.kind {
                        AtomKind::Measurement | AtomKind::Age | AtomKind::Sex => AtomKind::Condition,
                        k => k,
                    };
                    let atom = Atom { kind, concept: Some(ConceptRef { id: None, name, code: None }), excepts: Some(target), ..Atom::default() };
                    drafts.push(Draft { atom, a: c.a, b: e, val: None });
                }
            }
        }
    }
}

/// After a list item ending at `j` ("III/IV", "2, 3 or 4"): the start of the
/// next item when a separator follows (one of `puncts`, "or", "and"), else
/// `None`.
fn next_list_item(f: &Folded, j: usize, puncts: &[char]) -> Option<usize> {
    let mut k = f.skip_spaces(j);
    let mut sep = false;
    if puncts.contains(&f.get(k)) {
        k = f.skip_spaces(k + 1);
        sep = true;
    }
    if f.phrase_at(k, &['o', 'r']) {
        k += 2;
        sep = true;
    } else if f.phrase_at(k, &['a', 'n', 'd']) {
        k += 3;
        sep = true;
    }
    sep.then_some(k)
}
