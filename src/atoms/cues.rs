//! Cue phrases (negation, exceptions, pregnancy, consent, windows, …) found
//! in the folded text, longest first, not overlapping each other or a threshold.

use super::lex::{get, Cue};
use super::quantity::Expr;
use super::text::Folded;

/// A cue phrase in folded indices.
#[derive(Clone, Copy, Debug)]
pub struct CueHit {
    pub a: usize,
    pub b: usize,
    pub cue: Cue,
}

pub fn scan(f: &Folded, exprs: &[Expr]) -> Vec<CueHit> {
    let t = get();
    let mut out = Vec::new();
    let mut x = 0; // next threshold that may cover i
    let mut i = 0;
    while i < f.len() {
        while x < exprs.len() && exprs[x].b <= i {
            x += 1;
        }
        let inside = x < exprs.len() && exprs[x].a <= i && i < exprs[x].b;
        let c = f.get(i);
        // Not inside a hyphenated word ("triple-negative", "HBV-positive" name one thing).
        let in_compound = i >= 2 && f.get(i - 1) == '-' && f.is_word(i - 2);
        let starts = if f.is_word(i) { i == 0 || (!f.is_word(i - 1) && !in_compound) } else { c != ' ' };
        if inside || !starts {
            i += 1;
            continue;
        }
        let mut hit = None;
        for (p, cue) in t.cue_index(c) {
            if f.phrase_at(i, p) {
                hit = Some((i + p.len(), *cue));
                break;
            }
        }
        match hit {
            Some((b, cue)) => {
                out.push(CueHit { a: i, b, cue });
                i = b;
            }
            None => i += 1,
        }
    }
    out
}
