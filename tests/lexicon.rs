//! The lexicon: every data file checked, and the matcher on small texts and
//! on the whole corpus.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use trialsieve::lexicon::{self, ConceptKind, FILE_NAMES, FILES, Lexicon, STOP_FILE, fold};

/// UCUM codes the lexicon may use as a unit.
const UCUM: &[&str] = &[
    "%", "/min", "/uL", "/mm3", "10*3/uL", "10*9/L", "10*12/L", "10*6/L", "g/L", "g/dL", "mg/dL", "mg/L", "ug/L", "ng/L",
    "ng/mL", "ng/dL", "pg/mL", "umol/L", "mmol/L", "nmol/L", "pmol/L", "mmol/mol", "U/L", "U/mL", "[IU]/L", "[IU]/mL",
    "m[IU]/L", "m[IU]/mL", "u[IU]/mL", "{copies}/mL", "{titer}", "{INR}", "{score}", "s", "ms", "mm/h", "mL/min",
    "mL/min/{1.73_m2}", "g/(24.h)", "mg/(24.h)", "mg/g", "g/g", "mg/mg", "mg/mmol", "g/mmol", "mm[Hg]", "kg/m2", "kg", "g",
    "[lb_av]", "cm", "m", "[in_i]", "mm", "L", "L/min", "L/min/m2", "[wood'U]", "dyn.s/cm5", "mL/min/mm[Hg]", "Cel", "a",
    "mg", "mg/d", "mg/kg", "mg/kg/d", "mg/m2", "[iU]", "{letters}", "um", "kPa", "ug/dL",
];

fn lex() -> &'static Lexicon {
    lexicon::get()
}

/// The ids `find_all` reports for `text`, in order.
fn check(text: &str, expected: &[&str]) {
    let found = lex().find_all(text);
    let ids: Vec<&str> = found.iter().map(|m| &*m.concept.id).collect();
    assert_eq!(ids, expected, "concepts found in {text:?}");
    for m in &found {
        assert!(text.get(m.span.start..m.span.end).is_some(), "span {:?} of {text:?} is not on char boundaries", m.span);
    }
}

/// The text each match covers.
fn check_spans(text: &str, expected: &[&str]) {
    let found: Vec<&str> = lex().find_all(text).iter().map(|m| m.span.slice(text)).collect();
    assert_eq!(found, expected, "spans found in {text:?}");
}

fn luhn_ok(digits: &str, check: u32) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(d) = c.to_digit(10) else { return false };
        sum += if i % 2 == 0 { let x = d * 2; x / 10 + x % 10 } else { d };
    }
    (10 - sum % 10) % 10 == check
}

fn verhoeff_ok(num: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 2, 1, 4],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, ch) in num.chars().rev().enumerate() {
        let Some(d) = ch.to_digit(10) else { return false };
        c = D[c as usize][P[i % 8][d as usize] as usize];
    }
    c == 0
}

/// Why `code` is not well formed, if it is not.
fn code_problem(code: &str) -> Option<String> {
    let Some((system, value)) = code.split_once(':') else { return Some("no SYSTEM: prefix".into()) };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match system {
        "LOINC" => {
            let Some((num, check)) = value.split_once('-') else { return Some("LOINC code without check digit".into()) };
            if !digits(num) || num.len() > 7 || check.len() != 1 || !digits(check) {
                return Some("LOINC code is not digits-dash-digit".into());
            }
            (!luhn_ok(num, check.parse().unwrap_or(99))).then(|| "LOINC check digit is wrong".into())
        }
        "SNOMED" => {
            if !digits(value) || value.len() < 6 || value.len() > 18 {
                return Some("SNOMED id is not 6 to 18 digits".into());
            }
            let partition = &value[value.len() - 3..value.len() - 1];
            if partition != "00" && partition != "10" {
                return Some(format!("SNOMED partition {partition} is not a concept"));
            }
            (!verhoeff_ok(value)).then(|| "SNOMED Verhoeff check digit is wrong".into())
        }
        "ICD10" => {
            let b = value.as_bytes();
            let head = b.len() >= 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && b[2].is_ascii_alphanumeric();
            let tail = match value.get(3..) {
                Some("") => true,
                Some(t) => t.len() >= 2 && t.len() <= 5 && t.starts_with('.') && t[1..].bytes().all(|c| c.is_ascii_alphanumeric()),
                None => false,
            };
            (!(head && tail)).then(|| "ICD10 code is not letter, two digits, optional .suffix".into())
        }
        "RXNORM" => (!digits(value)).then(|| "RXNORM code is not digits".into()),
        "CVX" => (!(digits(value) && value.len() <= 3)).then(|| "CVX code is not 1 to 3 digits".into()),
        _ => Some(format!("unknown code system {system}")),
    }
}

