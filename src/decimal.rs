//! Decimal numbers read into `f64`, correctly rounded, as `str::parse`
//! reads them, but without the standard library's float reader: its table
//! of 128-bit powers of five alone is 10 KB of the wasm that no compressor
//! shrinks, and the library reads short numbers ("12.5", "1,500", "24")
//! almost always.
//!
//! The grammar is `str::parse::<f64>`'s for decimals: an optional sign,
//! digits with an optional decimal point (at least one digit on either
//! side of it), an optional exponent (`e` or `E`, a sign, digits). Unlike
//! it, `inf`, `infinity` and `nan` are not numbers here: a word in a page
//! is not a value.
//!
//! Numbers of at most 19 significant digits whose exact value is a
//! product or quotient of two doubles (up to 2^53 times or over a power of
//! ten up to 10^22) take one multiplication or division, exactly rounded
//! by the hardware. The rest are rounded by comparing the exact decimal
//! value with the halfway points around a close double, in big integers.

use std::cmp::Ordering;

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The most significant digits kept exactly: enough to round any double
/// correctly (as the standard library's reader keeps); further digits
/// count only as to whether any is not zero.
const MAX_DIGITS: usize = 800;

/// `s` read as a decimal number, or `None` when it is not one (see the
/// module's doc for the grammar).
pub(crate) fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (neg, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let v = Number::read(rest)?.value();
    Some(if neg { -v } else { v })
}

/// The digits of a number without its sign: `digits × 10^exp`, where
/// `digits` are its significant digits (no leading zeros).
struct Number<'a> {
    /// The text: integer digits, maybe a point and fraction digits.
    text: &'a [u8],
    /// The first 19 significant digits, as an integer.
    head: u64,
    /// How many significant digits there are in all.
    count: usize,
    /// The power of ten of the last of the first 19 significant digits.
    exp: i64,
    /// The exponent written after the digits (0 when none).
    written: i64,
}

