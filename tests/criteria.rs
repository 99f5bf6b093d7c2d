//! The criteria tree: numbering styles, inline runs, sections, cohorts,
//! logic and `appliesIf`, each through `check(input, expected_outline)`,
//! and snapshots of the five seed texts.

mod criteria_support;

use criteria_support::{invariants, outline};
use trialsieve::criteria::build;

/// Builds the tree of `input`, checks its invariants and compares its outline
/// (`id kind logic: text`, children indented) with `expected`.
fn check(input: &str, expected: &str) {
    let (tree, _) = build(input);
    if let Err(e) = invariants(input, &tree) {
        panic!("invariant broken: {e}\n{}", outline(&tree));
    }
    let got = outline(&tree);
    let want: String = expected.trim_start_matches('\n').lines().map(|l| l.strip_prefix("        ").unwrap_or(l)).collect::<Vec<_>>().join("\n");
    assert_eq!(got.trim_end(), want.trim_end(), "\n--- got:\n{got}");
}

#[test]
fn numbered_dot() {
    check(
        "Inclusion Criteria:\n1. Age ≥ 18\n2. Signed consent\n\nExclusion Criteria:\n1. Pregnancy\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Age ≥ 18
          inc.2 criterion: Signed consent
        exc section all: Exclusion Criteria:
          exc.1 criterion: Pregnancy",
    );
}

#[test]
fn paren_styles_at_one_indent_are_one_list() {
    check(
        "Inclusion Criteria:\n1) Age ≥ 18\n2) Consent\n(3) ALT ≤ 3×ULN\n( 4) Hb ≥ 90 g/L\n（5）Platelets\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Age ≥ 18
          inc.2 criterion: Consent
          inc.3 criterion: ALT ≤ 3×ULN
          inc.4 criterion: Hb ≥ 90 g/L
          inc.5 criterion: Platelets",
    );
}

#[test]
fn paren_style_at_same_indent_stays_flat_when_first() {
    check(
        "Inclusion Criteria:\n(1)Age ≥ 18\n( 2) Consent\n（3）Platelets\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Age ≥ 18
          inc.2 criterion: Consent
          inc.3 criterion: Platelets",
    );
}

#[test]
fn letters_and_romans_nest_under_lead_ins() {
    check(
        "Inclusion Criteria:\n1. Adequate organ function:\n   a. ALT ≤ 3×ULN\n   b. Hb ≥ 90 g/L\n      i. without transfusion\n      ii. within 2 weeks\n2. Consent\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group all: Adequate organ function:
            inc.1.1 criterion: ALT ≤ 3×ULN
            inc.1.2 group all: Hb ≥ 90 g/L
              inc.1.2.1 criterion: without transfusion
              inc.1.2.2 criterion: within 2 weeks
          inc.2 criterion: Consent",
    );
}

#[test]
fn letter_i_after_h_continues_the_letters() {
    check(
        "Exclusion Criteria:\ng. Seven\nh. Eight\ni. Nine\nj. Ten\n",
        "
        exc section all: Exclusion Criteria:
          exc.1 criterion: Seven
          exc.2 criterion: Eight
          exc.3 criterion: Nine
          exc.4 criterion: Ten",
    );
}

#[test]
fn bullets_of_every_kind() {
    check(
        "Exclusion Criteria:\n* Pregnancy\n- Lactation\n• HIV\n· HBV\n",
        "
        exc section all: Exclusion Criteria:
          exc.1 criterion: Pregnancy
          exc.2 criterion: Lactation
          exc.3 criterion: HIV
          exc.4 criterion: HBV",
    );
}

#[test]
fn indented_bullets_and_numbers_restarting_in_a_sub_list() {
    check(
        "Inclusion Criteria:\n1. Diagnosed with one of the following diseases:\n   * SLE\n   * SSc\n2. Disease activity:\n   * For DM patients:\n     1. Rash\n     2. Weakness\n   * BVAS ≥ 15\n3. Consent\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group any: Diagnosed with one of the following diseases:
            inc.1.1 criterion: SLE
            inc.1.2 criterion: SSc
          inc.2 group all: Disease activity:
            inc.2.1 group all: For DM patients: [if condition: DM]
              inc.2.1.1 criterion: Rash
              inc.2.1.2 criterion: Weakness
            inc.2.2 criterion: BVAS ≥ 15
          inc.3 criterion: Consent",
    );
}

