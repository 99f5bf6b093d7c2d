//! The summary-shaped check: one patient against many trials, with per
//! trial only what a ranked list shows (the verdict, the criterion that
//! decides it with its reason and source text, counts by status, how many
//! questions are open) and the questions across trials, ranked. The full
//! per-criterion evaluation of one trial comes from [`super::evaluate`] on
//! demand.
//!
//! Each trial's evaluation is summarised as soon as it is made and its
//! tree dropped, so a check of thousands of trials never holds their trees
//! at once, and the result is a few hundred bytes per trial instead of
//! kilobytes: what crosses to JavaScript per keystroke stays small.

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::{AnswerKind, Ask, CriterionResult, EvalOptions, Prepared, Question, Res, Status, Verdict, Walked};
use crate::criteria::Criterion;
use crate::patient::Patient;
use crate::span::Span;
use crate::trial::Trial;

/// How many leaf criteria (criteria without sub-items, the trial's own
/// age and sex limits included) have each status. Criteria only the study
/// team can judge count under `toConfirm` alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub pass: u32,
    pub fail: u32,
    pub unknown: u32,
    pub review: u32,
    pub not_applicable: u32,
    pub to_confirm: u32,
}

impl Counts {
    /// The counts over an evaluation's criteria tree.
    pub fn of(criteria: &[CriterionResult]) -> Counts {
        fn walk(r: &CriterionResult, n: &mut Counts) {
            if r.children.is_empty() {
                n.add(r.to_confirm, r.status);
            }
            r.children.iter().for_each(|c| walk(c, n));
        }
        let mut n = Counts::default();
        criteria.iter().for_each(|r| walk(r, &mut n));
        n
    }

    /// Counts one leaf.
    fn add(&mut self, to_confirm: bool, status: Status) {
        let slot = match (to_confirm, status) {
            (true, _) => &mut self.to_confirm,
            (_, Status::Pass) => &mut self.pass,
            (_, Status::Fail) => &mut self.fail,
            (_, Status::Unknown) => &mut self.unknown,
            (_, Status::Review) => &mut self.review,
            (_, Status::NotApplicable) => &mut self.not_applicable,
        };
        *slot += 1;
    }
}

/// The criterion a trial's verdict rests on: for `ineligible` the first
/// criterion that fails, for `undetermined` the first one still open
/// (unknown or in review); none for `eligible`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deciding {
    pub id: String,
    pub status: Status,
    pub reason: String,
    /// The criterion's words (empty for the trial's structured limits,
    /// `trial.minimumAge` and the like).
    pub text: String,
    /// Where the criterion is in the eligibility text.
    pub span: Span,
}

/// One trial of a summary check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrialSummary {
    pub trial_id: Option<String>,
    /// The trial's position in the list checked.
    pub trial_index: usize,
    pub verdict: Verdict,
    pub deciding: Option<Deciding>,
    pub counts: Counts,
    /// How many questions the trial's evaluation asks.
    pub questions: usize,
}

/// One of the questions across the trials of a summary check: what to ask,
/// and how much its answer settles. Which criteria of which trials it bears
/// on is in each trial's evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankedQuestion {
    pub id: String,
    pub text: String,
    pub answer: AnswerKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// How many criteria, across the trials, it bears on.
    pub criterion_count: usize,
    /// How many trials it bears on.
    pub trial_count: usize,
}

/// How many ranked questions a summary check returns when
/// [`EvalOptions::question_limit`] does not say.
pub const QUESTION_LIMIT: usize = 20;

/// A summary check: trials ranked as [`super::check`] ranks them, and the
/// questions across trials, those that settle the most criteria first: the
/// first [`EvalOptions::question_limit`] of them (20 unless set), ranked as
/// [`super::check`] ranks its questions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    pub trials: Vec<TrialSummary>,
    pub questions: Vec<RankedQuestion>,
    /// How many distinct questions the trials ask in all.
    pub questions_total: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl TrialSummary {
    /// The summary of a walk of trial number `index`.
    fn of(w: &Walked, index: usize) -> TrialSummary {
        let trial = w.trial;
        let deciding = match w.verdict {
            Verdict::Eligible => None,
            Verdict::Ineligible => w.failing().into_iter().next().map(|f| Deciding {
                text: criterion(&trial.criteria, &f.id).map(|c| c.text.clone()).unwrap_or_default(),
                id: f.id,
                status: Status::Fail,
                reason: f.text,
                span: f.span,
            }),
            Verdict::Undetermined => {
                match w.structured.iter().find(|r| open(r.status, r.to_confirm)) {
                    Some(r) => Some(Deciding { id: r.id.clone(), status: r.status, reason: r.reason.clone(), text: String::new(), span: r.span }),
                    None => first_open(&w.res, &mut 0, &trial.criteria).map(|(r, c)| Deciding {
                        id: c.id.clone(),
                        status: r.status,
                        reason: super::reason_of(&w.notes, r).to_string(),
                        text: c.text.clone(),
                        span: c.span,
                    }),
                }
            }
        };
        let mut counts = Counts::default();
        for r in &w.structured {
            counts.add(r.to_confirm, r.status);
        }
        // Leaves are the nodes whose subtree is themselves alone.
        for (k, r) in w.res.iter().enumerate() {
            if r.end == k + 1 {
                counts.add(r.to_confirm, r.status);
            }
        }
        TrialSummary { trial_id: trial.id.clone(), trial_index: index, verdict: w.verdict, deciding, counts, questions: 0 }
    }
}

