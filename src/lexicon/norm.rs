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

/// A trie over the UTF-8 bytes of synonym keys, laid out in one pass from
/// keys sorted by their bytes: nodes are numbered breadth first, so a node's
/// children are consecutive nodes and its edges one sorted slice of labels,
/// searched by bisection. A key's value is read only at the end of a whole
/// character, so walking bytes finds what walking characters would.
pub(crate) struct Trie {
    /// Node `n`'s children are the nodes `first[n]..first[n + 1]`.
    first: Vec<u32>,
    /// The byte on the edge into each node (the root's is unused).
    label: Vec<u8>,
    /// The value of the key ending at each node, or [`NO_VALUE`].
    value: Vec<u32>,
    /// The root's children for ASCII bytes, indexed directly: every start
    /// position in a text looks here first.
    root_ascii: [u32; 128],
}

const NO_NODE: u32 = u32::MAX;
const NO_VALUE: u32 = u32::MAX - 1;

impl Trie {
    /// The trie of `keys`, which are sorted by their bytes and distinct;
    /// no value is [`NO_VALUE`]. Linear in the keys' total length.
    pub fn from_sorted(keys: &[(&str, u32)]) -> Trie {
        // A trie has at most one node per byte of its keys, and the root.
        let most = 1 + keys.iter().map(|k| k.0.len()).sum::<usize>();
        let mut first = Vec::with_capacity(most + 1);
        let mut label = Vec::with_capacity(most);
        let mut value = Vec::with_capacity(most);
        // Per node, the keys below it (a range of `keys`) and its depth.
        let mut below: Vec<(u32, u32, u32)> = Vec::with_capacity(most);
        below.push((0, keys.len() as u32, 0));
        label.push(0);
        value.push(NO_VALUE);
        let mut node = 0;
        while node < below.len() {
            let (mut i, end, depth) = below[node];
            first.push(below.len() as u32);
            let d = depth as usize;
            // A key that ends here sorts before the keys it is a prefix of.
            if i < end && keys[i as usize].0.len() == d {
                value[node] = keys[i as usize].1;
                i += 1;
            }
            while i < end {
                let b = keys[i as usize].0.as_bytes()[d];
                let start = i;
                while i < end && keys[i as usize].0.as_bytes()[d] == b {
                    i += 1;
                }
                below.push((start, i, depth + 1));
                label.push(b);
                value.push(NO_VALUE);
            }
            node += 1;
        }
        first.push(below.len() as u32);
        // Shared prefixes leave fewer nodes than the bound reserved.
        first.shrink_to_fit();
        label.shrink_to_fit();
        value.shrink_to_fit();
        let mut root_ascii = [NO_NODE; 128];
        for child in first[0]..first[1] {
            let b = label[child as usize];
            if b < 128 {
                root_ascii[b as usize] = child;
            }
        }
        Trie { first, label, value, root_ascii }
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

    /// The value of the key that ends at `node`.
    #[inline]
    pub fn term(&self, node: u32) -> Option<u32> {
        let v = self.value[node as usize];
        (v != NO_VALUE).then_some(v)
    }

    /// The value stored under exactly `key`.
    pub fn get(&self, key: &[char]) -> Option<u32> {
        let mut node = 0u32;
        for &c in key {
            node = self.step(node, c)?;
        }
        self.term(node)
    }
}
