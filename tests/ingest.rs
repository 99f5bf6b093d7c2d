//! Reading records in every form into a `Trial`: the five seed pages, the
//! glued page facts, bad input, and the ClinicalTrials.gov corpus records.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};
use trialsieve::ingest::read;
use trialsieve::{Error, Format, Trial};

#[path = "common/corpus.rs"]
mod corpus_path;

/// The shared corpus (`TRIALSIEVE_CORPUS`, else `../shared/corpus` beside
/// the repository root); `None` (and a message) when it is not there.
fn corpus() -> Option<PathBuf> {
    let found = corpus_path::dir();
    if found.is_none() {
        println!("corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus): skipping");
    }
    found
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == ext)).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn seed(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds");
    let path =
        files(&dir, "txt").into_iter().find(|p| p.file_name().is_some_and(|f| f.to_string_lossy().starts_with(name)));
    std::fs::read_to_string(path.expect("seed exists")).expect("seed reads")
}

fn one(input: &str) -> Trial {
    let mut v = read(input, Format::Auto).expect("text never fails");
    assert_eq!(v.len(), 1);
    v.remove(0)
}

/// The fields a test names, as JSON, so that a table can state them.
fn key_fields(t: &Trial) -> Value {
    let age = |a: &Option<trialsieve::trial::Age>| a.as_ref().map(|a| format!("{} {}", a.value, a.unit));
    json!({
        "format": t.format,
        "id": t.id,
        "title": t.title,
        "status": t.status,
        "phases": t.phases,
        "sex": t.sex,
        "min": age(&t.minimum_age),
        "max": age(&t.maximum_age),
        "enrollment": t.enrollment,
        "sponsor": t.sponsor,
    })
}

/// Page chrome that must never be read as criteria.
const CHROME: &[&str] = &[
    "Yes No Not Sure",
    "Lorem ipsum",
    "How to participate",
    "Where this trial is running",
    "Study & Design",
    "## Arms",
    "Show full inclusion",
    "Clear my responses",
    "Sign up",
    "Study Design",
];

#[test]
fn seeds_key_fields() {
    let cases = [
        (
            "000_",
            json!({"format": "markdown", "id": "NCT07121777", "title": "Anti CD19/BCMA CAR Gene Therapy for Autoimmune Diseases",
                "status": "RECRUITING", "phases": ["NA"], "sex": "ALL", "min": "18 a", "max": null, "enrollment": 18,
                "sponsor": "Anhui Provincial Hospital"}),
            "Inclusion Criteria:",
        ),
        (
            "001_",
            json!({"format": "text", "id": "NCT06056921", "title": "CD19 targeted CAR-T therapy for difficult autoimmune diseases",
                // The page gives no recruitment status.
                "status": null, "phases": ["PHASE1"], "sex": "ALL", "min": "18 a", "max": null, "enrollment": 24,
                "sponsor": "Chongqing Precision Biotech Co., Ltd"}),
            "Inclusion Criteria:",
        ),
        (
            "002_",
            json!({"format": "text", "id": "NCT06947460", "title": "CD19-BCMA CART Cell Therapy for Refractory SLE-LN, SSc, and pSS-PAH",
                "status": "RECRUITING", "phases": ["PHASE1", "PHASE2"], "sex": "ALL", "min": "10 a", "max": "65 a",
                "enrollment": 45, "sponsor": "Beijing GoBroad Hospital"}),
            "Inclusion\n",
        ),
        (
            "003_",
            json!({"format": "text", "id": "NCT07052565", "title": "CAR-T Cells Therapy for Patients With Autoimmune Diseases",
                // The page states no age outside the criteria prose.
                "status": "RECRUITING", "phases": ["NA"], "sex": "ALL", "min": null, "max": null, "enrollment": 18,
                "sponsor": "Anhui Provincial Hospital"}),
            "Inclusion Criteria\n  • ( 1) At the time",
        ),
        (
            "004_",
            json!({"format": "text", "id": "NCT05474885",
                "title": "BCMA-CD19 cCAR T Cell Treatment of Relapsed/Refractory Systemic Lupus Erythematosus (SLE)",
                // The page names neither status, phase, sex nor a participant count.
                "status": null, "phases": [], "sex": null, "min": "18 a", "max": "65 a", "enrollment": null,
                "sponsor": "iCell Gene Therapeutics"}),
            "Inclusion Criteria\n\nAge: 18~65 years old",
        ),
    ];
    for (name, expected, starts) in cases {
        let t = one(&seed(name));
        assert_eq!(key_fields(&t), expected, "{name}");
        assert!(
            t.eligibility_text.starts_with(starts),
            "{name}: {:?}",
            &t.eligibility_text.chars().take(80).collect::<String>()
        );
        for c in CHROME {
            assert!(!t.eligibility_text.contains(c), "{name}: chrome {c:?} in the criteria");
        }
        assert!(t.eligibility_text.contains("Exclusion"), "{name}: exclusion criteria kept");
        assert!(!t.eligibility_text.contains("\\^") && !t.eligibility_text.contains("\\>"), "{name}: escapes undone");
        assert!(t.diagnostics.is_empty(), "{name}: {:?}", t.diagnostics);
    }
    assert_eq!(one(&seed("002_")).secondary_ids, ["BJGBYY-IIT-LCYJ-2025-024"]);
}

