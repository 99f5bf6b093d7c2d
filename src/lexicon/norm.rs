//! Normalisation of text for matching, and the character trie the matcher
//! walks.
//!
//! Text and synonyms go through the same [`units`] function, so that both
//! sides agree on what is "the same" name: case, diacritics, full-width
//! forms, typographic quotes and dashes, runs of white space and hyphens,
//! possessive `'s` and Greek letters written out (`β` = `beta`).

/// What a source character is, for word-boundary decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// A letter of a script that separates words with spaces (Latin, Greek,
    /// Cyrillic…). Letters glued to a name make it part of a longer word.
    Letter,
    Digit,
    /// Anything else, including separators, operators and CJK characters
    /// (Chinese text glues names to the words around them without spaces).
    Other,
}

/// One normalised character, with the byte range of the source text it
/// stands for. Several units may share one source character (`β` gives
/// `b`,`e`,`t`,`a`); one unit may stand for several (a run of spaces).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unit {
    /// Lower-cased form, for case-insensitive synonyms.
    pub lc: char,
    /// Case-preserving form, for case-sensitive synonyms.
    pub cs: char,
    pub class: Class,
    pub start: u32,
    pub end: u32,
}

/// The separator every run of white space, hyphens and dashes becomes.
pub(crate) const SEP: char = ' ';

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '\u{3000}')
}

/// Characters that do not show (soft hyphen, zero-width joiners, byte-order
/// mark) and combining accents: dropped, so that "hemo\u{ad}globin" and a
/// decomposed "Sjo\u{308}gren" read as the words they show.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{300}'..='\u{36f}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ' | '＇')
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x2FA1F)
}

fn class_of(c: char) -> Class {
    // `_` joins identifiers (`ct_last_update`): a name glued to it is part of a word.
    if c == '_' {
        return Class::Letter;
    }
    if c.is_numeric() {
        Class::Digit
    } else if c.is_alphabetic() && !is_cjk(c) {
        Class::Letter
    } else {
        Class::Other
    }
}

/// Full-width ASCII forms (`＞`, `Ｈｂ`) to ASCII; `µ` (micro sign) to `μ`.
fn plain(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x00B5 => 'μ',
        _ => strip_diacritic(c),
    }
}

/// Letters with diacritics to their base letter (`ö` → `o`), for the Latin
/// letters that occur in medical names (Sjögren, Ménétrier, Behçet).
fn strip_diacritic(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => 'A',
        'ç' | 'ć' | 'č' => 'c',
        'Ç' | 'Ć' | 'Č' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' => 'I',
        'ñ' | 'ń' | 'ň' => 'n',
        'Ñ' | 'Ń' | 'Ň' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        'š' | 'ś' => 's',
        'Š' | 'Ś' => 'S',
        'ž' | 'ź' | 'ż' => 'z',
        'Ž' | 'Ź' | 'Ż' => 'Z',
        _ => c,
    }
}

/// Greek letters that names write either way (`β-hCG`, `beta-hCG`).
fn greek(c: char) -> Option<&'static str> {
    Some(match c {
        'α' | 'Α' => "alpha",
        'β' | 'Β' | 'ß' => "beta",
        'γ' | 'Γ' => "gamma",
        'δ' | 'Δ' => "delta",
        'κ' | 'Κ' => "kappa",
        'λ' | 'Λ' => "lambda",
        _ => return None,
    })
}

