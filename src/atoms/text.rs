//! A folded view of a criterion's text for scanning: lower case, full-width
//! forms and typographic variants made plain, markdown escapes dropped, with
//! every folded character mapped back to its bytes in the original text.

use crate::span::Span;

/// The folded characters of one span of text, each with the original byte
/// range it came from.
pub struct Folded {
    pub c: Vec<char>,
    start: Vec<usize>,
    end: Vec<usize>,
    /// Original byte offset where the folded text ends.
    limit: usize,
}

/// Folds one character to the character the scanner reads, or `None` to drop it.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{A0}' | '\u{2002}'..='\u{200B}' | '\t' | '\r' => ' ',
        '。' | '·' | '•' => '.',
        '、' => ',',
        '【' | '〔' | '「' => '(',
        '】' | '〕' | '」' => ')',
        '≧' | '⩾' => '≥',
        '≦' | '⩽' => '≤',
        // Modifier-letter arrowheads typed for < and >.
        '˂' => '<',
        '˃' => '>',
        '–' | '—' | '‐' | '‑' | '−' => '-',
        '〜' => '~',
        '×' | '✕' | '╳' => 'x',
        'µ' | 'μ' => 'u',
        '’' | '‘' | '`' | '′' => '\'',
        '“' | '”' => '"',
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁻' => '-',
        _ => c,
    }
}

/// The upper case of `c` for ASCII and the Latin-1 letters (`é` → `É`);
/// other characters as they are. The full Unicode case tables cost the
/// wasm about 8 KB gzipped, and upper case is only used to write keys
/// and the first letter of a reason, which are Latin script.
pub fn upper(c: char) -> char {
    match c {
        'a'..='z' | 'à'..='ö' | 'ø'..='þ' => char::from_u32(c as u32 - 32).unwrap_or(c),
        'ÿ' => 'Ÿ',
        _ => c,
    }
}

/// Lower case, character by character (`char::to_lowercase`, ASCII by
/// itself): what `str::to_lowercase` writes, but for a capital sigma at the
/// end of a word, which it writes `ς` and this `σ`. The crate compares lower
/// case with Latin phrases only, and `str::to_lowercase` was about 4 KB of
/// the wasm.
pub trait Lower {
    fn lower(&self) -> String;
}

impl Lower for str {
    fn lower(&self) -> String {
        if self.is_ascii() {
            return self.to_ascii_lowercase();
        }
        let mut out = String::with_capacity(self.len());
        for c in self.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(super::case::lower(c));
            }
        }
        out
    }
}

/// Folds a phrase of a data file the same way the scanner folds text;
/// `build.rs` folds the atom tables with it.
#[cfg_attr(not(test), allow(dead_code))]
pub fn fold_str(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in s.chars() {
        for l in super::case::lower(fold_char(c)) {
            out.push(l);
        }
    }
    out
}

