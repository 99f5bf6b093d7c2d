//! Snapshots of every atom of the five seed trials, read through
//! `trialsieve::parse`, and of hand-picked seed criteria through `extract`.

use serde_json::{Value, json};
use trialsieve::criteria::Criterion;
use trialsieve::{ParseOptions, Span, atoms};

fn seed(name: &str) -> String {
    let path = format!("{}/tests/fixtures/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read seed {path}: {e}"))
}

/// Every node with atoms or an `understood` mark: id, how well understood,
/// the atoms rendered with the text they stand on, and the uncovered text.
fn atoms_of(name: &str) -> Value {
    let text = seed(name);
    let trials = trialsieve::parse(&text, &ParseOptions::default()).expect("seed parses");
    let mut out = Vec::new();
    for t in &trials {
        let et = &t.eligibility_text;
        for node in &t.criteria {
            node.walk(&mut |c: &Criterion| {
                if c.understood.is_none() {
                    return;
                }
                let atoms: Vec<String> = c.atoms.iter().map(|a| format!("{}  «{}»", atoms::render(a), a.span.slice(et))).collect();
                let uncovered: Vec<&str> = c.uncovered.iter().map(|s| s.slice(et)).collect();
                out.push(json!({ "id": c.id, "understood": c.understood, "atoms": atoms, "uncovered": uncovered }));
            });
        }
    }
    Value::Array(out)
}

#[test]
fn seed_000_atoms() {
    insta::assert_json_snapshot!(atoms_of("000_73c276277954ebc4.txt"));
}

#[test]
fn seed_001_atoms() {
    insta::assert_json_snapshot!(atoms_of("001_b9cf3ad41ca6d1e4.txt"));
}

#[test]
fn seed_002_atoms() {
    insta::assert_json_snapshot!(atoms_of("002_b7a2942cb33cd508.txt"));
}

#[test]
fn seed_003_atoms() {
    insta::assert_json_snapshot!(atoms_of("003_822ba86ab1790c85.txt"));
}

#[test]
fn seed_004_atoms() {
    insta::assert_json_snapshot!(atoms_of("004_7c5bbd068989959b.txt"));
}

/// Criteria as the seeds write them, through `extract` alone (stable while
/// the tree builder changes).
#[test]
fn seed_criteria_through_extract() {
    let picked = [
        "Bone marrow hematopoietic function satisfies: white blood cell count≥3×10\\^9/L; Centrocyte count ≥1×10\\^9/L (no colony-stimulating factor received within 2 weeks prior to screening); Hemoglobin ≥ 60g/L.",
        "(3)ALT≤3×ULN; AST≤3×ULN； TBIL≤3×ULN。 (4) Renal function satisfaction: creatinine clearance CrCl≥30mL/min. (5) INR≤1.5×ULN , PT≤1.5×ULN.",
        "3 months after use of 1 or more csDMARDs and 1 or more bDMARDs prior to screening: 1) DAS28-ESR\\>3.2 or CDAI\\>10; or 2) the dose of the hormone (prednisone or equivalent) cannot be reduced to less than 7.5 mg/day; or 3) the number of swollen and/or tender joints ≥3",
        "methotrexate for at least 12 weeks and at a dose of 7.5-25mg/week for at least 4 weeks; Stable use of hydroxychloroquine dose ≤ 400 mg/day for at least 4 weeks; Stable oral sulfasalazine for at least 4 weeks 1\\~3 g/d; Stable oral leflunomide 10-20 mg/day for at least 4 weeks.",
        "Diagnosis of systemic lupus erythematosus according to the SLE classification criteria of the 2019 EULAR/ACR; History of systemic lupus erythematosus for at least 6 months prior",
        "The ANA result is positive which means ANA titer≥ 1:80 (based on the equivalentdetection results by Hep-2 immunofluorescence assay or enzyme immune assay), and/oraccording to the detection results from center laboratory, during the screeningvisit,the anti dsDNA serum antibody test is positive (based on ELISA assay, ≥30IU/mL);",
        "The lymphocyte count in the subject's blood routine >0.5×109/L, and nocontraindications for cell collection;",
        "Refractory connective tissue disease (PAH)patients: a) Satisfy the 2002 AECG or 2016 ACR/2016 EULAR classification criteria, can bediagnosed as pSS (Appendix 6); b) Confirmed by Right heart catheterization, satisfythe diagnose criteria of PAH: mPAP at rest ≥20mmHg; PAWP≤15mmHg; PVR at rest>2WUs.",
        "Low-risk patients whose PAH do not reach the risk stratification. The patientsshould meet: WHO cardiac function grading I-II; 6 minutes walking distance>440 m;BNP<50ng/L or NT-proBNP<300ng/L; RAP<8mmHg and CI≥2.5 L·min-1·m-2;",
        "Glucocorticoids (prednisone 0-30mg/day, or other equivalentpreparations) ≥4 weeks; Antimalarial drugs, single-agent immunosuppressants (MMF≤1.5g/day, AZP or 6-MP≤2mg/kg/day, MTX≤15mg/week, Leflunomide ≤ 20mg/day) ≥12weeks, and do not add or change in 24 weeks after drug treatment;",
        "Have appropriate organ function, the criteria are as follows: a) AST≤3 times upper limit of normal (ULN); b) ALT ≤3 times ULN; c) T-Bil ≤2 timesULN, unless the patient has a record of Gilbert syndrome; Patients with Gilbertsyndrome can be enrolled satisfied the condition of Bil≤3 times ULN and DBIl ≤1.5times ULN;",
        "Male or female, aged 10-65 years;",
        "Expected survival ≥90 days:",
        "ECOG score: 0-2:",
    ];
    let out: Vec<Value> = picked
        .iter()
        .map(|text| {
            let found = atoms::extract(text, Span::new(0, text.len()));
            let rendered: Vec<String> = found.iter().map(|a| format!("{}  «{}»", atoms::render(a), a.span.slice(text))).collect();
            json!({ "text": text, "atoms": rendered })
        })
        .collect();
    insta::assert_json_snapshot!(out);
}