/// Whether a criterion with `status` is still open: unknown or in review,
/// and not for the study team alone.
fn open(status: Status, to_confirm: bool) -> bool {
    matches!(status, Status::Unknown | Status::Review) && !to_confirm
}

/// The first leaf, in reading order, still [`open`], and its criterion:
/// `res` are a walk's results, read beside `criteria` from `*at` on.
fn first_open<'a>(res: &'a [Res], at: &mut usize, criteria: &'a [Criterion]) -> Option<(&'a Res, &'a Criterion)> {
    for c in criteria {
        let r = res.get(*at)?;
        let end = r.end;
        if c.children.is_empty() {
            if open(r.status, r.to_confirm) {
                return Some((r, c));
            }
        } else {
            *at += 1;
            if let Some(hit) = first_open(res, at, &c.children) {
                return Some(hit);
            }
        }
        *at = end;
    }
    None
}

/// The criterion with id `id`.
fn criterion<'a>(criteria: &'a [Criterion], id: &str) -> Option<&'a Criterion> {
    criteria.iter().find_map(|c| if c.id == id { Some(c) } else { criterion(&c.children, id) })
}

/// Checks a patient against many trials, summarised per trial.
pub fn check_summary(trials: &[Trial], patient: &Patient, options: &EvalOptions) -> CheckSummary {
    check_summary_with(trials, None, patient, options)
}

/// [`check_summary`] with the trials prepared beforehand, as
/// [`super::check_prepared`].
pub fn check_summary_prepared(trials: &[Trial], prepared: &[Prepared], patient: &Patient, options: &EvalOptions) -> CheckSummary {
    check_summary_with(trials, Some(prepared), patient, options)
}

fn check_summary_with(trials: &[Trial], prepared: Option<&[Prepared]>, patient: &Patient, options: &EvalOptions) -> CheckSummary {
    let mut kept: Vec<TrialSummary> = Vec::with_capacity(trials.len());
    let mut merged = Merged::default();
    // Statuses and questions only; the reason of the deciding criterion,
    // the one reason a summary shows, is worked out for it alone.
    let warnings = super::each_walk(trials, prepared, patient, options, Some(&mut merged), |w, index, merged, again| {
        let mut s = TrialSummary::of(&w, index);
        if let Some(d) = s.deciding.as_mut().filter(|d| d.reason.is_empty()) {
            d.reason = again.reason(&d.id).unwrap_or_default();
        }
        // An ineligible trial asks nothing.
        let verdict = s.verdict as u8;
        s.questions = merged.map_or(0, |m| m.close(s.verdict != Verdict::Ineligible, |n| (verdict, n, index)));
        kept.push(s);
        w.res
    });
    // By verdict, then by how many questions are open; `kept` is in the
    // trials' order already, and the sort is stable.
    let most = kept.iter().map(|s| s.questions).max().unwrap_or(0);
    crate::sort::sort_by_small_key(&mut kept, |s| s.verdict as usize * (most + 1) + s.questions);
    let (questions, questions_total) = merged.ranked(options.question_limit.unwrap_or(QUESTION_LIMIT));
    CheckSummary { trials: kept, questions, questions_total, warnings }
}

/// A trial's place in the ranking of trials: verdict, questions, index.
type Rank = (u8, usize, usize);

/// A question of a summary check as it is shown: one of the shared copies
/// the check has met ([`Merged::copy`]), or one about a whole criterion.
enum Shown<'t> {
    Copy(u32),
    Ask(Ask<'t>),
}

