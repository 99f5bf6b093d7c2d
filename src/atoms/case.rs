//! Lower case of any character, from a table of runs `build.rs` writes
//! from the standard library's `char::to_lowercase`: the same answers, for
//! a fraction of the size. The standard library's table of pairs was 11 KB
//! of the wasm (4 KB gzipped); the runs are about 1 KB.

include!(concat!(env!("OUT_DIR"), "/case_tables.rs"));

/// The lower case of `c`: one character, or two for `İ` (`i` and a
/// combining dot above), as `char::to_lowercase` writes it.
pub fn lower(c: char) -> Lowered {
    if c.is_ascii() {
        return Lowered([Some(c.to_ascii_lowercase()), None]);
    }
    if c == '\u{130}' {
        return Lowered([Some('i'), Some('\u{307}')]);
    }
    let n = c as u32;
    let at = LOWER.partition_point(|r| r.0 <= n);
    let l = at.checked_sub(1).map(|i| LOWER[i]).and_then(|(first, packed, offset)| {
        let (count, step) = (packed >> 1, if packed & 1 == 1 { 2 } else { 1 });
        let k = n - first;
        (k % step == 0 && k / step < count).then(|| char::from_u32(n.wrapping_add_signed(offset))).flatten()
    });
    Lowered([Some(l.unwrap_or(c)), None])
}

/// The characters of a lower case, in order.
pub struct Lowered([Option<char>; 2]);

impl Iterator for Lowered {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = self.0[0].take();
        self.0.swap(0, 1);
        c
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lowers_every_character_as_the_standard_library_does() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            assert!(super::lower(c).eq(c.to_lowercase()), "U+{:04X}", c as u32);
        }
    }
}
