//! Robustness of `parse` and `check`: property tests for the invariants
//! (no panic, spans valid and on char boundaries, nested and increasing,
//! deterministic) and pathological inputs, with time linear in input size.
//!
//! The invariant checks are the fuzz targets' own (`fuzz/harness.rs`).

#[path = "../fuzz/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use proptest::prelude::*;
use trialsieve::{EvalOptions, Format, ParseOptions};

fn parse_text(text: &str) -> Vec<trialsieve::Trial> {
    trialsieve::parse(text, &ParseOptions { format: Format::Text }).expect("text never fails to parse")
}

/// Fragments that criteria text is made of, so that generated inputs reach
/// the tree builder and the atom extractors rather than only their fallbacks.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Inclusion Criteria:".to_string()),
        Just("Exclusion Criteria:".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("  ".to_string()),
        Just("* ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("(2) ".to_string()),
        Just("a) ".to_string()),
        Just("（1）".to_string()),
        Just("Aged 18-65 years".to_string()),
        Just("age ≥ 18 years".to_string()),
        Just("ALT ≤ 3 × ULN".to_string()),
        Just("hemoglobin >= 9 g/dL".to_string()),
        Just("Hb ≥ 60 g/L；".to_string()),
        Just("ECOG 0-1".to_string()),
        Just("pregnant or breastfeeding".to_string()),
        Just("no prior chemotherapy within 4 weeks".to_string()),
        Just(" and ".to_string()),
        Just(" or ".to_string()),
        Just(", except ".to_string()),
        Just("Cohort A:".to_string()),
        Just("血红蛋白 µmol/L 😀".to_string()),
        Just("<li>".to_string()),
        Just("</li>".to_string()),
        Just("\\*".to_string()),
        Just("\r\n".to_string()),
        Just("\t".to_string()),
        "[0-9]{1,4}(\\.[0-9]{1,2})?".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
        ".{0,12}".prop_map(|s| s),
    ]
}

fn criteria_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn criteria_like_text_keeps_every_invariant(text in criteria_text(), format in 0u8..6) {
        let mut input = vec![format];
        input.extend_from_slice(text.as_bytes());
        harness::parse(&input);
    }

    #[test]
    fn any_bytes_keep_every_invariant(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        harness::parse(&bytes);
    }

    #[test]
    fn utf16_offsets_match_javascript(text in "\\PC{0,40}") {
        let map = trialsieve::span::Utf16Map::new(&text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            prop_assert_eq!(map.offset(i), text[..i].encode_utf16().count());
        }
    }

    #[test]
    fn check_never_panics(text in criteria_text(), age in prop::option::of(-5.0f64..130.0), sex in prop::sample::select(vec!["female", "male", "other", ""])) {
        let patient = match age {
            Some(a) => format!(r#"{{"age": {a}, "sex": "{sex}"}}"#),
            None => format!(r#"{{"sex": "{sex}"}}"#),
        };
        let mut input = vec![5u8];
        input.extend_from_slice(text.as_bytes());
        input.push(0);
        input.extend_from_slice(patient.as_bytes());
        harness::check(&input);
    }
}

/// A realistic block of criteria text, about 1.2 KB, with non-ASCII.
const BLOCK: &str = "Inclusion Criteria:\n\n* Aged 18-75 years\n* ECOG performance status 0-1\n* Hemoglobin ≥ 9 g/dL; ALT ≤ 3 × ULN\n  * in patients with liver metastases, ALT ≤ 5 × ULN\n* Signed informed consent\n\nExclusion Criteria:\n\n1. Pregnant or breastfeeding women\n2. Prior chemotherapy within 4 weeks before enrolment, except hormonal therapy\n3. Known HIV infection or active hepatitis B (HBsAg positive) or C\n4. 血红蛋白 < 60 g/L（1）\n5. Any condition that, in the opinion of the investigator, would interfere with the study 😀\n";

fn repeat_to(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + BLOCK.len());
    while s.len() < bytes {
        s.push_str(BLOCK);
    }
    s
}

fn time_parse(text: &str) -> Duration {
    let t = Instant::now();
    let trials = parse_text(text);
    let d = t.elapsed();
    assert_eq!(trials.len(), 1);
    d
}

