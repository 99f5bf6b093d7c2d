//! Atom extraction, one criterion string at a time, through one helper:
//! `check(text, expected)` with the atoms rendered one a line
//! (`measurement hemoglobin >= 60 g/L`).

use trialsieve::{Span, atoms};

/// Extracts the atoms of `text` and compares their renderings, one a line.
fn check(text: &str, expected: &str) {
    let found = atoms::extract(text, Span::new(0, text.len()));
    let got: Vec<String> = found.iter().map(atoms::render).collect();
    let want: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(got, want, "atoms of {text:?}");
    for a in &found {
        assert!(text.get(a.span.start..a.span.end).is_some(), "atom span {:?} off char boundaries in {text:?}", a.span);
        if let Some(v) = a.value_span {
            assert!(a.span.contains(v), "value span {v:?} outside atom span {:?} in {text:?}", a.span);
        }
    }
}

fn check_all(cases: &[(&str, &str)]) {
    for (text, expected) in cases {
        check(text, expected);
    }
}

#[test]
fn comparator_spellings() {
    check_all(&[
        ("Creatinine < = 1.5x ULN", "measurement creatinine <= 1.5 ULN"),
        ("eGFR must exceed 30 ml/min/1.73m2", "measurement egfr > 30 mL/min/{1.73_m2}"),
        ("Hemoglobin ≥ 60g/L", "measurement hemoglobin >= 60 g/L"),
        ("Hb >= 9 g/dl", "measurement hemoglobin >= 9 g/dL"),
        ("Hb ≧ 9 g/dL", "measurement hemoglobin >= 9 g/dL"),
        ("Hb ＞ 9 g/dL", "measurement hemoglobin > 9 g/dL"),
        ("Hb ＜ 9 g/dL", "measurement hemoglobin < 9 g/dL"),
        ("Hb ≦ 9 g/dL", "measurement hemoglobin <= 9 g/dL"),
        ("Hb =< 9 g/dL", "measurement hemoglobin <= 9 g/dL"),
        ("hemoglobin at least 9.0 gm/dL", "measurement hemoglobin >= 9 g/dL"),
        ("hemoglobin no less than 90 g/L", "measurement hemoglobin >= 90 g/L"),
        ("hemoglobin not less than 90 g/L", "measurement hemoglobin >= 90 g/L"),
        ("hemoglobin more than 90 g/L", "measurement hemoglobin > 90 g/L"),
        ("hemoglobin greater than 90 g/L", "measurement hemoglobin > 90 g/L"),
        ("hemoglobin exceeding 90 g/L", "measurement hemoglobin > 90 g/L"),
        ("hemoglobin above 90 g/L", "measurement hemoglobin > 90 g/L"),
        ("hemoglobin below 90 g/L", "measurement hemoglobin < 90 g/L"),
        ("hemoglobin less than 90 g/L", "measurement hemoglobin < 90 g/L"),
        ("hemoglobin under 90 g/L", "measurement hemoglobin < 90 g/L"),
        ("hemoglobin up to 90 g/L", "measurement hemoglobin <= 90 g/L"),
        ("hemoglobin no more than 90 g/L", "measurement hemoglobin <= 90 g/L"),
        ("hemoglobin maximum 90 g/L", "measurement hemoglobin <= 90 g/L"),
        ("hemoglobin 90 g/L or more", "measurement hemoglobin >= 90 g/L"),
        ("hemoglobin 90 g/L or greater", "measurement hemoglobin >= 90 g/L"),
        ("hemoglobin 90 g/L or less", "measurement hemoglobin <= 90 g/L"),
        ("hemoglobin greater than or equal to 90 g/L", "measurement hemoglobin >= 90 g/L"),
        ("Hb >/= 9 g/dL", "measurement hemoglobin >= 9 g/dL"),
        ("stable atleast 4 weeks on prednisone", "medication prednisone for >= 4 wk"),
        ("DAS28-ESR\\>3.2", "measurement das28_esr > 3.2 {score}"),
    ]);
}