#[test]
fn seeds_metadata_snapshots() {
    for name in ["000_", "001_", "002_", "003_", "004_"] {
        // Through the whole pipeline (nothing may fail), then the tree is
        // cleared: it is laid out elsewhere and snapshotted there.
        let mut t = trialsieve::parse(&seed(name), &Default::default()).unwrap().remove(0);
        t.criteria.clear();
        t.diagnostics.retain(|d| d.span.is_none());
        let ingested = one(&seed(name));
        assert_eq!(t.eligibility_text, ingested.eligibility_text);
        insta::assert_json_snapshot!(format!("seed_{}", name.trim_end_matches('_')), ingested);
    }
}

/// Reads `fact` inside a small page and compares the named fields.
fn check_fact(fact: &str, expected: Value) {
    // The id at the end marks the text as a page, whatever the fact.
    let page =
        format!("A Trial Of Something\n\n{fact}\n\nInclusion Criteria:\n* Adults\n\nHow to participate\nNCT09999999\n");
    let t = one(&page);
    let got = key_fields(&t);
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&got[k], v, "{fact:?}: {k}");
    }
    assert_eq!(t.eligibility_text, "Inclusion Criteria:\n* Adults", "{fact:?}");
}

#[test]
fn glued_page_facts() {
    check_fact("PhasePHASE1", json!({"phases": ["PHASE1"]}));
    check_fact("Phase\n\n1/2", json!({"phases": ["PHASE1", "PHASE2"]}));
    check_fact("Phase: Early Phase 1", json!({"phases": ["EARLY_PHASE1"]}));
    check_fact("Not Applicable\nRecruiting", json!({"phases": ["NA"], "status": "RECRUITING"}));
    check_fact("Ages 10-65", json!({"min": "10 a", "max": "65 a"}));
    check_fact("Ages18 Years and up", json!({"min": "18 a", "max": null}));
    check_fact("Ages 18 Years and up", json!({"min": "18 a", "max": null}));
    check_fact("Age: 18~65 years old", json!({"min": "18 a", "max": "65 a"}));
    check_fact("Age range: 6 months to 17 years", json!({"min": "6 mo", "max": "17 a"}));
    check_fact("Minimum age: 18 Years\nMaximum age: 75 Years", json!({"min": "18 a", "max": "75 a"}));
    check_fact("Target Recruitment 18", json!({"enrollment": 18}));
    check_fact("Total Participants: 45", json!({"enrollment": 45}));
    check_fact("Enrollment24 (estimated)", json!({"enrollment": 24}));
    check_fact("SexAll", json!({"sex": "ALL"}));
    check_fact("All Genders", json!({"sex": "ALL"}));
    check_fact("Gender: Female", json!({"sex": "FEMALE"}));
    check_fact("Clinical Study IdentifierNCT05474885", json!({"id": "NCT05474885"}));
    check_fact("Registration Number\nNCT07052565", json!({"id": "NCT07052565"}));
    check_fact("Overall Status: Active - Recruiting", json!({"status": "RECRUITING"}));
    check_fact("Status: Active, not recruiting", json!({"status": "ACTIVE_NOT_RECRUITING"}));
    check_fact("Study typeInterventional", json!({})); // read below
    check_fact(
        "SponsorChongqing Precision Biotech Co., Ltd (industry)",
        json!({"sponsor": "Chongqing Precision Biotech Co., Ltd"}),
    );
    check_fact("PHASE2 · Some Sponsor · NCT01234567", json!({"phases": ["PHASE2"], "id": "NCT01234567"}));
    // Words that merely begin with a label are not facts.
    check_fact("Status: Recruiting\nSexual dysfunction clinic\nPhaseout programme", json!({"sex": null, "phases": []}));
    let t = one(
        "A Trial Of Something\nStudy typeObservational\nStart date: Apr 30, 2025\nEnd date\n  July 2027\nInclusion Criteria:\n* x",
    );
    assert_eq!(t.study_type.as_deref(), Some("OBSERVATIONAL"));
    assert_eq!(t.start_date.as_deref(), Some("2025-04-30"));
    assert_eq!(t.completion_date.as_deref(), Some("2027-07"));
}

