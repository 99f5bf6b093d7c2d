//! Pages read as text (aggregator sites, copied pages, HTML after
//! [`super::html::to_text`], markdown bodies): the facts glued to their
//! labels, and the criteria between the first criteria header and the point
//! where the page's own sections resume.
//!
//! Which headings open the criteria, which end them and which lines are
//! page chrome is data (`data/ingest/page_sections.json`), as are the fact
//! labels (`data/ingest/page_facts.json`); nothing here knows a site.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::facts;
use super::page_field::Field;
use crate::atoms::text::Lower;
use crate::trial::{Age, Diagnostic, Location, Trial};

// The tables, checked and written as Rust source by `build.rs`:
// `CRITERIA_HEADERS`, `FALLBACK_HEADERS`, `END_SECTIONS`, `CHROME_LINES`,
// `LOCATION_SECTIONS` and `FACTS` (each field with its labels), every list
// one string with an entry per line.
include!(concat!(env!("OUT_DIR"), "/page_tables.rs"));

/// Lines are looked up in these sets one by one: a cheaper hash than the
/// standard one, over the fixed contents of data files.
type Set = HashSet<String, BuildHasherDefault<crate::atoms::lex::Fnv>>;

/// A set of lines in their heading form ([`norm`]) that knows its longest:
/// most lines of a page are longer, and are told apart without hashing.
struct LineSet {
    set: Set,
    longest: usize,
}

impl LineSet {
    /// The lines of `lines`, one per line.
    fn new(lines: &str) -> LineSet {
        LineSet { set: lines.lines().map(str::to_string).collect(), longest: lines.lines().map(str::len).max().unwrap_or(0) }
    }

    fn contains(&self, line: &str) -> bool {
        line.len() <= self.longest && self.set.contains(line)
    }

    fn iter(&self) -> impl Iterator<Item = &String> {
        self.set.iter()
    }
}

struct Tables {
    headers: LineSet,
    fallback: LineSet,
    ends: LineSet,
    chrome: LineSet,
    /// End sections that list the trial's sites.
    location_sections: LineSet,
    /// (label, field), longest label first so that "Ages" wins over "Age".
    labels: Vec<(String, Field)>,
    /// Indices into `labels`, in their order, by the label's first byte in
    /// ASCII lower case: a line is tried only against the labels it can
    /// start with (an empty label is under every byte).
    by_first: Vec<Vec<usize>>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut labels: Vec<(String, Field)> =
            FACTS.iter().flat_map(|(field, names)| names.lines().map(move |n| (n.to_string(), *field))).collect();
        crate::sort::sort_by(&mut labels, |a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        let mut by_first = vec![Vec::new(); 256];
        for (k, (label, _)) in labels.iter().enumerate() {
            match label.as_bytes().first() {
                Some(b) => by_first[b.to_ascii_lowercase() as usize].push(k),
                None => by_first.iter_mut().for_each(|v| v.push(k)),
            }
        }
        Tables {
            headers: LineSet::new(CRITERIA_HEADERS),
            fallback: LineSet::new(FALLBACK_HEADERS),
            ends: LineSet::new(END_SECTIONS),
            chrome: LineSet::new(CHROME_LINES),
            location_sections: LineSet::new(LOCATION_SECTIONS),
            labels,
            by_first,
        }
    })
}

/// Lines longer than this are prose, never a heading or a fact.
const MAX_LABEL_LINE: usize = 200;

/// A line's heading form: bullets, markdown emphasis and trailing
/// punctuation dropped, lower case, single spaces.
pub fn norm(line: &str) -> String {
    if line.len() > MAX_LABEL_LINE * 2 {
        return String::new();
    }
    let t = line.trim().trim_start_matches(|c: char| {
        c == '•' || c == '*' || c == '#' || c == '>' || c == '·' || c == '-' || c.is_whitespace()
    });
    // Most lines have no emphasis: no copy for them.
    let t: std::borrow::Cow<'_, str> =
        if t.contains("**") || t.contains("__") { t.replace("**", "").replace("__", "").into() } else { t.into() };
    let mut out;
    if t.is_ascii() {
        // The same words, single spaces, then lower case, without decoding
        // characters.
        out = crate::criteria::fold_ws(&t);
        out.make_ascii_lowercase();
    } else {
        out = String::with_capacity(t.len());
        for w in t.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&w.lower());
        }
    }
    while out.ends_with([':', '?', '.', '：', ' ']) {
        out.pop();
    }
    out
}