#[test]
fn scientific_notation_in_every_form() {
    check_all(&[
        ("platelet count ≥ 100 x 10^9/L", "measurement platelets >= 100 10*9/L"),
        ("white blood cell count≥3×10\\^9/L", "measurement wbc >= 3 10*9/L"),
        ("Platelets >= 30×109/L", "measurement platelets >= 30 10*9/L"),
        ("ANC ≥ 1.5 x 10(9)/L", "measurement anc >= 1.5 10*9/L"),
        ("WBC ≥ 3.0 x 10E9/L", "measurement wbc >= 3 10*9/L"),
        ("absolute neutrophil count ≥ 1,500/mm3", "measurement anc >= 1500 /uL"),
        ("ANC ≥ 1500/μL", "measurement anc >= 1500 /uL"),
        ("platelet count > 100,000/mm³", "measurement platelets > 100000 /uL"),
        ("platelets 100,000/mm³ or more", "measurement platelets >= 100000 /uL"),
        ("ANC ≥ 1500 cells/mm3", "measurement anc >= 1500 /uL"),
        ("neutrophil<110^9/L,platelet<5010^9/L", "measurement anc < 1 10*9/L\nmeasurement platelets < 50 10*9/L"),
        ("WBC＞3.0×10^9/L，PLT＞80×10^9/L", "measurement wbc > 3 10*9/L\nmeasurement platelets > 80 10*9/L"),
        ("The lymphocyte count in the subject's blood routine >0.5×109/L", "measurement lymphocytes > 0.5 10*9/L"),
    ]);
}

#[test]
fn multiples_of_the_upper_limit_of_normal() {
    check_all(&[
        ("ALT≤3×ULN", "measurement alt <= 3 ULN"),
        ("AST ≤ 2.5 × ULN", "measurement ast <= 2.5 ULN"),
        ("ALT < 3.0 ULN", "measurement alt < 3 ULN"),
        ("total bilirubin ≤ 1.5 times ULN", "measurement total_bilirubin <= 1.5 ULN"),
        ("bilirubin < 1.5 x upper limit of normal", "measurement total_bilirubin < 1.5 ULN"),
        ("serum creatinine ≤ 3 times the upper limit of normal (ULN)", "measurement creatinine <= 3 ULN"),
        ("T-Bil ≤2 timesULN", "measurement total_bilirubin <= 2 ULN"),
        ("Total bilirubin ≤ ULN", "measurement total_bilirubin <= 1 ULN"),
        ("Serum creatinine at or below the institutional upper limit of normal.", "measurement creatinine <= 1 ULN"),
        ("INR≤1.5×ULN , PT≤1.5×ULN.", "measurement inr <= 1.5 ULN\nmeasurement pt <= 1.5 ULN"),
        ("(3)ALT≤3×ULN; AST≤3×ULN； TBIL≤3×ULN。", "measurement alt <= 3 ULN\nmeasurement ast <= 3 ULN\nmeasurement total_bilirubin <= 3 ULN"),
    ]);
}

#[test]
fn shared_thresholds_apply_to_each() {
    check_all(&[
        ("AST and ALT≤3.0 ULN", "measurement ast <= 3 ULN\nmeasurement alt <= 3 ULN"),
        ("AST, ALT<2.5X ULN", "measurement ast < 2.5 ULN\nmeasurement alt < 2.5 ULN"),
        ("AST/ALT below 3 times the upper limit of normal", "measurement ast < 3 ULN\nmeasurement alt < 3 ULN"),
        ("AST or ALT > 3 x ULN", "measurement ast > 3 ULN\nmeasurement alt > 3 ULN"),
        (
            "AST(SGOT)/ALT(SPGT) ≤ 2.5x IULN or ≤ 5x IULN if liver metastases are present",
            "measurement ast <= 2.5 ULN\nmeasurement alt <= 2.5 ULN\nmeasurement alt <= 5 ULN\ncondition malignancy",
        ),
    ]);
}

#[test]
fn units_map_to_ucum() {
    check_all(&[
        ("serum creatinine <221.0μmol/L (2.5mg/dl)", "measurement creatinine < 221 umol/L (2.5 mg/dL)"),
        ("creatinine clearance ≥ 30 ml/min", "measurement creatinine_clearance >= 30 mL/min"),
        ("creatinine clearance CrCl≥30mL/min.", "measurement creatinine_clearance >= 30 mL/min"),
        ("eGFR ≥ 30 mL/min/1.73m2", "measurement egfr >= 30 mL/min/{1.73_m2}"),
        ("eGFR < 60 ml/min/1.73 m^2", "measurement egfr < 60 mL/min/{1.73_m2}"),
        ("anti-dsDNA ≥30IU/mL", "measurement anti_dsdna >= 30 [IU]/mL"),
        ("systolic blood pressure > 160 mmHg", "measurement sbp > 160 mm[Hg]"),
        ("heart rate < 50 bpm", "measurement heart_rate < 50 /min"),
        ("LVEF ≥ 50%", "measurement lvef >= 50 %"),
        ("BMI 18-30 kg/m2", "measurement bmi [18, 30] kg/m2"),
        ("SLEDAI-2K score ≥ 6 points", "measurement sledai_2k >= 6 {score}"),
        ("PVR at rest>2WUs", "measurement pvr > 2 [wood'U]"),
        ("mPAP at rest ≥20mmHg", "measurement mpap >= 20 mm[Hg]"),
    ]);
}