#[test]
fn criteria_headers_in_many_spellings() {
    for (page, starts) in [
        (
            "Title of a trial\nStatus: Recruiting\nInclusion Criteria:\n* a\nExclusion Criteria:\n* b",
            "Inclusion Criteria:",
        ),
        ("Title of a trial\nStatus: Recruiting\nInclusion\n* a\nExclusion\n* b", "Inclusion\n"),
        (
            "Title of a trial\nStatus: Recruiting\nEligibility Criteria\n* a\nStudy contacts\nx",
            "Eligibility Criteria\n* a",
        ),
        ("Title of a trial\nStatus: Recruiting\nExclusion criteria:\n* b", "Exclusion criteria:"),
        ("Title of a trial\nStatus: Recruiting\n## Inclusion Criteria\n* a\n", "## Inclusion Criteria"),
        (
            "Title of a trial\nStatus: Recruiting\nKey Inclusion Criteria\n- a\nKey Exclusion Criteria\n- b\nLocations (3)\nx",
            "Key Inclusion Criteria",
        ),
    ] {
        let t = one(page);
        assert!(t.eligibility_text.starts_with(starts), "{page:?} → {:?}", t.eligibility_text);
        assert!(
            !t.eligibility_text.contains("Study contacts") && !t.eligibility_text.contains("Locations"),
            "{page:?}"
        );
    }
    // Ages stated once in the criteria are the trial's; stated per cohort,
    // they are left unset.
    let t = one("A trial\nSponsor: X\nInclusion Criteria:\n- Age: 18~65 years old\n- Sex: female");
    assert_eq!((key_fields(&t)["min"].clone(), key_fields(&t)["sex"].clone()), (json!("18 a"), json!("FEMALE")));
    let t = one("A trial\nSponsor: X\nInclusion Criteria:\nCohort A\n- Age 6-11 years\nCohort B\n- Age 12-17 years");
    assert_eq!((t.minimum_age, t.maximum_age), (None, None));
    // A fact of the whole trial ends the criteria when no heading does.
    let t = one(
        "Some trial\nSponsor: X\nInclusion Criteria:\n- a\nPhase II\n- b\nStudy type\nInterventional\nEnrollment: 40",
    );
    assert_eq!(t.eligibility_text, "Inclusion Criteria:\n- a\nPhase II\n- b");
    assert_eq!((t.study_type.as_deref(), t.enrollment), (Some("INTERVENTIONAL"), Some(40)));
    // Bare criteria, with no page facts, are read whole: what precedes the
    // first header (a cohort's name) belongs to them.
    let t = one("Age 18 or older\nNo pregnancy");
    assert_eq!(t.eligibility_text, "Age 18 or older\nNo pregnancy");
    assert_eq!(t.diagnostics.len(), 1);
    let t = one("Part A\nInclusion Criteria:\n- x\nExclusion Criteria:\n- y");
    assert_eq!(t.eligibility_text, "Part A\nInclusion Criteria:\n- x\nExclusion Criteria:\n- y");
    assert!(t.title.is_none() && t.diagnostics.is_empty());
    // Headers with a qualifier.
    for h in [
        "Resident Inclusion Criteria:",
        "General Inclusion Criteria",
        "Inclusion Criteria for families:",
        "Inclusion Criteria(Only adults):",
    ] {
        let t = one(&format!("Some trial\nSponsor: X\n{h}\n- a"));
        assert_eq!(t.eligibility_text, format!("{h}\n- a"));
    }
}