#[test]
fn code_checks_catch_mistakes() {
    assert_eq!(code_problem("LOINC:718-7"), None);
    assert_eq!(code_problem("LOINC:2160-0"), None);
    assert!(code_problem("LOINC:718-6").is_some());
    assert_eq!(code_problem("SNOMED:55464009"), None);
    assert_eq!(code_problem("SNOMED:840539006"), None);
    assert!(code_problem("SNOMED:55464008").is_some());
    assert_eq!(code_problem("ICD10:M32"), None);
    assert_eq!(code_problem("ICD10:M32.14"), None);
    assert!(code_problem("ICD10:32").is_some());
    assert_eq!(code_problem("RXNORM:8640"), None);
    assert!(code_problem("RXNORM:86a").is_some());
    assert!(code_problem("MESH:D008180").is_some());
}

#[test]
fn the_files_checked_are_the_files_built() {
    // build.rs reads FILE_NAMES; FILES embeds the same files for these tests.
    let names: Vec<&str> = FILES.iter().map(|f| f.0).collect();
    assert_eq!(names, FILE_NAMES);
}

#[test]
fn every_lexicon_file_is_well_formed() {
    // Each file alone must parse (so an error names its file), and all of
    // them together must load: unique ids and codes, no synonym naming two
    // concepts, every parent known.
    for (name, text) in FILES {
        if *name == STOP_FILE {
            let stops: Vec<String> = serde_json::from_str(text).unwrap_or_else(|e| panic!("lexicon file {name}: {e}"));
            assert!(!stops.is_empty(), "lexicon file {name} is empty");
            continue;
        }
        let concepts: Vec<lexicon::Concept> =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("lexicon file {name}: {e}"));
        assert!(!concepts.is_empty(), "lexicon file {name} is empty");
        let kinds: HashSet<ConceptKind> = concepts.iter().map(|c| c.kind).collect();
        assert_eq!(kinds.len(), 1, "lexicon file {name} mixes kinds {kinds:?}");
        for c in &concepts {
            for s in &c.synonyms {
                // A leading or trailing hyphen is dropped in matching: "er-"
                // would silently become "er".
                assert!(
                    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—')) == s && !s.is_empty(),
                    "{name}: {}: synonym {s:?} starts or ends with a space or hyphen",
                    c.id
                );
            }
        }
        // A group's names are among its synonyms, or its own name.
        for c in &concepts {
            for g in &c.group {
                let f = lexicon::fold(g);
                assert!(f == lexicon::fold(&c.name) || c.synonyms.iter().any(|s| lexicon::fold(s) == f), "{name}: {}: group name {g:?} is not a synonym", c.id);
            }
        }
    }
    let lex = Lexicon::from_files(FILES).unwrap_or_else(|e| panic!("{e}"));
    let ucum: HashSet<&str> = UCUM.iter().copied().collect();
    let mut problems = Vec::new();
    for c in &lex.concepts {
        if c.id.is_empty() || !c.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            problems.push(format!("{}: id is not snake_case", c.id));
        }
        for code in c.code.iter().chain(&c.codes) {
            if let Some(p) = code_problem(code) {
                problems.push(format!("{}: {code}: {p}", c.id));
            }
        }
        for u in c.unit.iter().chain(&c.alt_units) {
            if !ucum.contains(&**u) {
                problems.push(format!("{}: unit {u} is not in the known UCUM list", c.id));
            }
        }
        if c.synonyms.is_empty() && c.case_sensitive.is_empty() {
            problems.push(format!("{}: no synonyms", c.id));
        }
        // Walk up through parents: the concept must not come back.
        let mut stack: Vec<&str> = c.parents.iter().map(|p| &**p).collect();
        let mut seen = HashSet::new();
        while let Some(p) = stack.pop() {
            if p == c.id {
                problems.push(format!("{}: is its own ancestor through parents", c.id));
                break;
            }
            if seen.insert(p) {
                stack.extend(lex.by_id(p).into_iter().flat_map(|q| q.parents.iter().map(|p| &**p)));
            }
        }
        let measured = matches!(c.kind, ConceptKind::Lab | ConceptKind::Vital | ConceptKind::Score);
        if (c.default_uln.is_some() || c.default_lln.is_some()) && c.unit.is_none() {
            problems.push(format!("{}: a default limit without a unit", c.id));
        }
        if c.prednisone_equivalent_factor.is_some() && c.kind != ConceptKind::Drug {
            problems.push(format!("{}: prednisoneEquivalentFactor on a non-drug", c.id));
        }
        if !measured && c.unit.is_some() {
            problems.push(format!("{}: a unit on a {:?}", c.id, c.kind));
        }
        // Every concept is found by its own name and synonyms.
        for s in c.synonyms.iter().chain(&c.case_sensitive) {
            match lex.lookup(s) {
                Some(hit) if hit.id == c.id => {}
                other => problems.push(format!("{}: lookup({s:?}) gives {:?}", c.id, other.map(|o| &o.id))),
            }
        }
    }
    assert!(problems.is_empty(), "lexicon problems:\n{}", problems.join("\n"));
}

