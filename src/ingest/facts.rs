//! Reading single facts as pages and registries write them into
//! ClinicalTrials.gov's vocabularies: status, phases, study type, sex,
//! ages, dates and counts.

use crate::atoms::text::Lower;
use crate::trial::{Age, SexEligibility};

/// The statuses ClinicalTrials.gov uses, with the spellings pages use.
/// Matching is on the folded form (letters and digits, `_` between words).
const STATUSES: &[(&str, &[&str])] = &[
    ("RECRUITING", &["RECRUITING", "ACTIVE_RECRUITING", "OPEN", "OPEN_TO_ENROLLMENT", "CURRENTLY_RECRUITING"]),
    ("NOT_YET_RECRUITING", &["NOT_YET_RECRUITING"]),
    ("ACTIVE_NOT_RECRUITING", &["ACTIVE_NOT_RECRUITING", "ACTIVE_NO_LONGER_RECRUITING"]),
    ("ENROLLING_BY_INVITATION", &["ENROLLING_BY_INVITATION"]),
    ("COMPLETED", &["COMPLETED"]),
    ("SUSPENDED", &["SUSPENDED"]),
    ("TERMINATED", &["TERMINATED"]),
    ("WITHDRAWN", &["WITHDRAWN"]),
    ("UNKNOWN", &["UNKNOWN", "UNKNOWN_STATUS"]),
    ("AVAILABLE", &["AVAILABLE"]),
    ("NO_LONGER_AVAILABLE", &["NO_LONGER_AVAILABLE"]),
    ("TEMPORARILY_NOT_AVAILABLE", &["TEMPORARILY_NOT_AVAILABLE"]),
    ("APPROVED_FOR_MARKETING", &["APPROVED_FOR_MARKETING"]),
    ("WITHHELD", &["WITHHELD"]),
];

/// "Active, not recruiting" → `ACTIVE_NOT_RECRUITING`; the whole value must
/// be a status, so that prose mentioning one is not taken for it.
pub fn status(s: &str) -> Option<String> {
    let key = fold(s);
    STATUSES.iter().find(|(_, names)| names.contains(&key.as_str())).map(|(code, _)| code.to_string())
}

/// Upper-case words joined by `_`: "Active - Recruiting" → `ACTIVE_RECRUITING`.
fn fold(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.chars().map(crate::atoms::text::upper));
    }
    out
}