#[test]
fn markdown_sub_lists_in_the_same_bullet() {
    check(
        "Inclusion criteria:\n\n* Diagnosis meeting 1 of the following criteria:\n\n  * Newly diagnosed\n  * Relapsed\n\n    * after stem cell transplant\n* Age < 18\n",
        "
        inc section all: Inclusion criteria:
          inc.1 group any: Diagnosis meeting 1 of the following criteria:
            inc.1.1 criterion: Newly diagnosed
            inc.1.2 group all: Relapsed
              inc.1.2.1 criterion: after stem cell transplant
          inc.2 criterion: Age < 18",
    );
}

#[test]
fn hard_wrapped_legacy_text_is_joined() {
    check(
        "\n        Inclusion Criteria:\n\n          -  Histologically confirmed adenocarcinoma of the prostate with\n             metastatic disease documented by bone scan or CT\n\n          -  Age 18 years or older\n\n        Exclusion Criteria:\n\n          -  Prior chemotherapy for metastatic disease within the last\n             six months\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Histologically confirmed adenocarcinoma of the prostate with metastatic disease documented by bone scan or CT
          inc.2 criterion: Age 18 years or older
        exc section all: Exclusion Criteria:
          exc.1 criterion: Prior chemotherapy for metastatic disease within the last six months",
    );
}

#[test]
fn unmarked_lines_are_items() {
    check(
        "Inclusion Criteria\n\nAge: 18~65 years old\nExpected survival period ≥ 3 months\n\nExclusion Criteria\n\nHIV positive\n",
        "
        inc section all: Inclusion Criteria
          inc.1 criterion: Age: 18~65 years old
          inc.2 criterion: Expected survival period ≥ 3 months
        exc section all: Exclusion Criteria
          exc.1 criterion: HIV positive",
    );
}

#[test]
fn inline_run_in_one_paragraph() {
    check(
        "Exclusion Criteria\n  • (1) Stroke or epilepsy.(2) Heart failure.(3) Transplantation; (4) Pregnancy.\n",
        "
        exc section all: Exclusion Criteria
          exc.1 criterion: Stroke or epilepsy.
          exc.2 criterion: Heart failure.
          exc.3 criterion: Transplantation;
          exc.4 criterion: Pregnancy.",
    );
}

#[test]
fn inline_sub_items_after_a_colon() {
    check(
        "Inclusion Criteria:\n(1) Age ≥ 18\n(2)RA: active disease: 1) DAS28-ESR>3.2 or CDAI>10; or 2) prednisone ≥ 7.5 mg/day; or 3) swollen joints ≥3\n(3) Organ function: a) AST≤3 times ULN; b) ALT ≤3 times ULN\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Age ≥ 18
          inc.2 group any: RA: active disease:
            inc.2.1 criterion: DAS28-ESR>3.2 or CDAI>10; or
            inc.2.2 criterion: prednisone ≥ 7.5 mg/day; or
            inc.2.3 criterion: swollen joints ≥3
          inc.3 group all: Organ function:
            inc.3.1 criterion: AST≤3 times ULN;
            inc.3.2 criterion: ALT ≤3 times ULN",
    );
}

#[test]
fn sentence_after_a_run_of_alternatives_goes_back_to_the_lead_in() {
    check(
        "Inclusion Criteria:\n(1)RA: active disease: 1) DAS28>3.2; or 2) CDAI>10; or 3) joints ≥3; Treatment with MTX for 12 weeks.\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group any: RA: active disease: Treatment with MTX for 12 weeks.
            inc.1.1 criterion: DAS28>3.2; or
            inc.1.2 criterion: CDAI>10; or
            inc.1.3 criterion: joints ≥3;",
    );
}

#[test]
fn numbers_that_are_not_markers_do_not_split() {
    check(
        "Inclusion Criteria:\n1. Treatment for 3 months (Appendix 4); ≥3 joints; INR ≤1.5×ULN. 3 months later; class III (C), IV-S (C). 2019 EULAR criteria: 1.5 mg\n2. Titer ≥ 1:80. 5) not a marker\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Treatment for 3 months (Appendix 4); ≥3 joints; INR ≤1.5×ULN. 3 months later; class III (C), IV-S (C). 2019 EULAR criteria: 1.5 mg
          inc.2 criterion: Titer ≥ 1:80. 5) not a marker",
    );
}

#[test]
fn inline_markers_out_of_sequence_stay_text() {
    // FIXME: "b." without an "a." before it does not open a list, so the
    // run "criteria: Patient score …; b. Physician score …" stays one item.
    check(
        "Inclusion Criteria:\n1. Two measures meet the criteria: Patient score ≥ 2; b. Physician score ≥ 2; c. HAQ ≥ 0.25\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Two measures meet the criteria: Patient score ≥ 2; b. Physician score ≥ 2; c. HAQ ≥ 0.25",
    );
}