#[test]
fn case_sensitive_names_shadow_others_only_where_listed() {
    // A case-sensitive synonym may fold like another concept's
    // case-insensitive one (its exact spelling then wins). Each such pair is
    // a decision, so it is listed here.
    const ALLOWED: &[(&str, &str, &str)] =
        &[("IGA", "pga", "iga_level"), ("PsA", "psoriatic_arthritis", "psa")];
    let lex = lex();
    let mut folded: std::collections::HashMap<String, Vec<&str>> = std::collections::HashMap::new();
    for c in &lex.concepts {
        for s in &c.synonyms {
            folded.entry(fold(s)).or_default().push(c.id.as_ref());
        }
    }
    let mut found = Vec::new();
    for c in &lex.concepts {
        for s in &c.case_sensitive {
            for other in folded.get(&fold(s)).into_iter().flatten() {
                if *other != c.id {
                    found.push((s.as_ref(), c.id.as_ref(), *other));
                }
            }
        }
    }
    assert_eq!(found, ALLOWED);
}

/// The blob leaves out the ids that concepts' names give, and the synonyms
/// that are their names' keys; every concept of the files is found by its
/// own id all the same, with its name and its synonyms in order.
#[test]
fn every_concept_is_found_by_its_id() {
    let lex = lex();
    let mut n = 0;
    for (name, text) in FILES {
        if *name == STOP_FILE {
            continue;
        }
        let concepts: Vec<lexicon::Concept> = serde_json::from_str(text).unwrap();
        for c in &concepts {
            let found = lex.by_id(&c.id).unwrap_or_else(|| panic!("{name}: {} is not found by its id", c.id));
            assert_eq!((found.id.as_ref(), found.name.as_ref()), (c.id.as_ref(), c.name.as_ref()));
            // Synonyms are kept folded; the one that is the name's own key
            // is left out of the blob and put back in its place.
            let folded: Vec<String> = c.synonyms.iter().map(|s| lexicon::fold(s)).collect();
            assert_eq!(found.synonyms.iter().map(|s| s.as_ref()).collect::<Vec<_>>(), folded, "{}", c.id);
            n += 1;
        }
    }
    assert!(n > 700, "{n} concepts");
}