/// A question of a summary check: as the first trial in ranking order
/// asks it, that trial's place in the ranking, and how many criteria and
/// trials ask it.
struct Entry<'t> {
    q: Shown<'t>,
    rank: Rank,
    criteria: usize,
    trials: usize,
}

/// The questions of the trials of a summary check, merged by id as they
/// are asked, so that no trial's list is kept. The questions atoms ask are
/// shared copies ([`super::atom`] hands one copy to every atom asking the
/// same question): each copy is numbered the first time it is met, with
/// the question (the id) it is, so that asking it again costs no hashing.
#[derive(Default)]
pub(super) struct Merged<'t> {
    all: Vec<Entry<'t>>,
    /// `all` by the hash of the id (worked out as the question was asked).
    chains: Chains,
    /// The shared copies met, with where their question is in `all`; kept
    /// alive for the check, so that an address names one copy only.
    copies: Vec<(Arc<Question>, u32)>,
    /// `copies` by address.
    copy_at: std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<Prehashed>>,
    /// Per question: the trial that asked it last (`trial`, counted from
    /// 1) and its place in that trial's `open`.
    seen: Vec<(u32, u32)>,
    /// The questions the trial being walked asks: the question in `all`,
    /// how many of its criteria ask it, the node that asked it last, and
    /// the question as the trial asks it (a copy's number, or [`ASKED`]
    /// and its place in `open_asks`).
    open: Vec<(u32, u32, u32, u32)>,
    open_asks: Vec<Ask<'t>>,
    /// Trials closed so far.
    trial: u32,
    /// The trials walked, in order, with their prepared data.
    trials: Vec<(&'t Trial, &'t Prepared)>,
    /// The hashes of the trial keys ([`super::Prepared`]'s `question_key`)
    /// that more than one trial of the check has (the same trial added
    /// twice, or two trials without an id and with the same text), sorted.
    /// Two keys with one hash count as shared: merging is right for any.
    shared: Vec<u64>,
    /// Whether no other trial has the key of the trial being walked: its
    /// questions about whole criteria, whose ids are its key and a
    /// criterion's id, are then its own and each asked once, so they are
    /// kept apart without being merged: those of the trial being walked in
    /// `alone_open`, then with the trial in `alone_kept`.
    /// Each is kept as the node that asks it and the words not read (a
    /// place in `not_read`, or `u32::MAX`), and written out only if it is
    /// shown.
    alone: bool,
    alone_open: Vec<(u32, u32)>,
    alone_kept: Vec<(u32, u32, u32)>,
    not_read: Vec<String>,
}

/// In [`Merged::open`], a question asked as an [`Ask`] of its own.
const ASKED: u32 = 1 << 31;