fn lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Normalises `text` into units. Linear in the length of the text.
pub(crate) fn units(text: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        // Most text is ASCII letters, digits and spaces: settle those without
        // the Unicode tables below.
        if c.is_ascii_alphanumeric() {
            let class = if c.is_ascii_digit() { Class::Digit } else { Class::Letter };
            out.push(Unit { lc: c.to_ascii_lowercase(), cs: c, class, start: i as u32, end: end as u32 });
            continue;
        }
        let c = plain(c);
        if is_invisible(c) {
            continue;
        }
        if is_separator(c) {
            match out.last_mut() {
                // A run of separators is one unit.
                Some(u) if u.lc == SEP => u.end = end as u32,
                _ => out.push(Unit { lc: SEP, cs: SEP, class: Class::Other, start: i as u32, end: end as u32 }),
            }
            continue;
        }
        if is_apostrophe(c) {
            // A possessive `'s` goes with its apostrophe ("Sjögren's" is
            // "Sjögren"), any other apostrophe is dropped ("Crohn’s" and
            // "Crohns" differ only in the possessive).
            if let Some(&(_, s)) = chars.peek() {
                if s == 's' || s == 'S' {
                    let mut ahead = chars.clone();
                    ahead.next();
                    let after = ahead.peek().map(|&(_, a)| class_of(plain(a)));
                    if after != Some(Class::Letter) && after != Some(Class::Digit) {
                        chars.next();
                    }
                }
            }
            continue;
        }
        let class = class_of(c);
        if let Some(name) = greek(c) {
            for g in name.chars() {
                out.push(Unit { lc: g, cs: g, class, start: i as u32, end: end as u32 });
            }
            continue;
        }
        out.push(Unit { lc: lower(c), cs: c, class, start: i as u32, end: end as u32 });
    }
    out
}

/// The key a synonym is stored under: its units without leading or
/// trailing separators.
pub(crate) fn key(units: &[Unit], case_sensitive: bool) -> Vec<char> {
    let mut k: Vec<char> = units.iter().map(|u| if case_sensitive { u.cs } else { u.lc }).collect();
    while k.last() == Some(&SEP) {
        k.pop();
    }
    let lead = k.iter().take_while(|&&c| c == SEP).count();
    k.drain(..lead);
    k
}

/// Appends the key of `name` (what [`key`] gives for its [`units`], as
/// UTF-8) to `out`. Most names are ASCII: those are folded here byte by
/// byte, with no units made; others go through [`units`].
pub(crate) fn key_into(name: &str, case_sensitive: bool, out: &mut Vec<u8>) {
    let b = name.as_bytes();
    if !name.is_ascii() {
        let mut buf = [0; 4];
        key(&units(name), case_sensitive).iter().for_each(|c| out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()));
        return;
    }
    let start = out.len();
    // Most names have nothing to fold but case: single spaces inside, no
    // hyphen, apostrophe or other white space.
    let mut plain = b.first() != Some(&b' ') && b.last() != Some(&b' ');
    let mut prev = 0;
    for &c in b {
        if matches!(c, b'-' | b'\'' | b'`' | b'\t'..=b'\r') || (c == b' ' && prev == b' ') {
            plain = false;
            break;
        }
        prev = c;
    }
    if plain {
        out.extend_from_slice(b);
        if !case_sensitive {
            out[start..].make_ascii_lowercase();
        }
        return;
    }
    let sep = SEP as u8;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c == b'-' || (c as char).is_whitespace() {
            // A run of separators is one; none leads the key.
            if out.len() > start && out.last() != Some(&sep) {
                out.push(sep);
            }
        } else if c == b'\'' || c == b'`' {
            // As in `units`: a possessive `'s` goes with its apostrophe.
            if matches!(b.get(i), Some(b's' | b'S')) && !b.get(i + 1).is_some_and(|&a| a.is_ascii_alphanumeric() || a == b'_') {
                i += 1;
            }
        } else {
            out.push(if case_sensitive { c } else { c.to_ascii_lowercase() });
        }
    }
    if out.len() > start && out.last() == Some(&sep) {
        out.pop();
    }
}

/// A name for [`Trie::build`]: its key's byte range in the keys' text and
/// its value.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    pub start: u32,
    pub end: u32,
    pub value: u32,
    pub kind: NameKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// Matched in text, and a name: a case-insensitive synonym, or any
    /// synonym of the trie of exact spellings.
    Synonym,
    /// Matched in text (and then dropped), no name: a stop phrase.
    Stop,
    /// A name only, not matched in text: a concept's own name, or a
    /// case-sensitive synonym folded.
    Name,
}

