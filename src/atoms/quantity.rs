//! Numbers, quantities and thresholds: "≥ 60g/L", "3×10^9/L", "30×109/L",
//! "1,500/mm3", "3 times the upper limit of normal", "18-65 years",
//! "between 18 and 65", "1~3 g/d", "ANA titer ≥ 1:80", "6 or more weeks",
//! "<221.0μmol/L (2.5mg/dl)". Works on the folded text; every step moves
//! forward a bounded distance, so a scan is linear in the text.

use super::lex::{get, Dim};
use super::text::Folded;
use super::{Bound, Comparator, Quantity};

/// A threshold or range as written, in folded indices `a..b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub a: usize,
    pub b: usize,
    /// Where the number itself starts (after any comparator).
    pub num_a: usize,
    pub cmp: Option<Comparator>,
    pub value: Option<f64>,
    pub low: Option<Bound>,
    pub high: Option<Bound>,
    pub unit: Option<String>,
    pub dim: Option<Dim>,
    pub alternates: Vec<Quantity>,
    /// "1:80" read as a titre.
    pub titre: bool,
    /// "140/90": the second number.
    pub over: Option<f64>,
    /// "between" or "from" came before a range.
    pub between: bool,
    /// A bare number: no comparator, unit or range. It only means something
    /// right after a score ("NYHA 4", "ASA 2"); the extractor decides.
    pub bare: bool,
}

impl Expr {
    pub fn is_range(&self) -> bool {
        self.low.is_some() || self.high.is_some()
    }
    pub fn is_uln(&self) -> bool {
        self.unit.as_deref() == Some("ULN")
    }
}