impl<'t> Merged<'t> {
    /// Takes in the keys of the trials of the check.
    pub(super) fn keys<'k>(&mut self, keys: impl Iterator<Item = &'k str>) {
        let mut all = Vec::new();
        for k in keys {
            all.push(super::id_hash(k));
        }
        crate::sort::sort(&mut all);
        for i in 1..all.len() {
            if all[i] == all[i - 1] && self.shared.last() != Some(&all[i]) {
                self.shared.push(all[i]);
            }
        }
    }

    /// Starts the walk of trial `t`, prepared as `prep`.
    pub(super) fn start(&mut self, t: &'t Trial, prep: &'t Prepared) {
        self.alone = self.shared.binary_search(&super::id_hash(&prep.question_key)).is_err();
        self.trials.push((t, prep));
    }

    /// The id of question `q`.
    fn id<'s>(copies: &'s [(Arc<Question>, u32)], q: &'s Shown) -> &'s str {
        match q {
            Shown::Copy(c) => &copies[*c as usize].0.id,
            Shown::Ask(a) => a.id(),
        }
    }

    /// Where the question with id `id` (hashing to `key`) is in `all`: added
    /// as `q` when it is not there yet.
    fn entry(&mut self, key: u64, id: &str, q: impl FnOnce() -> Shown<'t>) -> u32 {
        let (all, copies) = (&self.all, &self.copies);
        let i = self.chains.find(key, all.len(), |i| Merged::id(copies, &all[i].q) == id);
        if i == self.all.len() {
            self.all.push(Entry { q: q(), rank: (u8::MAX, usize::MAX, usize::MAX), criteria: 0, trials: 0 });
            self.seen.push((0, 0));
        }
        i as u32
    }

    /// The number of the shared copy `q` of a question (whose id hashes to
    /// `key`), numbered now if it is met for the first time.
    pub(super) fn copy(&mut self, q: &Arc<Question>, key: u64) -> u32 {
        // Addresses are aligned: mixed, so that the map's buckets spread.
        let at = (Arc::as_ptr(q) as usize as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        if let Some(&c) = self.copy_at.get(&at) {
            return c;
        }
        let c = self.copies.len() as u32;
        let e = self.entry(key, &q.id, || Shown::Copy(c));
        self.copies.push((q.clone(), e));
        self.copy_at.insert(at, c);
        c
    }

    /// Takes in the shared copy numbered `c`, asked by node `at` of the
    /// trial being walked.
    pub(super) fn ask_copy(&mut self, c: u32, at: usize) {
        let e = self.copies[c as usize].1;
        self.open_at(e, at, c);
    }

    /// Counts question `e` of `all` for node `at` of the trial being
    /// walked, which asks it as `shown` ([`Merged::open`]).
    fn open_at(&mut self, e: u32, at: usize, shown: u32) -> bool {
        let trial = self.trial + 1;
        let at = at as u32;
        let (t, o) = self.seen[e as usize];
        if t == trial {
            let x = &mut self.open[o as usize];
            if x.2 != at {
                x.2 = at;
                x.1 += 1;
            }
            false
        } else {
            self.seen[e as usize] = (trial, self.open.len() as u32);
            self.open.push((e, 1, at, shown));
            true
        }
    }

    /// Takes in the question about the whole of node `at` of the trial
    /// being walked, with the words not read for a criterion in review;
    /// `ask` is the question, asked of a trial whose key another trial of
    /// the check has.
    pub(super) fn ask_criterion(&mut self, at: usize, not_read: Option<String>, ask: impl FnOnce(Option<String>) -> Option<Ask<'t>>) {
        if self.alone {
            let nr = match not_read {
                Some(w) => {
                    self.not_read.push(w);
                    (self.not_read.len() - 1) as u32
                }
                None => u32::MAX,
            };
            self.alone_open.push((at as u32, nr));
        } else if let Some(q) = ask(not_read) {
            self.ask(q, at);
        }
    }

    /// Takes in question `q`, asked by node `at` of the trial being walked.
    /// A question about a whole criterion is merged by id here, whoever
    /// asks it ([`Merged::ask_criterion`] keeps apart those that need not be).
    pub(super) fn ask(&mut self, q: Ask<'t>, at: usize) {
        match q {
            Ask::Shared(q, key) => {
                let c = self.copy(&q, key);
                self.ask_copy(c, at);
            }
            Ask::Criterion { key, .. } => {
                let e = self.entry(key, q.id(), || Shown::Ask(q.clone()));
                let shown = ASKED | self.open_asks.len() as u32;
                if self.open_at(e, at, shown) {
                    self.open_asks.push(q);
                }
            }
        }
    }

    /// Ends the trial being walked: its questions count when `keep`, the
    /// trial's place in the ranking being `rank(n)` for the `n` distinct
    /// questions it asks. Returns `n` (0 when not kept).
    pub(super) fn close(&mut self, keep: bool, rank: impl Fn(usize) -> Rank) -> usize {
        self.trial += 1;
        if !keep {
            self.open.clear();
            self.open_asks.clear();
            self.alone_open.clear();
            return 0;
        }
        let n = self.open.len() + self.alone_open.len();
        let rank = rank(n);
        let trial = self.trial - 1;
        self.alone_kept.extend(self.alone_open.drain(..).map(|(at, nr)| (trial, at, nr)));
        // Rare: only trials whose key another trial has ask these.
        let mut asks: Vec<Option<Ask>> = self.open_asks.drain(..).map(Some).collect();
        for (e, criteria, _, shown) in self.open.drain(..) {
            let x = &mut self.all[e as usize];
            x.criteria += criteria as usize;
            x.trials += 1;
            if rank < x.rank {
                x.rank = rank;
                x.q = if shown & ASKED != 0 {
                    match asks.get_mut((shown & !ASKED) as usize).and_then(Option::take) {
                        Some(a) => Shown::Ask(a),
                        None => continue,
                    }
                } else {
                    Shown::Copy(shown)
                };
            }
        }
        n
    }

    /// The question about the whole of node `at` of trial number `trial`
    /// kept apart ([`Merged::alone`]), with the words not read at `nr`.
    fn alone_ask(&self, trial: u32, at: u32, nr: u32) -> Option<Ask<'t>> {
        let (t, prep) = *self.trials.get(trial as usize)?;
        let n = prep.nodes.get(at as usize)?;
        let c = super::lean::crit_at(&t.criteria, &prep.ops, at as usize)?;
        Some(Ask::Criterion { id: std::borrow::Cow::Borrowed(&*n.crit), key: n.crit_key, c, not_read: self.not_read.get(nr as usize).cloned() })
    }

    /// The first `limit` questions, ranked as [`super::rank_questions`]
    /// ranks them (the most criteria, then the most trials, then by id),
    /// and how many there are. Counts only: no per-question lists of
    /// criteria or trials are built.
    fn ranked(mut self, limit: usize) -> (Vec<RankedQuestion>, usize) {
        // Questions that only ineligible trials asked do not count.
        let mut all: Vec<Entry> = std::mem::take(&mut self.all);
        all.retain(|x| x.trials > 0);
        let total = all.len() + self.alone_kept.len();
        let copies = &self.copies;
        let order = |a: &Entry, b: &Entry| b.criteria.cmp(&a.criteria).then(b.trials.cmp(&a.trials)).then_with(|| Merged::id(copies, &a.q).cmp(Merged::id(copies, &b.q)));
        let top = |mut all: Vec<Entry<'t>>| -> Vec<Entry<'t>> {
            // Ids are distinct, so `order` is total and the first `limit` are
            // the same whether all are sorted or only the first kept: most
            // checks show a few dozen of thousands.
            if limit.saturating_mul(8) >= all.len() {
                crate::sort::sort_by(&mut all, &order);
                all.truncate(limit);
                return all;
            }
            let mut top: Vec<Entry> = Vec::with_capacity(limit + 1);
            for x in all {
                let mut at = top.len();
                while at > 0 && order(&x, &top[at - 1]) == std::cmp::Ordering::Less {
                    at -= 1;
                }
                if at < limit {
                    top.insert(at, x);
                    top.truncate(limit);
                }
            }
            top
        };
        let mut all = top(all);
        // The questions kept apart are each asked by one criterion of one
        // trial: they are among the first only where fewer than `limit`
        // questions are asked more.
        if all.iter().filter(|x| (x.criteria, x.trials) > (1, 1)).count() < limit {
            let apart: Vec<Entry> = self.alone_kept.iter().filter_map(|&(t, at, nr)| self.alone_ask(t, at, nr)).map(|q| Entry { q: Shown::Ask(q), rank: (0, 0, 0), criteria: 1, trials: 1 }).collect();
            all.extend(apart);
            all = top(all);
        }
        let questions = all
            .into_iter()
            .map(|x| {
                // Written out here, for the questions shown only.
                let q = match &x.q {
                    Shown::Copy(c) => copies[*c as usize].0.clone(),
                    Shown::Ask(a) => a.question(),
                };
                RankedQuestion {
                    id: q.id.clone(),
                    text: q.text.clone(),
                    answer: q.answer,
                    units: q.units.clone(),
                    choices: q.choices.clone(),
                    criterion_count: x.criteria,
                    trial_count: x.trials,
                }
            })
            .collect();
        (questions, total)
    }
}