#[test]
fn flattened_list_without_punctuation_is_one_item() {
    // FIXME: "fusion 2. Requires" has no boundary before the marker; a rule
    // that split it would split "at least 2. Patients" too.
    check(
        "Exclusion Criteria:\n\n1. Any prior cervical fusion 2. Requires fusion of more than two levels\n",
        "
        exc section all: Exclusion Criteria:
          exc.1 criterion: Any prior cervical fusion 2. Requires fusion of more than two levels",
    );
}

#[test]
fn header_spellings() {
    check(
        "**Key Inclusion Criteria**\n- Adults\n\n## EXCLUSION CRITERIA:\n- Children\n",
        "
        inc section all: **Key Inclusion Criteria**
          inc.1 criterion: Adults
        exc section all: ## EXCLUSION CRITERIA:
          exc.1 criterion: Children",
    );
    check(
        "Eligibility Criteria\n\nInclusion\n\nInclusion criteria for the dose escalation part:\n* Adults\nExclusion criteria: Children\n",
        "
        inc section all: Inclusion
          inc.1 note: Eligibility Criteria
          inc.2 note: Inclusion criteria for the dose escalation part:
          inc.3 criterion: Adults
        exc section all: Exclusion criteria:
          exc.1 criterion: Children",
    );
}

#[test]
fn text_without_headers_is_inclusion() {
    check(
        "Adults with asthma\nNon-smokers\n",
        "
        inc section all: 
          inc.1 criterion: Adults with asthma
          inc.2 criterion: Non-smokers",
    );
}

#[test]
fn text_before_an_exclusion_header_is_inclusion() {
    check(
        "Adults with asthma\n\nExclusion Criteria:\nSmokers\n",
        "
        inc section all: 
          inc.1 criterion: Adults with asthma
        exc section all: Exclusion Criteria:
          exc.1 criterion: Smokers",
    );
}

#[test]
fn notes_and_lead_ins() {
    check(
        "Exclusion criteria:\n\nAn individual who meets any of the following criteria will be excluded from participation in this study:\n\n1. Pregnancy\n\nDefinition: refractory means no remission after 6 months.\n",
        "
        exc section all: Exclusion criteria:
          exc.1 note: An individual who meets any of the following criteria will be excluded from participation in this study:
          exc.2 criterion: Pregnancy
          exc.3 note: Definition: refractory means no remission after 6 months.",
    );
}

#[test]
fn disease_alternatives_become_an_any_group() {
    check(
        "Inclusion Criteria:\n(1) Age ≥ 18\n(2) RA: diagnosis of RA by ACR 2010.\n(3) systemic sclerosis : diagnosis of systemic sclerosis by ACR 2013.\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Age ≥ 18
          inc.2 group any: 
            inc.2.1 criterion: RA: diagnosis of RA by ACR 2010.
            inc.2.2 criterion: systemic sclerosis : diagnosis of systemic sclerosis by ACR 2013.",
    );
}

#[test]
fn headed_exclusions_are_not_alternatives() {
    check(
        "Exclusion Criteria\nInfection: active infection requiring treatment\nKidney disease: dialysis\n",
        "
        exc section all: Exclusion Criteria
          exc.1 criterion: Infection: active infection requiring treatment
          exc.2 criterion: Kidney disease: dialysis",
    );
}

#[test]
fn cohorts_with_their_own_lists() {
    check(
        "Inclusion Criteria\n1. Lupus Nephritis(LN): Patients who meet all the following requirements can be enrolled in the group.\n  1. Age 10-65;\n  2. Biopsy-proven LN;\n2. SSc: Patients who meet all the following requirements can be enrolled in the group.\n  1. Age 18-65.\n\nExclusion criteria:\n1. Lupus Nephritis (LN):\n  1. Heart failure;\n2.SSc\n  1. Dialysis; 2) Pregnancy. 3. LN\n  1. Sepsis\n",
        "
        inc section any: Inclusion Criteria
          inc.ln cohort all: Lupus Nephritis(LN): Patients who meet all the following requirements can be enrolled in the group.
            inc.ln.1 criterion: Age 10-65;
            inc.ln.2 criterion: Biopsy-proven LN;
          inc.ssc cohort all: SSc: Patients who meet all the following requirements can be enrolled in the group.
            inc.ssc.1 criterion: Age 18-65.
        exc section all: Exclusion criteria:
          exc.ln cohort all: Lupus Nephritis (LN):
            exc.ln.1 criterion: Heart failure;
          exc.ssc cohort all: SSc
            exc.ssc.1 criterion: Dialysis; 2) Pregnancy.
          exc.ln3 cohort all: LN
            exc.ln3.1 criterion: Sepsis",
    );
}

