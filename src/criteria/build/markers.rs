//! List markers: `1.` `1)` `(1)` `( 1)` `（1）` `a.` `a)` `(a)` `ii.` `*` `-` `•` `·`.
//!
//! A marker is read from a fixed, short prefix of the text (at most a few
//! dozen bytes), so reading one costs constant time.

/// How a marker is written. Items of one list share a style; a new style
/// under an item opens a sub-list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `1.` `1\.` `1、` `1．`
    NumDot,
    /// `1)` `1）`
    NumParen,
    /// `(1)` `( 1)` `（1）`
    ParenNum,
    LowerDot,
    LowerParen,
    UpperDot,
    UpperParen,
    RomanDot,
    RomanParen,
    Bullet(char),
}

impl Style {
    pub(crate) fn is_bullet(self) -> bool {
        matches!(self, Style::Bullet(_))
    }
}

/// One marker read at the start of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub style: Style,
    /// 1-based position in its list (`b.` is 2, `iv.` is 4); 0 for bullets.
    pub value: u32,
    /// Bytes of the marker itself, from the start of the text.
    pub len: usize,
}

const BULLETS: &[char] = &['*', '-', '•', '·', '+', '–', '○', '▪', '◦', '●', '■', '►', '➢', '▸', '□', '◆', '‐'];

/// Where the marker is read: at the start of a line, markers may be glued to
/// the text (`4.AID`, `(3)ALT`); inside a line they must look unambiguous.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    LineStart,
    Inline,
}

/// The markers `s` may start with, most likely first (`i.` may be roman one
/// or the ninth letter; the caller picks the one that continues a list).
pub(crate) fn read(s: &str, place: Place) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut chars = s.char_indices();
    let Some((_, c0)) = chars.next() else { return out };
    if place == Place::LineStart && BULLETS.contains(&c0) {
        let after = &s[c0.len_utf8()..];
        let next = after.chars().next();
        // ASCII bullets need a space after them ("-5" is a number, "**bold**" is emphasis).
        let ok = match next {
            None => true,
            Some(n) if n.is_whitespace() => true,
            Some(_) => !c0.is_ascii() && c0 != '–' && c0 != '‐',
        };
        if ok {
            out.push(Marker { style: Style::Bullet(c0), value: 0, len: c0.len_utf8() });
        }
        return out;
    }
    if c0 == '(' || c0 == '（' {
        let inner = &s[c0.len_utf8()..];
        let lead = inner.len() - inner.trim_start_matches(' ').len();
        let body = &inner[lead..];
        let tok_len = body.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
        if tok_len == 0 || tok_len > 4 {
            return out;
        }
        let tok = &body[..tok_len];
        let rest = &body[tok_len..];
        let trail = rest.len() - rest.trim_start_matches(' ').len();
        let rest = &rest[trail..];
        let close = if rest.starts_with(')') {
            1
        } else if rest.starts_with('）') {
            '）'.len_utf8()
        } else {
            return out;
        };
        let len = c0.len_utf8() + lead + tok_len + trail + close;
        if !glue_ok(&s[len..], place, true) {
            return out;
        }
        for (style, value) in token_values(tok, Style::ParenNum, Style::LowerParen, Style::UpperParen, Style::RomanParen) {
            out.push(Marker { style, value, len });
        }
        return out;
    }
    let tok_len = s.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
    if tok_len == 0 || tok_len > 4 {
        return out;
    }
    let tok = &s[..tok_len];
    let rest = &s[tok_len..];
    let digits = tok.bytes().all(|b| b.is_ascii_digit());
    let (close_len, dot) = if rest.starts_with("\\.") {
        (2, true)
    } else if rest.starts_with('.') {
        (1, true)
    } else if rest.starts_with('．') || rest.starts_with('、') {
        (3, true)
    } else if rest.starts_with(')') {
        (1, false)
    } else if rest.starts_with('）') {
        (3, false)
    } else {
        return out;
    };
    let len = tok_len + close_len;
    let after = &s[len..];
    // "1.5" is a number, not a marker.
    if after.starts_with(|c: char| c.is_ascii_digit()) {
        return out;
    }
    // Letters glued to their text ("e.g.", "i.e.") are abbreviations.
    if !glue_ok(after, place, digits) {
        return out;
    }
    let styles = if dot {
        (Style::NumDot, Style::LowerDot, Style::UpperDot, Style::RomanDot)
    } else {
        (Style::NumParen, Style::LowerParen, Style::UpperParen, Style::RomanParen)
    };
    for (style, value) in token_values(tok, styles.0, styles.1, styles.2, styles.3) {
        out.push(Marker { style, value, len });
    }
    out
}