#[test]
fn lookup_by_name_code_and_id() {
    let lex = lex();
    for (name, id) in [
        ("Hb", "hemoglobin"),
        ("  HEMOGLOBIN ", "hemoglobin"),
        ("LOINC:718-7", "hemoglobin"),
        ("LOINC:38483-4", "creatinine"),
        ("SGPT", "alt"),
        ("T-Bil", "total_bilirubin"),
        ("t bil", "total_bilirubin"),
        ("β-hCG", "hcg"),
        ("beta-HCG", "hcg"),
        ("CI", "cardiac_index"),
        ("eGFR CKD-EPI", "egfr"),
        ("total_bilirubin", "total_bilirubin"),
    ] {
        assert_eq!(lex.lookup(name).map(|c| c.id.as_ref()), Some(id), "lookup({name:?})");
    }
    for name in ["ci", "Pt", "", "no such thing"] {
        assert_eq!(lex.lookup(name).map(|c| c.id.as_ref()), None, "lookup({name:?})");
    }
    assert_eq!(lex.by_code("LOINC:1742-6").map(|c| c.id.as_ref()), Some("alt"));
    assert_eq!(lex.by_id("alt").map(|c| c.name.as_ref()), Some("Alanine aminotransferase"));
}

#[test]
fn hierarchy() {
    let lex = lex();
    let das = lex.by_id("das28_crp").unwrap();
    assert!(lex.is_a(das, "das28"));
    assert!(lex.is_a(das, "das28_crp"));
    assert!(!lex.is_a(das, "sledai"));
    let below: Vec<&str> = lex.descendants("sledai").iter().map(|c| c.id.as_ref()).collect();
    assert_eq!(below, ["sledai_2k", "selena_sledai"]);
    assert!(lex.descendants("no_such_id").is_empty());
}

#[test]
fn drug_classes_and_kinds() {
    let lex = lex();
    let is = |id: &str, class: &str| lex.is_a(lex.by_id(id).unwrap_or_else(|| panic!("no concept {id}")), class);
    assert!(is("prednisone", "glucocorticoids"));
    assert!(is("methylprednisolone", "immunosuppressants"));
    assert!(is("rituximab", "b_cell_therapy"));
    assert!(is("rituximab", "biologics"));
    assert!(is("belimumab", "b_cell_therapy"));
    assert!(is("pembrolizumab", "checkpoint_inhibitors"));
    assert!(is("apixaban", "anticoagulants"));
    assert!(is("cyclophosphamide", "chemotherapy"));
    assert!(is("mmr_vaccine", "vaccination"));
    assert!(is("laiv", "live_vaccine"));
    assert!(!is("zoster_vaccine_recombinant", "live_vaccine"));
    assert!(is("gpa", "aav"));
    assert!(is("lupus_nephritis", "sle"));
    assert!(is("esrd", "ckd"));
    assert!(is("bcc", "malignancy"));
    assert!(is("hsct_allogeneic", "transplantation"));
    assert!(is("latent_tuberculosis", "tuberculosis"));
    assert!(!is("hydroxychloroquine", "immunosuppressants"));
    assert!(!is("topical_corticosteroids", "glucocorticoids"));
    let factor = |id: &str| lex.by_id(id).and_then(|c| c.prednisone_equivalent_factor);
    assert_eq!(factor("prednisone"), Some(1.0));
    assert_eq!(factor("methylprednisolone"), Some(1.25));
    assert_eq!(factor("dexamethasone"), Some(6.67));
    let live: Vec<&str> = lex.descendants("live_vaccine").iter().map(|c| c.id.as_ref()).collect();
    assert!(live.contains(&"mmr_vaccine") && live.contains(&"bcg_vaccine"), "{live:?}");
    for class in lex.concepts.iter().filter(|c| c.kind == ConceptKind::DrugClass) {
        // A class with members must reach each of them.
        for d in lex.descendants(&class.id) {
            assert!(lex.is_a(d, &class.id), "{} below {} but not is_a", d.id, class.id);
        }
    }
}