#[test]
fn html_is_read_as_text() {
    let html = "<!DOCTYPE html><html><head><title>x</title><script>var a='<p>Inclusion Criteria</p>';</script></head>\
        <body><nav><a href='/'>Home</a></nav><h1>A Study of Drug X in Adults</h1>\
        <dl><dt>Phase</dt><dd>Phase 2</dd><dt>Status</dt><dd>Recruiting</dd><dt>NCT ID</dt><dd>NCT01234567</dd></dl>\
        <h2>Inclusion Criteria:</h2><ul><li>Age &ge; 18&nbsp;years</li><li>HbA1c &lt; 7&#37;</li></ul>\
        <h2>Exclusion Criteria</h2><ol><li>Pregnancy</li></ol><button>Yes</button><button>No</button><button>Not Sure</button>\
        <h2>Where this trial is running</h2><p>Boston</p><style>p{color:red}</style></body></html>";
    let t = one(html);
    assert_eq!(
        key_fields(&t),
        json!({"format": "html", "id": "NCT01234567", "title": "A Study of Drug X in Adults", "status": "RECRUITING",
            "phases": ["PHASE2"], "sex": null, "min": "18 a", "max": null, "enrollment": null, "sponsor": null})
    );
    assert_eq!(
        t.eligibility_text,
        "Inclusion Criteria:\n\n* Age ≥ 18 years\n* HbA1c < 7%\n\nExclusion Criteria\n\n1. Pregnancy"
    );
}

#[test]
fn explicit_format_overrides_detection() {
    let md = "---\ntitle: A trial\nnct_id: NCT01234567\n---\n\n## Eligibility\n\n```\nInclusion Criteria:\n\n* x \\> 1\n```\n";
    assert_eq!(one(md).format, Format::Markdown);
    assert_eq!(one(md).eligibility_text, "Inclusion Criteria:\n\n* x > 1");
    assert_eq!(one(&md.replace('\n', "\r\n")).eligibility_text, "Inclusion Criteria:\n\n* x > 1");
    let t = read(md, Format::Text).unwrap().remove(0);
    assert_eq!(t.format, Format::Text);
    assert!(t.eligibility_text.starts_with("Inclusion Criteria:"));
    assert!(matches!(read("Inclusion Criteria: x", Format::CtgovJson), Err(Error::BadJson(_))));
    assert!(matches!(read("<html>no study</html>", Format::CtgovXml), Err(Error::NotATrial(_))));
}