/// How a line opens the criteria.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    /// "Inclusion Criteria:", "Exclusion criteria", "Inclusion".
    Section,
    /// "Eligibility Criteria": used only when no section header exists.
    Fallback,
}

/// `colon` says the raw line ends with a colon, as headers often do.
fn header(t: &Tables, n: &str, colon: bool) -> Option<Header> {
    // "Show full inclusion / exclusion criteria" names criteria but is a button.
    if n.is_empty() || t.chrome.contains(n) {
        return None;
    }
    if t.headers.contains(n) {
        return Some(Header::Section);
    }
    if t.fallback.contains(n) {
        return Some(Header::Fallback);
    }
    // "Resident Inclusion Criteria:", "Part A exclusion criteria:".
    let qualified = |h: &str| (colon && n.len() <= 80 && n.contains(h)) || (n.len() <= 60 && n.ends_with(h));
    if qualified("inclusion criteria") || qualified("exclusion criteria") {
        return Some(Header::Section);
    }
    // "Inclusion Criteria 1. Refractory …", "Inclusion criteria: age ≥ 18",
    // "Inclusion Criteria for families:", "Inclusion Criteria(Only …)":
    // a header with a qualifier or the first criterion run on. Only headers
    // that say "criteria" qualify, so that prose ("Inclusion of …") does not.
    let runs_on = |h: &String| {
        let Some(rest) = n.strip_prefix(h.as_str()) else { return false };
        let after_space = rest.strip_prefix(' ').map(str::trim_start);
        rest.starts_with([':', '(', '-', '–', '—', ',', '['])
            || after_space.is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit() || "(-*•[".contains(c)))
            || ((colon || rest.starts_with(" for ")) && n.len() <= 100)
    };
    if t.headers.iter().filter(|h| h.contains("criteria")).any(runs_on) {
        return Some(Header::Section);
    }
    if t.fallback.iter().filter(|h| h.contains("criteria")).any(runs_on) {
        return Some(Header::Fallback);
    }
    None
}

fn is_end(t: &Tables, n: &str, markdown_heading: bool) -> bool {
    if n.is_empty() {
        return false;
    }
    if t.ends.contains(n) {
        return true;
    }
    // "Locations (1)", "Study contacts — 2 sites".
    if let Some(i) = n.find(" (") {
        if t.ends.contains(&n[..i]) {
            return true;
        }
    }
    markdown_heading && header(t, n, false).is_none()
}

/// The line starts with `prefix`, ignoring ASCII case; returns the rest.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    // Most lines are tried against every label: the first byte rules out
    // almost all of them before the full comparison.
    if let (Some(a), Some(b)) = (s.as_bytes().first(), prefix.as_bytes().first()) {
        if !a.eq_ignore_ascii_case(b) {
            return None;
        }
    }
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) { s.get(prefix.len()..) } else { None }
}

/// One line of the page, without its line break.
struct Line<'a> {
    text: &'a str,
}

/// Where the criteria lie, in lines: `start..end`.
struct Region {
    start: usize,
    end: usize,
}

/// Options for reading a page.
#[derive(Default, Clone, Copy)]
pub struct PageOptions {
    /// `## ` headings end the criteria (markdown bodies).
    pub markdown: bool,
    /// The text is the criteria themselves, not a page around them: they
    /// start at its first line, header or not.
    pub bare: bool,
    /// A first reading, to tell a page from bare criteria: when the text
    /// holds no fact of a page, stop once the criteria are found
    /// (`eligibility_text`), as a reader that goes on to read it as bare
    /// criteria keeps nothing else of it.
    pub probe: bool,
}