/// Whether the text after a marker may follow it directly.
fn glue_ok(after: &str, place: Place, numeric: bool) -> bool {
    match after.chars().next() {
        None => place == Place::LineStart,
        Some(c) if c.is_whitespace() => true,
        // A marker glued to its text: "(3)ALT", "4.AID", "(2)Those". Only
        // numbers, and only before a letter or an opening bracket.
        Some(c) => numeric && (c.is_alphabetic() || c == '(' || c == '（' || !c.is_ascii()),
    }
}

fn token_values(tok: &str, num: Style, lower: Style, upper: Style, roman: Style) -> Vec<(Style, u32)> {
    let mut out = Vec::new();
    if tok.bytes().all(|b| b.is_ascii_digit()) {
        if tok.len() <= 3 {
            if let Ok(v) = tok.parse::<u32>() {
                if v >= 1 {
                    out.push((num, v));
                }
            }
        }
        return out;
    }
    if tok.bytes().all(|b| matches!(b, b'i' | b'v' | b'x')) {
        if let Some(v) = roman_value(tok) {
            out.push((roman, v));
        }
    }
    if tok.len() == 1 {
        let b = tok.as_bytes()[0];
        if b.is_ascii_lowercase() {
            out.push((lower, u32::from(b - b'a') + 1));
        } else if b.is_ascii_uppercase() {
            out.push((upper, u32::from(b - b'A') + 1));
        }
    }
    out
}

/// "2, muscle biopsy …": a number and a comma, which counts as a marker
/// only where it continues a numbered list (the caller checks).
pub(crate) fn read_weak(s: &str) -> Option<(u32, usize)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 || !s[digits..].starts_with(", ") {
        return None;
    }
    let v: u32 = s[..digits].parse().ok()?;
    Some((v, digits + 1))
}

fn roman_value(tok: &str) -> Option<u32> {
    const TABLE: &[&str] = &["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"];
    TABLE.iter().position(|r| *r == tok).map(|p| p as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str, place: Place) -> Option<(Style, u32, usize)> {
        read(s, place).first().map(|m| (m.style, m.value, m.len))
    }

    #[test]
    fn reads_markers() {
        assert_eq!(first("1. Age", Place::LineStart), Some((Style::NumDot, 1, 2)));
        assert_eq!(first("1\\. Age", Place::LineStart), Some((Style::NumDot, 1, 3)));
        assert_eq!(first("( 1) Age", Place::LineStart), Some((Style::ParenNum, 1, 4)));
        assert_eq!(first("（3）ALT", Place::Inline), Some((Style::ParenNum, 3, 7)));
        assert_eq!(first("(3)ALT", Place::LineStart), Some((Style::ParenNum, 3, 3)));
        assert_eq!(first("b) ALT", Place::Inline), Some((Style::LowerParen, 2, 2)));
        assert_eq!(first("ii. x", Place::LineStart), Some((Style::RomanDot, 2, 3)));
        assert_eq!(first("* x", Place::LineStart), Some((Style::Bullet('*'), 0, 1)));
        assert_eq!(first("1.5×ULN", Place::LineStart), None);
        assert_eq!(first("e.g. x", Place::LineStart), None);
        assert_eq!(first("-5 C", Place::LineStart), None);
        assert_eq!(first("(Appendix 4)", Place::Inline), None);
        assert_eq!(first("2019 EULAR", Place::Inline), None);
    }
}
