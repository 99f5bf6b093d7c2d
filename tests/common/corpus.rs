//! Where the shared trial corpus is: the folder `TRIALSIEVE_CORPUS` names
//! when it is set, else `../shared/corpus` beside the repository root.
//! Nothing else: a test that finds neither skips with a message.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The corpus folder, when it exists.
pub fn dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("TRIALSIEVE_CORPUS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

/// The corpus's `trials.jsonl`, when it exists.
pub fn trials_jsonl() -> Option<PathBuf> {
    dir().map(|d| d.join("trials.jsonl")).filter(|p| p.is_file())
}