/// Reads the page `text` into `t`: facts into the fields `t` does not yet
/// have, and the criteria into `eligibility_text` when `want_criteria`.
/// Returns whether any fact was found outside the criteria, which tells a
/// page from bare criteria.
pub fn read(text: &str, t: &mut Trial, want_criteria: bool, opts: PageOptions) -> bool {
    read_lines(&Lines::new(text), t, want_criteria, opts)
}

/// A page cut into lines, each with its heading form ([`norm`]): made once
/// for a text read more than one way.
pub struct Lines<'a> {
    lines: Vec<Line<'a>>,
    norms: Vec<String>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let lines: Vec<Line<'a>> = text.split_inclusive('\n').map(|l| Line { text: l.trim_end_matches(['\n', '\r']) }).collect();
        let norms = lines.iter().map(|l| norm(l.text)).collect();
        Lines { lines, norms }
    }
}

/// [`read`] over a page already cut into lines.
pub fn read_lines(page: &Lines<'_>, t: &mut Trial, want_criteria: bool, opts: PageOptions) -> bool {
    let tab = tables();
    let (lines, norms) = (&page.lines, &page.norms);
    // Without criteria to find (a markdown body whose criteria sat in a
    // fence), every line may hold facts.
    let region = if want_criteria { find_region(tab, &lines, &norms, opts) } else { None };
    if let Some(r) = region.as_ref().filter(|_| want_criteria) {
        let mut out = String::new();
        for (l, n) in lines[r.start..r.end].iter().zip(&norms[r.start..r.end]) {
            if tab.chrome.contains(n) {
                continue;
            }
            out.push_str(l.text);
            out.push('\n');
        }
        let keep = out.trim_end().len();
        out.truncate(keep);
        t.eligibility_text = out.trim_start_matches(['\n', '\r']).to_string();
    }
    let outside = |i: usize| region.as_ref().is_none_or(|r| i < r.start || i >= r.end);
    let mut found = Trial::default();
    scan_facts(tab, &lines, &norms, &mut found, &outside, region.as_ref().map(|r| r.start));
    // Ages and sex are written the same way as criteria ("Age: 18 and
    // over" under "PATIENT CHARACTERISTICS:"), so they do not mark a page.
    let page_like = found.id.is_some()
        || found.status.is_some()
        || !found.phases.is_empty()
        || found.sponsor.is_some()
        || found.enrollment.is_some()
        || found.study_type.is_some()
        || found.start_date.is_some()
        || found.completion_date.is_some();
    if opts.probe && !page_like {
        return false;
    }
    if want_criteria && t.locations.is_empty() {
        t.locations = locations(tab, &lines, &norms, region.as_ref().map_or(0, |r| r.end));
    }
    merge(t, found);
    // Ages and sex written as criteria ("Age: 18~65 years old") are
    // eligibility facts too, when the page states them nowhere else and the
    // criteria state them once: cohorts with different ages leave them unset.
    if let Some(r) = &region {
        let inside = |i: usize| i >= r.start && i < r.end;
        let mut ages: Vec<(Option<Age>, Option<Age>)> = Vec::new();
        let mut sexes = Vec::new();
        // An age written in the exclusions ("Age < 6 months") is a reason
        // to exclude, not the trial's limit: only lines before the
        // exclusion header count.
        let mut in_exclusion = false;
        for i in r.start..r.end {
            const OPENS: [&str; 3] = ["exclusion", "non-inclusion", "non inclusion"];
            let line = lines.get(i).map_or("", |l| strip_bullets(l.text).trim_start());
            let head = &line[..line.char_indices().nth(16).map_or(line.len(), |(k, _)| k)];
            // ASCII (most lines) compared as it is; anything else lower-cased first.
            let exclusion = if head.is_ascii() {
                OPENS.iter().any(|p| head.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
            } else {
                let lower = head.lower();
                OPENS.iter().any(|p| lower.starts_with(p))
            };
            if exclusion {
                in_exclusion = true;
            }
            if in_exclusion {
                continue;
            }
            for (field, value, _) in facts_at(tab, &lines, i, &inside) {
                let reading = match field {
                    Field::Ages => facts::age_range(value).map(|a| ages.push(a)),
                    Field::MinimumAge => facts::age(value).map(|a| ages.push((Some(a), None))),
                    Field::MaximumAge => facts::age(value).map(|a| ages.push((None, Some(a)))),
                    Field::Sex => facts::sex(value).map(|s| sexes.push(s)),
                    _ => None,
                };
                if reading.is_some() {
                    break;
                }
            }
        }
        if t.minimum_age.is_none() && t.maximum_age.is_none() && ages.len() == 1 {
            (t.minimum_age, t.maximum_age) = ages.remove(0);
        }
        sexes.dedup();
        if t.sex.is_none() && sexes.len() == 1 {
            t.sex = sexes.pop();
        }
    }
    if want_criteria && region.is_none() && !opts.bare {
        t.diagnostics.push(Diagnostic::warning(
            "no criteria header (such as \"Inclusion Criteria\" or \"Exclusion Criteria\") found in the page; eligibility text left empty",
            None,
        ));
    }
    page_like
}

/// Fills the fields of `t` that are still empty from `from`.
fn merge(t: &mut Trial, from: Trial) {
    fn fill<T>(slot: &mut Option<T>, v: Option<T>) {
        if slot.is_none() {
            *slot = v;
        }
    }
    fill(&mut t.id, from.id);
    fill(&mut t.title, from.title);
    fill(&mut t.official_title, from.official_title);
    fill(&mut t.status, from.status);
    fill(&mut t.study_type, from.study_type);
    fill(&mut t.sponsor, from.sponsor);
    fill(&mut t.enrollment, from.enrollment);
    fill(&mut t.sex, from.sex);
    fill(&mut t.healthy_volunteers, from.healthy_volunteers);
    fill(&mut t.start_date, from.start_date);
    fill(&mut t.completion_date, from.completion_date);
    if t.locations.is_empty() {
        t.locations = from.locations;
    }
    if t.minimum_age.is_none() && t.maximum_age.is_none() {
        t.minimum_age = from.minimum_age;
        t.maximum_age = from.maximum_age;
    }
    if t.phases.is_empty() {
        t.phases = from.phases;
    }
    if t.conditions.is_empty() {
        t.conditions = from.conditions;
    }
    for id in from.secondary_ids {
        if !t.secondary_ids.contains(&id) {
            t.secondary_ids.push(id);
        }
    }
}

fn find_region(tab: &Tables, lines: &[Line<'_>], norms: &[String], opts: PageOptions) -> Option<Region> {
    let mut first_fallback = None;
    let mut first_section = None;
    for (i, (l, n)) in lines.iter().zip(norms).enumerate() {
        match header(tab, n, l.text.trim_end().ends_with([':', '：'])) {
            Some(Header::Section) => {
                first_section = Some(i);
                break;
            }
            Some(Header::Fallback) if first_fallback.is_none() => first_fallback = Some(i),
            _ => {}
        }
    }
    // "Eligibility Criteria" opens the criteria only when something other
    // than blank lines, chrome and labelled facts ("Minimum age: 18 Years")
    // lies between it and "Inclusion Criteria".
    let start = match (first_fallback, first_section) {
        (Some(f), Some(s)) if f < s => {
            let only_chrome = norms[f + 1..s]
                .iter()
                .all(|n| !n.chars().any(char::is_alphanumeric) || tab.chrome.contains(n) || is_fact_line(tab, n));
            if only_chrome { s } else { f }
        }
        (f, s) => match s.or(f) {
            Some(s) => s,
            None if opts.bare => 0,
            None => return None,
        },
    };
    // Bare criteria keep what precedes their first header ("DISEASE
    // CHARACTERISTICS:", "Part A", a cohort's name).
    let start = if opts.bare { 0 } else { start };
    let mut end = lines.len();
    for (i, (l, n)) in lines.iter().zip(norms).enumerate().skip(start + 1) {
        let md_heading = opts.markdown && l.text.starts_with("## ");
        if is_end(tab, n, md_heading) || is_page_fact(tab, lines, i) {
            end = i;
            break;
        }
    }
    Some(Region { start, end })
}

/// Bullet characters and markdown list marks before a fact label.
fn strip_bullets(s: &str) -> &str {
    s.trim().trim_start_matches(|c: char| c == '•' || c == '*' || c == '-' || c == '·' || c.is_whitespace())
}

/// Sites listed as bullet items under a locations heading, each with the
/// recruitment status written under it ("• Site\n  City\n  Active - Recruiting").
fn locations(tab: &Tables, lines: &[Line<'_>], norms: &[String], from: usize) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    let mut in_section = false;
    for (l, n) in lines.iter().zip(norms).skip(from) {
        let base = n.find(" (").map_or(n.as_str(), |i| &n[..i]);
        if tab.location_sections.contains(base) {
            in_section = true;
            continue;
        }
        if !in_section {
            continue;
        }
        if tab.ends.contains(base) {
            in_section = false;
            continue;
        }
        let t = l.text.trim();
        if t.starts_with(['•', '*', '-']) && !n.is_empty() {
            if out.len() >= 1000 {
                break;
            }
            out.push(Location { facility: Some(strip_bullets(t).to_string()), ..Location::default() });
        } else if let Some(last) = out.last_mut() {
            if last.status.is_none() {
                last.status = facts::status(t);
            }
        }
    }
    out
}

/// "minimum age: 18 years": a known label, a colon and a value.
fn is_fact_line(tab: &Tables, n: &str) -> bool {
    tab.labels.iter().any(|(l, _)| n.strip_prefix(l.as_str()).is_some_and(|r| r.starts_with(':')))
}

/// The readings of line `i` as a labelled fact, longest label first: the
/// field, the value (on the line, or on the next non-blank line when the
/// label stands alone) and the index of the value's line.
fn facts_at<'a>(
    tab: &'a Tables,
    lines: &'a [Line<'a>],
    i: usize,
    include: &'a dyn Fn(usize) -> bool,
) -> impl Iterator<Item = (Field, &'a str, usize)> + 'a {
    let text = lines.get(i).map_or("", |l| l.text);
    let line = if text.len() > MAX_LABEL_LINE { "" } else { strip_bullets(text) };
    // Labels not starting with the line's first byte cannot match it.
    let candidates: &[usize] = match line.as_bytes().first() {
        Some(b) => &tab.by_first[b.to_ascii_lowercase() as usize],
        // Only an empty label matches an empty line; every bucket holds those.
        None => &tab.by_first[0],
    };
    let empty_line = line.is_empty();
    candidates.iter().map(|&k| &tab.labels[k]).filter(move |(l, _)| !empty_line || l.is_empty()).filter_map(move |(label, field)| {
        let rest = strip_prefix_ci(line, label)?;
        // A label glued to a word ("Phaseout") is no label; glued to a
        // capital, digit or symbol ("PhasePHASE1", "SexAll") it is.
        let glued_ok = rest.is_empty()
            || rest.starts_with(|c: char| !c.is_alphabetic() || c.is_uppercase())
            || (label == "sponsor" && !rest.starts_with('s') && !rest.starts_with("ed"));
        if !glued_ok {
            return None;
        }
        let rest = rest.trim_start_matches([':', '：', ' ', '\t', '-', '–', '*']).trim();
        if !rest.is_empty() {
            return Some((*field, rest, i));
        }
        // The value of a label alone on its line: the next non-blank line,
        // within a few lines.
        let (j, v) =
            (i + 1..lines.len().min(i + 4)).map(|j| (j, strip_bullets(lines[j].text))).find(|(_, v)| !v.is_empty())?;
        include(j).then_some((*field, v, j))
    })
}

/// Whether line `i` states a fact of the trial as a whole (status, study
/// type, enrollment, id, dates): the page has left the criteria. Ages and
/// sex are left out, as criteria state them too; so are phases ("Phase II"
/// heads a cohort's criteria) and the sponsor, whose value cannot be told
/// from prose.
fn is_page_fact(tab: &Tables, lines: &[Line<'_>], i: usize) -> bool {
    let all = |_: usize| true;
    facts_at(tab, lines, i, &all).any(|(field, value, _)| {
        let strong = matches!(
            field,
            Field::Status | Field::StudyType | Field::Enrollment | Field::Id | Field::StartDate | Field::CompletionDate
        );
        strong && apply(&mut Trial::default(), field, value)
    })
}

fn scan_facts(
    tab: &Tables,
    lines: &[Line<'_>],
    norms: &[String],
    t: &mut Trial,
    include: &dyn Fn(usize) -> bool,
    criteria_start: Option<usize>,
) {
    let mut ids_from = None;
    for i in 0..lines.len() {
        if !include(i) {
            continue;
        }
        for (field, value, at) in facts_at(tab, lines, i, include) {
            if apply(t, field, value) {
                if field == Field::Id {
                    ids_from = Some(at);
                }
                break;
            }
        }
    }
    // Identifiers listed under the NCT number ("NCT06947460" then
    // "BJGBYY-IIT-LCYJ-2025-024") are the trial's other ids.
    if let Some(j) = ids_from {
        for l in lines.iter().skip(j + 1).take(5) {
            let v = l.text.trim();
            let id_like = !v.is_empty()
                && v.len() <= 60
                && !v.contains(char::is_whitespace)
                && v.chars().any(|c| c.is_ascii_digit())
                && v.chars().any(|c| c.is_ascii_alphabetic())
                && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
            if !id_like {
                break;
            }
            if facts::nct_id(v).as_deref() != Some(v) && !t.secondary_ids.iter().any(|s| s == v) {
                t.secondary_ids.push(v.to_string());
            }
        }
    }
    // Values written without a label in the page's header: "Not Applicable",
    // "Recruiting", "PHASE1 · Sponsor · NCT06056921".
    let head_end = criteria_start.unwrap_or(lines.len()).min(lines.len());
    for (i, l) in lines[..head_end].iter().enumerate() {
        if !include(i) || l.text.len() > MAX_LABEL_LINE || norms[i].is_empty() {
            continue;
        }
        for part in l.text.split(['·', '|']) {
            let part = strip_bullets(part);
            let lower = part.lower();
            if t.phases.is_empty() && (lower.contains("phase") || lower == "not applicable" || lower == "n/a") {
                if let Some(p) = facts::phases(part) {
                    t.phases = p;
                    continue;
                }
            }
            if t.status.is_none() {
                if let Some(s) = facts::status(part) {
                    t.status = Some(s);
                    continue;
                }
            }
            if t.sex.is_none() && lower.split_whitespace().count() == 2 {
                if let Some(s) = facts::sex(part) {
                    t.sex = Some(s);
                    continue;
                }
            }
            if t.id.is_none() {
                if let Some(id) = facts::nct_id(part).filter(|id| id == part) {
                    t.id = Some(id);
                }
            }
        }
    }
    // The title: the first line of the page that reads as one.
    if t.title.is_none() {
        for (i, n) in norms[..head_end].iter().enumerate() {
            let words = n.split_whitespace().count();
            // Bulleted lines are menus and lists, not titles.
            let bulleted = lines[i].text.trim_start().starts_with(['*', '•', '-', '·']);
            if include(i)
                && words >= 3
                && !bulleted
                && lines[i].text.len() <= 300
                && !tab.ends.contains(n)
                && !tab.chrome.contains(n)
            {
                t.title = Some(strip_bullets(lines[i].text).trim_start_matches('#').trim().to_string());
                break;
            }
        }
    }
    if t.id.is_none() {
        if let Some(l) = lines
            .iter()
            .enumerate()
            .find(|(i, l)| include(*i) && l.text.contains("NCT") && facts::nct_id(l.text).is_some())
        {
            t.id = facts::nct_id(l.1.text);
        }
    }
}

/// Sets `field` from `value` when the field is still empty and the value
/// reads as one; says whether the line was used.
fn apply(t: &mut Trial, field: Field, value: &str) -> bool {
    match field {
        Field::Phase => match facts::phases(value) {
            Some(p) => {
                if t.phases.is_empty() {
                    t.phases = p;
                }
                true
            }
            None => false,
        },
        Field::Status => set(&mut t.status, facts::status(value)),
        Field::StudyType => set(&mut t.study_type, facts::study_type(value)),
        Field::Enrollment => set(&mut t.enrollment, facts::count(value)),
        Field::Ages => match facts::age_range(value) {
            Some((min, max)) => {
                if t.minimum_age.is_none() && t.maximum_age.is_none() {
                    t.minimum_age = min;
                    t.maximum_age = max;
                }
                true
            }
            None => false,
        },
        Field::MinimumAge => set(&mut t.minimum_age, facts::age(value)),
        Field::MaximumAge => set(&mut t.maximum_age, facts::age(value)),
        Field::Sex => set(&mut t.sex, facts::sex(value)),
        Field::HealthyVolunteers => set(&mut t.healthy_volunteers, facts::yes_no(value)),
        Field::Sponsor => {
            let v = strip_paren_suffix(value);
            let ok = !v.is_empty() && v.len() <= 150;
            ok && set(&mut t.sponsor, Some(v.to_string()))
        }
        Field::Id => set(&mut t.id, facts::nct_id(value)),
        Field::StartDate => set(&mut t.start_date, facts::date(value)),
        Field::CompletionDate => set(&mut t.completion_date, facts::date(value)),
        Field::Conditions => {
            if t.conditions.is_empty() && value.len() <= 150 {
                t.conditions =
                    value.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
            }
            true
        }
        Field::OfficialTitle => set(&mut t.official_title, Some(value.to_string())),
        Field::Title => set(&mut t.title, Some(value.to_string())),
    }
}

/// Sets an empty slot; true when the value was readable (used or not).
fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    match value {
        Some(v) => {
            if slot.is_none() {
                *slot = Some(v);
            }
            true
        }
        None => false,
    }
}

/// "Chongqing Precision Biotech Co., Ltd (industry)" → without the sponsor
/// class; a longer aside ("(also known as …)") is part of the name.
fn strip_paren_suffix(s: &str) -> &str {
    let s = s.trim();
    match s.rfind(" (") {
        Some(i) if s.ends_with(')') => {
            let aside = &s[i + 2..s.len() - 1];
            let class_like = aside.split_whitespace().count() <= 2 && !aside.chars().any(char::is_uppercase);
            if class_like { s[..i].trim() } else { s }
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data files are matched against normalised lines: every entry
    /// must already be in that form, and no label may name two fields.
    #[test]
    fn data_files_are_normalised_and_unambiguous() {
        let t = tables();
        for set in [&t.headers, &t.fallback, &t.ends, &t.chrome, &t.location_sections] {
            for e in set.iter() {
                assert_eq!(&norm(e), e, "{e:?} is not in normal form");
            }
        }
        let mut seen = HashSet::new();
        for (l, _) in &t.labels {
            assert_eq!(l, &l.to_lowercase(), "{l:?}");
            assert!(seen.insert(l.clone()), "label {l:?} names two fields");
        }
        for h in t.headers.iter().chain(t.fallback.iter()) {
            assert!(!t.ends.contains(h), "{h:?} both opens and ends the criteria");
        }
    }
}
