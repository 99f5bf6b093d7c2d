//! The patient: our JSON shape (and, later, FHIR R4 bundles mapped to it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::atoms::Sex;

/// A patient as the checker sees it. Every field is optional: what is
/// missing is unknown, never assumed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Patient {
    /// The screening date (`YYYY-MM-DD`); today when absent.
    #[serde(default)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Age in years, when the birth date is not given.
    #[serde(default)]
    pub age: Option<f64>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub pregnant: Option<bool>,
    #[serde(default)]
    pub breastfeeding: Option<bool>,
    #[serde(default)]
    pub conditions: Vec<serde_json::Value>,
    #[serde(default)]
    pub observations: Vec<serde_json::Value>,
    #[serde(default)]
    pub medications: Vec<serde_json::Value>,
    #[serde(default)]
    pub procedures: Vec<serde_json::Value>,
    #[serde(default)]
    pub immunizations: Vec<serde_json::Value>,
    #[serde(default)]
    pub answers: BTreeMap<String, serde_json::Value>,
}

/// Reads a patient from JSON text.
pub fn read(json: &str) -> Result<Patient, crate::Error> {
    serde_json::from_str(json).map_err(|e| crate::Error::BadPatient(e.to_string()))
}
