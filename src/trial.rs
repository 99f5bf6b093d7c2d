//! The trial record: what every input format is read into.

use serde::{Deserialize, Serialize};

use crate::criteria::Criterion;
use crate::span::{Span, Utf16Map};

/// One clinical trial, read from any supported format.
///
/// Vocabularies follow ClinicalTrials.gov (`RECRUITING`, `PHASE1`, `NA`,
/// `ALL`/`FEMALE`/`MALE`). `criteria` is the tree laid over
/// `eligibility_text`; all of its spans point into that text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trial {
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_ids: Vec<String>,
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrollment: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<Age>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<Age>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<SexEligibility>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthy_volunteers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// The eligibility criteria as published (markdown escapes undone,
    /// HTML read as text). Every span in `criteria` points into it.
    pub eligibility_text: String,
    pub criteria: Vec<Criterion>,
    pub format: Format,
    pub diagnostics: Vec<Diagnostic>,
    /// What checking a patient needs of this trial that no patient changes,
    /// worked out on the first check and kept (see `eval::prepare`). Never
    /// serialized; a clone starts without it.
    #[serde(skip)]
    pub prepared: crate::eval::PreparedCell,
}

/// An age with a UCUM time unit: `a` (years), `mo`, `wk`, `d`, `h`, `min`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Age {
    pub value: f64,
    pub unit: String,
}

impl Age {
    pub fn years(value: f64) -> Age {
        Age { value, unit: "a".into() }
    }
    /// The age in years (a month is 1/12 year, a week 7/365.25, a day 1/365.25).
    pub fn in_years(&self) -> Option<f64> {
        let f = match self.unit.as_str() {
            "a" => 1.0,
            "mo" => 1.0 / 12.0,
            "wk" => 7.0 / 365.25,
            "d" => 1.0 / 365.25,
            "h" => 1.0 / (365.25 * 24.0),
            "min" => 1.0 / (365.25 * 24.0 * 60.0),
            _ => return None,
        };
        Some(self.value * f)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SexEligibility {
    All,
    Female,
    Male,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// The form a record came in. `Auto` is only an option value: a parsed
/// trial always names the detected format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    #[default]
    Auto,
    /// ClinicalTrials.gov API v2 study JSON (one study or `{"studies": [...]}`).
    CtgovJson,
    /// Legacy ClinicalTrials.gov XML (`<clinical_study>`).
    CtgovXml,
    /// Markdown mirror, usually with YAML front matter.
    Markdown,
    /// An HTML page, read as text.
    Html,
    /// Plain text: an aggregator page copied as text, or bare criteria.
    Text,
}

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "auto" => Format::Auto,
            "ctgov-json" | "json" => Format::CtgovJson,
            "ctgov-xml" | "xml" => Format::CtgovXml,
            "markdown" | "md" => Format::Markdown,
            "html" => Format::Html,
            "text" | "txt" => Format::Text,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// Something that could not be read, or was read with a guess.
///
/// `span`, when present, points into the trial's `eligibility_text`;
/// problems elsewhere in the input name their place in the message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

impl Diagnostic {
    pub fn warning(message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, message: message.into(), span }
    }
    pub fn error(message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, message: message.into(), span }
    }
    pub fn info(message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic { severity: Severity::Info, message: message.into(), span }
    }
}

impl Trial {
    /// A copy with every span turned into UTF-16 offsets into
    /// `eligibility_text`, as JavaScript's `String.slice` counts them.
    ///
    /// ```
    /// use trialsieve::{parse, ParseOptions};
    /// let t = parse("Inclusion Criteria:\n2. Hemoglobin ≥ 10 g/dL", &ParseOptions::default()).unwrap().remove(0);
    /// let u = t.to_utf16();
    /// let text: Vec<u16> = t.eligibility_text.encode_utf16().collect();
    /// let mut atoms = Vec::new();
    /// u.criteria[0].walk(&mut |c| atoms.extend(c.atoms.iter().cloned()));
    /// let v = atoms.iter().find_map(|a| a.value_span).unwrap();
    /// assert_eq!(String::from_utf16_lossy(&text[v.start..v.end]), "≥ 10 g/dL");
    /// ```
    pub fn to_utf16(&self) -> Trial {
        let map = Utf16Map::new(&self.eligibility_text);
        let mut t = self.clone();
        t.spans_mut(&mut |s| *s = map.span(*s));
        t
    }

    /// Calls `f` on every span of the trial: diagnostics, and on each
    /// criterion its span, `appliesIf`, `uncovered` and every span of its
    /// atoms ([`crate::atoms::Atom::spans_mut`]). The one walk over spans,
    /// so that a conversion misses none.
    pub fn spans_mut(&mut self, f: &mut impl FnMut(&mut Span)) {
        for d in &mut self.diagnostics {
            if let Some(s) = &mut d.span {
                f(s);
            }
        }
        for c in &mut self.criteria {
            c.walk_mut(&mut |c| {
                f(&mut c.span);
                if let Some(a) = &mut c.applies_if {
                    f(&mut a.span);
                }
                for a in &mut c.atoms {
                    a.spans_mut().for_each(&mut *f);
                }
                for s in &mut c.uncovered {
                    f(s);
                }
            });
        }
    }
}
