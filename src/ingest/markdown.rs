//! Markdown mirrors of registry records: YAML front matter, "**Label:**
//! value" facts, the criteria in a ``` fence under "## Eligibility", with
//! markdown escapes undone.

use super::{facts, page};
use crate::atoms::text::Lower;
use crate::trial::{Diagnostic, Format, Location, Trial};

/// Reads a markdown record. Never fails: what cannot be read is reported.
pub fn read(input: &str) -> Trial {
    // Line breaks as "\n" only, so that fences and headings match whatever
    // system wrote the file.
    let input = &input.replace("\r\n", "\n");
    let mut t = Trial { format: Format::Markdown, ..Trial::default() };
    let body = front_matter(input, &mut t);
    let (criteria, rest) = fenced_eligibility(body);
    match criteria {
        Some(c) => {
            t.eligibility_text = unescape(c.trim_matches('\n').trim_end());
            let _ = page::read(&unescape(&rest), &mut t, false, page::PageOptions { markdown: true, ..Default::default() });
        }
        None => {
            let _ = page::read(&unescape(body), &mut t, true, page::PageOptions { markdown: true, ..Default::default() });
        }
    }
    t.locations = locations(body);
    if t.eligibility_text.trim().is_empty() && !t.diagnostics.iter().any(|d| d.message.contains("criteria")) {
        t.diagnostics.push(Diagnostic::warning("markdown record has no eligibility criteria", None));
    }
    t
}

/// Reads `key: value` lines between `---` fences; returns the body after.
fn front_matter<'a>(input: &'a str, t: &mut Trial) -> &'a str {
    let s = input.trim_start_matches('\u{feff}');
    let Some(after) = s.strip_prefix("---").filter(|a| a.starts_with('\n') || a.starts_with("\r\n")) else {
        return s;
    };
    let Some(end) = after.find("\n---") else {
        t.diagnostics.push(Diagnostic::warning("front matter opened with --- is never closed", None));
        return s;
    };
    let yaml = &after[..end];
    let body = &after[end + 4..];
    let body = body.find('\n').map_or("", |i| &body[i + 1..]);
    for line in yaml.lines() {
        let Some((k, v)) = line.split_once(':') else { continue };
        let v = v.trim().trim_matches('"').trim_matches('\'').trim();
        if v.is_empty() {
            continue;
        }
        match k.trim() {
            "title" | "brief_title" => t.title = Some(v.to_string()),
            "official_title" => t.official_title = Some(v.to_string()),
            "nct_id" | "nctId" | "id" => t.id = facts::nct_id(v).or(t.id.take()),
            "overall_status" | "status" => t.status = facts::status(v).or(t.status.take()),
            "phase" | "phases" => {
                if let Some(p) = facts::phases(v.trim_matches(['[', ']'])) {
                    t.phases = p;
                }
            }
            "sponsor" | "lead_sponsor" => t.sponsor = Some(v.to_string()),
            "study_type" => t.study_type = facts::study_type(v),
            "primary_condition" | "conditions" | "condition" => {
                t.conditions = v
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|c| c.trim().trim_matches('"').to_string())
                    .filter(|c| !c.is_empty())
                    .collect()
            }
            "enrollment" => t.enrollment = facts::count(v),
            "start_date" => t.start_date = facts::date(v),
            "completion_date" => t.completion_date = facts::date(v),
            _ => {}
        }
    }
    body
}

/// The fenced block under the "## Eligibility" heading, and the body with
/// that block taken out.
fn fenced_eligibility(body: &str) -> (Option<&str>, String) {
    let Some(h) = find_heading(body, "eligibility") else { return (None, body.to_string()) };
    let section = &body[h..];
    // The section ends at the next "## " heading.
    let sec_end = section[1..].find("\n## ").map_or(section.len(), |i| i + 2);
    let sec = &section[..sec_end];
    let Some(open) = sec.find("```") else { return (None, body.to_string()) };
    let after_open = &sec[open + 3..];
    let Some(nl) = after_open.find('\n') else { return (None, body.to_string()) };
    let inner = &after_open[nl + 1..];
    let close = inner.find("\n```").map_or(inner.len(), |i| i + 1);
    let criteria = &inner[..close];
    let abs_open = h + open;
    let close_at = h + open + 3 + nl + 1 + close;
    let after_close = body.get(close_at..).unwrap_or("");
    let after_close = after_close.find('\n').map_or("", |i| &after_close[i..]);
    let mut rest = String::with_capacity(body.len());
    rest.push_str(&body[..abs_open]);
    rest.push_str(after_close);
    (Some(criteria), rest)
}

/// Byte offset of the line "## <name>…" (case-insensitive).
fn find_heading(body: &str, name: &str) -> Option<usize> {
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        if let Some(h) = line.strip_prefix("## ") {
            if h.trim().lower().starts_with(name) {
                return Some(at);
            }
        }
        at += line.len();
    }
    None
}

/// "- Anhui Provincial Hospital, Hefei, Anhui, China — _RECRUITING_" lines
/// under "## Locations".
fn locations(body: &str) -> Vec<Location> {
    let Some(h) = find_heading(body, "locations") else { return Vec::new() };
    let mut out = Vec::new();
    for line in body[h..].lines().skip(1) {
        if line.starts_with("## ") {
            break;
        }
        let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) else { continue };
        let (place, status) = match item.rsplit_once(" — ") {
            Some((p, s)) => (p, facts::status(s.trim().trim_matches(['_', '*']))),
            None => (item, None),
        };
        let parts: Vec<&str> = place.split(", ").map(str::trim).collect();
        let mut loc = Location { status, ..Location::default() };
        let n = parts.len();
        match n {
            0 => continue,
            1 => loc.facility = Some(parts[0].to_string()),
            2 => {
                loc.city = Some(parts[0].to_string());
                loc.country = Some(parts[1].to_string());
            }
            3 => {
                loc.facility = Some(parts[0].to_string());
                loc.city = Some(parts[1].to_string());
                loc.country = Some(parts[2].to_string());
            }
            _ => {
                loc.facility = Some(parts[..n - 3].join(", "));
                loc.city = Some(parts[n - 3].to_string());
                loc.state = Some(parts[n - 2].to_string());
                loc.country = Some(parts[n - 1].to_string());
            }
        }
        out.push(loc);
    }
    out
}

/// Undoes markdown backslash escapes: `\^` → `^`, `\>` → `>`, `\~` → `~`.
/// A backslash before anything but ASCII punctuation stays.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n.is_ascii_punctuation() {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_markdown() {
        assert_eq!(
            unescape(r"10\^9/L, DAS28\>3.2, 1\~3 g/d, \\ \* \_ \[x\] a\b"),
            r"10^9/L, DAS28>3.2, 1~3 g/d, \ * _ [x] a\b"
        );
    }

    #[test]
    fn reads_fence_under_eligibility() {
        let md = "---\ntitle: T\nnct_id: NCT01234567\n---\n# T\n\n## Eligibility\n\n- **Sex:** FEMALE\n\n```\nInclusion Criteria:\n\n* Age \\>= 18\n```\n\n## Arms\n\n- x\n";
        let t = read(md);
        assert_eq!(t.id.as_deref(), Some("NCT01234567"));
        assert_eq!(t.eligibility_text, "Inclusion Criteria:\n\n* Age >= 18");
        assert_eq!(t.sex, Some(crate::trial::SexEligibility::Female));
    }
}
