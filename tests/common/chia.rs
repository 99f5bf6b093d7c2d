//! Measures the atom extractor against the Chia corpus's gold annotations:
//! recall of numeric `Value` entities, precision of numeric atoms.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use trialsieve::{Span, atoms};

#[path = "corpus.rs"]
mod corpus;

/// The shared corpus folder, when this machine has it: `TRIALSIEVE_CORPUS`,
/// else `../shared/corpus` beside the repository root.
pub fn corpus_dir() -> Option<PathBuf> {
    corpus::dir()
}

/// What one run over Chia found.
#[derive(Default)]
pub struct Report {
    pub files: usize,
    pub gold_values: usize,
    pub found_values: usize,
    pub atoms: usize,
    pub atoms_on_gold: usize,
    /// Numeric atoms outside the stretches annotators left unannotated
    /// (`Non-query-able`, `Parsing_Error`, …), and of those, the ones on a
    /// gold `Value`, `Temporal` or `Multiplier` (doses and counts).
    pub atoms_annotated: usize,
    pub atoms_annotated_on_gold: usize,
    /// Numeric atoms on any gold entity that states a number: a `Value`,
    /// a `Temporal` or a `Multiplier` (Chia marks many doses and counts as
    /// multipliers: "40 mg", "more than 1"). Every atom counts, wherever it is.
    pub atoms_on_numeric_gold: usize,
    /// Missed gold values by shape, with an example.
    pub misses: HashMap<String, (usize, String)>,
    /// Numeric atoms on no gold entity, by shape, with an example.
    pub false_pos: HashMap<String, (usize, String)>,
}