#[test]
fn bad_input() {
    // Empty and blank input: a trial that says so.
    for s in ["", "   \n\t", "\u{feff}"] {
        let t = one(s);
        assert!(t.eligibility_text.is_empty());
        assert_eq!(t.diagnostics[0].message, "input is empty");
    }
    // Binary junk.
    let bytes: Vec<u8> = (0u32..4000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let junk = String::from_utf8_lossy(&bytes).into_owned();
    let t = one(&junk);
    assert!(t.eligibility_text.is_empty());
    assert!(t.diagnostics[0].message.starts_with("input looks binary"), "{:?}", t.diagnostics);
    // JSON that is not a study record, and JSON that is not JSON.
    for (s, want) in [
        ("{\"foo\": 1}", "JSON has no protocolSection, so it is not a ClinicalTrials.gov API v2 study record"),
        (
            "{\"studies\": [{\"protocolSection\": {}}, {\"x\": 1}]}",
            "JSON studies[1] has no protocolSection, so it is not a ClinicalTrials.gov API v2 study record",
        ),
        ("{\"studies\": 3}", "\"studies\" is not an array of ClinicalTrials.gov study records"),
        ("[]", "JSON holds an empty list of studies"),
    ] {
        assert_eq!(read(s, Format::Auto), Err(Error::NotATrial(want.into())), "{s}");
    }
    match read("{\"protocolSection\": ", Format::Auto) {
        Err(Error::BadJson(m)) => assert!(m.starts_with("study JSON does not parse: "), "{m}"),
        other => panic!("{other:?}"),
    }
    // A page without criteria: metadata, empty criteria and a warning.
    let t = one("A Study of Drug X\nPhase: 2\nStatus: Recruiting\nHow to participate\nCall us");
    assert!(t.eligibility_text.is_empty());
    assert_eq!(t.phases, ["PHASE2"]);
    assert!(t.diagnostics.iter().any(|d| d.message.starts_with("no criteria header")));
    // Parsing text never fails.
    for s in
        ["<", "<clinical_study", "---\n", "---\ntitle: x\n", "# x\n## Eligibility\n```", "\\", "{", "&#", "Inclusion"]
    {
        let r = trialsieve::parse(s, &Default::default());
        assert!(r.is_ok() || s.starts_with('{'), "{s:?}: {r:?}");
    }
}

#[test]
fn large_input_reads() {
    let page = seed("002_");
    let mut big = String::new();
    while big.len() < 10_000_000 {
        big.push_str(&page);
    }
    let started = Instant::now();
    let t = one(&big);
    assert!(t.eligibility_text.starts_with("Inclusion"));
    let html =
        format!("<html><body>{}</body></html>", "<p>Lorem <b>ipsum</b> &amp; more</p><li>x</li>".repeat(200_000));
    let t = one(&html);
    assert_eq!(t.format, Format::Html);
    let xml = format!("<clinical_study>{}</clinical_study>", "<a x='1'>t &lt; <![CDATA[c]]></a>".repeat(300_000));
    let t = one(&xml);
    assert_eq!(t.format, Format::CtgovXml);
    // Printed, not asserted: the time depends on the machine's load
    // (scripts/bench.sh measures parse throughput).
    println!("10 MB of pages, 10 MB of HTML and 10 MB of XML read in {:?}", started.elapsed());
}

fn whitespace_folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// White space folded and list markers ("-", "1.") dropped: some sources
/// republish criteria with their markers stripped.
fn without_markers(s: &str) -> String {
    let marker = |w: &&str| {
        *w == "-"
            || *w == "*"
            || (w.ends_with('.') && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit()) && w.len() > 1)
    };
    s.split_whitespace().filter(|w| !marker(w)).collect::<Vec<_>>().join(" ")
}