impl Folded {
    pub fn new(text: &str, span: Span) -> Folded {
        let s = span.slice(text);
        let base = if s.is_empty() { span.start.min(text.len()) } else { span.start };
        let mut f = Folded { c: Vec::with_capacity(s.len()), start: Vec::with_capacity(s.len()), end: Vec::with_capacity(s.len()), limit: base + s.len() };
        // Most text is ASCII that folds to its lower case alone: such runs
        // are copied whole; "\\", tab, CR, "`" and other characters take the
        // general path below.
        let plain = |b: u8| b.is_ascii() && !matches!(b, b'\\' | b'\t' | b'\r' | b'`');
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes[i..].iter().take_while(|&&b| plain(b)).count();
            if run > 0 {
                f.c.extend(bytes[i..i + run].iter().map(|b| b.to_ascii_lowercase() as char));
                f.start.extend(base + i..base + i + run);
                f.end.extend(base + i + 1..base + i + run + 1);
                i += run;
                continue;
            }
            // `i` is at a character boundary: runs end before a non-ASCII
            // byte only where its character starts.
            let Some(ch) = s.get(i..).and_then(|r| r.chars().next()) else { break };
            let n = ch.len_utf8();
            // Markdown escapes ("10\^9", "\>3.2", "1\~3") carry no meaning.
            if ch == '\\' && s.get(i + n..).and_then(|r| r.chars().next()).is_some_and(|c| c.is_ascii_punctuation()) {
                i += n;
                continue;
            }
            let from = base + i;
            let to = from + n;
            for l in super::case::lower(fold_char(ch)) {
                f.c.push(l);
                f.start.push(from);
                f.end.push(to);
            }
            i += n;
        }
        f
    }

    pub fn len(&self) -> usize {
        self.c.len()
    }

    /// The original byte span of folded characters `a..b`.
    pub fn span(&self, a: usize, b: usize) -> Span {
        let a = a.min(self.c.len());
        let b = b.min(self.c.len()).max(a);
        if a == b {
            let at = self.start.get(a).copied().unwrap_or(self.limit);
            return Span::new(at, at);
        }
        Span::new(self.start[a], self.end[b - 1])
    }

    /// The folded index of the character at original byte offset `byte`
    /// (the first character starting at or after it).
    pub fn index_of(&self, byte: usize) -> usize {
        self.start.partition_point(|&s| s < byte)
    }

    /// The folded index just past the character that ends at or before `byte`.
    pub fn index_end(&self, byte: usize) -> usize {
        self.end.partition_point(|&e| e <= byte)
    }

    #[inline]
    pub fn get(&self, i: usize) -> char {
        self.c.get(i).copied().unwrap_or('\0')
    }

    #[inline(always)]
    pub fn is_word(&self, i: usize) -> bool {
        // ASCII (most text) without a call into the Unicode tables.
        self.c.get(i).is_some_and(|&c| if c.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() })
    }

    /// Whether `phrase` stands at `i` on word boundaries (a boundary is only
    /// needed where the phrase itself begins or ends with a word character).
    #[inline(always)]
    pub fn phrase_at(&self, i: usize, phrase: &[char]) -> bool {
        let n = phrase.len();
        // The first and last characters rule out almost every phrase
        // cheaply (callers often pick phrases by their first character),
        // here, where the caller's loop runs, without a call.
        n != 0 && i + n <= self.c.len() && self.c[i] == phrase[0] && self.c[i + n - 1] == phrase[n - 1] && self.phrase_rest(i, phrase)
    }

    /// [`Folded::phrase_at`] once the first and last characters match.
    #[inline(never)]
    fn phrase_rest(&self, i: usize, phrase: &[char]) -> bool {
        let n = phrase.len();
        self.c[i..i + n] == *phrase && self.bounded(i, n)
    }

    /// Whether the `n` characters at `i` stand on word boundaries, as
    /// [`Folded::phrase_at`] asks of a phrase found there: a boundary is
    /// needed only where they begin or end with a word character.
    pub fn bounded(&self, i: usize, n: usize) -> bool {
        let left_ok = !self.c[i].is_alphanumeric() || i == 0 || !self.c[i - 1].is_alphanumeric();
        let right_ok = !self.c[i + n - 1].is_alphanumeric() || !self.is_word(i + n);
        left_ok && right_ok
    }

    /// `phrase_at` for a phrase given as a string, without collecting it.
    pub fn phrase_at_str(&self, i: usize, phrase: &str) -> bool {
        let (Some(first), Some(last)) = (phrase.chars().next(), phrase.chars().next_back()) else { return false };
        let n = phrase.chars().count();
        if i + n > self.c.len() || self.c[i] != first || !self.c[i..i + n].iter().copied().eq(phrase.chars()) {
            return false;
        }
        let left_ok = !first.is_alphanumeric() || i == 0 || !self.c[i - 1].is_alphanumeric();
        let right_ok = !last.is_alphanumeric() || !self.is_word(i + n);
        left_ok && right_ok
    }

    pub fn skip_spaces(&self, mut i: usize) -> usize {
        while i < self.c.len() && self.c[i] == ' ' {
            i += 1;
        }
        i
    }

    pub fn skip_spaces_back(&self, mut i: usize) -> usize {
        while i > 0 && self.c[i - 1] == ' ' {
            i -= 1;
        }
        i
    }

    /// The folded text `a..b` as a string.
    pub fn string(&self, a: usize, b: usize) -> String {
        self.c[a.min(self.c.len())..b.min(self.c.len())].iter().collect()
    }

    /// Whether the folded text `a..b` is `s`, without making a string of it.
    pub fn is(&self, a: usize, b: usize, s: &str) -> bool {
        let chars = &self.c[a.min(self.c.len())..b.min(self.c.len())];
        // As many characters as bytes in `s` when it is ASCII: a cheap no first.
        (!s.is_ascii() || chars.len() == s.len()) && chars.iter().copied().eq(s.chars())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_case_of_latin_letters_is_unicode_s() {
        for c in '\0'..='\u{ff}' {
            let mut std = c.to_uppercase();
            let (Some(u), None) = (std.next(), std.next()) else { continue };
            // Within Latin-1 (and `ÿ` → `Ÿ`) the two agree; `µ` becomes Greek in Unicode and stays here.
            if u as u32 <= 0xff || c == 'ÿ' {
                assert_eq!(upper(c), u, "{c:?}");
            }
        }
        assert_eq!(upper('ω'), 'ω');
    }

    #[test]
    fn lower_case_is_unicode_s_but_for_final_sigma() {
        let mut all = String::new();
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            all.push(c);
            all.push(' ');
            let s = c.to_string();
            if c != 'Σ' {
                assert_eq!(s.lower(), s.to_lowercase(), "{c:?}");
            }
        }
        assert_eq!("ΟΔΟΣ".lower(), "οδοσ");
        assert_eq!("Hb ≥ 10 G/DL; İstanbul Ǆ".lower(), "Hb ≥ 10 G/DL; İstanbul Ǆ".to_lowercase());
        assert_eq!(all.replace('Σ', "").lower(), all.replace('Σ', "").to_lowercase());
    }

    #[test]
    fn folds_and_maps_back() {
        let text = "Hb ＞10\\^9 µmol";
        let f = Folded::new(text, Span::new(0, text.len()));
        assert_eq!(f.string(0, f.len()), "hb >10^9 umol");
        let gt = f.c.iter().position(|&c| c == '>').unwrap();
        assert_eq!(f.span(gt, gt + 1).slice(text), "＞");
        let caret = f.c.iter().position(|&c| c == '^').unwrap();
        assert_eq!(f.span(caret, caret + 1).slice(text), "^");
    }
}
