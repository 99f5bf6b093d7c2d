//! trialsieve: clinical-trial eligibility pre-screening that runs where the
//! patient's data is.
//!
//! ```
//! let text = "Inclusion Criteria:\n* Aged 18-65 years\n\nExclusion Criteria:\n* Pregnancy\n";
//! let trials = trialsieve::parse(text, &trialsieve::ParseOptions::default()).unwrap();
//! assert_eq!(trials[0].criteria.len(), 2);
//! ```

pub mod atoms;
pub mod criteria;
pub mod eval;
pub mod ingest;
pub mod lexicon;
pub mod patient;
pub mod span;
pub mod trial;
pub mod units;

pub(crate) mod decimal;
pub(crate) mod sort;
#[cfg(target_arch = "wasm32")]
mod wasm;

use serde::{Deserialize, Serialize};

pub use eval::{evaluate, EvalOptions, Evaluation, Verdict};
pub use patient::Patient;
pub use span::Span;
pub use trial::{Format, Trial};

/// What can really go wrong: input that is not what it claims to be.
/// Text never fails to parse; it yields a trial with diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The input is not valid JSON (where JSON was expected).
    BadJson(String),
    /// The input is well formed but holds no trial record.
    NotATrial(String),
    /// The patient record is malformed.
    BadPatient(String),
    /// An option has a value we do not know.
    BadOption(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadJson(m) => write!(f, "invalid JSON: {m}"),
            Error::NotATrial(m) => write!(f, "not a trial record: {m}"),
            Error::BadPatient(m) => write!(f, "invalid patient: {m}"),
            Error::BadOption(m) => write!(f, "invalid option: {m}"),
        }
    }
}

impl std::error::Error for Error {}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParseOptions {
    /// The input's format; detected when `auto` (the default).
    #[serde(default)]
    pub format: Format,
}

/// Reads every trial in `input` and lays out and understands its criteria.
/// Spans are UTF-8 byte offsets into each trial's `eligibility_text`.
pub fn parse(input: &str, options: &ParseOptions) -> Result<Vec<Trial>, Error> {
    let mut trials = ingest::read(input, options.format)?;
    for t in &mut trials {
        let (tree, diags) = criteria::build(&t.eligibility_text);
        t.criteria = tree;
        t.diagnostics.extend(diags);
        atoms::annotate(t);
    }
    Ok(trials)
}
