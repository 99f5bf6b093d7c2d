//! The summary check's JSON text, written directly. A check of a thousand
//! trials returns about 450 KB of it, and writing it through serde took a
//! sixth of the whole check (callgrind, `benches/profile.rs summary`): keys
//! escaped one by one, strings escaped a byte at a time. Here keys are
//! literals and strings are copied in runs between the bytes that need an
//! escape.
//!
//! The text is what `serde_json::to_string` writes for the same value
//! (same field order, names, escapes and omitted empty lists), but for the
//! characters beyond ASCII, written as `\u` escapes ([`Writer::str`]):
//! parsed, the two are the same value. `tests/eval_summary.rs` holds the
//! two together.

use super::summary::{CheckSummary, Counts, Deciding, RankedQuestion, TrialSummary};
use super::{AnswerKind, Status, Verdict};

impl CheckSummary {
    /// The summary as JSON text, all ASCII: what `serde_json::to_string`
    /// gives for it, with the characters beyond ASCII escaped.
    pub fn to_json(&self) -> String {
        let mut w = Writer(String::with_capacity(64 + 480 * self.trials.len() + 160 * self.questions.len()));
        w.raw("{\"trials\":[");
        for (i, t) in self.trials.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            w.trial(t);
        }
        w.raw("],\"questions\":[");
        for (i, q) in self.questions.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            w.question(q);
        }
        w.raw("],\"questionsTotal\":");
        w.uint(self.questions_total);
        if !self.warnings.is_empty() {
            w.raw(",\"warnings\":");
            w.strs(&self.warnings);
        }
        w.raw("}");
        w.0
    }
}

struct Writer(String);

impl Writer {
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn uint(&mut self, n: usize) {
        self.0.push_str(itoa::Buffer::new().format(n));
    }

    /// A JSON string: `"` and `\` escaped, the control characters (short
    /// forms where JSON has them, else `\u00xx`) as serde_json escapes
    /// them, and every character beyond ASCII as `\uxxxx` (two for one
    /// beyond the Basic Multilingual Plane), so that the whole text is
    /// ASCII: a page decodes ASCII from the wasm's memory about five times
    /// as fast as UTF-8 with a few hundred other characters in it (a
    /// summary of a thousand trials, 1.6 ms against 0.3 ms in Node).
    fn str(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let out = &mut self.0;
        let hex4 = |out: &mut String, u: u16| {
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[usize::from(u >> shift) & 0xf] as char);
            }
        };
        out.push('"');
        let bytes = s.as_bytes();
        let (mut run, mut i) = (0, 0);
        while i < bytes.len() {
            // Eight bytes at a time while none needs escaping (most text).
            if let Some(w) = bytes.get(i..i + 8) {
                if plain8(u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]])) {
                    i += 8;
                    continue;
                }
            }
            let b = bytes[i];
            if b >= 0x80 {
                // `i` is where a character starts: runs end only there.
                out.push_str(&s[run..i]);
                let c = s[i..].chars().next().unwrap_or_default();
                for u in c.encode_utf16(&mut [0; 2]) {
                    hex4(out, *u);
                }
                i += c.len_utf8();
                run = i;
                continue;
            }
            let short = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.push_str(&s[run..i]);
            if short.is_empty() {
                hex4(out, u16::from(b));
            } else {
                out.push_str(short);
            }
            i += 1;
            run = i;
        }
        out.push_str(&s[run..]);
        out.push('"');
    }

    fn strs(&mut self, list: &[String]) {
        self.raw("[");
        for (i, s) in list.iter().enumerate() {
            if i > 0 {
                self.raw(",");
            }
            self.str(s);
        }
        self.raw("]");
    }

    fn trial(&mut self, t: &TrialSummary) {
        self.raw("{\"trialId\":");
        match &t.trial_id {
            Some(id) => self.str(id),
            None => self.raw("null"),
        }
        self.raw(",\"trialIndex\":");
        self.uint(t.trial_index);
        self.raw(",\"verdict\":\"");
        self.raw(verdict(t.verdict));
        self.raw("\",\"deciding\":");
        match &t.deciding {
            Some(d) => self.deciding(d),
            None => self.raw("null"),
        }
        self.raw(",\"counts\":");
        self.counts(&t.counts);
        self.raw(",\"questions\":");
        self.uint(t.questions);
        self.raw("}");
    }

    fn deciding(&mut self, d: &Deciding) {
        self.raw("{\"id\":");
        self.str(&d.id);
        self.raw(",\"status\":\"");
        self.raw(status(d.status));
        self.raw("\",\"reason\":");
        self.str(&d.reason);
        self.raw(",\"text\":");
        self.str(&d.text);
        self.raw(",\"span\":{\"start\":");
        self.uint(d.span.start);
        self.raw(",\"end\":");
        self.uint(d.span.end);
        self.raw("}}");
    }

    fn counts(&mut self, c: &Counts) {
        let fields = [("{\"pass\":", c.pass), (",\"fail\":", c.fail), (",\"unknown\":", c.unknown), (",\"review\":", c.review), (",\"notApplicable\":", c.not_applicable), (",\"toConfirm\":", c.to_confirm)];
        for (key, n) in fields {
            self.raw(key);
            self.uint(n as usize);
        }
        self.raw("}");
    }

    fn question(&mut self, q: &RankedQuestion) {
        self.raw("{\"id\":");
        self.str(&q.id);
        self.raw(",\"text\":");
        self.str(&q.text);
        self.raw(",\"answer\":\"");
        self.raw(answer(q.answer));
        self.raw("\"");
        if !q.units.is_empty() {
            self.raw(",\"units\":");
            self.strs(&q.units);
        }
        if !q.choices.is_empty() {
            self.raw(",\"choices\":");
            self.strs(&q.choices);
        }
        self.raw(",\"criterionCount\":");
        self.uint(q.criterion_count);
        self.raw(",\"trialCount\":");
        self.uint(q.trial_count);
        self.raw("}");
    }
}