#[test]
fn finds_conditions_drugs_and_procedures() {
    check(
        "Prior treatment with rituximab, belimumab or other B-cell targeted therapy",
        &["rituximab", "belimumab", "b_cell_therapy"],
    );
    check("prednisone ≤ 10 mg/day (or equivalent)", &["prednisone"]);
    check("prednisone or equivalent ≤ 10 mg/day", &["prednisone"]);
    check("MMF, AZA, MTX or CTX", &["mycophenolate_mofetil", "azathioprine", "methotrexate", "cyclophosphamide"]);
    check("Active hepatitis B or C, HIV", &["hepatitis_b", "hiv"]);
    check("HBsAg positive or anti-HBc positive with HBV DNA", &["hbsag", "anti_hbc", "hbv_dna"]);
    check("active or latent TB", &["latent_tuberculosis"]);
    check("history of malignancy except basal cell carcinoma or cervical carcinoma in situ", &["malignancy", "bcc", "cervical_carcinoma_in_situ"]);
    check("Sjögren’s syndrome (pSS)", &["sjogren", "sjogren"]);
    check("ANCA-associated vasculitis (GPA or MPA)", &["aav", "gpa", "mpa"]);
    check("live or live-attenuated vaccine within 4 weeks", &["live_vaccine"]);
    check("CAR-T cell therapy or HSCT", &["car_t", "hsct"]);
    check("type 2 diabetes mellitus on metformin", &["type_2_diabetes", "metformin"]);
    check("NYHA class III or IV heart failure", &["nyha", "heart_failure"]);
    check("anabolic steroids", &["anabolic_steroids"]);
    check("Portal hypertension or intracranial hypertension", &["portal_hypertension", "intracranial_hypertension"]);
    check("mPAP ≥ 20 mmHg, PAWP ≤ 15 mmHg, PVR > 2 WU, RAP < 8 mmHg and CI ≥ 2.5 L/min/m2", &["mpap", "pawp", "pvr", "rap", "cardiac_index"]);
    check("sodium chloride 0.9%", &["saline"]);
    check("weight ≥ 40 kg; weight loss > 10%", &["body_weight", "weight_change"]);
    check("HBe-Ab, TP-Ab", &["anti_hbe", "syphilis_serology"]);
    check("in the biologic era; ERA or PDE-5 inhibitors", &["biologics", "endothelin_receptor_antagonists", "pde5_inhibitors"]);
    check("RF ablation", &["radiofrequency_ablation"]);
    check("National Cancer Institute criteria; cancer", &["malignancy"]);
    check("tumor necrosis factor (TNF) inhibitors; tumor", &["malignancy"]);
    check("RF positive", &["rheumatoid_factor"]);
    check("ASA ≤ 3; oral 5-ASA", &["asa_physical_status", "mesalamine"]);
    check("IgG4-related disease; IgG < 5 g/L", &["igg4_related_disease", "igg"]);
}

#[test]
fn fold_makes_variants_equal() {
    assert_eq!(fold("Sjögren’s  Syndrome"), "sjogren syndrome");
    assert_eq!(fold("Sjogren's syndrome"), "sjogren syndrome");
    assert_eq!(fold("NT–proBNP"), "nt probnp");
    assert_eq!(fold("ＡＬＴ"), "alt");
    assert_eq!(fold("β2"), "beta2");
    assert_eq!(fold(" - "), "");
}

#[test]
fn finds_labs_glued_to_numbers_and_operators() {
    check("Hb≥60 g/L", &["hemoglobin"]);
    check("ALT≤3×ULN and AST≤3×ULN", &["alt", "ast"]);
    check("eGFR≥30 mL/min/1.73m2", &["egfr"]);
    check("PLT<50×10^9/L", &["platelets"]);
    check("PLT50", &["platelets"]);
    check("Hb＞90g/L，PLT＞100×10⁹/L", &["hemoglobin", "platelets"]);
    check("血红蛋白(Hb)≥90g/L", &["hemoglobin"]);
    check("(ANC)>1.5", &["anc"]);
    check("ANC/PLT", &["anc", "platelets"]);
    check_spans("TBIL≤1.5×ULN", &["TBIL"]);
}

