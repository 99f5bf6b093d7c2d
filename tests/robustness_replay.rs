//! Replays the fuzz targets' inputs as a plain test, with no fuzzer and no
//! nightly toolchain: every kept crash input (`tests/fixtures/crashes/`), the
//! seed pages under every format option, and a sample of the corpus records
//! — the same inputs `scripts/fuzz.sh` seeds the fuzzer with. The targets'
//! code is shared (`fuzz/harness.rs`), so this runs exactly what they run.

#[path = "../fuzz/harness.rs"]
mod harness;
#[path = "common/corpus.rs"]
mod corpus_path;

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus (`TRIALSIEVE_CORPUS`, else `../shared/corpus` beside
/// the repository root); `None` (and a message) when it is not there.
fn corpus() -> Option<PathBuf> {
    let found = corpus_path::dir();
    if found.is_none() {
        println!("corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus): corpus replay skipped");
    }
    found
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect()).unwrap_or_default();
    out.sort();
    out
}

fn with_format(format: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![format];
    v.extend_from_slice(body);
    v
}

#[test]
fn kept_crash_inputs_no_longer_crash() {
    let dir = root().join("tests/fixtures/crashes");
    let mut n = 0;
    for f in files(&dir.join("parse")) {
        println!("parse {}", f.display());
        harness::parse(&fs::read(&f).unwrap());
        n += 1;
    }
    for f in files(&dir.join("check")) {
        println!("check {}", f.display());
        harness::check(&fs::read(&f).unwrap());
        n += 1;
    }
    println!("{n} kept crash inputs replayed");
}

#[test]
fn seed_pages_under_every_format_option() {
    let seeds = files(&root().join("tests/fixtures/seeds"));
    assert!(seeds.len() >= 5, "found only {} seed pages", seeds.len());
    let patient = br#"{"age": 45, "sex": "female", "observations": [{"name": "hemoglobin", "value": 9.5, "unit": "g/dL"}]}"#;
    for f in &seeds {
        let body = fs::read(f).unwrap();
        for format in 0..harness::FORMATS.len() as u8 {
            harness::parse(&with_format(format, &body));
            let mut input = with_format(format, &body);
            input.push(0);
            input.extend_from_slice(patient);
            harness::check(&input);
        }
    }
}

#[test]
fn corpus_records_through_both_targets() {
    let Some(corpus) = corpus() else { return };
    let mut n = 0;
    for sub in ["records/ctgov-v2", "records/ctgov-xml"] {
        // Every 8th record keeps the test within seconds in a debug build.
        for f in files(&corpus.join(sub)).into_iter().step_by(8) {
            let body = fs::read(&f).unwrap();
            harness::parse(&with_format(0, &body));
            let mut input = with_format(0, &body);
            input.extend_from_slice(b"\0{\"age\": 70, \"sex\": \"male\"}");
            harness::check(&input);
            n += 1;
        }
    }
    assert!(n > 20, "replayed only {n} corpus records");
}

/// Found by the parse fuzz target: "year" followed by a non-ASCII char
/// gives an age atom whose span ends inside that char.
#[test]
fn age_atom_after_year_and_a_non_ascii_char() {
    let input = fs::read(root().join("tests/fixtures/crashes/parse/atom-span-year-before-non-ascii")).unwrap();
    let text = String::from_utf8_lossy(&input[1..]);
    let trials = trialsieve::parse(&text, &trialsieve::ParseOptions { format: harness::format_of(&input) }).unwrap();
    let t = &trials[0];
    let mut ends = Vec::new();
    for c in &t.criteria {
        c.walk(&mut |c| ends.extend(c.atoms.iter().map(|a| a.span.end)));
    }
    // Every atom span ends on a char boundary, inside the text.
    assert!(!ends.is_empty(), "at least one atom");
    for end in ends {
        assert!(t.eligibility_text.is_char_boundary(end), "atom span ends inside a char at {end}");
    }
}
