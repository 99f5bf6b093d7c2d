//! The JavaScript edge: every `#[wasm_bindgen]` item lives here.
//!
//! Each export does three things: read its input, call the core, write its
//! output. Outputs are JSON text, parsed once by the JS layer (`pkg/index.js`):
//! one serializer for every result (no second, field-by-field one building
//! JS objects across the boundary, which was slower and larger), and the
//! CLI and the JS API print the same thing. Options come in as JS values.
//! Spans are turned into UTF-16 offsets here and nowhere else.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{eval, patient, EvalOptions, ParseOptions, Trial};

/// The allocator: Talc in place of the standard dlmalloc, for a module
/// without threads (the page's one thread calls it).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsError> {
    serde_json::to_string(value).map_err(|e| JsError::new(&format!("could not convert the result: {e}")))
}

fn options<T: serde::de::DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {}", e.to_string().trim_start_matches("Error: "))))
}

fn core_err(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads every trial in `input`; returns an array of trials (JSON text).
#[wasm_bindgen(js_name = parse)]
pub fn parse(input: &str, opts: JsValue) -> Result<String, JsError> {
    let opts: ParseOptions = options(opts, "parse options")?;
    let trials = crate::parse(input, &opts).map_err(core_err)?;
    let out: Vec<Trial> = trials.iter().map(Trial::to_utf16).collect();
    to_json(&out)
}

/// Parsed trials kept in wasm memory, so that checking one patient against
/// many trials sends only the patient across the boundary.
#[wasm_bindgen]
#[derive(Default)]
pub struct TrialStore {
    trials: Vec<Trial>,
}

#[wasm_bindgen]
impl TrialStore {
    #[wasm_bindgen(constructor)]
    pub fn new() -> TrialStore {
        TrialStore::default()
    }

    /// Parses `input` and keeps its trials; returns their indexes.
    pub fn add(&mut self, input: &str, opts: JsValue) -> Result<Vec<u32>, JsError> {
        let opts: ParseOptions = options(opts, "parse options")?;
        let trials = crate::parse(input, &opts).map_err(core_err)?;
        let first = self.trials.len() as u32;
        self.trials.extend(trials);
        Ok((first..self.trials.len() as u32).collect())
    }

    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.trials.len() as u32
    }

    /// The trial at `index`, with UTF-16 spans (JSON text).
    pub fn get(&self, index: u32) -> Result<String, JsError> {
        let t = self.trials.get(index as usize).ok_or_else(|| JsError::new(&format!("no trial at index {index}")))?;
        to_json(&t.to_utf16())
    }

    pub fn remove(&mut self, index: u32) -> Result<(), JsError> {
        if (index as usize) < self.trials.len() {
            self.trials.remove(index as usize);
            Ok(())
        } else {
            Err(JsError::new(&format!("no trial at index {index}")))
        }
    }

    pub fn clear(&mut self) {
        self.trials.clear();
    }

    /// Evaluates the trial at `index` for a patient given as JSON text;
    /// JSON text.
    pub fn evaluate(&self, index: u32, patient_json: &str, opts: JsValue) -> Result<String, JsError> {
        let t = self.trials.get(index as usize).ok_or_else(|| JsError::new(&format!("no trial at index {index}")))?;
        let opts: EvalOptions = options(opts, "check options")?;
        let p = patient::read(patient_json).map_err(core_err)?;
        let ev = eval::evaluate(t, &p, &opts);
        to_json(&ev.into_utf16(t.prepared.get(t).utf16()))
    }

    /// Checks a patient (JSON text) against every trial kept; ranked; JSON
    /// text.
    #[wasm_bindgen(js_name = checkJson)]
    pub fn check_json(&self, patient_json: &str, opts: JsValue) -> Result<String, JsError> {
        let opts: EvalOptions = options(opts, "check options")?;
        let p = patient::read(patient_json).map_err(core_err)?;
        let result = eval::check(&self.trials, &p, &opts);
        to_json(&result.into_utf16(&self.trials))
    }

    /// Checks a patient (JSON text) against every trial kept, summarised
    /// per trial (`eval::check_summary`); JSON text.
    #[wasm_bindgen(js_name = checkSummary)]
    pub fn check_summary(&self, patient_json: &str, opts: JsValue) -> Result<String, JsError> {
        let opts: EvalOptions = options(opts, "check options")?;
        let p = patient::read(patient_json).map_err(core_err)?;
        let result = eval::check_summary(&self.trials, &p, &opts);
        Ok(result.into_utf16(&self.trials).to_json())
    }

}