#[test]
fn cohort_words_open_cohorts_after_general_items() {
    check(
        "Inclusion Criteria:\n* Adults\n* Stratum I\n  * Newly diagnosed\n* Stratum II\n  * Relapsed\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Adults
          inc.2 group any: 
            inc.2.stratum-i cohort all: Stratum I
              inc.2.stratum-i.1 criterion: Newly diagnosed
            inc.2.stratum-ii cohort all: Stratum II
              inc.2.stratum-ii.1 criterion: Relapsed",
    );
}

#[test]
fn applies_if_conditions_and_childbearing() {
    check(
        "Inclusion Criteria:\n* SLEDAI score ≥8 for SLE patients;\n* For patients with SSc, mRSS 10-35;\n* Women of childbearing potential must use contraception\n* Age ≥ 18 for all patients\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: SLEDAI score ≥8 for SLE patients; [if condition: SLE]
          inc.2 criterion: For patients with SSc, mRSS 10-35; [if condition: SSc]
          inc.3 criterion: Women of childbearing potential must use contraception [if childbearing: Women of childbearing potential]
          inc.4 criterion: Age ≥ 18 for all patients",
    );
}

#[test]
fn any_lead_in_takes_the_items_below() {
    check(
        "Inclusion Criteria:\n1. Aged 10-65; patients who meet any one below can be enrolled.\n2. ANA negative\n3. Recurrent infections\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group any: Aged 10-65; patients who meet any one below can be enrolled.
            inc.1.1 criterion: ANA negative
            inc.1.2 criterion: Recurrent infections",
    );
}

#[test]
fn spans_are_byte_ranges_into_the_text() {
    let text = "Inclusion Criteria:\n（1）ALT≤3×ULN；AST≤3×ULN。 (2) Hb ≥ 60g/L\n";
    let (tree, _) = build(text);
    let c = &tree[0].children[1];
    assert_eq!(c.span.slice(text), "(2) Hb ≥ 60g/L");
    assert_eq!(c.marker.as_deref(), Some("(2)"));
    assert_eq!(tree[0].children[0].text, "ALT≤3×ULN；AST≤3×ULN。");
}

