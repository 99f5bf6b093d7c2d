//! Calendar dates as day numbers, with the precision they were written in
//! (`2022`, `2022-03`, `2022-03-14`, or a FHIR date-time).

/// A date: days since 1970-01-01 of its first day, and how much was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub day: i64,
    pub precision: Precision,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date (year, month, day) of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// Reads `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, optionally followed by a FHIR
    /// time (`T10:00:00+00:00`, which is dropped). `None` when it is not one.
    ///
    /// ```
    /// use trialsieve::patient::date::Date;
    /// assert_eq!(Date::parse("1970-01-02").unwrap().day, 1);
    /// assert!(Date::parse("2026-02-30").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let s = s.split('T').next().unwrap_or(s);
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Option<i64> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) { p.parse().ok() } else { None }
        };
        let y = num(parts.first()?, 4)?;
        let (m, d, precision) = match parts.len() {
            1 => (1, 1, Precision::Year),
            2 => (num(parts[1], 2)? as u32, 1, Precision::Month),
            3 => (num(parts[1], 2)? as u32, num(parts[2], 2)? as u32, Precision::Day),
            _ => return None,
        };
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date { day: days_from_civil(y, m, d), precision })
    }

    /// `YYYY-MM-DD` (or `YYYY-MM`, `YYYY` at lower precision).
    pub fn to_iso(self) -> String {
        let (y, m, d) = civil_from_days(self.day);
        match self.precision {
            Precision::Year => format!("{y:04}"),
            Precision::Month => format!("{y:04}-{m:02}"),
            Precision::Day => format!("{y:04}-{m:02}-{d:02}"),
        }
    }

    /// The last day the written date may stand for (end of its month or year).
    pub fn last_day(self) -> i64 {
        let (y, m, _) = civil_from_days(self.day);
        match self.precision {
            Precision::Day => self.day,
            Precision::Month => self.day + days_in_month(y, m) as i64 - 1,
            Precision::Year => days_from_civil(y, 12, 31),
        }
    }

    pub fn from_day(day: i64) -> Date {
        Date { day, precision: Precision::Day }
    }
}

/// Whole years from `birth` to `on` (a birthday counts on its day).
pub fn age_years(birth: Date, on: Date) -> i64 {
    let (by, bm, bd) = civil_from_days(birth.day);
    let (y, m, d) = civil_from_days(on.day);
    let mut a = y - by;
    if (m, d) < (bm, bd) {
        a -= 1;
    }
    a
}
