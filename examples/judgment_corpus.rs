//! Counts, over every trial of the corpus and a set of real and synthetic
//! patients (the TREC 2022 patients and the Synthea FHIR bundles), the
//! criteria that fail, the criteria in review and the verdicts; with a
//! file argument, writes one line per failing criterion
//! (`patient<TAB>trial<TAB>criterion<TAB>reason<TAB>its words`) so that two versions can
//! be compared. With a second file argument, also writes every node's
//! status but unknown (`patient<TAB>trial<TAB>criterion<TAB>status`, and
//! the verdict as criterion `verdict`), to count the criteria a change
//! moves.
//! `cargo run --release --example judgment_corpus [-- fails.tsv [statuses.tsv]]`

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use trialsieve::eval::{self, CriterionResult, EvalOptions};
use trialsieve::{Format, ParseOptions};

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("TRIALSIEVE_CORPUS") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

fn main() {
    let Some(dir) = corpus() else {
        println!("no corpus (TRIALSIEVE_CORPUS or ../shared/corpus); nothing to count");
        return;
    };
    let out_path = std::env::args().nth(1);
    let status_path = std::env::args().nth(2);
    let mut patients = Vec::new();
    for sub in ["trec2022/patients", "fhir"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else { continue };
        let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else { continue };
            match trialsieve::patient::read(&text) {
                Ok(p) => patients.push((f.file_stem().unwrap_or_default().to_string_lossy().chars().take(24).collect::<String>(), p)),
                Err(e) => eprintln!("{}: {e}", f.display()),
            }
        }
    }
    let lines = std::fs::read_to_string(dir.join("trials.jsonl")).unwrap_or_default();
    let options = ParseOptions { format: Format::Text };
    let mut trials = Vec::new();
    for line in lines.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let Some(text) = v.get("eligibilityCriteria").and_then(|t| t.as_str()) else { continue };
        let Ok(ts) = trialsieve::parse(text, &options) else { continue };
        for mut t in ts {
            t.id = v.get("nctId").and_then(|x| x.as_str()).map(String::from);
            trials.push(t);
        }
    }
    let opts = EvalOptions { today: Some("2026-11-22".into()), ..Default::default() };
    let mut out = out_path.as_ref().map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("the output file can be written")));
    let mut all = status_path.as_ref().map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("the status file can be written")));
    fn every(r: &CriterionResult, f: &mut dyn FnMut(&CriterionResult)) {
        f(r);
        for c in &r.children {
            every(c, f);
        }
    }
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    fn walk(r: &CriterionResult, f: &mut dyn FnMut(&CriterionResult)) {
        if r.children.is_empty() {
            f(r);
        }
        for c in &r.children {
            walk(c, f);
        }
    }
    let texts: BTreeMap<String, &str> = trials.iter().filter_map(|t| Some((t.id.clone()?, t.eligibility_text.as_str()))).collect();
    for (name, p) in &patients {
        let res = eval::check(&trials, p, &opts);
        for e in &res.evaluations {
            let source = texts.get(e.trial_id.as_deref().unwrap_or_default()).copied().unwrap_or_default();
            *verdicts.entry(format!("{:?}", e.verdict)).or_default() += 1;
            let tid = e.trial_id.clone().unwrap_or_default();
            if let Some(o) = all.as_mut() {
                let _ = writeln!(o, "{name}\t{tid}\tverdict\t{:?}", e.verdict);
                for r in &e.criteria {
                    every(r, &mut |r| {
                        if r.status != eval::Status::Unknown {
                            let _ = writeln!(o, "{name}\t{tid}\t{}\t{:?}", r.id, r.status);
                        }
                    });
                }
            }
            for r in &e.criteria {
                walk(r, &mut |r| {
                    *statuses.entry(format!("{:?}", r.status)).or_default() += 1;
                    if format!("{:?}", r.status) == "Fail" {
                        if let Some(o) = out.as_mut() {
                            let words = source.get(r.span.start..r.span.end).unwrap_or_default();
                            let words: String = words.split_whitespace().collect::<Vec<_>>().join(" ");
                            let _ = writeln!(o, "{name}\t{tid}\t{}\t{}\t{words}", r.id, r.reason.replace(['\t', '\n'], " "));
                        }
                    }
                });
            }
        }
    }
    println!("patients {}  trials {}  pairs {}", patients.len(), trials.len(), patients.len() * trials.len());
    println!("criteria by status: {statuses:?}");
    println!("verdicts: {verdicts:?}");
}
