//! Spans: byte ranges into a text inside Rust, UTF-16 ranges at the JS edge.

use serde::{Deserialize, Serialize};

/// A half-open range `start..end` into a text.
///
/// Inside the core the offsets are UTF-8 byte offsets. Values handed to
/// users (JSON, JS) are converted to UTF-16 code-unit offsets with
/// [`Utf16Map`], so that `text.slice(start, end)` works in JavaScript.
///
/// ```
/// use trialsieve::Span;
/// let s = Span::new(2, 5);
/// assert_eq!(s.len(), 3);
/// assert_eq!(s.slice("a ≥ b"), "≥");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub const fn len(self) -> usize {
        self.end - self.start
    }
    pub const fn is_empty(self) -> bool {
        self.start >= self.end
    }
    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    /// The text under the span; empty when the span does not fit the text.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
    /// Moves the span right by `by` bytes.
    pub const fn shift(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

/// Converts UTF-8 byte offsets of one text into UTF-16 code-unit offsets.
///
/// ```
/// use trialsieve::{Span, span::Utf16Map};
/// let text = "Hb ≥ 60 g/L";
/// let map = Utf16Map::new(text);
/// // "≥" is 3 bytes in UTF-8 and one unit in UTF-16.
/// assert_eq!(map.span(Span::new(3, 6)), Span::new(3, 4));
/// assert_eq!(map.offset(text.len()), 11);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Utf16Map {
    /// Sorted (byte offset, utf16 offset) at each non-ASCII character start.
    points: Vec<(usize, usize)>,
    len: usize,
}

impl Utf16Map {
    pub fn new(text: &str) -> Utf16Map {
        // A scan of the bytes rather than of the chars: a map is built for
        // every trial on every check, and decoding each char cost a quarter
        // of a check over 1,000 trials (callgrind). The text is valid UTF-8,
        // so each lead byte (≥ 0xC0) says its char's length; continuation
        // bytes (0x80..0xC0) and ASCII need nothing.
        let mut points = Vec::new();
        let mut shrink = 0usize; // bytes minus utf16 units so far
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if b >= 0xC0 {
                let (l8, l16) = match b {
                    0xC0..=0xDF => (2, 1),
                    0xE0..=0xEF => (3, 1),
                    _ => (4, 2),
                };
                points.push((i, i - shrink));
                shrink += l8 - l16;
                points.push((i + l8, i + l8 - shrink));
            }
        }
        Utf16Map { points, len: text.len() }
    }

    /// The UTF-16 offset of a byte offset (clamped to the text; an offset
    /// inside a character maps to that character's start).
    pub fn offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.len);
        match self.points.binary_search_by(|p| p.0.cmp(&byte)) {
            Ok(i) => self.points[i].1,
            Err(0) => byte,
            Err(i) => {
                let (b, u) = self.points[i - 1];
                // Inside a multi-byte character: points come in pairs (start, end).
                if i % 2 == 1 { u } else { u + (byte - b) }
            }
        }
    }

    pub fn span(&self, span: Span) -> Span {
        if self.points.is_empty() {
            // ASCII text: offsets are the same in both encodings.
            return Span::new(span.start.min(self.len), span.end.min(self.len));
        }
        Span::new(self.offset(span.start), self.offset(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_match_js_slice() {
        let text = "（1）ALT≤3×ULN；AST≤3×ULN。 😀 Hb ≥ 60g/L";
        let map = Utf16Map::new(text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let expected: usize = text[..i].encode_utf16().count();
            assert_eq!(map.offset(i), expected, "byte {i}");
        }
    }

    #[test]
    fn offset_inside_char_maps_to_char_start() {
        let map = Utf16Map::new("a≥b");
        assert_eq!(map.offset(2), 1);
        assert_eq!(map.offset(99), 3);
    }
}