#[test]
fn second_bounds_on_the_same_measure() {
    check_all(&[
        ("Serum potassium < 3.5 or > 5.1 mEq/L", "measurement potassium < 3.5 meq/L\nmeasurement potassium > 5.1 meq/L"),
        ("Systolic blood pressure < 90mmHg, or > 160mmHg;", "measurement sbp < 90 mm[Hg]\nmeasurement sbp > 160 mm[Hg]"),
        ("Hoehn & Yahr stage 5", "measurement hoehn_yahr = 5 {score}"),
        ("Type 2 diabetes", "condition type_2_diabetes"),
    ]);
}

#[test]
fn levels_scales_and_decimal_commas() {
    check_all(&[
        ("Proteinuria > 0,5 g/l;", "measurement urine_protein_24h > 0.5 g/L"),
        ("ECOG 0,1", "measurement ecog [0, 1] {score}"),
        ("BASDAI = 4 (0-10) at baseline", "measurement basdai = 4 {score}"),
        ("Chronic kidney disease stage 5 (GFR < 15 ml/min)", "condition esrd\nmeasurement egfr < 15 mL/min"),
        ("SpO2 =92% at 750 m.", "measurement spo2 = 92 %"),
        ("Any serious, active infection (> Grade 2) at the time of treatment.", "condition infection qualifier serious, grade > 2 status active"),
        // FIXME: the grade's measure is named with the comma that led to it.
        ("Diarrhea, grade 1 or greater by the NCI", "condition chronic_diarrhea qualifier grade >= 1"),
    ]);
}

#[test]
fn titres_and_fractions() {
    check_all(&[
        ("ANA titer≥ 1:80", "measurement ana >= 80 {titer}"),
        ("ANA titer<1:80", "measurement ana < 80 {titer}"),
        // FIXME: a bare fraction without a named measure gives no atom.
        ("less than 125/150", ""),
    ]);
}

#[test]
fn ranges() {
    check_all(&[
        ("body mass index between 18.5 and 30 kg/m^2", "measurement bmi [18.5, 30] kg/m2"),
        ("HbA1c between 7.0% and 10.0%", "measurement hba1c [7, 10] %"),
        ("ECOG performance status 0-2", "measurement ecog [0, 2] {score}"),
        ("ECOG score: 0-2", "measurement ecog [0, 2] {score}"),
        ("ECOG 0, 1 or 2", "measurement ecog [0, 2] {score}"),
        ("ECOG 0 to 1", "measurement ecog [0, 1] {score}"),
        ("PT 10-35 (including the boundary value)", "measurement pt [10, 35]"),
    ]);
}

#[test]
fn ages() {
    check_all(&[
        ("Aged 18 to 65 years", "age [18, 65] a"),
        ("age between 18 and 65", "age [18, 65] a"),
        ("18 years or older", "age >= 18 a"),
        ("≥ 18 years of age", "age >= 18 a"),
        ("Age ≥ 18 years old", "age >= 18 a"),
        ("under the age of 21", "age < 21 a"),
        ("At the time of signing the informed consent form, be at least 18 years of age, both male and female.", "consent\nage >= 18 a"),
        ("Male or female, aged 10-65 years;", "age [10, 65] a"),
        // The Chia texts lost "≥" to "=" in a copy; read as written.
        ("Female patient who is = 18yrs, and = 65yrs.", "sex female\nage = 18 a\nage = 65 a"),
        // Spellings from the corpus that read as "= N" before.
        ("Adult, > or equal to 18-yr", "age >= 18 a"),
        ("Age > or = to 65 years", "age >= 65 a"),
        ("Age greater or equal to 50 years old.", "age >= 50 a"),
        ("Aged greater than and equal to 30 years", "age >= 30 a"),
        ("Participants age greater than or equal to (>=) 20 years", "age >= 20 a"),
        ("aged more than or equal to (≥) 18 years, and less than (<) 75 years.", "age >= 18 a\nage < 75 a"),
        ("Age ˂ 35 years", "age < 35 a"),
        // Each end of a range in its own unit, or with "old" after the first.
        ("Are between the age of 6 months and 5 years", "age [0.5, 5] a"),
        ("Children aged 6 months to 9 years", "age [0.5, 9] a"),
        ("Age between 20 years old and 65 years old", "age [20, 65] a"),
        ("The participant is older than 14 years and younger than 25 years old", "age > 14 a\nage < 25 a"),
        ("Patients not older than 75 years", "age <= 75 a"),
    ]);
}