/// "Phase 1/Phase 2", "1/2", "PHASE1", "Phase I/II", "Early Phase 1",
/// "Not Applicable", "N/A" → ClinicalTrials.gov phase codes. The whole value
/// must read as phases; anything else gives `None`.
pub fn phases(s: &str) -> Option<Vec<String>> {
    let lower = s.trim().lower();
    if lower.is_empty() || lower.len() > 60 {
        return None;
    }
    if matches!(lower.as_str(), "na" | "n/a" | "not applicable" | "phase na" | "phase n/a" | "none") {
        return Some(vec!["NA".into()]);
    }
    let mut early = false;
    let mut out: Vec<String> = Vec::new();
    let mut saw_phase_word = false;
    let spaced = lower.replace("phase", " phase ");
    for tok in spaced.split(|c: char| c.is_whitespace() || matches!(c, '/' | ',' | '|' | '-' | '_' | '&' | '+')) {
        let tok = tok.trim_matches(|c: char| c == '(' || c == ')' || c == '.');
        let n = match tok {
            "" | "and" | "or" => continue,
            "phase" | "phases" => {
                saw_phase_word = true;
                continue;
            }
            "early" => {
                early = true;
                continue;
            }
            "0" => 0,
            "1" | "i" => 1,
            "2" | "ii" => 2,
            "3" | "iii" => 3,
            "4" | "iv" => 4,
            "na" | "n" | "a" if saw_phase_word => {
                out.push("NA".into());
                continue;
            }
            _ => return None,
        };
        // "Phase 0" is what ClinicalTrials.gov calls early phase 1.
        let code = if n == 0 || (early && n == 1) { "EARLY_PHASE1".to_string() } else { format!("PHASE{n}") };
        if !out.contains(&code) {
            out.push(code);
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

/// "Interventional", "OBSERVATIONAL", "Expanded Access" → the code.
pub fn study_type(s: &str) -> Option<String> {
    let key = fold(s);
    let key = key.split('_').next().unwrap_or("");
    match key {
        "INTERVENTIONAL" => Some("INTERVENTIONAL".into()),
        "OBSERVATIONAL" => Some("OBSERVATIONAL".into()),
        "EXPANDED" => Some("EXPANDED_ACCESS".into()),
        _ => None,
    }
}

/// "All", "Both", "All Genders", "Female", "Women" → the sex eligibility.
pub fn sex(s: &str) -> Option<SexEligibility> {
    match fold(s).as_str() {
        "ALL" | "BOTH" | "ALL_GENDERS" | "ALL_SEXES" | "MALE_AND_FEMALE" | "FEMALE_AND_MALE" | "MALE_FEMALE"
        | "FEMALE_MALE" | "BOTH_SEXES" | "BOTH_GENDERS" => Some(SexEligibility::All),
        "FEMALE" | "FEMALES" | "WOMEN" | "FEMALE_ONLY" | "WOMEN_ONLY" => Some(SexEligibility::Female),
        "MALE" | "MALES" | "MEN" | "MALE_ONLY" | "MEN_ONLY" => Some(SexEligibility::Male),
        _ => None,
    }
}

/// "Yes"/"No" (and "Accepts Healthy Volunteers") → a boolean.
pub fn yes_no(s: &str) -> Option<bool> {
    match fold(s).as_str() {
        "YES" | "TRUE" | "ACCEPTS_HEALTHY_VOLUNTEERS" => Some(true),
        "NO" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A structured age: "18 Years" → 18 a; "6 Months" → 6 mo; "N/A" → `None`.
pub fn age(s: &str) -> Option<Age> {
    let mut it = s.split_whitespace();
    let value = crate::decimal::parse(it.next()?)?;
    let unit = match it.next() {
        Some(u) => unit(u)?,
        None => "a",
    };
    if it.next().is_some() || !value.is_finite() || value < 0.0 {
        return None;
    }
    Some(Age { value, unit: unit.into() })
}

fn unit(word: &str) -> Option<&'static str> {
    let w = word.trim_matches(|c: char| !c.is_alphabetic()).lower();
    Some(match w.as_str() {
        "year" | "years" | "yr" | "yrs" | "y" | "a" | "years-old" => "a",
        "month" | "months" | "mo" | "mos" => "mo",
        "week" | "weeks" | "wk" | "wks" => "wk",
        "day" | "days" | "d" => "d",
        "hour" | "hours" | "h" => "h",
        "minute" | "minutes" | "min" => "min",
        _ => return None,
    })
}

/// An age range as pages write it: "18 Years and up", "10-65",
/// "18~65 years old", "18 to 65 Years", "up to 65 years", "≥ 18 years".
/// Returns (minimum, maximum); `None` when the value is not an age range.
pub fn age_range(s: &str) -> Option<(Option<Age>, Option<Age>)> {
    let lower = s.lower();
    if lower.len() > 80 {
        return None;
    }
    // Numbers with the unit written after each (if any).
    let mut nums: Vec<(f64, Option<&'static str>)> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut between: Vec<String> = Vec::new(); // separators seen after the first number
    let mut cur = String::new();
    let flush = |cur: &mut String,
                 nums: &mut Vec<(f64, Option<&'static str>)>,
                 words: &mut Vec<String>,
                 between: &mut Vec<String>| {
        if cur.is_empty() {
            return;
        }
        if let Some(v) = crate::decimal::parse(cur) {
            nums.push((v, None));
        } else if let (Some(u), Some(last)) = (unit(cur), nums.last_mut()) {
            if last.1.is_none() {
                last.1 = Some(u);
            }
        } else {
            words.push(cur.clone());
            if !nums.is_empty() {
                between.push(cur.clone());
            }
        }
        cur.clear();
    };
    for c in lower.chars() {
        let same_kind = cur.chars().next().map(|f| f.is_ascii_digit() == (c.is_ascii_digit() || c == '.'));
        if c.is_alphanumeric() || c == '.' {
            if same_kind == Some(false) {
                flush(&mut cur, &mut nums, &mut words, &mut between);
            }
            cur.push(c);
        } else {
            flush(&mut cur, &mut nums, &mut words, &mut between);
            if !c.is_whitespace() {
                let sym = c.to_string();
                words.push(sym.clone());
                if !nums.is_empty() {
                    between.push(sym);
                }
            }
        }
    }
    flush(&mut cur, &mut nums, &mut words, &mut between);
    let has = |w: &str| words.iter().any(|x| x == w);
    let known = |w: &String| {
        matches!(
            w.as_str(),
            "-" | "–"
                | "~"
                | "～"
                | "to"
                | "and"
                | "up"
                | "older"
                | "over"
                | "above"
                | "or"
                | "under"
                | "younger"
                | "below"
                | "old"
                | "+"
                | "≥"
                | ">"
                | "≤"
                | "<"
                | "="
                | "from"
                | "aged"
                | "age"
                | "ages"
                | "between"
                | "at"
                | "least"
                | "most"
                | "is"
                | "of"
                | "minimum"
                | "maximum"
                | "min"
                | "max"
                | "than"
                | "("
                | ")"
                | ":"
                | "adults"
                | "adult"
                | "child"
                | "older_adult"
        )
    };
    if nums.is_empty() || nums.len() > 2 || !words.iter().all(known) {
        return None;
    }
    let default_unit = nums.iter().rev().find_map(|n| n.1).unwrap_or("a");
    let mk = |n: (f64, Option<&'static str>)| Age { value: n.0, unit: n.1.unwrap_or(default_unit).to_string() };
    if nums.len() == 2 {
        return Some((Some(mk(nums[0])), Some(mk(nums[1]))));
    }
    let max = has("under")
        || has("younger")
        || has("below")
        || has("≤")
        || has("<")
        || has("most")
        || has("max")
        || has("maximum")
        || (has("up") && has("to"));
    let min = has("older")
        || has("over")
        || has("above")
        || has("+")
        || has("≥")
        || has(">")
        || has("least")
        || has("min")
        || has("minimum")
        || (has("up") && !has("to"));
    match (min, max) {
        (true, false) => Some((Some(mk(nums[0])), None)),
        (false, true) => Some((None, Some(mk(nums[0])))),
        _ => None,
    }
}

/// The first whole number in `s` ("24 (estimated)", "1,200 participants").
pub fn count(s: &str) -> Option<u64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    // The number must open the value: "Phase 2 study" is not a count.
    if s[..start].chars().any(char::is_alphanumeric) {
        return None;
    }
    let digits: String =
        s[start..].chars().take_while(|c| c.is_ascii_digit() || *c == ',').filter(|c| *c != ',').collect();
    digits.parse().ok()
}

/// A date as ISO `YYYY-MM-DD`, or `YYYY-MM` when no day is given:
/// "Apr 30, 2025", "30 April 2025", "July 2001", "2025-08-25".
pub fn date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if (0..4).all(digit) && b.get(4) == Some(&b'-') && digit(5) && digit(6) {
        if b.get(7) == Some(&b'-') && digit(8) && digit(9) {
            return Some(s[..10].to_string());
        }
        return Some(s[..7].to_string());
    }
    let mut year = None;
    let mut month = None;
    let mut day = None;
    let mut tokens = 0;
    for tok in s.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
        tokens += 1;
        if tokens > 6 {
            return None;
        }
        if let Ok(n) = tok.trim_end_matches(|c: char| c.is_alphabetic()).parse::<u32>() {
            if tok.len() == 4 && (1900..=2100).contains(&n) {
                year = Some(n);
            } else if (1..=31).contains(&n) && day.is_none() {
                day = Some(n);
            }
        } else if let Some(m) = month_number(tok) {
            month = Some(m);
        } else if !matches!(tok.lower().as_str(), "estimated" | "actual" | "anticipated" | "expected") {
            return None;
        }
    }
    match (year, month, day) {
        (Some(y), Some(m), Some(d)) => Some(format!("{y:04}-{m:02}-{d:02}")),
        (Some(y), Some(m), None) => Some(format!("{y:04}-{m:02}")),
        _ => None,
    }
}

fn month_number(tok: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = tok.lower();
    if lower.len() < 3 || !lower.is_ascii() {
        return None;
    }
    let i = MONTHS.iter().position(|m| lower.starts_with(m))?;
    // "march" and "mar" but not "market": the rest must spell the month.
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let ok = FULL[i].starts_with(&lower) || lower == "sept";
    if ok { Some(i as u32 + 1) } else { None }
}

/// Whether `s` looks like an NCT number; returns it when so.
pub fn nct_id(s: &str) -> Option<String> {
    let at = s.find("NCT")?;
    let digits: String = s[at + 3..].chars().take_while(char::is_ascii_digit).collect();
    if digits.len() == 8 { Some(format!("NCT{digits}")) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Bound = Option<(f64, String)>;

    fn ages(s: &str) -> Option<(Bound, Bound)> {
        age_range(s).map(|(a, b)| (a.map(|a| (a.value, a.unit)), b.map(|b| (b.value, b.unit))))
    }

    #[test]
    fn vocabularies() {
        assert_eq!(status("Active - Recruiting").as_deref(), Some("RECRUITING"));
        assert_eq!(status("Active, not recruiting").as_deref(), Some("ACTIVE_NOT_RECRUITING"));
        assert_eq!(status("Unknown status").as_deref(), Some("UNKNOWN"));
        assert_eq!(status("Recruiting patients now"), None);
        assert_eq!(phases("1/2"), Some(vec!["PHASE1".into(), "PHASE2".into()]));
        assert_eq!(phases("Phase 1/Phase 2"), Some(vec!["PHASE1".into(), "PHASE2".into()]));
        assert_eq!(phases("PHASE1"), Some(vec!["PHASE1".into()]));
        assert_eq!(phases("Phase I/II"), Some(vec!["PHASE1".into(), "PHASE2".into()]));
        assert_eq!(phases("Early Phase 1"), Some(vec!["EARLY_PHASE1".into()]));
        assert_eq!(phases("EARLY_PHASE1"), Some(vec!["EARLY_PHASE1".into()]));
        assert_eq!(phases("Not Applicable"), Some(vec!["NA".into()]));
        assert_eq!(phases("N/A"), Some(vec!["NA".into()]));
        assert_eq!(phases("Phase 2 study of x"), None);
        assert_eq!(sex("All Genders"), Some(SexEligibility::All));
        assert_eq!(study_type("Interventional"), Some("INTERVENTIONAL".into()));
    }

    #[test]
    fn age_ranges() {
        let a = |v: f64| Some((v, "a".to_string()));
        assert_eq!(ages("18 Years and up"), Some((a(18.0), None)));
        assert_eq!(ages("10-65"), Some((a(10.0), a(65.0))));
        assert_eq!(ages("18~65 years old"), Some((a(18.0), a(65.0))));
        assert_eq!(ages("18 to 65 Years"), Some((a(18.0), a(65.0))));
        assert_eq!(ages("up to 65 years"), Some((None, a(65.0))));
        assert_eq!(ages("6 months to 17 years"), Some((Some((6.0, "mo".into())), a(17.0))));
        assert_eq!(ages("18+"), Some((a(18.0), None)));
        assert_eq!(ages("18 Years"), None);
        assert_eq!(ages("patients with 2 tumours"), None);
    }

    #[test]
    fn dates_and_counts() {
        assert_eq!(date("Apr 30, 2025").as_deref(), Some("2025-04-30"));
        assert_eq!(date("4 October 2022").as_deref(), Some("2022-10-04"));
        assert_eq!(date("July 2001").as_deref(), Some("2001-07"));
        assert_eq!(date("2025-08-25").as_deref(), Some("2025-08-25"));
        assert_eq!(date("2000-03").as_deref(), Some("2000-03"));
        assert_eq!(date("soon"), None);
        assert_eq!(count("24 (estimated)"), Some(24));
        assert_eq!(count("1,200"), Some(1200));
        assert_eq!(count("Phase 2"), None);
        assert_eq!(nct_id("Trial IDNCT06056921 on ClinicalTrials.gov").as_deref(), Some("NCT06056921"));
    }
}
