//! The core knows nothing of JavaScript: wasm-bindgen and js-sys are named
//! only in `src/wasm.rs`, the binding edge.

use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_binding_module_names_wasm_bindgen_or_js_sys() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 5, "found only {} source files", files.len());
    let mut offenders = Vec::new();
    for f in &files {
        if f.ends_with("src/wasm.rs") {
            continue;
        }
        let text = fs::read_to_string(f).unwrap();
        for word in ["wasm_bindgen", "js_sys", "serde_wasm_bindgen", "console_error_panic_hook"] {
            if text.contains(word) {
                offenders.push(format!("{} names {word}", f.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    assert!(lib.contains("#[cfg(target_arch = \"wasm32\")]\nmod wasm;"), "the binding module is compiled only for wasm32");
}
