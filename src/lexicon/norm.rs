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

/// A character trie over synonym keys. It is built as linked lists (each
/// node's first child and next sibling, siblings sorted by character), so
/// that adding a node allocates nothing of its own; [`Trie::finish`] then lays
/// every node's edges out in one sorted array for binary search.
pub(crate) struct Trie {
    /// While building: per node, its first child, next sibling and the
    /// character on the edge into it.
    first: Vec<u32>,
    sibling: Vec<u32>,
    label: Vec<char>,
    term: Vec<Option<u32>>,
    /// Once finished: node `n`'s edges are `edges[offsets[n]..offsets[n + 1]]`.
    offsets: Vec<u32>,
    edges: Vec<(char, u32)>,
    /// The root's edges for ASCII characters, indexed directly: every start
    /// position in a text looks here first.
    root_ascii: [u32; 128],
}

const NO_NODE: u32 = u32::MAX;

impl Trie {
    pub fn new() -> Trie {
        Trie {
            first: vec![NO_NODE],
            sibling: vec![NO_NODE],
            label: vec!['\0'],
            term: vec![None],
            offsets: Vec::new(),
            edges: Vec::new(),
            root_ascii: [NO_NODE; 128],
        }
    }

    /// Adds `key` for `value`; returns the value already stored under the
    /// same key, if any (the key is then left as it was). Only before
    /// [`Trie::finish`].
    pub fn insert(&mut self, key: &[char], value: u32) -> Option<u32> {
        debug_assert!(self.offsets.is_empty(), "Trie::insert after finish");
        let mut node = 0usize;
        for &c in key {
            // The sibling list is sorted: stop at the first label not below `c`.
            // Plain slices: indexing them is no call even at opt-level "z".
            let (label, sibling) = (self.label.as_slice(), self.sibling.as_slice());
            let mut prev = NO_NODE;
            let mut at = self.first[node];
            while at != NO_NODE && label[at as usize] < c {
                prev = at;
                at = sibling[at as usize];
            }
            node = if at != NO_NODE && label[at as usize] == c {
                at as usize
            } else {
                let next = self.first.len() as u32;
                self.first.push(NO_NODE);
                self.sibling.push(at);
                self.label.push(c);
                self.term.push(None);
                if prev == NO_NODE {
                    self.first[node] = next;
                } else {
                    self.sibling[prev as usize] = next;
                }
                if node == 0 && c.is_ascii() {
                    self.root_ascii[c as usize] = next;
                }
                next as usize
            };
        }
        match self.term[node] {
            Some(old) => Some(old),
            None => {
                self.term[node] = Some(value);
                None
            }
        }
    }

    /// Lays the edges out for look-up; call once, after the last insert.
    pub fn finish(&mut self) {
        let n = self.first.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut edges = Vec::with_capacity(n.saturating_sub(1));
        for node in 0..n {
            offsets.push(edges.len() as u32);
            let mut at = self.first[node];
            while at != NO_NODE {
                edges.push((self.label[at as usize], at));
                at = self.sibling[at as usize];
            }
        }
        offsets.push(edges.len() as u32);
        self.offsets = offsets;
        self.edges = edges;
        self.first = Vec::new();
        self.sibling = Vec::new();
        self.label = Vec::new();
    }

    /// The node reached from `node` by `c`.
    #[inline]
    pub fn step(&self, node: u32, c: char) -> Option<u32> {
        if node == 0 && c.is_ascii() {
            let next = self.root_ascii[c as usize];
            return (next != NO_NODE).then_some(next);
        }
        let (from, to) = (self.offsets[node as usize] as usize, self.offsets[node as usize + 1] as usize);
        let edges = &self.edges[from..to];
        edges.binary_search_by_key(&c, |e| e.0).ok().map(|at| edges[at].1)
    }

    #[inline]
    pub fn term(&self, node: u32) -> Option<u32> {
        self.term[node as usize]
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
