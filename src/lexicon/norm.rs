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
    let mut it = super::case::lower(c);
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// A separator from `start` to `end`: a run of them is one unit.
fn push_separator(out: &mut Vec<Unit>, start: u32, end: u32) {
    match out.last_mut() {
        Some(u) if u.lc == SEP => u.end = end,
        _ => out.push(Unit { lc: SEP, cs: SEP, class: Class::Other, start, end }),
    }
}

/// Normalises `text` into units. Linear in the length of the text.
pub(crate) fn units(text: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Most text is ASCII letters, digits and spaces: settle those byte
        // by byte, without decoding characters or the Unicode tables below.
        if b.is_ascii_alphanumeric() {
            let class = if b.is_ascii_digit() { Class::Digit } else { Class::Letter };
            out.push(Unit { lc: b.to_ascii_lowercase() as char, cs: b as char, class, start: i as u32, end: i as u32 + 1 });
            i += 1;
            continue;
        }
        // ASCII white space, hyphens and punctuation other than apostrophes
        // too: what the general path below makes of them, without it.
        if b.is_ascii() && !matches!(b, b'\'' | b'`') {
            let (start, end) = (i as u32, i as u32 + 1);
            i += 1;
            if matches!(b, b'\t'..=b'\r' | b' ' | b'-') {
                push_separator(&mut out, start, end);
            } else {
                let class = if b == b'_' { Class::Letter } else { Class::Other };
                out.push(Unit { lc: b as char, cs: b as char, class, start, end });
            }
            continue;
        }
        let start = i;
        let Some(c) = text[i..].chars().next() else { break };
        let end = i + c.len_utf8();
        i = end;
        let c = plain(c);
        if is_invisible(c) {
            continue;
        }
        if is_separator(c) {
            push_separator(&mut out, start as u32, end as u32);
            continue;
        }
        if is_apostrophe(c) {
            // A possessive `'s` goes with its apostrophe ("Sjögren's" is
            // "Sjögren"), any other apostrophe is dropped ("Crohn’s" and
            // "Crohns" differ only in the possessive).
            let mut ahead = text[end..].chars();
            if matches!(ahead.next(), Some('s' | 'S')) {
                let after = ahead.next().map(|a| class_of(plain(a)));
                if after != Some(Class::Letter) && after != Some(Class::Digit) {
                    i += 1;
                }
            }
            continue;
        }
        let class = class_of(c);
        if let Some(name) = greek(c) {
            for g in name.chars() {
                out.push(Unit { lc: g, cs: g, class, start: start as u32, end: end as u32 });
            }
            continue;
        }
        out.push(Unit { lc: lower(c), cs: c, class, start: start as u32, end: end as u32 });
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

/// What [`key_into`] makes of each ASCII byte of a plain name, lowered: 0
/// for a byte that needs more than that (a hyphen, an apostrophe, white
/// space other than a space).
static PLAIN: [u8; 128] = {
    let mut lower = [0; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if !matches!(b, b'-' | b'\'' | b'`' | b'\t'..=b'\r' | 0) {
            lower[c] = b.to_ascii_lowercase();
        }
        c += 1;
    }
    lower
};

/// Appends the key of `name` (what [`key`] gives for its [`units`], as
/// UTF-8) to `out`. Most names are ASCII: those are folded here byte by
/// byte, with no units made; others go through [`units`].
pub(crate) fn key_into(name: &str, case_sensitive: bool, out: &mut Vec<u8>) {
    let b = name.as_bytes();
    let start = out.len();
    // Most names have nothing to fold but case: ASCII, single spaces inside,
    // no hyphen, apostrophe or other white space. Copied and lowered in one
    // pass, which gives up at the first byte that needs more.
    out.extend_from_slice(b);
    let mut prev = b' ';
    let mut plain = b.last() != Some(&b' ');
    for c in &mut out[start..] {
        let lower = if *c < 128 { PLAIN[*c as usize] } else { 0 };
        if lower == 0 || (lower == b' ' && prev == b' ') {
            plain = false;
            break;
        }
        prev = lower;
        if !case_sensitive {
            *c = lower;
        }
    }
    if plain {
        return;
    }
    out.truncate(start);
    if !name.is_ascii() {
        let mut buf = [0; 4];
        key(&units(name), case_sensitive).iter().for_each(|c| out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()));
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

/// A trie over the UTF-8 bytes of keys. A node's children are consecutive
/// nodes, so its edges are one sorted slice of labels, searched by
/// bisection. A key's value is read only at the end of a whole character, so
/// walking bytes finds what walking characters would. Each node has two
/// values: the key matched in text ending there (a synonym or a stop
/// phrase), and the first concept of that name.
///
/// Most nodes have one child (71,102 nodes for 9,474 keys, 5,729 of them
/// where keys branch or end): [`Trie::build`] lays out each stretch that
/// all keys below a node share (the whole tail of a key alone) as a run of
/// nodes in one pass over its bytes, and sorts and groups keys only where
/// they branch or end.
pub(crate) struct Trie {
    nodes: Vec<Node>,
    /// The root's children for ASCII bytes, indexed directly: every start
    /// position in a text looks here first.
    root_ascii: [u32; 128],
}

/// One node: where its children are, the byte on the edge into it, and its
/// two values.
#[derive(Clone, Copy)]
struct Node {
    /// The first concept named by the key ending here, or [`NO_NAME`].
    name: usize,
    /// The children are the nodes `first..first + count`.
    first: u32,
    /// The value of the synonym or stop phrase ending here, or [`NO_VALUE`].
    value: u32,
    count: u16,
    /// The byte on the edge into this node (the root's is unused).
    label: u8,
}

const NO_NODE: u32 = u32::MAX;
const NO_VALUE: u32 = u32::MAX - 1;
const NO_NAME: usize = usize::MAX;

impl Trie {
    /// The trie of `entries`, keys in `text`, in any order; no value is
    /// [`NO_VALUE`]. Where entries share a key, the synonym or stop phrase
    /// among them gives its value (there is one: `build.rs` checks) and the
    /// smallest value its name. Breadth first over the nodes where keys
    /// branch or end, each one's entries sorted by their next byte (by
    /// insertion when few, else by counting); below each child, the bytes
    /// its keys share are laid out at once. Linear in the keys' total length.
    pub fn build(text: &[u8], entries: &mut [Entry]) -> Trie {
        // A trie has at most one node per byte of its keys, and the root;
        // the lexicon's shared prefixes leave about 0.42 per byte (71,102
        // nodes for 167,318 bytes), so half is reserved and seldom outgrown.
        let bytes = entries.iter().map(|e| (e.end - e.start) as usize).sum::<usize>();
        let leaf = Node { name: NO_NAME, first: 0, value: NO_VALUE, count: 0, label: 0 };
        let mut nodes: Vec<Node> = Vec::with_capacity(1 + bytes / 2);
        nodes.push(leaf);
        // The nodes where keys branch or end: (node, its entries, depth).
        let mut queue: Vec<(u32, u32, u32, u32)> = Vec::new();
        queue.push((0, 0, entries.len() as u32, 0));
        let mut counts = [0u32; 256];
        let mut scratch: Vec<Entry> = Vec::new();
        // The entries below each child of the node at hand.
        let mut groups: Vec<(u32, u32, u8)> = Vec::new();
        let mut next = 0;
        while next < queue.len() {
            let (node, lo, hi, depth) = queue[next];
            next += 1;
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
                mark(&mut nodes[node as usize], e);
            }
            let rest = &mut range[ended..];
            if rest.len() <= 16 {
                for k in 1..rest.len() {
                    let mut j = k;
                    while j > 0 && byte(text, &rest[j - 1], depth) > byte(text, &rest[j], depth) {
                        rest.swap(j - 1, j);
                        j -= 1;
                    }
                }
            } else {
                counts.fill(0);
                rest.iter().for_each(|e| counts[byte(text, e, depth) as usize] += 1);
                let mut at = 0;
                for c in counts.iter_mut() {
                    let n = *c;
                    *c = at;
                    at += n;
                }
                scratch.clear();
                scratch.extend_from_slice(rest);
                for e in &scratch {
                    let slot = &mut counts[byte(text, e, depth) as usize];
                    rest[*slot as usize] = *e;
                    *slot += 1;
                }
            }
            // The children, one per distinct byte, in one block.
            let first = nodes.len() as u32;
            let base = lo + ended as u32;
            groups.clear();
            let mut k = 0;
            while k < rest.len() {
                let b = byte(text, &rest[k], depth);
                let start = k;
                while k < rest.len() && byte(text, &rest[k], depth) == b {
                    k += 1;
                }
                groups.push((base + start as u32, base + k as u32, b));
            }
            nodes.extend(groups.iter().map(|&(_, _, b)| Node { label: b, ..leaf }));
            let parent = &mut nodes[node as usize];
            parent.first = first;
            parent.count = groups.len() as u16;
            for (g, &(from, to, _)) in groups.iter().enumerate() {
                let group = &entries[from as usize..to as usize];
                // The bytes below the child that every key of the group
                // has (all the rest of a key alone) become a run of nodes,
                // each with one child; the keys branch, or end, below it.
                let e = group[0];
                let below = |o: &Entry| &text[(o.start + depth + 1) as usize..o.end as usize];
                let mut common = below(&e).len();
                for o in &group[1..] {
                    common = below(&e).iter().zip(below(o)).take(common).take_while(|(a, b)| a == b).count();
                    if common == 0 {
                        break;
                    }
                }
                let mut last = first + g as u32;
                if common > 0 {
                    let run = nodes.len() as u32;
                    nodes[last as usize].first = run;
                    nodes[last as usize].count = 1;
                    let labels = &below(&e)[..common];
                    nodes.extend(labels.iter().enumerate().map(|(i, &b)| Node { label: b, first: run + i as u32 + 1, count: 1, ..leaf }));
                    last = run + common as u32 - 1;
                    let end = &mut nodes[last as usize];
                    end.first = 0;
                    end.count = 0;
                }
                if group.len() == 1 {
                    mark(&mut nodes[last as usize], &e);
                } else {
                    queue.push((last, from, to, depth + 1 + common as u32));
                }
            }
        }
        nodes.shrink_to_fit();
        let mut root_ascii = [NO_NODE; 128];
        let root = nodes[0];
        for child in root.first..root.first + root.count as u32 {
            let b = nodes[child as usize].label;
            if b < 128 {
                root_ascii[b as usize] = child;
            }
        }
        Trie { nodes, root_ascii }
    }

    /// The node reached from `node` by the byte `b`. The root's ASCII
    /// children, where most look-ups end (a word starts no name), are read
    /// here, in the caller's loop; the rest in [`Trie::child`].
    #[inline(always)]
    fn step_byte(&self, node: u32, b: u8) -> Option<u32> {
        if node == 0 && b < 128 {
            let next = self.root_ascii[b as usize];
            return (next != NO_NODE).then_some(next);
        }
        self.child(node, b)
    }

    #[inline(never)]
    fn child(&self, node: u32, b: u8) -> Option<u32> {
        let n = &self.nodes[node as usize];
        let children = &self.nodes[n.first as usize..n.first as usize + n.count as usize];
        children.binary_search_by_key(&b, |c| c.label).ok().map(|at| n.first + at as u32)
    }

    /// The node reached from `node` by the character `c`.
    #[inline(always)]
    pub fn step(&self, node: u32, c: char) -> Option<u32> {
        if c.is_ascii() {
            return self.step_byte(node, c as u8);
        }
        self.step_wide(node, c)
    }

    /// [`Trie::step`] by a character beyond ASCII: its UTF-8 bytes in turn.
    #[inline(never)]
    fn step_wide(&self, node: u32, c: char) -> Option<u32> {
        let mut buf = [0; 4];
        c.encode_utf8(&mut buf).bytes().try_fold(node, |n, b| self.child(n, b))
    }

    /// The value of the synonym or stop phrase that ends at `node`.
    #[inline(always)]
    pub fn term(&self, node: u32) -> Option<u32> {
        let v = self.nodes[node as usize].value;
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
        Some(&self.nodes[node as usize].name).filter(|&&v| v != NO_NAME)
    }
}

/// The byte of `e`'s key at `depth`.
#[inline(always)]
fn byte(text: &[u8], e: &Entry, depth: u32) -> u8 {
    text[(e.start + depth) as usize]
}

/// Gives `node` the values of the entry whose key ends there.
fn mark(node: &mut Node, e: &Entry) {
    if e.kind != NameKind::Name {
        node.value = e.value;
    }
    if e.kind != NameKind::Stop {
        node.name = node.name.min(e.value as usize);
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