/// Every threshold in the folded text, in order, not overlapping.
pub fn scan(f: &Folded) -> Vec<Expr> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut last_end = 0;
    while i < f.len() {
        let starts = if f.get(i).is_ascii_digit() { !glued_to_name(f, i) } else { f.is_word(i) && (i == 0 || !f.is_word(i - 1)) };
        // A word whose first letter starts no number word and no ULN
        // phrase (most words) starts nothing read here.
        if starts && get().may_start_word_quantity(f.get(i)) {
            if let Some(e) = bare_uln_at(f, i, last_end) {
                i = e.b.max(i + 1);
                last_end = e.b;
                out.push(e);
                continue;
            }
            if let Some(e) = expr_at(f, i, last_end) {
                i = e.b.max(i + 1);
                last_end = e.b;
                out.push(e);
                continue;
            }
        }
        if starts {
            // Skip the rest of this word or number.
            let mut j = i + 1;
            while j < f.len() && (f.is_word(j) || (f.get(j) == '.' && f.get(j + 1).is_ascii_digit())) {
                j += 1;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// A digit glued to letters before it ("CD19", "DAS28", "IL-6", "HbA1c")
/// belongs to a name, not a number.
fn glued_to_name(f: &Folded, i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let p = f.get(i - 1);
    if p.is_alphanumeric() {
        return true;
    }
    if p == '-' && i >= 2 && f.get(i - 2).is_alphabetic() {
        return true;
    }
    // "1.5" read from its start only.
    p == '.' && i >= 2 && f.get(i - 2).is_ascii_digit()
}

/// Reads a plain number at `i`: digits with thousands commas and a decimal
/// point, or a number word ("three", optionally followed by "(3)").
pub fn number_at(f: &Folded, i: usize) -> Option<(f64, usize)> {
    let c = &f.c;
    if f.get(i).is_ascii_digit() {
        let mut j = i;
        let mut s = String::new();
        while j < c.len() && c[j].is_ascii_digit() {
            s.push(c[j]);
            j += 1;
        }
        // "0800 hours" is a time of day, not a quantity.
        if s.len() >= 3 && s.starts_with('0') && f.get(j) != '.' {
            return None;
        }
        // "100 000/uL": a space as the thousands separator, before a unit.
        if s.len() <= 3 && f.get(j) == ' ' && (1..=3).all(|k| f.get(j + k).is_ascii_digit()) && !f.get(j + 4).is_ascii_digit() && unit_at(f, j + 4).is_some() {
            for k in 1..=3 {
                s.push(c[j + k]);
            }
            j += 4;
        }
        // Thousands separators: ",ddd" not followed by another digit.
        if s.len() <= 3 {
            while f.get(j) == ',' && (1..=3).all(|k| f.get(j + k).is_ascii_digit()) && !f.get(j + 4).is_ascii_digit() {
                for k in 1..=3 {
                    s.push(c[j + k]);
                }
                j += 4;
            }
        }
        // "0,5 g/l": a decimal comma, read as such only when a unit follows.
        if f.get(j) == ',' && f.get(j + 1).is_ascii_digit() && s.len() <= 3 {
            let mut k = j + 1;
            while f.get(k).is_ascii_digit() && k - j <= 3 {
                k += 1;
            }
            if k - j <= 3 && !f.get(k).is_ascii_digit() && unit_at(f, k).is_some() {
                s.push('.');
                s.extend(f.c[j + 1..k].iter());
                return crate::decimal::parse(&s).map(|v| (v, k));
            }
        }
        if f.get(j) == '.' && f.get(j + 1).is_ascii_digit() {
            s.push('.');
            j += 1;
            while j < c.len() && c[j].is_ascii_digit() {
                s.push(c[j]);
                j += 1;
            }
        }
        if s.len() > 12 {
            return None;
        }
        return crate::decimal::parse(&s).map(|v| (v, j));
    }
    if f.is_word(i) && (i == 0 || !f.is_word(i - 1)) {
        for (w, v) in get().numbers_from(f.get(i)) {
            if f.phrase_at(i, w) {
                let mut j = i + w.len();
                // "three (3) months"
                let k = f.skip_spaces(j);
                if f.get(k) == '(' {
                    if let Some((v2, e)) = number_at(f, k + 1) {
                        if v2 == *v && f.get(e) == ')' {
                            j = e + 1;
                        }
                    }
                }
                return Some((*v, j));
            }
        }
    }
    None
}

#[inline]
fn raw_at(f: &Folded, i: usize, p: &[char]) -> bool {
    !p.is_empty() && i + p.len() <= f.len() && f.c[i] == p[0] && f.c[i..i + p.len()] == *p
}

/// [`raw_at`] for an ASCII string: `s` as it is at `i`, with no boundary.
fn str_at(f: &Folded, i: usize, s: &str) -> bool {
    debug_assert!(s.is_ascii());
    !s.is_empty() && i + s.len() <= f.len() && f.c[i..i + s.len()].iter().zip(s.bytes()).all(|(&c, b)| c == char::from(b))
}

fn word_at(f: &Folded, i: usize, w: &str) -> bool {
    f.phrase_at_str(i, w)
}

/// A unit right after `i` (spaces allowed): (UCUM, dimension, end).
pub fn unit_at(f: &Folded, i: usize) -> Option<(String, Dim, usize)> {
    let j = f.skip_spaces(i);
    if j - i > 2 {
        return None;
    }
    for (spelling, ucum, dim) in get().units_from(f.get(j)) {
        if raw_at(f, j, spelling) {
            let end = j + spelling.len();
            let last = spelling[spelling.len() - 1];
            if last.is_alphanumeric() && f.is_word(end) {
                continue;
            }
            // A single-letter unit must stand right by its number or after one space,
            // and not start a word that goes on ("3 d" yes, "3 dogs" no; checked above).
            return Some((ucum.clone(), *dim, end));
        }
    }
    None
}

/// "x 10^9", "×10(9)", "x10E9", "×109" (a lost superscript): the exponent and end.
fn sci_at(f: &Folded, i: usize) -> Option<(i32, usize)> {
    let mut j = f.skip_spaces(i);
    match f.get(j) {
        'x' | '*' => j += 1,
        _ => return None,
    }
    j = f.skip_spaces(j);
    if !(f.get(j) == '1' && f.get(j + 1) == '0') {
        return None;
    }
    let mut k = j + 2;
    let mut digits = String::new();
    while f.get(k).is_ascii_digit() && digits.len() < 3 {
        digits.push(f.get(k));
        k += 1;
    }
    if !digits.is_empty() {
        // "109/L": the superscript was lost in a copy.
        let e: i32 = digits.parse().ok()?;
        let after = f.skip_spaces(k);
        if matches!(e, 3 | 6 | 9 | 12) && matches!(f.get(after), '/' | 'c') {
            return Some((e, k));
        }
        return None;
    }
    let mut close = false;
    match f.get(k) {
        '^' | '*' | 'e' => k += 1,
        '(' => {
            k += 1;
            close = true;
        }
        _ => {}
    }
    if f.get(k) == '(' {
        k += 1;
        close = true;
    }
    let neg = f.get(k) == '-';
    if neg {
        k += 1;
    }
    let mut e = String::new();
    while f.get(k).is_ascii_digit() && e.len() < 3 {
        e.push(f.get(k));
        k += 1;
    }
    if e.is_empty() {
        return None;
    }
    if close && f.get(k) == ')' {
        k += 1;
    }
    let v: i32 = e.parse().ok()?;
    Some((if neg { -v } else { v }, k))
}

/// The unit after a "× 10^k": "/L" → `10*k/L`, "/μL", "/mm3" → `10*k/uL`.
fn sci_unit(f: &Folded, i: usize, exp: i32) -> (String, usize) {
    let j = f.skip_spaces(i);
    for (spelling, per) in [("cells/l", "/L"), ("/l", "/L"), ("cells/ul", "/uL"), ("/ul", "/uL"), ("/mm3", "/uL"), ("/mm^3", "/uL"), ("cells/mm3", "/uL"), ("/cumm", "/uL"), ("/cmm", "/uL")] {
        if str_at(f, j, spelling) && !f.is_word(j + spelling.len()) {
            return (format!("10*{exp}{per}"), j + spelling.len());
        }
    }
    (format!("10*{exp}"), i)
}

/// "≤ ULN", "below the upper limit of normal": a bound at one ULN, written
/// without a number.
fn bare_uln_at(f: &Folded, i: usize, floor: usize) -> Option<Expr> {
    if !f.is_word(i) || (i > 0 && f.is_word(i - 1)) {
        return None;
    }
    // Most words are no ULN phrase: that test is cheaper than the comparator's.
    if !get().uln_from(f.get(i)).any(|(p, weak)| !*weak && raw_at(f, i, p) && !f.is_word(i + p.len())) {
        return None;
    }
    let (cmp, a) = pre_comparator_before(f, i)?;
    if a < floor {
        return None;
    }
    for (p, weak) in get().uln_from(f.get(i)) {
        if !*weak && raw_at(f, i, p) && !f.is_word(i + p.len()) {
            let mut end = i + p.len();
            let k = f.skip_spaces(end);
            for tail in ["(uln)", "(unl)"] {
                if str_at(f, k, tail) {
                    end = k + tail.len();
                }
            }
            return Some(Expr {
                a,
                b: end,
                num_a: i,
                cmp: Some(cmp),
                value: Some(1.0),
                low: None,
                high: None,
                unit: Some("ULN".into()),
                dim: Some(Dim::Other),
                alternates: Vec::new(),
                titre: false,
                over: None,
                between: false,
                bare: false,
            });
        }
    }
    None
}

/// "ULN" after a multiple: optional "x"/"times"/"-fold", then a ULN phrase.
fn uln_at(f: &Folded, i: usize) -> Option<usize> {
    let mut j = f.skip_spaces(i);
    let mut mult = false;
    for m in ["times", "x", "-fold", "fold", "-times"] {
        if str_at(f, j, m) {
            j += m.len();
            mult = true;
            break;
        }
    }
    j = f.skip_spaces(j);
    for (p, weak) in get().uln_from(f.get(j)) {
        if *weak && !mult {
            continue;
        }
        if raw_at(f, j, p) && !f.is_word(j + p.len()) {
            let mut end = j + p.len();
            // "(ULN)" spelled out after the phrase.
            let k = f.skip_spaces(end);
            for tail in ["(uln)", "(unl)", "(uln )"] {
                if str_at(f, k, tail) {
                    end = k + tail.len();
                }
            }
            return Some(end);
        }
    }
    None
}

fn post_comparator_at(f: &Folded, i: usize) -> Option<(Comparator, usize)> {
    let j = f.skip_spaces(i);
    for (p, cmp, _) in get().post_from(f.get(j)) {
        if p.as_slice() == ['+'] {
            if f.get(i) == '+' {
                return Some((*cmp, i + 1));
            }
            continue;
        }
        if f.phrase_at(j, p) {
            return Some((*cmp, j + p.len()));
        }
    }
    None
}

/// A comparator phrase ending at `i` (spaces allowed): (comparator, start).
pub fn pre_comparator_before(f: &Folded, i: usize) -> Option<(Comparator, usize)> {
    let k = f.skip_spaces_back(i);
    // A comparator ending at `k` ends with the character before it: that
    // rules out almost every entry before the full comparison.
    let last = if k == 0 { return None } else { f.c[k - 1] };
    for (p, cmp, _) in get().pre_ending(last) {
        if k < p.len() {
            continue;
        }
        let s = k - p.len();
        if raw_at(f, s, p) {
            let left_ok = !p[0].is_alphanumeric() || s == 0 || !f.is_word(s - 1);
            if !left_ok {
                continue;
            }
            // A bare "=" or "-" part of a longer symbol is covered by the longer entries.
            return Some((*cmp, s));
        }
    }
    None
}

fn word_before(f: &Folded, i: usize, w: &str) -> Option<usize> {
    let k = f.skip_spaces_back(i);
    // The last character rules out almost every word before counting.
    if k == 0 || Some(f.c[k - 1]) != w.chars().next_back() {
        return None;
    }
    let n = w.chars().count();
    if k >= n && f.phrase_at_str(k - n, w) { Some(k - n) } else { None }
}

/// A number as read: (value, its unit with dimension, end, whether a multiple of ULN).
type Reading = (f64, Option<(String, Dim)>, usize, bool);

/// Reads a number with its exponent and unit.
fn quantity_at(f: &Folded, i: usize) -> Option<Reading> {
    let (mut v, mut e) = number_at(f, i)?;
    let mut unit = None;
    let mut uln = false;
    // "110^9/L": "1×10^9/L" with the "×" lost in a copy.
    if f.get(e) == '^' && e - i > 2 && f.c[e - 2..e] == ['1', '0'] && f.c[i..e].iter().all(|c| c.is_ascii_digit()) {
        let digits = f.string(i, e);
        let mut k = e + 1;
        let mut exp = String::new();
        while f.get(k).is_ascii_digit() && exp.len() < 2 {
            exp.push(f.get(k));
            k += 1;
        }
        if let (Ok(x), Ok(p)) = (exp.parse::<i32>(), crate::decimal::parse(&digits[..digits.len() - 2]).ok_or(())) {
            let (u, k2) = sci_unit(f, k, x);
            return Some((p, Some((u, Dim::Count)), k2, false));
        }
    }
    if let Some((exp, k)) = sci_at(f, e) {
        let (u, k2) = sci_unit(f, k, exp);
        unit = Some((u, Dim::Count));
        e = k2;
    } else if let Some(k) = uln_at(f, e) {
        unit = Some(("ULN".to_string(), Dim::Other));
        e = k;
        uln = true;
    } else if let Some((u, d, k)) = unit_at(f, e) {
        unit = Some((u, d));
        e = k;
    }
    if !v.is_finite() {
        v = 0.0;
    }
    Some((v, unit, e, uln))
}

fn expr_at(f: &Folded, i: usize, floor: usize) -> Option<Expr> {
    let (v1, mut u1, mut e, _) = quantity_at(f, i)?;
    let mut x = Expr {
        a: i,
        b: e,
        num_a: i,
        cmp: None,
        value: Some(v1),
        low: None,
        high: None,
        unit: None,
        dim: None,
        alternates: Vec::new(),
        titre: false,
        over: None,
        between: false,
        bare: false,
    };
    // Negative numbers only after a comparator ("T-score ≤ -2.5").
    let mut start = i;
    if i >= 1 && f.get(i - 1) == '-' && i >= 2 && matches!(f.get(f.skip_spaces_back(i - 1).saturating_sub(1)), '<' | '>' | '≤' | '≥' | '=') {
        x.value = Some(-v1);
        start = i - 1;
    }
    // Titre "1:80".
    if v1 == 1.0 && u1.is_none() && f.get(e) == ':' {
        if let Some((t, k)) = number_at(f, e + 1) {
            x.value = Some(t);
            x.titre = true;
            u1 = Some(("{titer}".into(), Dim::Other));
            e = k;
        }
    }
    // "140/90": a pair of numbers.
    if u1.is_none() && f.get(e) == '/' && f.get(e + 1).is_ascii_digit() {
        if let Some((v2, k)) = number_at(f, e + 1) {
            x.over = Some(v2);
            e = k;
            if let Some((u, d, k2)) = unit_at(f, e) {
                u1 = Some((u, d));
                e = k2;
            }
        }
    }
    // Postfix before the unit: "6 or more weeks".
    let mut post = None;
    if u1.is_none() {
        if let Some((c, k)) = post_comparator_at(f, e) {
            if let Some((u, d, k2)) = unit_at(f, k) {
                post = Some(c);
                u1 = Some((u, d));
                e = k2;
            }
        }
    }
    // Ranges: "18-65", "18 to 65", "1~3", "between 18 and 65", "7.1% and 11.0%".
    let between = word_before(f, start, "between")
        .or_else(|| word_before(f, start, "from"))
        .or_else(|| word_before(f, start, "range"))
        .or_else(|| ["between the ages of", "between the age of", "between ages of", "between the ages", "between ages", "between age"].iter().find_map(|w| word_before(f, start, w)));
    let mut j = f.skip_spaces(e);
    // "between 20 years old and 65 years old".
    if u1.is_some() && word_at(f, j, "old") {
        j = f.skip_spaces(j + 3);
    }
    let sep_len = if matches!(f.get(j), '-' | '~') && x.over.is_none() && !x.titre {
        Some(1)
    } else if word_at(f, j, "to") || word_at(f, j, "and") && between.is_some() {
        Some(if f.get(j) == 't' { 2 } else { 3 })
    } else {
        None
    };
    if post.is_none() {
        if let Some(sl) = sep_len {
            let k = f.skip_spaces(j + sl);
            if f.get(k).is_ascii_digit() || f.is_word(k) {
                if let Some((v2, u2, e2, _)) = quantity_at(f, k) {
                    // Each end in its own unit of one kind ("6 months to 9
                    // years"): the low end in the high end's unit.
                    let low = match (&u1, &u2) {
                        (Some(a), Some(b)) if a.0 == b.0 => Some(v1),
                        (Some(a), Some(b)) if a.1 == b.1 && a.1 == Dim::Time => crate::units::convert(v1, &a.0, &b.0, None).ok(),
                        (Some(_), Some(_)) => None,
                        _ => Some(v1),
                    };
                    if let Some(v1) = low.filter(|&l| v2 > l) {
                        x.low = Some(Bound { value: v1, inclusive: true });
                        x.high = Some(Bound { value: v2, inclusive: true });
                        x.value = None;
                        if u2.is_some() {
                            u1 = u2;
                        }
                        e = e2;
                        if let Some(b) = between {
                            start = b;
                            x.between = true;
                        }
                    }
                }
            }
        }
    }
    // A run of consecutive whole numbers: "0, 1 or 2".
    if !x.is_range() && u1.is_none() && v1.fract() == 0.0 && (0.0..20.0).contains(&v1) {
        let mut last = v1;
        let mut k = e;
        let mut end = e;
        loop {
            let mut j = f.skip_spaces(k);
            if f.get(j) == ',' {
                j = f.skip_spaces(j + 1);
            }
            // "0, 1 or 2"; not "and" ("codons 12 and 13").
            if word_at(f, j, "or") {
                j = f.skip_spaces(j + 2);
            }
            if j == f.skip_spaces(k) || !f.get(j).is_ascii_digit() {
                break;
            }
            match number_at(f, j) {
                Some((n, e2)) if n == last + 1.0 && !f.is_word(e2) => {
                    last = n;
                    k = e2;
                    end = e2;
                }
                _ => break,
            }
        }
        if last > v1 {
            x.low = Some(Bound { value: v1, inclusive: true });
            x.high = Some(Bound { value: last, inclusive: true });
            x.value = None;
            e = end;
        }
    }
    // "(including the boundary value)", "inclusive".
    let j = f.skip_spaces(e);
    if x.is_range() {
        for tail in ["(including the boundary value)", "(inclusive)", ", inclusive", "inclusive", "(both inclusive)", "(including boundary values)"] {
            let p: Vec<char> = tail.chars().collect();
            if raw_at(f, j, &p) {
                e = j + p.len();
                break;
            }
        }
    }
    // Postfix after the unit: "18 years or older", "50% or more", "18+",
    // also after "of age" or "old" ("18 years of age or older").
    if post.is_none() && !x.is_range() {
        // Not the next number's comparator: "older than 14 years and
        // younger than 25".
        if let Some((c, k)) = post_comparator_at(f, e).filter(|&(_, k)| !word_at(f, f.skip_spaces(k), "than")) {
            post = Some(c);
            e = k;
        } else if matches!(u1, Some((_, Dim::Time))) {
            let j = f.skip_spaces(e);
            let skip = ["of age", "old", "in age", "of age,", "old,"].iter().find(|w| word_at(f, j, w)).map(|w| j + w.chars().count());
            // Not when a comparator stands before the number ("younger than
            // 18 years of age or older than 95") or the postfix is the next
            // number's ("… or older than 95").
            if let Some((c, k)) = skip.and_then(|k| post_comparator_at(f, k)) {
                if pre_comparator_before(f, start).is_none() && !word_at(f, f.skip_spaces(k), "than") {
                    post = Some(c);
                    e = k;
                }
            }
        }
    }
    // A bare age before an upper bound is its lower bound: "aged 18 years
    // and less than 80 years", "18 years of age and under 65".
    if post.is_none() && !x.is_range() && matches!(u1, Some((_, Dim::Time))) && pre_comparator_before(f, start).is_none() {
        let mut j = f.skip_spaces(e);
        for w in ["of age", "old"] {
            if word_at(f, j, w) {
                j = f.skip_spaces(j + w.chars().count());
            }
        }
        if f.get(j) == ',' {
            j = f.skip_spaces(j + 1);
        }
        let joined = ["and", "to", "but"].iter().find(|w| word_at(f, j, w)).map(|w| f.skip_spaces(j + w.chars().count()));
        if let Some((c, _)) = joined.and_then(|k| pre_comparator_after(f, k)) {
            if matches!(c, Comparator::Lt | Comparator::Le) {
                post = Some(Comparator::Ge);
            }
        }
    }
    // Comparator before the number, or before a level word ("> Grade 2").
    let level_at = ["grade", "stage", "class"].iter().find_map(|w| word_before(f, start, w));
    if post.is_none() && !x.between && pre_comparator_before(f, start).is_none() {
        if let Some((c, s)) = level_at.and_then(|l| pre_comparator_before(f, l)) {
            if s >= floor {
                x.cmp = Some(c);
                start = s;
            }
        }
    }
    if post.is_none() && !x.between && x.cmp.is_none() {
        if let Some((c, s)) = pre_comparator_before(f, start) {
            if s >= floor {
                // Another number's range ("1-3") is not a comparator.
                if !(c == Comparator::Eq && s > 0 && f.get(s - 1) == '=') {
                    x.cmp = Some(c);
                    start = s;
                }
            }
        }
    }
    if x.cmp.is_none() {
        x.cmp = post;
    }
    if x.is_range() {
        if let Some(c) = x.cmp.take() {
            // "up to 18-65" is unusual; a comparator before a range reads as its bound.
            if matches!(c, Comparator::Le | Comparator::Lt) {
                x.low = None;
            } else if matches!(c, Comparator::Ge | Comparator::Gt) {
                x.high = None;
            }
        }
    }
    if let Some((u, d)) = u1 {
        x.unit = Some(u);
        x.dim = Some(d);
    }
    // Dual units: "<221.0μmol/L (2.5mg/dl)".
    let j = f.skip_spaces(e);
    if x.unit.is_some() && f.get(j) == '(' {
        let mut k = f.skip_spaces(j + 1);
        if let Some((_, s)) = pre_comparator_after(f, k) {
            k = f.skip_spaces(s);
        }
        if f.get(k).is_ascii_digit() {
            if let Some((v, Some((u, _)), e2, _)) = quantity_at(f, k) {
                let close = f.skip_spaces(e2);
                if f.get(close) == ')' && Some(&u) != x.unit.as_ref() {
                    x.alternates.push(Quantity { value: v, unit: u });
                    e = close + 1;
                }
            }
        }
    }
    x.a = start;
    x.b = e;
    x.num_a = i;
    // "stage 5", "grade 3": a level named by the word before it.
    if x.cmp.is_none()
        && x.unit.is_none()
        && !x.is_range()
        && f.get(i).is_ascii_digit()
        && !f.is_word(x.b)
        && ["stage", "grade", "class", "score", "level", "classes", "stages", "grades"].iter().any(|w| word_before(f, start, w).is_some())
    {
        x.cmp = Some(Comparator::Eq);
        x.bare = true;
    }
    // A bare number says little; it is kept marked `bare` when it stands
    // alone (not "2nd", not a list marker "1." or "(2)").
    let meaningful = x.cmp.is_some() || x.unit.is_some() || x.is_range();
    if !meaningful {
        let leads = (0..start).all(|k| !f.is_word(k));
        let marker = leads && matches!(f.get(x.b), ')' | '.' | ':') || (start > 0 && f.get(start - 1) == '(' && f.get(x.b) == ')');
        if !f.get(i).is_ascii_digit() || f.is_word(x.b) || marker || x.over.is_some() || x.titre {
            return None;
        }
        x.bare = true;
        x.cmp = Some(Comparator::Eq);
    }
    // A number word alone with a comparator but no unit is too loose ("more than one").
    if !f.get(i).is_ascii_digit() && x.unit.is_none() {
        return None;
    }
    Some(x)
}

/// A comparator phrase starting at `i`: (comparator, end).
fn pre_comparator_after(f: &Folded, i: usize) -> Option<(Comparator, usize)> {
    for (p, cmp, _) in get().pre_from(f.get(i)) {
        if raw_at(f, i, p) {
            return Some((*cmp, i + p.len()));
        }
    }
    None
}
