//! How much of a criterion its atoms capture: the content words of its own
//! text that no atom covers stay visible as `uncovered` spans.

use super::Atom;
use super::lex::get;
use crate::atoms::text::Lower;
use crate::criteria::Understood;
use crate::span::Span;

/// Every span an atom accounts for: the atom itself and its parts.
fn covered(atoms: &[Atom], accounted: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = atoms.iter().flat_map(Atom::spans).chain(accounted.iter().copied()).collect();
    crate::sort::sort(&mut out);
    out
}

/// `full` when every content word is covered (by an atom or a cue word
/// in `accounted`), `none` when there is no atom, else `partial`; with the
/// uncovered runs of content words.
pub fn judge(text: &str, spans: &[Span], atoms: &[Atom], accounted: &[Span]) -> (Understood, Vec<Span>) {
    let cov = covered(atoms, accounted);
    // Words come in text order: a sweep over the covering spans sorted by
    // start keeps the furthest end reached so far, so each word is tested in
    // constant time (a scan of every span per word was quadratic).
    let mut next = 0usize;
    let mut reach = 0usize;
    let stop = &get().stop;
    let mut uncovered: Vec<Span> = Vec::new();
    let mut content = 0usize;
    let mut words: Vec<(usize, usize)> = Vec::new();
    // One buffer for every word's lower case: most words are ASCII and
    // need no allocation of their own.
    let mut lower = String::new();
    for s in spans {
        let own = s.slice(text);
        words.clear();
        let mut start = None;
        for (i, c) in own.char_indices().chain(std::iter::once((own.len(), ' '))) {
            let alnum = if c.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() };
            let w = alnum || ((c == '\'' || c == '-') && start.is_some());
            match (w, start) {
                (true, None) => start = Some(i),
                (false, Some(st)) => {
                    words.push((st, i));
                    start = None;
                }
                _ => {}
            }
        }
        let mut run: Option<Span> = None;
        for (k, &(ws, we)) in words.iter().enumerate() {
            // Trailing hyphens and apostrophes off (ASCII: byte by byte).
            let mut end = we;
            while end > ws && matches!(own.as_bytes()[end - 1], b'-' | b'\'') {
                end -= 1;
            }
            let word = &own[ws..end];
            lower.clear();
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.push_str(&word.lower());
            }
            let marker = k == 0 && word.chars().count() <= 3 && own[we..].starts_with(['.', ')', '）']);
            let is_content = !stop.contains(lower.as_str()) && !marker && !lower.chars().all(|c| c.is_ascii_punctuation());
            let span = Span::new(s.start + ws, s.start + we);
            while next < cov.len() && cov[next].start <= span.start {
                reach = reach.max(cov[next].end);
                next += 1;
            }
            let is_cov = reach >= span.end;
            if is_content {
                content += 1;
            }
            if is_content && !is_cov {
                run = Some(match run {
                    Some(r) => r.cover(span),
                    None => span,
                });
            } else if is_cov {
                if let Some(r) = run.take() {
                    uncovered.push(r);
                }
            }
        }
        if let Some(r) = run {
            uncovered.push(r);
        }
    }
    // "Male or female" has no atom yet says all it means: a cue word
    // covers every content word, so it is understood in full.
    let understood = if content > 0 && uncovered.is_empty() && (!atoms.is_empty() || !accounted.is_empty()) {
        Understood::Full
    } else if atoms.is_empty() {
        Understood::None
    } else if uncovered.is_empty() {
        Understood::Full
    } else {
        Understood::Partial
    };
    (understood, uncovered)
}