#[test]
fn does_not_find_names_inside_words() {
    check("HbA1c < 7%", &["hba1c"]);
    check("ALTERNATIVE halt SALT alternate", &[]);
    check("ANCA-associated", &["anca"]);
    check("thrombocytopenia", &["thrombocytopenia"]);
    check("a hit; ICD-10 code; to avoid confusion", &[]);
    check("CD45 and CD4+ count > 200", &["cd4"]);
    check("CD4", &["cd4"]);
    check("a rapper", &[]);
    check("ct_last_update_post_date", &[]);
    check("staged cT2N0; CT scan", &["ct_scan"]);
    check("EGFR mutation; eGFR ≥ 45", &["genetic_alteration", "egfr"]);
    check("EGFR ≥ 45", &[]);
    check("cervical levels C3-C7, C4-5", &[]);
    check("DAS28up to week 12", &[]);
}

#[test]
fn case_sensitive_abbreviations() {
    check("PT and aPTT ≤ 1.5 ULN", &["pt", "aptt"]);
    check("pt with prior therapy", &[]);
    check("CI ≥ 2.0 L/min/m2", &["cardiac_index"]);
    check("95% ci", &[]);
    check("EF ≥ 50%", &["lvef"]);
    check("Cr ≤ 1.5 mg/dL", &["creatinine"]);
    check("CR or PR", &[]);
    check("vitamin K deficiency", &[]);
    check("vitamin K antagonist", &["vitamin_k_antagonists"]);
    check("PsA or PSA > 4 ng/mL", &["psoriatic_arthritis", "psa"]);
    check("RA patients on room air", &["rheumatoid_arthritis"]);
    check("RAP > 15 mmHg; rap", &["rap"]);
}

#[test]
fn longest_match_wins() {
    check("total bilirubin ≤ 1.5 × ULN", &["total_bilirubin"]);
    check("direct bilirubin and bilirubin", &["direct_bilirubin", "total_bilirubin"]);
    check("serum creatinine clearance", &["creatinine_clearance"]);
    check("creatinine or creatinine clearance", &["creatinine", "creatinine_clearance"]);
    check("DAS28-CRP > 3.2", &["das28_crp"]);
    check("DAS28 (ESR) ≥ 5.1", &["das28_esr"]);
    check("SLEDAI-2K ≥ 6 or SLEDAI", &["sledai_2k", "sledai"]);
    check("SELENA-SLEDAI score ≥ 6", &["selena_sledai"]);
    check("urine protein-to-creatinine ratio", &["upcr"]);
    check("HIV-1 RNA and HIV-1 viral load", &["hiv_viral_load", "hiv_viral_load"]);
    check("fasting plasma glucose", &["fasting_glucose"]);
    check_spans("Serum total bilirubin ≤ 2", &["Serum total bilirubin"]);
}

#[test]
fn typographic_and_non_ascii_variants() {
    check("NT–proBNP ≥ 300 pg/mL", &["nt_probnp"]);
    check("β-hCG negative", &["hcg"]);
    check("ß-HCG negative", &["hcg"]);
    check("γ-GT ≤ 2.5 × ULN", &["ggt"]);
    check("ＡＬＴ≤２×ＵＬＮ", &["alt"]);
    check("Hemoglobin\n  A1c", &["hba1c"]);
    check("white  blood\tcells", &["wbc"]);
    check("6-minute walk distance ≥ 150 m (6MWD)", &["six_minute_walk_distance", "six_minute_walk_distance"]);
    check_spans("µ ＨＢ ≥ 9", &["ＨＢ"]);
    check("hemo\u{ad}globin and Sjo\u{308}gren\u{2019}s syndrome", &["hemoglobin", "sjogren"]);
    check("\u{feff}ALT\u{a0}≤\u{a0}3", &["alt"]);
    check("乙肝表面抗原(HBsAg)阳性，ALT＞2倍ULN", &["hbsag", "alt"]);
}

#[test]
fn empty_and_odd_texts() {
    check("", &[]);
    check(" ", &[]);
    check("---", &[]);
    check("’s", &[]);
    check("Hb", &["hemoglobin"]);
    check("hb's", &["hemoglobin"]);
}

#[path = "common/corpus.rs"]
mod corpus_path;

/// The shared corpus with its `trials.jsonl`, if present.
fn corpus_dir() -> Option<PathBuf> {
    corpus_path::trials_jsonl().and_then(|p| p.parent().map(PathBuf::from))
}