/// A trie over the UTF-8 bytes of keys. Nodes are numbered breadth first,
/// so a node's children are consecutive nodes and its edges one sorted
/// slice of labels, searched by bisection. A key's value is read only at the
/// end of a whole character, so walking bytes finds what walking characters
/// would. Each node has two values: the key matched in text ending there
/// (a synonym or a stop phrase), and the first concept of that name.
pub(crate) struct Trie {
    /// Node `n`'s children are the nodes `first[n]..first[n + 1]`.
    first: Vec<u32>,
    /// The byte on the edge into each node (the root's is unused).
    label: Vec<u8>,
    /// The value of the synonym or stop phrase ending at each node, or
    /// [`NO_VALUE`].
    value: Vec<u32>,
    /// The first concept named by the key ending at each node, or
    /// [`NO_NAME`].
    name: Vec<usize>,
    /// The root's children for ASCII bytes, indexed directly: every start
    /// position in a text looks here first.
    root_ascii: [u32; 128],
}

const NO_NODE: u32 = u32::MAX;
const NO_VALUE: u32 = u32::MAX - 1;
const NO_NAME: usize = usize::MAX;

impl Trie {
    /// The trie of `entries`, keys in `text`, in any order; no value is
    /// [`NO_VALUE`]. Where entries share a key, the synonym or stop phrase
    /// among them gives its value (there is one: `build.rs` checks) and the
    /// smallest value its name. Laid out breadth first with each node's
    /// entries sorted by their next byte (a radix sort as the trie grows), so
    /// linear in the keys' total length.
    pub fn build(text: &[u8], entries: &mut [Entry]) -> Trie {
        // A trie has at most one node per byte of its keys, and the root.
        let most = 1 + entries.iter().map(|e| (e.end - e.start) as usize).sum::<usize>();
        let mut first = Vec::with_capacity(most + 1);
        let mut label = Vec::with_capacity(most);
        let mut value = Vec::with_capacity(most);
        let mut name = Vec::with_capacity(most);
        // Per node, its entries (a range of `entries`) and its depth.
        let mut below: Vec<(u32, u32, u32)> = Vec::with_capacity(most);
        below.push((0, entries.len() as u32, 0));
        label.push(0);
        value.push(NO_VALUE);
        name.push(NO_NAME);
        let byte = |e: &Entry, d: u32| text[(e.start + d) as usize];
        let mut counts = [0u32; 256];
        let mut node = 0;
        while node < below.len() {
            let (lo, hi, depth) = below[node];
            first.push(below.len() as u32);
            let range = &mut entries[lo as usize..hi as usize];
            // The keys that end here go first; their values are this node's.
            let mut ended = 0;
            for k in 0..range.len() {
                if range[k].end - range[k].start == depth {
                    range.swap(ended, k);
                    ended += 1;
                }
            }
            for e in &range[..ended] {
                if e.kind != NameKind::Name {
                    value[node] = e.value;
                }
                if e.kind != NameKind::Stop {
                    name[node] = name[node].min(e.value as usize);
                }
            }
            let rest = &mut range[ended..];
            // Sort the rest by their byte at `depth`: by insertion when few,
            // else by counting.
            if rest.len() <= 16 {
                for k in 1..rest.len() {
                    let mut j = k;
                    while j > 0 && byte(&rest[j - 1], depth) > byte(&rest[j], depth) {
                        rest.swap(j - 1, j);
                        j -= 1;
                    }
                }
            } else {
                counts.fill(0);
                rest.iter().for_each(|e| counts[byte(e, depth) as usize] += 1);
                let mut at = 0;
                for c in counts.iter_mut() {
                    let n = *c;
                    *c = at;
                    at += n;
                }
                let mut order: Vec<u32> = vec![0; rest.len()];
                for (k, e) in rest.iter().enumerate() {
                    let slot = &mut counts[byte(e, depth) as usize];
                    order[*slot as usize] = k as u32;
                    *slot += 1;
                }
                let sorted: Vec<Entry> = order.iter().map(|&k| rest[k as usize]).collect();
                for (slot, e) in rest.iter_mut().zip(sorted) {
                    *slot = e;
                }
            }
            let mut k = 0;
            let base = lo + ended as u32;
            while k < rest.len() {
                let b = byte(&rest[k], depth);
                let start = k;
                while k < rest.len() && byte(&rest[k], depth) == b {
                    k += 1;
                }
                below.push((base + start as u32, base + k as u32, depth + 1));
                label.push(b);
                value.push(NO_VALUE);
                name.push(NO_NAME);
            }
            node += 1;
        }
        first.push(below.len() as u32);
        // Shared prefixes leave fewer nodes than the bound reserved.
        first.shrink_to_fit();
        label.shrink_to_fit();
        value.shrink_to_fit();
        name.shrink_to_fit();
        let mut root_ascii = [NO_NODE; 128];
        for child in first[0]..first[1] {
            let b = label[child as usize];
            if b < 128 {
                root_ascii[b as usize] = child;
            }
        }
        Trie { first, label, value, name, root_ascii }
    }