/// Parses the input at two sizes, N/25 and N, each into one trial, and
/// prints the ratio of the times for the reader. A linear parse shows about
/// 25× (measured in release: 21× from 400 KB to 10 MB), a quadratic one
/// 625×; the ratio is not asserted, as it depends on the machine's load.
/// `cargo run --release --example criteria_scale` measures the growth.
fn parse_two_sizes(name: &str, make: impl Fn(usize) -> String, big: usize) {
    let small_text = make(big / 25);
    let big_text = make(big);
    let small = time_parse(&small_text);
    let large = time_parse(&big_text);
    println!("{name}: {} bytes in {small:?}, {} bytes in {large:?} ({:.1}×)", small_text.len(), big_text.len(), large.as_secs_f64() / small.as_secs_f64().max(1e-9));
}

#[test]
fn ten_megabytes_of_criteria_parse() {
    parse_two_sizes("10 MB of criteria", repeat_to, 10_000_000);
}

#[test]
fn a_hundred_thousand_list_items() {
    let make = |n: usize| {
        let mut s = String::from("Inclusion Criteria:\n");
        for i in 0..n / 25 {
            s.push_str(&format!("{}. Item {i}\n", i + 1));
        }
        s
    };
    let text = make(2_500_000);
    let trials = parse_text(&text);
    harness::check_spans(&trials[0]);
    parse_two_sizes("100,000 list items", make, 2_500_000);
}

/// Runs `text` through the parse target under every format option.
fn parse_every_format(text: &str) {
    for format in 0..harness::FORMATS.len() as u8 {
        let mut input = vec![format];
        input.extend_from_slice(text.as_bytes());
        harness::parse(&input);
    }
}

#[test]
fn nesting_ten_thousand_deep() {
    // Brackets, HTML lists, JSON and XML, each 10,000 levels deep in a
    // text that grows linearly with the depth: the readers must read or
    // refuse them, never overflow the stack.
    let brackets = format!("Inclusion Criteria:\n* {}age ≥ 18{}\n", "(".repeat(10_000), ")".repeat(10_000));
    let html = format!("<h2>Inclusion Criteria</h2>{}age ≥ 18{}", "<ul><li>a".repeat(10_000), "</li></ul>".repeat(10_000));
    let json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let json_in_study = format!(r#"{{"protocolSection": {{"eligibilityModule": {{"eligibilityCriteria": "x"}}}}, "x": {}{}}}"#, "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let xml = format!("<clinical_study>{}{}</clinical_study>", "<a>".repeat(10_000), "</a>".repeat(10_000));
    for text in [&brackets, &html, &json, &json_in_study, &xml] {
        parse_every_format(text);
    }
}

#[test]
fn nesting_a_thousand_deep_by_indentation() {
    // Each line one space deeper than the last: depth d costs d²/2 bytes,
    // so 1,000 levels (500 KB) rather than 10,000 (50 MB).
    let mut indented = String::from("Inclusion Criteria:\n");
    let mut numbered = String::from("Inclusion Criteria:\n");
    for i in 0..1_000 {
        indented.push_str(&" ".repeat(i));
        indented.push_str("* item\n");
        numbered.push_str(&"1.".repeat(i + 1));
        numbered.push_str(" item\n");
    }
    for text in [&indented, &numbered] {
        parse_every_format(text);
    }
}

#[test]
fn a_single_one_megabyte_line() {
    let line = |n: usize| {
        let mut s = String::from("Inclusion Criteria:\n* ");
        while s.len() < n {
            s.push_str("age ≥ 18 years and hemoglobin > 9 g/dL, ");
        }
        s.push('\n');
        s
    };
    let text = line(1_000_000);
    let trials = parse_text(&text);
    harness::check_spans(&trials[0]);
    // Timed from 160 KB to 4 MB, so that the baseline is well above timer noise.
    parse_two_sizes("a single line", line, 4_000_000);
}

#[test]
fn check_of_a_thousand_trials() {
    let trials: Vec<_> = (0..1000).flat_map(|_| parse_text(BLOCK)).collect();
    let patient = trialsieve::patient::read(r#"{"age": 45, "sex": "female"}"#).unwrap();
    let t = Instant::now();
    let small = trialsieve::eval::check(&trials[..40], &patient, &EvalOptions::default());
    let small_t = t.elapsed();
    let t = Instant::now();
    let large = trialsieve::eval::check(&trials, &patient, &EvalOptions::default());
    let large_t = t.elapsed();
    assert_eq!((small.evaluations.len(), large.evaluations.len()), (40, 1000));
    // The same trial 1,000 times: the same verdict and questions each time.
    assert!(large.evaluations.iter().all(|e| e.verdict == small.evaluations[0].verdict && e.questions == small.evaluations[0].questions));
    // Printed, not asserted (the machine's load decides it); scripts/bench.sh times checks.
    println!("check: {small_t:?} for 40 trials, {large_t:?} for 1000");
}
