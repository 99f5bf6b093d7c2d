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
        // The longest phrase on word boundaries, as `Folded::phrase_at`
        // asks of each.
        let hit = t.cue_at(&f.c, i, |n| f.bounded(i, n)).map(|(n, cue)| (i + n, cue));
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

#[cfg(test)]
mod tests {
    use super::super::lex::get;
    use super::super::text::Folded;
    use crate::span::Span;

    /// The longest phrase at `i` as a scan of the whole table finds it,
    /// longest first: what the trie must agree with.
    fn by_table(f: &Folded, i: usize) -> Option<(usize, super::Cue)> {
        get().cues.iter().find(|(p, _)| f.phrase_at(i, p)).map(|(p, c)| (p.len(), *c))
    }

    #[test]
    fn the_trie_finds_what_the_table_does() {
        // Every phrase, glued to others and standing alone, in upper and
        // lower case, with prefixes and word characters around some.
        let t = get();
        let mut text = String::new();
        for (k, (p, _)) in t.cues.iter().enumerate() {
            let p: String = p.iter().collect();
            text.push_str(&p);
            text.push_str(match k % 4 {
                0 => " ",
                1 => "x ",
                2 => ", NOT ",
                _ => "",
            });
        }
        let f = Folded::new(&text, Span::new(0, text.len()));
        let mut found = 0;
        for i in 0..f.len() {
            let trie = t.cue_at(&f.c, i, |n| f.bounded(i, n));
            assert_eq!(trie, by_table(&f, i), "at {i}: {:?}", f.string(i, (i + 30).min(f.len())));
            found += usize::from(trie.is_some());
        }
        assert!(found > t.cues.len() / 2, "{found} phrases found");
    }
}