#[test]
fn sex_restrictions_only_when_restrictive() {
    check_all(&[
        ("Women only", "sex female"),
        ("Male or female, aged 18-75 years", "age [18, 75] a"),
        ("Both sexes", ""),
        ("Female patients must have a negative serum pregnancy test at screening.", "pregnancy status negative test"),
        ("Women who are pregnant", "pregnancy"),
    ]);
}

#[test]
fn doses_of_medications() {
    check_all(&[
        ("prednisone ≤ 7.5 mg/day", "medication prednisone dose <= 7.5 mg/d"),
        ("MTX ≤15mg/week", "medication methotrexate dose <= 15 mg/wk"),
        ("AZP ≤2mg/kg/day", "medication azathioprine dose <= 2 mg/kg/d"),
        ("Stable oral sulfasalazine for at least 4 weeks 1\\~3 g/d", "medication sulfasalazine dose [1, 3] g/d for >= 4 wk"),
        ("Glucocorticoids (prednisone 0-30mg/day, or other equivalentpreparations)", "medication glucocorticoids\nmedication prednisone dose [0, 30] mg/d"),
        ("Stable oral leflunomide 10-20 mg/day for at least 4 weeks", "medication leflunomide dose [10, 20] mg/d for >= 4 wk"),
    ]);
}

#[test]
fn reproduction_consent_judgment_participation() {
    check_all(&[
        ("Pregnant or breastfeeding women", "pregnancy\nbreastfeeding"),
        ("Lactating women", "breastfeeding"),
        ("Must agree to use effective contraception", "contraception"),
        ("Signed informed consent", "consent"),
        ("Participation in another clinical trial within 30 days", "participation window <= 30 d before now"),
        ("Life expectancy < 3 months", "judgment \"Life expectancy\" < 3 mo"),
        ("Must have a life expectancy of greater than three (3) months", "judgment \"life expectancy\" > 3 mo"),
        ("Expected survival ≥90 days:", "judgment \"Expected survival\" >= 90 d"),
        ("Any condition that, in the opinion of the investigator, would interfere", "judgment"),
    ]);
}

#[test]
fn windows_and_durations() {
    check_all(&[
        (
            "Centrocyte count ≥1×10\\^9/L (no colony-stimulating factor received within 2 weeks prior to screening)",
            "measurement \"Centrocyte count\" >= 1 10*9/L\nmedication not colony_stimulating_factors window <= 2 wk before screening",
        ),
        ("Live vaccines within 4 weeks prior to screening", "immunization live_vaccine window <= 4 wk before screening"),
        ("History of systemic lupus erythematosus for at least 6 months", "condition sle status history for >= 6 mo"),
        ("Duration of symptoms: 6 or more weeks.", "measurement \"Duration of symptoms\" >= 6 wk"),
        (
            "History of cerebral vascular accident, myocardial infarction, transient ischemic attacks in last 6 months",
            "condition stroke status history window <= 6 mo before now\ncondition myocardial_infarction window <= 6 mo before now\ncondition tia window <= 6 mo before now",
        ),
        ("expected ocular surgery in next 12 months", "procedure surgery window <= 12 mo after now"),
        ("triple-negative breast cancer", "condition breast_cancer"),
        ("leukocytes ≥ 3,000/mcL", "measurement wbc >= 3000 /uL"),
        ("Platelets ≥ 100 000/uL", "measurement platelets >= 100000 /uL"),
        ("Subject's life expectancy was shorter than 6 months", "judgment \"life expectancy\" < 6 mo"),
        ("IOP difference at each time point (0800 hours, 1000 hours)", ""),
    ]);
}