impl Number<'_> {
    fn read(b: &[u8]) -> Option<Number<'_>> {
        let mut i = 0;
        let mut head = 0u64;
        let mut count = 0usize;
        // The power of ten of the digit after the last kept, relative to
        // the point.
        let mut exp = 0i64;
        let mut digits = 0;
        let mut point = false;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    digits += 1;
                    let d = u64::from(c - b'0');
                    if count == 0 && d == 0 {
                        // A leading zero: only moves the point.
                        if point {
                            exp -= 1;
                        }
                    } else {
                        if count < 19 {
                            head = head * 10 + d;
                            if point {
                                exp -= 1;
                            }
                        } else if !point {
                            exp += 1;
                        }
                        count += 1;
                    }
                }
                b'.' if !point => point = true,
                _ => break,
            }
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        let text = &b[..i];
        let mut written = 0;
        if i < b.len() {
            if !matches!(b[i], b'e' | b'E') {
                return None;
            }
            i += 1;
            let neg = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            if i == b.len() {
                return None;
            }
            let mut e = 0i64;
            for &c in &b[i..] {
                if !c.is_ascii_digit() {
                    return None;
                }
                // Beyond any double's range either way: the value is
                // infinite or zero whatever the digits.
                e = (e * 10 + i64::from(c - b'0')).min(1_000_000);
            }
            written = if neg { -e } else { e };
        }
        Some(Number { text, head, count, exp: exp + written, written })
    }

    fn value(&self) -> f64 {
        if self.head == 0 {
            return 0.0;
        }
        if self.count <= 19 && self.head <= 1 << 53 && (-22..=22).contains(&self.exp) {
            let m = self.head as f64;
            let p = POW10[self.exp.unsigned_abs() as usize];
            return if self.exp < 0 { m / p } else { m * p };
        }
        // The power of ten of the leading digit.
        let lead = self.exp + self.count.min(19) as i64 - 1;
        if lead > 309 {
            return f64::INFINITY;
        }
        if lead < -325 {
            return 0.0;
        }
        self.slow()
    }

    /// The exact value compared with the halfway points around a close
    /// double, moved one step at a time until it lies between them.
    fn slow(&self) -> f64 {
        let (digits, exp) = self.all_digits();
        let mut c = self.approx();
        loop {
            let up = compare(&digits, exp, c);
            let odd = c.to_bits() & 1 == 1;
            if up == Ordering::Greater || (up == Ordering::Equal && odd) {
                if c == f64::MAX {
                    return f64::INFINITY;
                }
                c = f64::from_bits(c.to_bits() + 1);
                continue;
            }
            if c > 0.0 {
                let below = f64::from_bits(c.to_bits() - 1);
                let down = compare(&digits, exp, below);
                if down == Ordering::Less || (down == Ordering::Equal && odd) {
                    c = below;
                    continue;
                }
            }
            return c;
        }
    }

    /// A double within a few steps of the value: the first 19 digits
    /// scaled by exact powers of ten, one rounding per step.
    fn approx(&self) -> f64 {
        let mut v = self.head as f64;
        let mut e = self.exp;
        while e > 0 {
            let k = e.min(22);
            v *= POW10[k as usize];
            e -= k;
        }
        while e < 0 {
            let k = (-e).min(22);
            v /= POW10[k as usize];
            e += k;
        }
        if v.is_infinite() { f64::MAX } else { v }
    }

    /// Every significant digit (up to [`MAX_DIGITS`], then a 1 standing
    /// for any non-zero digit after) as a big integer, and its power of ten.
    fn all_digits(&self) -> (Big, i64) {
        let mut big = Big(Vec::new());
        let mut kept = 0usize;
        let mut more = false;
        let mut point = false;
        // Fraction digits up to the last kept, and integer digits dropped.
        let (mut after, mut dropped) = (0i64, 0i64);
        for &c in self.text {
            if c == b'.' {
                point = true;
                continue;
            }
            let d = c - b'0';
            if kept < MAX_DIGITS && (kept > 0 || d != 0) {
                big.mul_add(10, u32::from(d));
                kept += 1;
                after += i64::from(point);
            } else if kept == 0 {
                // A leading zero.
                after += i64::from(point);
            } else {
                more |= d != 0;
                dropped += i64::from(!point);
            }
        }
        let mut exp = self.written + dropped - after;
        if more {
            big.mul_add(10, 1);
            exp -= 1;
        }
        (big, exp)
    }
}

/// How the decimal `digits × 10^exp` compares with the point halfway
/// between double `c` (not negative, finite) and the next double up.
fn compare(digits: &Big, exp: i64, c: f64) -> Ordering {
    let bits = c.to_bits();
    let field = (bits >> 52) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if field == 0 { (frac, -1074) } else { (frac | 1 << 52, field - 1075) };
    // Halfway: (2m + 1) × 2^(e - 1). Both sides times 2^-k and 5^-exp where
    // negative, so that both are integers.
    let half_exp = e - 1;
    let k = exp.min(half_exp);
    let mut left = digits.clone();
    let h = 2 * m + 1;
    let mut right = Big(vec![h as u32, (h >> 32) as u32]);
    right.trim();
    if exp > 0 {
        left.mul_pow5(exp as u32);
    } else {
        right.mul_pow5((-exp) as u32);
    }
    left.shl((exp - k) as u32);
    right.shl((half_exp - k) as u32);
    left.cmp(&right)
}