impl Report {
    pub fn recall(&self) -> f64 {
        self.found_values as f64 / self.gold_values.max(1) as f64
    }
    pub fn precision(&self) -> f64 {
        self.atoms_on_gold as f64 / self.atoms.max(1) as f64
    }
    /// Precision where the gold is complete: atoms in unannotated stretches
    /// left out, multipliers (doses, counts) counted as gold.
    /// Precision of every atom that states a number (values, bounds, doses,
    /// windows), against gold `Value`, `Temporal` and `Multiplier` spans.
    pub fn precision_numeric(&self) -> f64 {
        self.atoms_on_numeric_gold as f64 / self.atoms.max(1) as f64
    }
    pub fn precision_annotated(&self) -> f64 {
        self.atoms_annotated_on_gold as f64 / self.atoms_annotated.max(1) as f64
    }
    pub fn top(map: &HashMap<String, (usize, String)>, n: usize) -> Vec<(String, usize, String)> {
        let mut v: Vec<_> = map.iter().map(|(k, (c, e))| (k.clone(), *c, e.clone())).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
}

/// A text's shape: numbers become `N`, letters lower-cased, space folded.
pub fn shape(s: &str) -> String {
    let mut out = String::new();
    let mut in_num = false;
    for c in s.chars() {
        if c.is_ascii_digit() || (in_num && (c == '.' || c == ',')) {
            if !in_num {
                out.push('N');
            }
            in_num = true;
            continue;
        }
        in_num = false;
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out.trim().to_string()
}

/// The spans of an atom that carry its numbers.
fn numeric_parts(a: &atoms::Atom) -> Vec<Span> {
    let mut parts = Vec::new();
    parts.extend(a.value_span);
    parts.extend(a.window.as_ref().and_then(|w| w.span));
    parts.extend(a.dose_span);
    parts.extend(a.duration_span);
    if parts.is_empty() && (a.value.is_some() || a.low.is_some() || a.high.is_some() || a.dose.is_some() || a.window.is_some() || a.duration.is_some()) {
        parts.push(a.span);
    }
    parts
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// Runs the extractor over every Chia text, one criterion per line.
pub fn measure(chia: &Path) -> Report {
    let mut r = Report::default();
    let mut names: Vec<PathBuf> = std::fs::read_dir(chia)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect())
        .unwrap_or_default();
    names.sort();
    for txt in names {
        let Ok(text) = std::fs::read_to_string(&txt) else { continue };
        let Ok(ann) = std::fs::read_to_string(txt.with_extension("ann")) else { continue };
        r.files += 1;
        // Code point offsets to byte offsets.
        let mut byte_at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        byte_at.push(text.len());
        let to_byte = |cp: usize| byte_at.get(cp).copied().unwrap_or(text.len());
        let mut gold_values: Vec<Span> = Vec::new();
        let mut gold_any: Vec<Span> = Vec::new();
        let mut gold_multiplier: Vec<Span> = Vec::new();
        let mut skipped: Vec<Span> = Vec::new();
        for line in ann.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 3 || !cols[0].starts_with('T') {
                continue;
            }
            let mut head = cols[1].split(' ');
            let kind = head.next().unwrap_or("");
            let nums: Vec<usize> = cols[1].split([' ', ';']).skip(1).filter_map(|n| n.parse().ok()).collect();
            let (Some(&s), Some(&e)) = (nums.iter().min(), nums.iter().max()) else { continue };
            let span = Span::new(to_byte(s), to_byte(e));
            match kind {
                "Value" => {
                    gold_any.push(span);
                    if cols[2].chars().any(|c| c.is_ascii_digit()) {
                        gold_values.push(span);
                    }
                }
                "Temporal" => gold_any.push(span),
                "Multiplier" => gold_multiplier.push(span),
                "Non-query-able" | "Parsing_Error" | "Non-representable" | "Not_a_criteria" | "Context_Error" | "Grammar_Error" | "Undefined_semantics" => skipped.push(span),
                _ => {}
            }
        }
        let mut parts: Vec<Span> = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let span = Span::new(at, at + line.trim_end_matches(['\n', '\r']).len());
            at += line.len();
            for a in atoms::extract(&text, span) {
                let p = numeric_parts(&a);
                if p.is_empty() {
                    continue;
                }
                r.atoms += 1;
                let ok = p.iter().any(|x| gold_any.iter().any(|g| overlaps(*x, *g)));
                if ok || p.iter().any(|x| gold_multiplier.iter().any(|g| overlaps(*x, *g))) {
                    r.atoms_on_numeric_gold += 1;
                }
                if !p.iter().all(|x| skipped.iter().any(|g| g.contains(*x))) {
                    r.atoms_annotated += 1;
                    if ok || p.iter().any(|x| gold_multiplier.iter().any(|g| overlaps(*x, *g))) {
                        r.atoms_annotated_on_gold += 1;
                    }
                }
                if std::env::var_os("CHIA_PRINT_ALL").is_some() {
                    println!("ATOM {} {}", if ok { "ok" } else { "fp" }, atoms::render(&a));
                }
                if ok {
                    r.atoms_on_gold += 1;
                } else {
                    if std::env::var_os("CHIA_PRINT_FP").is_some() {
                        println!("FP {}  «{}»  | {}", atoms::render(&a), a.span.slice(&text), span.slice(&text).chars().take(140).collect::<String>());
                    }
                    let first = p[0].slice(&text).to_string();
                    let e = r.false_pos.entry(format!("{:?} {}", a.kind, shape(&first))).or_insert((0, String::new()));
                    e.0 += 1;
                    if e.1.is_empty() {
                        e.1 = format!("{} | {}", txt.file_name().and_then(|n| n.to_str()).unwrap_or(""), span.slice(&text).chars().take(160).collect::<String>());
                    }
                }
                parts.extend(p);
            }
        }
        for g in &gold_values {
            r.gold_values += 1;
            if parts.iter().any(|p| overlaps(*p, *g)) {
                r.found_values += 1;
            } else {
                let s = g.slice(&text);
                if std::env::var_os("CHIA_PRINT_MISS").is_some() {
                    let line_start = text[..g.start].rfind('\n').map_or(0, |i| i + 1);
                    let line_end = text[g.end..].find('\n').map_or(text.len(), |i| g.end + i);
                    println!("MISS {}  «{s}»  | {}", txt.file_name().and_then(|n| n.to_str()).unwrap_or(""), &text[line_start..line_end]);
                }
                let e = r.misses.entry(shape(s)).or_insert((0, String::new()));
                e.0 += 1;
                if e.1.is_empty() {
                    let line_start = text[..g.start].rfind('\n').map_or(0, |i| i + 1);
                    let line_end = text[g.end..].find('\n').map_or(text.len(), |i| g.end + i);
                    e.1 = text[line_start..line_end].chars().take(160).collect();
                }
            }
        }
    }
    r
}