#[test]
fn exceptions_link_to_what_they_except() {
    check_all(&[(
        "T-Bil ≤2 timesULN, unless the patient has a record of Gilbert syndrome",
        "measurement total_bilirubin <= 2 ULN\ncondition gilbert_syndrome excepts 0",
    ),
    (
        "History of malignancy within 5 years, except adequately treated cervical carcinoma in situ",
        "condition malignancy status history window <= 5 a before now\ncondition cervical_carcinoma_in_situ excepts 0",
    ),
    ("Received CAR-T therapy except CD19-CART", "procedure car_t\nprocedure \"CD19-CART\" excepts 0"),
    ("Prior stem cell transplantation, excluding bone marrow transplant", "procedure hsct\nprocedure hsct excepts 0"),
    ]);
}

#[test]
fn conditions_with_status_and_classification() {
    check_all(&[
        ("Diagnosis of SLE according to the 2019 EULAR/ACR classification criteria", "condition sle class 2019 EULAR/ACR"),
        ("HIV positive", "condition hiv status positive"),
        ("No history of tuberculosis", "condition not tuberculosis status history"),
        ("active lupus nephritis, ISN/RPS class III or IV", "condition lupus_nephritis qualifier class III/IV status active"),
        ("active lupus nephritis, ISN/RPS class III, IV, or V", "condition lupus_nephritis qualifier class III/IV/V status active"),
        ("NYHA class III or IV heart failure", "measurement nyha [3, 4] {score}\ncondition heart_failure"),
        ("NYHA class II-IV", "measurement nyha [2, 4] {score}"),
        // Levels that are not a run give no atom rather than a wrong range.
        ("NYHA class I, II, or IV", ""),
        ("Known severe heart failure, classified as NYHA 4.", "condition heart_failure qualifier severe\nmeasurement nyha = 4 {score}"),
        ("ASA 2 and stable ASA 3 patients", "measurement asa_physical_status = 2 {score}\nmeasurement asa_physical_status = 3 {score}"),
        (
            "Meeting the 2019 American College of Rheumatology (ACR)/European League AgainstRheumatism (EULAR) Classification Criteria for Systemic Lupus Erythematosus",
            "condition sle class 2019 ACR/EULAR",
        ),
        ("Positive HBsAg or HBV DNA > 1000 IU/mL", "measurement hbsag status positive\nmeasurement hbv_dna > 1000 [IU]/mL"),
        ("anti-dsDNA antibody negative", "measurement anti_dsdna status negative"),
    ]);
}

#[test]
fn procedures_with_targets_and_windows() {
    check_all(&[
        ("Prior anti-CD19 CAR-T therapy", "procedure car_t qualifier CD19"),
        ("BCMA CAR-T", "procedure car_t qualifier BCMA"),
        ("Major surgery within 4 weeks prior to enrollment", "procedure major_surgery window <= 4 wk before enrollment"),
        ("Plasma exchange within 8 weeks", "procedure plasma_exchange window <= 8 wk before now"),
        ("IVIG within 3 months", "medication ivig window <= 3 mo before now"),
        ("Use of glucocorticoids in the past 6 months", "medication glucocorticoids window <= 6 mo before now"),
        ("Stable for ≥ 4 weeks on hydroxychloroquine", "medication hydroxychloroquine for >= 4 wk"),
        ("Pregnant women, or planning to become pregnant within 2 years after reinfusion", "pregnancy window <= 2 a after reinfusion"),
    ]);
}

#[test]
fn never_panics_on_odd_text() {
    for text in ["", "≥", "10^", "1:", "x10^9/L", "((((", "3×", "Hb ≥", "1,", "1.", "between and", "😀 ≥ 5 mg/dL", "\\", "1~", "AST≤", "(≤5)"] {
        let _ = atoms::extract(text, Span::new(0, text.len()));
    }
    // A span past the end of the text is clamped; one inside a character yields nothing.
    assert_eq!(atoms::extract("Hb ≥ 9 g/dL", Span::new(0, 99)).len(), 1);
    assert!(atoms::extract("Hb ≥ 9 g/dL", Span::new(4, 99)).is_empty());
}