    /// The node reached from `node` by the byte `b`.
    #[inline]
    fn step_byte(&self, node: u32, b: u8) -> Option<u32> {
        if node == 0 && b < 128 {
            let next = self.root_ascii[b as usize];
            return (next != NO_NODE).then_some(next);
        }
        let (from, to) = (self.first[node as usize], self.first[node as usize + 1]);
        self.label[from as usize..to as usize].binary_search(&b).ok().map(|at| from + at as u32)
    }

    /// The node reached from `node` by the character `c`.
    #[inline]
    pub fn step(&self, node: u32, c: char) -> Option<u32> {
        if c.is_ascii() {
            return self.step_byte(node, c as u8);
        }
        let mut buf = [0; 4];
        c.encode_utf8(&mut buf).bytes().try_fold(node, |n, b| self.step_byte(n, b))
    }

    /// The value of the synonym or stop phrase that ends at `node`.
    #[inline]
    pub fn term(&self, node: u32) -> Option<u32> {
        let v = self.value[node as usize];
        (v != NO_VALUE).then_some(v)
    }

    /// The value of the synonym or stop phrase that is exactly `key`.
    pub fn get(&self, key: &[char]) -> Option<u32> {
        let mut node = 0u32;
        for &c in key {
            node = self.step(node, c)?;
        }
        self.term(node)
    }

    /// The first concept named exactly `key` (folded).
    pub fn name(&self, key: &str) -> Option<&usize> {
        let node = key.bytes().try_fold(0, |n, b| self.step_byte(n, b))?;
        Some(&self.name[node as usize]).filter(|&&v| v != NO_NAME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path of `key_into` must fold exactly as `units` and `key`.
    fn same(name: &str) {
        for cs in [false, true] {
            let mut fast = Vec::new();
            key_into(name, cs, &mut fast);
            let fast = String::from_utf8(fast).unwrap();
            let slow: String = key(&units(name), cs).into_iter().collect();
            assert_eq!(fast, slow, "key of {name:?}, case-sensitive {cs}");
        }
    }

    #[test]
    fn ascii_keys_fold_as_units_do() {
        for name in [
            "", " ", "-", " - ", "Hb", "T-Bil", "t  bil", " -x- ", "Sjogren's", "Sjogren's syndrome", "Crohn's", "it's",
            "'s", "x's_", "x'sa", "x's1", "x'S", "x`s", "a'b", "a''s", "CD4+", "x\ty\u{b}z\u{c}", "(a)/b, c.", "A_B", "end-",
            "ALT/SGPT", "anti-HBc", "HbA1c ", "--", "a--b - c",
        ] {
            same(name);
        }
        for (_, text) in super::super::FILES {
            let strings: Vec<String> = text.split('"').map(str::to_string).collect();
            strings.iter().for_each(|s| same(s));
        }
    }
}