#[test]
fn corpus_matches_are_sound() {
    let Some(dir) = corpus_dir() else {
        println!("skipped: no shared corpus (TRIALSIEVE_CORPUS or ../shared/corpus)");
        return;
    };
    let text = std::fs::read_to_string(dir.join("trials.jsonl")).expect("read trials.jsonl");
    let criteria: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("eligibilityCriteria").and_then(|c| c.as_str()).map(str::to_owned))
        .collect();
    assert!(criteria.len() > 4000, "only {} trials read", criteria.len());
    let lex = lex();
    let bytes: usize = criteria.iter().map(String::len).sum();
    let started = Instant::now();
    let mut total = 0usize;
    let mut with_measure = 0usize;
    for c in &criteria {
        let found = lex.find_all(c);
        total += found.len();
        if found.iter().any(|m| matches!(m.concept.kind, ConceptKind::Lab | ConceptKind::Score)) {
            with_measure += 1;
        }
        let mut last_end = 0;
        for m in &found {
            assert!(m.span.start >= last_end && m.span.start < m.span.end, "overlapping or empty span {:?}", m.span);
            assert!(c.get(m.span.start..m.span.end).is_some(), "span {:?} not on char boundaries", m.span);
            // What was found names its concept when looked up alone.
            let found = m.span.slice(c);
            assert_eq!(
                lex.lookup(found).map(|k| k.id.as_ref()),
                Some(&*m.concept.id),
                "{found:?} found as {} does not look up to it",
                m.concept.id
            );
            last_end = m.span.end;
        }
    }
    let took = started.elapsed();
    println!(
        "lexicon: {} concepts; {} trials, {:.1} MB of criteria in {:.2?}: {} matches, {} trials ({:.1}%) with a lab or score",
        lex.concepts.len(),
        criteria.len(),
        bytes as f64 / 1e6,
        took,
        total,
        with_measure,
        100.0 * with_measure as f64 / criteria.len() as f64
    );
    // Measured share at the time of writing: 42%; many corpus trials
    // (ophthalmic, behavioural) name no lab or score at all.
    assert!(with_measure * 100 > criteria.len() * 35, "only {with_measure} trials with a lab or score");
}

#[test]
fn a_file_refused_is_named_with_its_problem() {
    // build.rs fails with these messages on the embedded files.
    let refused = |files: &[(&str, &str)]| Lexicon::from_files(files).err().unwrap_or_default();
    let twice = r#"[{"id": "x", "kind": "lab", "name": "X", "synonyms": ["xx"]}, {"id": "x", "kind": "lab", "name": "Y", "synonyms": ["yy"]}]"#;
    assert_eq!(refused(&[("labs.json", twice)]), r#"lexicon file labs.json: concept id "x" is used twice (also in labs.json)"#);
    let unknown = r#"[{"id": "x", "kind": "lab", "name": "X", "synonyms": ["xx"], "colour": 1}]"#;
    assert!(refused(&[("labs.json", unknown)]).starts_with("lexicon file labs.json: unknown field `colour`"));
    let parent = r#"[{"id": "x", "kind": "lab", "name": "X", "synonyms": ["xx"], "parents": ["y"]}]"#;
    assert_eq!(refused(&[("vitals.json", parent)]), r#"lexicon file vitals.json: concept "x" has unknown parent "y""#);
    let stop = r#"["X-X"]"#;
    let x = r#"[{"id": "x", "kind": "lab", "name": "X", "synonyms": ["x x"]}]"#;
    assert_eq!(refused(&[("labs.json", x), (STOP_FILE, stop)]), r#"lexicon file stop_phrases.json: stop phrase "X-X" is a synonym of "x""#);
    // A note is for whoever edits the files; it must still be text.
    let noted = r#"[{"id": "x", "kind": "lab", "name": "X", "synonyms": ["xx"], "note": "from the assay's insert"}]"#;
    assert!(Lexicon::from_files(&[("labs.json", noted)]).is_ok());
    let number = r#"[{"id": "x", "kind": "lab", "name": "X", "synonyms": ["xx"], "note": 3}]"#;
    assert!(refused(&[("labs.json", number)]).starts_with("lexicon file labs.json: invalid type: integer `3`, expected a string"), "{}", refused(&[("labs.json", number)]));
}