/// The names serde gives the enums (`rename_all` on each).
fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "eligible",
        Verdict::Undetermined => "undetermined",
        Verdict::Ineligible => "ineligible",
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Unknown => "unknown",
        Status::Review => "review",
        Status::NotApplicable => "not_applicable",
    }
}

fn answer(a: AnswerKind) -> &'static str {
    match a {
        AnswerKind::YesNo => "yesno",
        AnswerKind::Number => "number",
        AnswerKind::Date => "date",
        AnswerKind::Choice => "choice",
    }
}

/// Whether none of the eight bytes of `w` needs escaping in a JSON string
/// of ASCII: none is beyond ASCII, a control character, `"` or `\`.
fn plain8(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `x` is zero.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    w & HIGH == 0 && !zero(w & 0xe0e0_e0e0_e0e0_e0e0) && !zero(w ^ 0x2222_2222_2222_2222) && !zero(w ^ 0x5c5c_5c5c_5c5c_5c5c)
}

#[cfg(test)]
mod tests {
    use super::plain8;

    /// A byte a JSON string of ASCII writes as it is.
    fn plain(b: u8) -> bool {
        (0x20..0x80).contains(&b) && b != b'"' && b != b'\\'
    }

    #[test]
    fn eight_bytes_at_a_time_as_one_at_a_time() {
        // Every byte value at every place among plain bytes, and words of
        // bytes near the edges that decide.
        for at in 0..8 {
            for b in 0..=255u8 {
                let mut w = *b"abcdefgh";
                w[at] = b;
                assert_eq!(plain8(u64::from_le_bytes(w)), plain(b), "{b:#x} at {at}");
            }
        }
        let edges = [0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xff, b'a'];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let w: [u8; 8] = std::array::from_fn(|k| edges[((x >> (k * 5)) % edges.len() as u64) as usize]);
            assert_eq!(plain8(u64::from_le_bytes(w)), w.iter().all(|&b| plain(b)), "{w:?}");
        }
    }
}