#[test]
fn corpus_ctgov_json_records() {
    let Some(c) = corpus() else { return };
    let paths = files(&c.join("records/ctgov-v2"), "json");
    let (mut trials, mut with_criteria, mut text_ok) = (0, 0, 0);
    for p in &paths {
        let s = std::fs::read_to_string(p).unwrap();
        let raw: Value = serde_json::from_str(&s).unwrap();
        let ts = read(&s, Format::Auto).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let studies: Vec<&Value> =
            raw.get("studies").and_then(Value::as_array).map_or_else(|| vec![&raw], |a| a.iter().collect());
        assert_eq!(ts.len(), studies.len());
        for (t, raw) in ts.iter().zip(studies) {
            trials += 1;
            assert_eq!(t.format, Format::CtgovJson);
            assert!(t.id.as_deref().is_some_and(|id| id.starts_with("NCT")), "{}", p.display());
            let published = raw["protocolSection"]["eligibilityModule"]["eligibilityCriteria"].as_str().unwrap_or("");
            if !published.trim().is_empty() {
                with_criteria += 1;
                if t.eligibility_text == published {
                    text_ok += 1;
                }
            }
            assert!(t.status.is_some() && t.title.is_some(), "{}", p.display());
        }
    }
    println!(
        "ctgov-v2: {} files, {trials} trials, {with_criteria} with criteria, {text_ok} read byte for byte",
        paths.len()
    );
    assert_eq!(text_ok, with_criteria);
    assert!(trials >= paths.len());
}

#[test]
fn corpus_ctgov_xml_records() {
    let Some(c) = corpus() else { return };
    let paths = files(&c.join("records/ctgov-xml"), "xml");
    // The same trials' criteria as other sources published them.
    let mut published = std::collections::HashMap::new();
    if let Ok(lines) = std::fs::read_to_string(c.join("trials.jsonl")) {
        for l in lines.lines() {
            if let Ok(v) = serde_json::from_str::<Value>(l) {
                if let (Some(id), Some(text)) = (v["nctId"].as_str(), v["eligibilityCriteria"].as_str()) {
                    published.insert(id.to_string(), text.to_string());
                }
            }
        }
    }
    let (mut with_criteria, mut both, mut same, mut same_items) = (0, 0, 0, 0);
    let mut differ = Vec::new();
    for p in &paths {
        let s = std::fs::read_to_string(p).unwrap();
        let t = one(&s);
        assert_eq!(t.format, Format::CtgovXml, "{}", p.display());
        let id = t.id.clone().unwrap_or_else(|| panic!("{}: no id", p.display()));
        // Some records are test fixtures named otherwise ("raw_study.xml").
        assert!(trialsieve::ingest::facts::nct_id(&id).as_deref() == Some(id.as_str()), "{}", p.display());
        assert!(t.title.is_some() && t.status.is_some(), "{}", p.display());
        if s.contains("<criteria>") {
            with_criteria += 1;
            assert!(!t.eligibility_text.trim().is_empty(), "{}", p.display());
            // The hard-wrap indentation is gone: the first line starts at
            // the left margin.
            assert!(!t.eligibility_text.starts_with(' '), "{}", p.display());
        }
        assert!(
            !t.diagnostics.iter().any(|d| d.message.starts_with("malformed")),
            "{}: {:?}",
            p.display(),
            t.diagnostics
        );
        if let Some(other) = published.get(&id) {
            both += 1;
            if whitespace_folded(other) == whitespace_folded(&t.eligibility_text) {
                same += 1;
                same_items += 1;
            } else if without_markers(other) == without_markers(&t.eligibility_text) {
                same_items += 1;
            } else {
                differ.push(id);
            }
        }
        // Cut anywhere, the record still reads without a panic.
        for cut in [s.len() / 3, s.len() / 2, s.len() * 9 / 10] {
            let mut cut = cut;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            let _ = read(&s[..cut], Format::Auto);
        }
    }
    println!(
        "ctgov-xml: {} records, {with_criteria} with criteria; {both} also in trials.jsonl, {same} with the same criteria text modulo white space, {same_items} modulo white space and list markers; differ: {differ:?}",
        paths.len()
    );
    assert_eq!(with_criteria, paths.len());
    assert!(same * 10 >= both * 9, "{same}/{both}");
    assert_eq!(same_items, both, "{differ:?}");
}

