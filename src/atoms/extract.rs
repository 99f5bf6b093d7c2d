//! Finds atoms in the text of one criterion.
//!
//! This first version knows ages ("≥18 years old", "aged 18-65 years").

use super::{Atom, AtomKind, Bound, Comparator, ConceptRef};
use crate::criteria::{Criterion, NodeKind, Understood};
use crate::span::Span;
use crate::trial::Trial;

/// Fills `atoms` and `understood` on every criterion of the trial's tree.
pub fn annotate(trial: &mut Trial) {
    let text = trial.eligibility_text.clone();
    for node in &mut trial.criteria {
        node.walk_mut(&mut |c: &mut Criterion| {
            if c.kind != NodeKind::Criterion {
                return;
            }
            let spans = c.own_spans();
            let mut atoms = Vec::new();
            for s in spans {
                atoms.extend(extract(&text, s));
            }
            c.understood = Some(if atoms.is_empty() { Understood::None } else { Understood::Partial });
            c.atoms = atoms;
        });
    }
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
    let s = span.slice(text);
    let lower = s.to_lowercase();
    if lower.len() != s.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for key in ["years", "year"] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(key) {
            let at = from + p;
            from = at + key.len();
            if let Some(atom) = age_before(s, at, span.start) {
                out.push(atom);
                break;
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

fn age_before(s: &str, unit_at: usize, base: usize) -> Option<Atom> {
    let head = s[..unit_at].trim_end();
    let (hi, hi_start) = number_at_end(head)?;
    let before = head[..hi_start].trim_end();
    let mut atom = Atom { kind: AtomKind::Age, unit: Some("a".into()), concept: Some(ConceptRef { id: None, name: "Age".into(), code: Some("LOINC:30525-0".into()) }), ..Atom::default() };
    let start;
    if let Some(b) = before.strip_suffix(['-', '~', '–']) {
        let (lo, lo_start) = number_at_end(b.trim_end())?;
        atom.low = Some(Bound { value: lo, inclusive: true });
        atom.high = Some(Bound { value: hi, inclusive: true });
        start = lo_start;
    } else {
        let (cmp, cmp_start) = if let Some(b) = before.strip_suffix('≥') {
            (Comparator::Ge, b.len())
        } else if let Some(b) = before.strip_suffix(">=") {
            (Comparator::Ge, b.len())
        } else if let Some(b) = before.to_lowercase().strip_suffix("at least") {
            (Comparator::Ge, b.len())
        } else {
            return None;
        };
        atom.comparator = Some(cmp);
        atom.value = Some(hi);
        start = cmp_start;
    }
    atom.span = Span::new(base + start, base + unit_at + "years".len().min(s.len() - unit_at));
    Some(atom)
}

fn number_at_end(s: &str) -> Option<(f64, usize)> {
    let digits = s.bytes().rev().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    if digits == 0 {
        return None;
    }
    let start = s.len() - digits;
    s[start..].parse().ok().map(|v| (v, start))
}