#[test]
fn counts_are_not_measurements() {
    check_all(&[
        // A count of drugs is the medication; the count stays uncovered.
        ("3 months after use of 1 or more csDMARDs and 1 or more bDMARDs", "medication csdmards\nmedication bdmards"),
        ("Prior treatment with more than 2 systemic chemotherapy regimens", "medication chemotherapy"),
        // A name read from the text is no measurement without a unit that measures…
        ("History of recurrent respiratory infections (> 3 hospitalization in the last year)", "condition infection status history\nprocedure hospitalization"),
        ("at least 3 abnormalities in CSM", ""),
        ("have experienced 1 or more falls in the last month before the study", ""),
        // …unless it is a level, an acronym of a test, or says it is measured.
        ("Grade 3-4 infusion reaction", "measurement \"infusion reaction\" [3, 4]"),
        ("TBUT < 5 s", "measurement \"TBUT\" < 5"),
        ("Venous pH less than 7.25", "measurement \"Venous pH\" < 7.25"),
        ("Prostate volume > 100 cc", "measurement \"Prostate volume\" > 100"),
        ("center edge angle < 20°", "measurement \"center edge angle\" < 20 deg"),
        // The lexicon names all effusions under one concept on purpose.
        ("Pleural effusion greater than 100 ml in volume", "condition pleural_effusion\nmeasurement \"Pleural effusion\" > 100 mL"),
        // "BILAG at least 1 system is A": the number counts systems, not the score.
        ("BILAG-2004 assesses the presence of at least 1 Grade A or 2 Grade B organ scores", ""),
        ("BILAG score at least 1 system is A and (or) >2 systems reach B", ""),
    ]);
}

#[test]
fn negated_comparators() {
    check_all(&[
        ("the dose of the hormone (prednisone or equivalent) cannot be reduced to less than 7.5 mg/day", "medication prednisone dose >= 7.5 mg/d"),
        ("unable to taper prednisone below 10 mg/day", "judgment\nmedication prednisone dose >= 10 mg/d"),
        ("hemoglobin not less than 90 g/L", "measurement hemoglobin >= 90 g/L"),
        ("hemoglobin no less than 90 g/L", "measurement hemoglobin >= 90 g/L"),
        ("hemoglobin not more than 90 g/L", "measurement hemoglobin <= 90 g/L"),
        ("prednisone not exceeding 10 mg/day", "medication prednisone dose <= 10 mg/d"),
        // A negation whose meaning is unclear drops the threshold.
        ("hemoglobin is not < 9 g/dL", ""),
    ]);
}

#[test]
fn facts_about_others_plans_and_comparisons_are_left_out() {
    check_all(&[
        ("The partner of the male patient plans to become pregnant within 2 years", ""),
        ("Male patients whose partner is pregnant", ""),
        ("Family history of breast cancer", ""),
        ("Parent or guardian signs the informed consent", "consent"),
        ("Clinical manifestations can be explained by disease similar to SSc: hand joint lesions", ""),
        ("acute or chronic diseases that are not related to SLE", ""),
        ("any skin disease that may interfere with the assessment of systemic lupus erythematosus (SLE), including psoriasis", "condition skin_disease\ncondition psoriasis"),
        ("planning to undergo surgery", ""),
        ("non-SLE cutaneous manifestations", ""),
        ("non-smoker", "condition not tobacco_use"),
        // The event a window counts from is not a fact about the patient.
        ("negative pregnancy test 48 hours before CAR T cell reinfusion", "pregnancy status negative test window = 48 h before CAR T cell reinfusion"),
    ]);
}

#[test]
fn abbreviations_merge_with_their_concept() {
    check_all(&[
        ("Sjogren's Syndrome (SS), 2016 ACR/EULAR standard", "condition sjogren class 2016 ACR/EULAR"),
        ("Systemic Scleroderma (SSc), 2013 ACR/EULAR Standards", "condition systemic_sclerosis class 2013 ACR/EULAR"),
        ("interstitial pneumonia (ILD)", "condition ild"),
        ("cerebrovascular accident [CVA]", "condition stroke"),
        ("Intravenous immune globulin (IVIG)", "medication ivig"),
    ]);
    let text = "Sjogren's Syndrome (SS), 2016 ACR/EULAR standard";
    let found = atoms::extract(text, Span::new(0, text.len()));
    assert_eq!(found[0].span.slice(text), "Sjogren's Syndrome (SS)");
}