/// Every published criteria text of the corpus, read as a text page: the
/// criteria must come out whole (bare criteria keep their preamble), and no
/// end-of-criteria heading or chrome line may cut them short.
#[test]
fn corpus_criteria_texts_read_as_text_stay_whole() {
    let Some(c) = corpus() else { return };
    let Ok(all) = std::fs::read_to_string(c.join("trials.jsonl")) else {
        println!("trials.jsonl not found: skipping");
        return;
    };
    let (mut n, mut whole, mut later, mut cut) = (0, 0, 0, Vec::new());
    for l in all.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let text = v["eligibilityCriteria"].as_str().unwrap_or("");
        if text.trim().is_empty() {
            continue;
        }
        n += 1;
        let t = read(text, Format::Text).unwrap().remove(0);
        let (a, b) = (whitespace_folded(text), whitespace_folded(&t.eligibility_text));
        if a == b {
            whole += 1;
        } else if a.ends_with(&b) {
            later += 1;
        } else {
            cut.push(v["nctId"].as_str().unwrap_or("").to_string());
        }
    }
    println!(
        "trials.jsonl: {n} criteria texts; {whole} read whole, {later} start at a later header, {} cut: {cut:?}",
        cut.len()
    );
    assert!(cut.is_empty());
    // FIXME: one text opens with "Phase I" and is taken for a page.
    assert!(later <= 1, "{later}");
}

#[test]
fn markdown_without_a_fence() {
    let md = "# A Trial of X\n\n**NCT ID:** NCT01234567\n\n## Key Facts\n\n- **Status:** RECRUITING\n- **Phase:** PHASE2\n\n\
        ## Eligibility\n\n- **Minimum age:** 18 Years\n- **Sex:** FEMALE\n\nInclusion Criteria:\n\n* HbA1c \\> 7\\%\n\n\
        Exclusion Criteria:\n\n* Pregnancy\n\n## Arms\n\n- Drug X\n";
    let t = one(md);
    assert_eq!(
        key_fields(&t),
        json!({"format": "markdown", "id": "NCT01234567", "title": "A Trial of X", "status": "RECRUITING", "phases": ["PHASE2"],
            "sex": "FEMALE", "min": "18 a", "max": null, "enrollment": null, "sponsor": null})
    );
    assert_eq!(t.eligibility_text, "Inclusion Criteria:\n\n* HbA1c > 7%\n\nExclusion Criteria:\n\n* Pregnancy");
}

#[test]
fn page_locations_with_status() {
    let t = one(&seed("002_"));
    let got: Vec<_> = t.locations.iter().map(|l| (l.facility.as_deref(), l.status.as_deref())).collect();
    // FIXME: "Site Not Available" is no ClinicalTrials.gov status; cities
    // and countries under the site name are not read.
    assert_eq!(got, [(Some("北京高博医院"), Some("RECRUITING")), (Some("北京高博医院"), None)]);
}

