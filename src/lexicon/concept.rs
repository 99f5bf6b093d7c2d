//! The concept record and its kinds, as the JSON files write them. Shared
//! with `build.rs` (through `#[path]`), which reads the files into these
//! types; the library fills them from the checked blob instead, so their
//! `Deserialize` impls are instantiated only by the build script and the
//! native tests, never in the wasm.

use std::borrow::Cow;

use serde::Deserialize;

/// A string of the lexicon: borrowed from the embedded blob in the library
/// (no allocation at start), owned where read from the JSON files.
pub type Text = Cow<'static, str>;

/// Writes to `out` the id a concept's name gives: its letters and digits in lower case,
/// each run of other characters one `_`, none at the ends ("Pulmonary
/// function test" → `pulmonary_function_test`). Two concepts in three have
/// such an id, and the blob leaves it out for them (`load::encode`).
pub fn id_of_name(name: &str, out: &mut Vec<u8>) {
    let start = out.len();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b.to_ascii_lowercase());
        } else if out.len() > start && out.last() != Some(&b'_') {
            out.push(b'_');
        }
    }
    if out.len() > start && out.last() == Some(&b'_') {
        out.pop();
    }
}

/// One concept of the lexicon.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Concept {
    /// Stable id, unique across all files (`hemoglobin`, `sle`, `prednisone`).
    pub id: Text,
    pub kind: ConceptKind,
    /// Display name.
    pub name: Text,
    /// The usual short form (`Hb`, `ALT`, `SLE`), for display.
    #[serde(default)]
    pub abbreviation: Option<Text>,
    /// Main code, `SYSTEM:value` (`LOINC:718-7`, `SNOMED:55464009`, `ICD10:M32`, `RXNORM:8640`).
    #[serde(default)]
    pub code: Option<Text>,
    /// Further codes that mean the same concept (other systems, other
    /// specimens or methods of the same measurement).
    #[serde(default)]
    pub codes: Vec<Text>,
    /// Names and abbreviations as they appear in text. Matching ignores case
    /// unless `caseSensitive` lists the synonym. As written in the files;
    /// in a loaded [`Lexicon`](super::Lexicon), folded
    /// ([`fold`](super::fold)), as matching reads them.
    pub synonyms: Vec<Text>,
    /// Synonyms that only match with the exact case written (short
    /// abbreviations such as `PT`, `CI`, `EF`).
    #[serde(default)]
    pub case_sensitive: Vec<Text>,
    /// Canonical UCUM unit for measurements (`g/L`, `10*9/L`, `{score}`).
    #[serde(default)]
    pub unit: Option<Text>,
    /// Other UCUM units the measurement is commonly reported in (`g/dL` for
    /// hemoglobin), so that a reader can tell a plausible unit from a stray one.
    #[serde(default)]
    pub alt_units: Vec<Text>,
    /// Default adult upper limit of normal in `unit`, for criteria written
    /// against the ULN when the patient's own lab range is unknown.
    #[serde(default)]
    pub default_uln: Option<f64>,
    /// Default adult lower limit of normal in `unit`.
    #[serde(default)]
    pub default_lln: Option<f64>,
    /// For an analyte: molar mass in g/mol, to convert mass and molar
    /// concentrations (creatinine 113.12: 1 mg/dL = 88.4 µmol/L).
    #[serde(default)]
    pub molar_mass: Option<f64>,
    /// For a glucocorticoid: mg of prednisone equivalent to 1 mg of this drug
    /// (methylprednisolone 1.25, dexamethasone 6.67).
    #[serde(default)]
    pub prednisone_equivalent_factor: Option<f64>,
    /// Ids of broader concepts this one belongs to (a drug's class, a
    /// disease's group), so that "glucocorticoids" matches prednisone.
    #[serde(default)]
    pub parents: Vec<Text>,
    /// For a concept that gathers distinct diseases under one id (a
    /// "gastrointestinal disease" that lists celiac disease, dysphagia and
    /// bowel perforation): the synonyms that name the whole group. Every
    /// other synonym names one member, and a criterion naming one member is
    /// not met by a patient with another.
    #[serde(default)]
    pub group: Vec<Text>,
    /// For an infection: ids of the laboratory tests whose negative result
    /// rules it out ("HIV antibody: negative" settles "known HIV infection").
    #[serde(default)]
    pub tested_by: Vec<Text>,
    /// Where a number or a choice came from, or why a code is left out: for
    /// whoever edits the files. Read and checked for its place, then left
    /// out of the embedded blob; the library never needs it.
    #[serde(default, deserialize_with = "a_string")]
    #[allow(dead_code)]
    pub(crate) note: (),
}

/// Reads a string and keeps nothing of it.
fn a_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    String::deserialize(d).map(drop)
}

/// What kind of thing a concept is; one lexicon file per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConceptKind {
    Lab,
    Vital,
    Score,
    Condition,
    Infection,
    Drug,
    DrugClass,
    Procedure,
    Immunization,
}

impl ConceptKind {
    /// Every kind, in the order of its number in the embedded blob
    /// (`kind as u8`).
    pub const ALL: [ConceptKind; 9] = [
        ConceptKind::Lab,
        ConceptKind::Vital,
        ConceptKind::Score,
        ConceptKind::Condition,
        ConceptKind::Infection,
        ConceptKind::Drug,
        ConceptKind::DrugClass,
        ConceptKind::Procedure,
        ConceptKind::Immunization,
    ];
}