/// A non-negative big integer, in 32-bit limbs, least significant first,
/// without leading zero limbs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    /// `self × m + a`.
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let x = u64::from(*limb) * u64::from(m) + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    /// `self × 5^n`.
    fn mul_pow5(&mut self, mut n: u32) {
        // 5^13 is the largest power of five in 32 bits.
        while n > 0 {
            let k = n.min(13);
            self.mul_add(5u32.pow(k), 0);
            n -= k;
        }
    }

    /// `self × 2^n`.
    fn shl(&mut self, n: u32) {
        let (limbs, bits) = ((n / 32) as usize, n % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let x = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = x;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 && !self.0.is_empty() {
            self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Big {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, Big};

    /// Holds `parse` to the standard library's reader, bit for bit.
    fn same(s: &str) {
        let want = s.parse::<f64>().ok();
        let got = parse(s);
        assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{s:?}: {got:?}, the standard library reads {want:?}");
    }

    #[test]
    fn reads_as_the_standard_library_does() {
        for s in [
            "0", "-0", "+0", "00", "0.", ".0", "12", "12.5", "012.50", "1,5", "1.2.3", ".", "", "-", "+", "e5", "1e", "1e+", "1e-", "1e5", "1E5", "1e-5",
            "2.5e+3", "1_000", " 1", "1 ", "0x10", "1e400", "1e-400", "9007199254740993", "9007199254740992", "9007199254740994.5",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
            "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
            "179769313486231580793728971405301e276", "0.1", "0.2", "0.3", "123456789012345678901234567890", "1e22", "1e23",
            "8.5e-323", "5e-324", "1e-324", "3e-324", "0.000000000000000000000000000001", "100000000000000000000000",
            "7.2057594037927933e16", "0.500000000000000166533453693773481063544750213623046875",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
        ] {
            same(s);
        }
        // Words are not numbers here, though the standard library reads them.
        for s in ["inf", "-inf", "infinity", "nan", "NaN"] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    #[test]
    fn reads_random_numbers_as_the_standard_library_does() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..100_000 {
            let r = next();
            let mut s = String::new();
            let digits = 1 + (r % 40) as usize;
            let point = (r >> 8) as usize % (digits + 2);
            for k in 0..digits {
                if k == point {
                    s.push('.');
                }
                s.push(char::from(b'0' + (next() % 10) as u8));
            }
            if r >> 20 & 1 == 1 {
                let e = (next() % 700) as i64 - 350;
                s.push_str(&format!("e{e}"));
            }
            same(&s);
        }
        // Doubles written out, and the exact points halfway between two
        // doubles, and just either side of them, where rounding ties.
        for _ in 0..20_000 {
            let v = f64::from_bits(next() >> 1);
            if !v.is_finite() {
                continue;
            }
            same(&format!("{v:e}"));
            let bits = v.to_bits();
            let (field, frac) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
            let (m, e) = if field == 0 { (frac, -1074) } else { (frac | 1 << 52, field - 1075) };
            // (2m + 1) × 2^(e - 1), which is (2m + 1) × 5^(1 - e) × 10^(e - 1)
            // when e ≤ 0.
            let h = 2 * m + 1;
            let mut big = Big(vec![h as u32, (h >> 32) as u32]);
            big.trim();
            let exp = if e > 0 {
                big.shl((e - 1) as u32);
                0
            } else {
                big.mul_pow5((1 - e) as u32);
                e - 1
            };
            let digits = decimal(big);
            same(&format!("{digits}e{exp}"));
            let last = digits.as_bytes()[digits.len() - 1];
            for d in [last.saturating_sub(1), (last + 1).min(b'9')] {
                let mut near = digits.clone().into_bytes();
                *near.last_mut().unwrap() = d;
                same(&format!("{}e{exp}", String::from_utf8(near).unwrap()));
            }
        }
    }

    /// A big integer's decimal digits.
    fn decimal(mut big: Big) -> String {
        let mut parts = Vec::new();
        while !big.0.is_empty() {
            let mut rem = 0u64;
            for limb in big.0.iter_mut().rev() {
                let x = (rem << 32) | u64::from(*limb);
                *limb = (x / 1_000_000_000) as u32;
                rem = x % 1_000_000_000;
            }
            big.trim();
            parts.push(rem);
        }
        let mut s = parts.pop().map_or("0".to_string(), |p| p.to_string());
        for p in parts.iter().rev() {
            s.push_str(&format!("{p:09}"));
        }
        s
    }
}