#[test]
fn doses_and_panels_reach_the_right_atom() {
    check_all(&[
        ("prednisone (or equivalent dose of glucocorticoid) ≥ 100 mg/d", "medication prednisone dose >= 100 mg/d\nmedication glucocorticoids"),
        ("Abnormal liver function (ALT ≥3 times ULN)", "measurement alt >= 3 ULN"),
    ]);
}

#[test]
fn stopped_drugs() {
    check_all(&[
        ("stop using immunosuppressant more than one week", "medication not immunosuppressants window <= 1 wk before now"),
        ("discontinued methotrexate for at least 4 weeks", "medication not methotrexate window <= 4 wk before now"),
        // Stopped with no time: nothing clear about now.
        ("patients who discontinued methotrexate due to toxicity", ""),
        ("Since the effect of CAR T cell therapy on the fetus is unknown", ""),
    ]);
}

#[test]
fn masses_after_free_text_names() {
    check_all(&[
        // One word the lexicon does not know, with a dose: a drug.
        ("Iguratimod ≤ 50 mg/day", "medication \"Iguratimod\" dose <= 50 mg/d"),
        // Longer names are what the mass measures, when they say so…
        ("urinary protein > 3.5 g", "measurement \"urinary protein\" > 3.5 g"),
        ("Estimated fetal weight > 4500 g", "measurement \"Estimated fetal weight\" > 4500 g"),
        // …else nothing.
        ("they will allow usingglucocorticoids no more than 10mg", ""),
    ]);
}

#[test]
fn descriptions_and_definitions_are_no_thresholds() {
    check_all(&[
        // The length of a scale is no bound on what it measures.
        ("no less than 2.0 cm on the 10 cm VAS scale", ""),
        ("Patient score, 10 cm visual analogue scale (VAS) no less than 2.0 cm", "measurement vas >= 2 cm"),
        // A time with a free-text name is a measurement only when the name says so.
        ("Duration of symptoms: 6 or more weeks", "measurement \"Duration of symptoms\" >= 6 wk"),
        ("amenorrhea last for atleast 12 months", ""),
        ("Active central nervous system (CNS) lupus", "condition neuropsychiatric_lupus status active"),
    ]);
}

#[test]
fn stopped_drugs_written_after_and_plans_written_after() {
    check_all(&[
        ("Patients must have discontinued steroids >= 1 week prior to registration", "medication not glucocorticoids window <= 1 wk before registration"),
        (
            "Corticosteroids prescribed for the management of brain metastases have been discontinued at least 7 days before registration",
            "medication not glucocorticoids window <= 7 d before registration\ncondition cns_metastases",
        ),
        ("Use of investigational anti-cancer agents must be discontinued at time of registration", ""),
        ("live attenuated vaccine vaccination was planned during the study period", ""),
    ]);
}

#[test]
fn levels_of_known_conditions_are_qualifiers() {
    check_all(&[
        ("grade 2 or higher acute graft-versus-host disease (GVHD) within 2 weeks prior to screening", "condition gvhd qualifier acute, grade >= 2 window <= 2 wk before screening"),
        ("Peripheral neuropathy ≥ grade 2", "condition peripheral_neuropathy qualifier grade >= 2"),
        // FIXME: the lexicon files plain diarrhea under chronic diarrhea.
        ("Diarrhea, grade 1 or greater", "condition chronic_diarrhea qualifier grade >= 1"),
    ]);
}

#[test]
fn treatment_history_and_ages_as_bounds() {
    check_all(&[
        // Past treatment: met by a course that ended.
        ("Received prior treatment with rituximab", "medication rituximab status history"),
        ("At least 1 prior chemotherapy-based regimen", "medication chemotherapy status history"),
        ("Relapse after previous trial of vancomycin", "medication antibiotics status history"),
        // Now.
        ("Currently receiving metformin", "medication metformin"),
        ("Current use of corticosteroids", "medication glucocorticoids"),
        // Ages: the postfix after "of age", the bare lower bound before an
        // upper one, "between the ages of".
        ("Men or women 18 years of age or older", "age >= 18 a"),
        ("aged 18 years and less than 80 years", "age >= 18 a\nage < 80 a"),
        ("patients between the ages of 15 and 80 years", "age [15, 80] a"),
        ("Participants 40 years of age or older at Visit 1.", "age >= 40 a"),
        ("Younger than 18 years of age or older than 95 years of age", "age < 18 a\nage > 95 a"),
    ]);
}
