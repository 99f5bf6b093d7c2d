//! Prints how verdicts compare with the experts' on the TREC 2022 judged
//! pairs: false exclusions, excluded pairs caught, and for each pair the
//! verdict, the failing criteria with their reasons, the questions left and
//! the share of criteria in review.
//! `cargo run --release --example trec_report [-- --all]` (`--all` lists every pair).

#[path = "../tests/common/chia.rs"]
#[allow(dead_code)]
mod chia;
#[path = "../tests/common/trec.rs"]
mod trec;

fn main() {
    let Some(dir) = chia::corpus_dir() else {
        println!("no corpus found at ../shared/corpus; nothing to measure");
        return;
    };
    let Some(pairs) = trec::run(&dir.join("trec2022")) else {
        println!("trec2022 is incomplete; nothing to measure");
        return;
    };
    let all = std::env::args().any(|a| a == "--all");
    let s = trec::summary(&pairs);
    println!(
        "pairs {}  eligible {}  excluded {}\nfalse exclusions {} of {}\nexcluded pairs called ineligible {} of {}\neligible pairs called eligible {} of {}",
        pairs.len(),
        s.eligible,
        s.excluded,
        s.false_exclusions,
        s.eligible,
        s.caught,
        s.excluded,
        s.eligible_found,
        s.eligible
    );
    let (mut q, mut rv, mut lv) = (0, 0, 0);
    for p in &pairs {
        q += p.questions;
        rv += p.review;
        lv += p.leaves;
    }
    println!("questions per pair {:.1}  criteria in review {} of {} ({:.1}%)", q as f64 / pairs.len() as f64, rv, lv, 100.0 * rv as f64 / lv.max(1) as f64);
    println!();
    for p in &pairs {
        let wrong = p.label == "eligible" && p.verdict == trialsieve::Verdict::Ineligible;
        if !all && !wrong && p.verdict != trialsieve::Verdict::Ineligible {
            continue;
        }
        println!(
            "{} {} {} → {:?}{}  questions {}  review {}/{}",
            p.topic,
            p.nct,
            p.label,
            p.verdict,
            if wrong { "  FALSE EXCLUSION" } else { "" },
            p.questions,
            p.review,
            p.leaves
        );
        for (id, text, reason) in &p.failing {
            println!("    {id}: «{}»\n        {reason}", text.chars().take(220).collect::<String>());
        }
        if all {
            for (id, text, reason) in &p.reviewed {
                println!("    review {id}: «{}»\n        {reason}", text.chars().take(220).collect::<String>());
            }
        }
    }
}