fn seed(n: &str) -> String {
    let path = format!("{}/tests/fixtures/criteria/seed_{n}.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn seed_snapshot(n: &str) {
    let text = seed(n);
    let (tree, diags) = build(&text);
    invariants(&text, &tree).unwrap_or_else(|e| panic!("seed {n}: {e}"));
    snapshots(|| {
        insta::assert_snapshot!(format!("seed_{n}_outline"), outline(&tree));
        insta::assert_json_snapshot!(format!("seed_{n}"), (&tree, &diags));
    });
}

/// Snapshots live with the criteria fixtures.
fn snapshots(f: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("fixtures/criteria/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(f);
}

#[test]
fn seed_000() {
    seed_snapshot("000");
}

#[test]
fn seed_001() {
    seed_snapshot("001");
}

#[test]
fn seed_002() {
    seed_snapshot("002");
}

#[test]
fn seed_003() {
    seed_snapshot("003");
}

#[test]
fn seed_004() {
    seed_snapshot("004");
}

/// Top-level items per section and the cohorts, as the report gives them.
#[test]
fn seed_counts() {
    use trialsieve::criteria::{NodeKind, Section};
    let mut got = Vec::new();
    for n in ["000", "001", "002", "003", "004"] {
        let (tree, _) = build(&seed(n));
        let count = |s: Section| -> usize {
            tree.iter().filter(|c| c.section == s).flat_map(|c| &c.children).filter(|c| c.kind != NodeKind::Note).count()
        };
        let mut cohorts = Vec::new();
        for s in &tree {
            s.walk(&mut |c| {
                if let Some(name) = &c.cohort {
                    cohorts.push(format!("{}:{name}", c.id));
                }
            });
        }
        got.push(format!("{n}: inc {} exc {} cohorts [{}]", count(Section::Inclusion), count(Section::Exclusion), cohorts.join(", ")));
    }
    snapshots(|| insta::assert_snapshot!("seed_counts", got.join("\n")));
}

#[test]
fn counts_over_lists_make_n_of_m_groups() {
    check(
        "Inclusion Criteria:\n1. At least 2 of the following:\n   a. Diabetes\n   b. Hypertension\n   c. Obesity\n2. Age ≥ 18\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group atLeast 2: At least 2 of the following:
            inc.1.1 criterion: Diabetes
            inc.1.2 criterion: Hypertension
            inc.1.3 criterion: Obesity
          inc.2 criterion: Age ≥ 18",
    );
    check(
        "Inclusion Criteria:\n* Prior treatment with ≥ 2 of the following regimens:\n  * FOLFOX\n  * FOLFIRI\n  * CAPOX\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group atLeast 2: Prior treatment with ≥ 2 of the following regimens:
            inc.1.1 criterion: FOLFOX
            inc.1.2 criterion: FOLFIRI
            inc.1.3 criterion: CAPOX",
    );
    check(
        "Inclusion Criteria:\n1. Two or more of the following SIRS criteria:\n   a. Temperature > 38 °C\n   b. Heart rate > 90\n   c. Respiratory rate > 20\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group atLeast 2: Two or more of the following SIRS criteria:
            inc.1.1 criterion: Temperature > 38 °C
            inc.1.2 criterion: Heart rate > 90
            inc.1.3 criterion: Respiratory rate > 20",
    );
    check(
        "Inclusion Criteria:\n1. Patients meet at least three out of the following six conditions:\n   a. A\n   b. B\n   c. C\n   d. D\n   e. E\n   f. F\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group atLeast 3: Patients meet at least three out of the following six conditions:
            inc.1.1 criterion: A
            inc.1.2 criterion: B
            inc.1.3 criterion: C
            inc.1.4 criterion: D
            inc.1.5 criterion: E
            inc.1.6 criterion: F",
    );
    check(
        "Exclusion Criteria:\n1. At least three of:\n   a. Smoking\n   b. Hypertension\n   c. Diabetes\n   d. Obesity\n",
        "
        exc section all: Exclusion Criteria:
          exc.1 group atLeast 3: At least three of:
            exc.1.1 criterion: Smoking
            exc.1.2 criterion: Hypertension
            exc.1.3 criterion: Diabetes
            exc.1.4 criterion: Obesity",
    );
}

#[test]
fn counts_that_are_no_n_of_m() {
    // One of the following stays `any`; "≥1 of the following" too.
    check(
        "Inclusion Criteria:\n1. ≥1 of the following:\n   a. Diabetes\n   b. Obesity\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group any: ≥1 of the following:
            inc.1.1 criterion: Diabetes
            inc.1.2 criterion: Obesity",
    );
    // As many as there are items: all of them.
    check(
        "Inclusion Criteria:\n1. At least 2 of the following:\n   a. Diabetes\n   b. Obesity\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group all: At least 2 of the following:
            inc.1.1 criterion: Diabetes
            inc.1.2 criterion: Obesity",
    );
    // A count of something else in the lead-in is no count over the items.
    check(
        "Inclusion Criteria:\n1. At least 2 prior lines of therapy, including:\n   a. Platinum\n   b. Taxane\n   c. Anthracycline\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 group all: At least 2 prior lines of therapy, including:
            inc.1.1 criterion: Platinum
            inc.1.2 criterion: Taxane
            inc.1.3 criterion: Anthracycline",
    );
}

#[test]
fn a_header_inside_a_line_opens_its_section() {
    check(
        "Inclusion Criteria:\n* Consent signed\n* All surgeries approved by the Board (MAB) Exclusion Criteria:• Disc height below 6 mm\n* Prior lumbar surgery\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Consent signed
          inc.2 criterion: All surgeries approved by the Board (MAB)
        exc section all: Exclusion Criteria:
          exc.1 criterion: Disc height below 6 mm
          exc.2 criterion: Prior lumbar surgery",
    );
    check(
        "Inclusion Criteria: - Age 50 or older - Healthy conjunctiva in the target quadrant Exclusion Criteria: - Uncontrolled systemic disease\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Age 50 or older - Healthy conjunctiva in the target quadrant
        exc section all: Exclusion Criteria:
          exc.1 criterion: Uncontrolled systemic disease",
    );
    // Spoken of in a sentence, the phrase is no header.
    check(
        "Inclusion Criteria:\n* Patients meeting all of the Inclusion Criteria: as listed\n* Patients who meet any of the exclusion criteria: see below\n",
        "
        inc section all: Inclusion Criteria:
          inc.1 criterion: Patients meeting all of the Inclusion Criteria: as listed
          inc.2 criterion: Patients who meet any of the exclusion criteria: see below",
    );
}
