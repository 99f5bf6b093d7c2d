//! Checks the data the library embeds and writes it in the form the library
//! reads without parsing: the lexicon (`data/lexicon/*.json`) as the blob
//! `src/lexicon/mod.rs` embeds (`OUT_DIR/lexicon.bin`; synonyms and stop
//! phrases stored folded, as the keys matching reads), and the smaller
//! tables (`build/tables.rs`) as Rust source the modules `include!`. A file
//! the library would refuse fails the build with a message naming it.

use std::path::Path;

#[allow(dead_code)]
#[path = "src/lexicon/concept.rs"]
mod concept;
#[path = "src/lexicon/load.rs"]
mod load;
// The build uses the folding; the trie and the walk are the library's.
#[allow(dead_code)]
#[path = "src/lexicon/norm.rs"]
mod norm;
#[path = "src/ingest/page_field.rs"]
mod page_field;
// The scanner's folding, for the atom tables' phrases.
#[allow(dead_code)]
#[path = "src/span.rs"]
mod span;
#[allow(dead_code)]
#[path = "src/atoms/text.rs"]
mod text;
#[path = "build/tables.rs"]
mod tables;

/// Lower case for the folding above: the standard library's, from which
/// `build/tables.rs` writes the table the library's own `case` module reads,
/// so that the two fold alike.
mod case {
    pub fn lower(c: char) -> std::char::ToLowercase {
        c.to_lowercase()
    }
}

fn main() {
    let dir = Path::new("data/lexicon");
    // The folder too, so that a file added to it is noticed.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    for name in load::FILE_NAMES {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((*name, text)),
            Err(e) => fail(&format!("lexicon file {name}: {e}")),
        }
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let blob = load::encode(&files).unwrap_or_else(|e| fail(&e));
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("lexicon.bin");
    if let Err(e) = std::fs::write(&out, blob) {
        fail(&format!("{}: {e}", out.display()));
    }

    let phrases = tables::phrases(&data("data/criteria/phrases.json"));
    write_out("phrases.rs", phrases);
    let page = tables::page(&data("data/ingest/page_sections.json"), &data("data/ingest/page_facts.json"));
    write_out("page_tables.rs", page);
    let units = tables::units(&data("data/units/units.json"), &data("data/units/analytes.json"));
    write_out("unit_tables.rs", units);
    let names = ["units.tsv", "comparators.tsv", "cues.tsv", "uln.txt", "numbers.tsv", "stopwords.txt", "function_words.txt", "counted.txt", "measure_words.txt"];
    let texts: Vec<(&str, String)> = names.iter().map(|n| (*n, data(&format!("data/atoms/{n}")))).collect();
    let texts: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    write_out("atom_tables.rs", tables::atoms(&texts));
    write_out("case_tables.rs", tables::lower_case());
    // The scope table as the library reads it: its comments, a third of
    // the file, stay out of the wasm.
    let scope: String = data("data/eval/scope.tsv").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| format!("{}\n", l.trim_end())).collect();
    write_out("scope.tsv", scope_checked(scope));
}

/// The scope table (its lines without comments), refused when a line has
/// no tab-separated category and words, or a category `src/eval/scope.rs`
/// does not read; written as each category's phrases one a line after a
/// line `@category`, in the order the categories first come, so that the
/// category is not repeated on every line.
fn scope_checked(table: String) -> Result<String, String> {
    const CATEGORIES: &[&str] = &["global", "qualifier", "continuation", "relation", "therapy", "allergy", "definition", "neutral", "age_anchor", "distributes", "list_relation", "procedure"];
    let mut groups: Vec<(&str, String)> = Vec::new();
    for line in table.lines() {
        let (cat, words) = match line.split_once('\t') {
            Some((cat, words)) if CATEGORIES.contains(&cat) && !words.trim().is_empty() => (cat, words.trim()),
            _ => return Err(format!("data/eval/scope.tsv: {line:?} is not a category ({}) and words", CATEGORIES.join(", "))),
        };
        match groups.iter_mut().find(|g| g.0 == cat) {
            Some(g) => g.1.push_str(&format!("{words}\n")),
            None => groups.push((cat, format!("{words}\n"))),
        }
    }
    // The procedure words are searched by halves (src/eval/scope.rs,
    // `is_procedure`): sorted by byte, each once, in lower-case ASCII.
    for (cat, words) in groups.iter_mut().filter(|g| g.0 == "procedure") {
        let mut ws: Vec<&str> = words.lines().collect();
        if let Some(w) = ws.iter().find(|w| w.contains(' ') || w.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase())) {
            return Err(format!("data/eval/scope.tsv: {cat} {w:?} is not one lower-case ASCII word"));
        }
        ws.sort_unstable();
        ws.dedup();
        *words = ws.iter().map(|w| format!("{w}\n")).collect();
    }
    Ok(groups.iter().map(|(cat, words)| format!("@{cat}\n{words}")).collect())
}

/// The text of a data file, which the build then reruns on.
fn data(path: &str) -> String {
    println!("cargo:rerun-if-changed={path}");
    std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")))
}

/// Writes generated source into `OUT_DIR`, or fails with the file's problem.
fn write_out(name: &str, source: Result<String, String>) {
    let source = source.unwrap_or_else(|e| fail(&e));
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join(name);
    if let Err(e) = std::fs::write(&out, source) {
        fail(&format!("{}: {e}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