impl CheckSummary {
    /// The same summary with spans as UTF-16 offsets, converted in place;
    /// `trials` are those checked.
    pub fn into_utf16(mut self, trials: &[Trial]) -> CheckSummary {
        for s in &mut self.trials {
            if let (Some(d), Some(t)) = (s.deciding.as_mut(), trials.get(s.trial_index)) {
                d.span = t.prepared.get(t).utf16().span(d.span);
            }
        }
        self
    }
}

/// Where entries of a list are, by a hash of each: the first entry with a
/// hash, and for each entry the next with the same hash (`usize::MAX`:
/// none). A summary's questions are found by it.
#[derive(Default)]
struct Chains {
    first: std::collections::HashMap<u64, usize, std::hash::BuildHasherDefault<Prehashed>>,
    next: Vec<usize>,
}

impl Chains {
    /// The entry among the list's `len` whose hash is `key` and that `is`
    /// accepts; else `len`, linked in as the entry the caller pushes next.
    fn find(&mut self, key: u64, len: usize, is: impl Fn(usize) -> bool) -> usize {
        let mut i = *self.first.entry(key).or_insert(len);
        let mut last = usize::MAX;
        while i < len {
            if is(i) {
                return i;
            }
            last = i;
            i = self.next[i];
        }
        if last != usize::MAX {
            self.next[last] = len;
        }
        self.next.push(usize::MAX);
        len
    }
}

/// The hasher of a map whose keys are hashes already (of question ids,
/// [`super::id_hash`]).
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are written; anything else still hashes.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