/// Every prefix and suffix cut at spread-out places, read in every format:
/// never a panic, and text formats never fail.
#[test]
fn cut_records_never_panic() {
    let mut inputs: Vec<String> = ["000_", "001_", "002_", "003_", "004_"].iter().map(|n| seed(n)).collect();
    if let Some(c) = corpus() {
        for (dir, ext) in [("records/ctgov-v2", "json"), ("records/ctgov-xml", "xml")] {
            if let Some(p) = files(&c.join(dir), ext).first() {
                inputs.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    inputs.push("<html><body><h2>Inclusion Criteria</h2><ul><li>Age &ge; 18</li></ul><!-- x --><script>y</script></body></html>".into());
    let formats = [Format::Auto, Format::Text, Format::Html, Format::Markdown, Format::CtgovXml, Format::CtgovJson];
    for s in &inputs {
        let mut cut = 0;
        while cut < s.len() {
            while !s.is_char_boundary(cut) {
                cut += 1;
            }
            for part in [&s[..cut], &s[cut..]] {
                for f in formats {
                    let r = read(part, f);
                    if matches!(f, Format::Text | Format::Html | Format::Markdown) {
                        assert!(r.is_ok(), "{f:?} failed on text");
                    }
                }
            }
            cut += 101;
        }
    }
}

/// Each file in `tests/fixtures/ingest/` is a case: read in the detected
/// format and snapshotted whole (these inputs build no criteria tree here).
#[test]
fn fixture_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    assert!(paths.len() >= 4);
    for p in paths {
        let s = std::fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().replace('.', "_");
        let trials = read(&s, Format::Auto).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for t in &trials {
            for c in CHROME {
                assert!(!t.eligibility_text.contains(c), "{name}: chrome {c:?} in the criteria");
            }
        }
        insta::assert_json_snapshot!(format!("fixture_{name}"), trials);
    }
}

/// Each ClinicalTrials.gov JSON record written out as a page around its
/// criteria, with labels and values in the three ways pages write them
/// ("Phase: PHASE1", "PhasePHASE1", "Phase" then the value on its own
/// line): the page reader must recover what the JSON reader reads, and the
/// criteria whole.
#[test]
fn corpus_records_as_pages_round_trip() {
    let Some(c) = corpus() else { return };
    let (mut n, mut facts_same, mut text_same) = (0, 0, 0);
    let mut differ = Vec::new();
    for p in files(&c.join("records/ctgov-v2"), "json") {
        let s = std::fs::read_to_string(&p).unwrap();
        for j in read(&s, Format::CtgovJson).unwrap() {
            let age = |a: &Option<trialsieve::trial::Age>| {
                a.as_ref().map_or(String::new(), |a| {
                    format!("{} {}", a.value, if a.unit == "a" { "Years" } else { "Months" })
                })
            };
            let facts = [
                ("Status", j.status.clone().unwrap_or_default()),
                ("Phase", j.phases.join("/")),
                ("Study type", j.study_type.clone().unwrap_or_default()),
                ("Enrollment", j.enrollment.map_or(String::new(), |e| e.to_string())),
                ("Sex", j.sex.map_or(String::new(), |s| format!("{s:?}"))),
                ("Minimum age", age(&j.minimum_age)),
                ("Maximum age", age(&j.maximum_age)),
                ("Sponsor", j.sponsor.clone().unwrap_or_default()),
                ("NCT ID", j.id.clone().unwrap_or_default()),
            ];
            for sep in [": ", "", "\n\n"] {
                n += 1;
                let mut page = format!("{}\n", j.title.clone().unwrap_or_default());
                for (label, value) in facts.iter().filter(|(_, v)| !v.is_empty()) {
                    page.push_str(&format!("{label}{sep}{value}\n"));
                }
                page.push_str(&format!(
                    "\nEligibility Criteria\n\n{}\n\nHow to participate\nCall us\n",
                    j.eligibility_text
                ));
                let t = one(&page);
                let mut want = key_fields(&j);
                want["format"] = json!("text");
                if key_fields(&t) == want {
                    facts_same += 1;
                } else if differ.len() < 5 {
                    differ.push((j.id.clone(), sep, key_fields(&t), want));
                }
                let body = t.eligibility_text.strip_prefix("Eligibility Criteria").unwrap_or(&t.eligibility_text);
                if whitespace_folded(body) == whitespace_folded(&j.eligibility_text) {
                    text_same += 1;
                } else if differ.len() < 5 {
                    differ.push((j.id.clone(), sep, json!(body.chars().take(200).collect::<String>()), json!(null)));
                }
            }
        }
    }
    println!("ctgov-v2 as pages: {n} pages, {facts_same} with the same key fields, {text_same} with the same criteria");
    for d in &differ {
        println!("  {d:?}");
    }
    assert_eq!(facts_same, n);
    assert_eq!(text_same, n);
}
