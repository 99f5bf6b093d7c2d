//! The lean walk of a whole trial (statuses and questions only, for the
//! summary check) over the trial's prepared nodes in pre-order, not down
//! its tree of criteria.
//!
//! What the walk reads of every node is laid out in one small [`Op`] per
//! node, side by side, when the trial is prepared; the criteria and the
//! larger prepared data are read only where a node needs them: an atom
//! judged for the first time in a check, a question about the whole
//! criterion, an appliesIf phrase, a cohort. A node goes the way
//! [`Walk::node`] and [`Walk::leaf`] take it, and a leaf whose judging
//! reads more than its atoms' outcomes (exceptions, an answer about the
//! whole criterion) is judged by [`Walk::leaf`] itself; the summary's tests
//! hold the two walks to the same statuses and questions.

use super::atom::Truth;
use super::{combine, group_status, kid_slots, kids, scope, to_status, Ask, Note, Res, Status, Walk, NO_NOTE};
use crate::criteria::{Criterion, Logic, NodeKind, Section, Understood};

/// What a lean walk reads of one node, worked out when the trial is
/// prepared.
#[derive(Clone, Copy, Debug)]
pub(super) struct Op {
    /// Where the node's subtree ends, in pre-order.
    end: u32,
    /// Its atoms judged, among the trial's [`super::Prepared::judges`].
    judge: (u32, u32),
    /// The hash of the id of the question about the whole criterion.
    crit_key: u64,
    /// Its parent's place in pre-order (`u32::MAX` for a top-level
    /// criterion), and its own among its parent's sub-items: where the
    /// criterion is found ([`crit_at`]).
    parent: u32,
    pos: u32,
    /// The node's own `logic`, as written.
    logic: Option<Logic>,
    kind: NodeKind,
    section: Section,
    flags: u8,
}

/// The node has sub-items, or is a section or a cohort.
const COMPOSITE: u8 = 1;
/// It has atoms of its own.
const ATOMS: u8 = 2;
/// They account for the whole criterion.
const FULL: u8 = 4;
/// All of them are such as only the study team can judge.
const ONLY_CONFIRM: u8 = 8;
/// One of them is an exception to another.
const EXCEPT: u8 = 16;
/// It has an appliesIf phrase.
const APPLIES: u8 = 32;
/// All its atoms are for the study team, but words no atom reads may
/// narrow who qualifies.
const CONFIRM_UNREAD: u8 = 64;

impl Op {
    /// The op of node `c`, the `at`-th in pre-order, judged as `plan`
    /// says; where its subtree ends is set once its sub-items are laid out
    /// ([`Op::ends`]).
    pub(super) fn new(c: &Criterion, at: usize, (parent, pos): (u32, u32), plan: &super::LeafPlan, crit_key: u64) -> Op {
        let flag = |on: bool, f: u8| if on { f } else { 0 };
        Op {
            end: (at + 1) as u32,
            judge: (plan.judge.start, plan.judge.end),
            crit_key,
            parent,
            pos,
            logic: c.logic,
            kind: c.kind,
            section: c.section,
            flags: flag(!c.children.is_empty() || matches!(c.kind, NodeKind::Section | NodeKind::Cohort), COMPOSITE)
                | flag(!c.atoms.is_empty(), ATOMS)
                | flag(super::understood(c) == Understood::Full, FULL)
                | flag(plan.only_confirm, ONLY_CONFIRM)
                | flag(plan.confirm_unread, CONFIRM_UNREAD)
                | flag(plan.any_except, EXCEPT)
                | flag(c.applies_if.is_some(), APPLIES),
        }
    }

    /// Sets where the node's subtree ends: at `end`, in pre-order.
    pub(super) fn ends(&mut self, end: usize) {
        self.end = end as u32;
    }

    fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }
}

/// The criterion of node `i` (in pre-order) among `criteria`, found from
/// the top through its parents as `ops` place them: reading neither the
/// criteria before it nor their sub-items. `None` where the prepared nodes
/// do not fit the criteria (data prepared from another version of them).
pub(super) fn crit_at<'t>(criteria: &'t [Criterion], ops: &[Op], i: usize) -> Option<&'t Criterion> {
    let op = ops.get(i)?;
    let siblings = match op.parent as usize {
        p if p == u32::MAX as usize => criteria,
        // A parent comes before its sub-items in pre-order.
        p if p < i => &crit_at(criteria, ops, p)?.children,
        _ => return None,
    };
    siblings.get(op.pos as usize)
}

impl<'t> Walk<'t, '_, '_> {
    /// The criterion of node `i` ([`crit_at`]).
    fn crit(&self, i: usize) -> Option<&'t Criterion> {
        crit_at(self.criteria, &self.prep.ops, i)
    }

    /// Walks every node of the trial, lean. The results go to `res` as
    /// [`Walk::node`]'s do, and the questions to the check's table.
    pub(super) fn lean_run(&mut self, stack: &mut Vec<usize>) {
        let ops = &self.prep.ops;
        stack.clear();
        // A node is judged once the nodes of its subtree are: when the
        // walk reaches the end of its subtree.
        for (i, op) in ops.iter().enumerate() {
            while let Some(&top) = stack.last() {
                if (ops[top].end as usize) > i {
                    break;
                }
                stack.pop();
                self.lean_node(top);
            }
            self.res.push(Res { status: Status::NotApplicable, to_confirm: false, note: NO_NOTE, end: op.end as usize });
            if op.end as usize == i + 1 {
                self.lean_node(i);
            } else {
                stack.push(i);
            }
        }
        while let Some(top) = stack.pop() {
            self.lean_node(top);
        }
    }

    /// [`Walk::node`] for node `i`, lean, its sub-items judged already.
    fn lean_node(&mut self, i: usize) {
        let prep = self.prep;
        let op = prep.ops[i];
        let end = op.end as usize;
        let mut status = Status::NotApplicable;
        let mut to_confirm = false;
        let mut qs = Asks { copies: std::mem::take(&mut self.copies), crit: None };
        qs.copies.clear();
        let mut note = None;
        if op.kind == NodeKind::Note {
        } else if op.has(COMPOSITE) {
            let (ops, res) = (&prep.ops, &self.res);
            let counted = kid_slots(res, i + 1, end).filter(|&k| !res[k].to_confirm && ops[k].kind != NodeKind::Cohort).map(|k| res[k].status);
            status = group_status(op.kind, op.section, op.logic, counted);
            if op.has(ATOMS) {
                let (st, confirm);
                (st, confirm, note) = self.lean_leaf(i, &mut qs);
                status = combine(Logic::All, [status, st].into_iter());
                to_confirm = confirm && kids(&self.res, i + 1, end).all(|x| x.to_confirm);
            }
        } else {
            (status, to_confirm, note) = self.lean_leaf(i, &mut qs);
        }
        if op.has(APPLIES) {
            if let Some(ai) = self.crit(i).and_then(|c| c.applies_if.as_ref()) {
                let how = &prep.nodes[i].applies;
                let (t, _, q) = self.applies(ai, how, op.section);
                match t {
                    Truth::No => {
                        status = Status::NotApplicable;
                        qs.copies.clear();
                        qs.crit = None;
                    }
                    Truth::Unknown if status != Status::Pass && status != Status::NotApplicable => {
                        status = Status::Unknown;
                        self.take_asks(q, &mut qs);
                    }
                    _ => {}
                }
            }
        }
        if matches!(status, Status::Unknown | Status::Review) && !to_confirm {
            if let Some(m) = self.merged.as_deref_mut() {
                for &c in &qs.copies {
                    m.ask_copy(c, i);
                }
                if let Some(not_read) = qs.crit.take() {
                    let key = op.crit_key;
                    let criteria = self.criteria;
                    m.ask_criterion(i, not_read, |not_read| crit_at(criteria, &prep.ops, i).map(|c| Ask::Criterion { id: std::borrow::Cow::Borrowed(&*prep.nodes[i].crit), key, c, not_read }));
                }
            }
        }
        self.copies = qs.copies;
        if op.kind == NodeKind::Cohort {
            if let Some(c) = self.crit(i) {
                let name = c.cohort.as_deref().unwrap_or(c.id.as_str());
                self.cohorts.entry(name.to_string()).or_default().push(status);
            }
        }
        let note = match note {
            Some(n) => {
                self.notes.push(n);
                (self.notes.len() - 1) as u32
            }
            None => NO_NOTE,
        };
        self.res[i] = Res { status, to_confirm, note, end };
    }

    /// Takes the questions `asked` (by the full leaf, or an appliesIf
    /// phrase) into a lean node's.
    fn take_asks(&mut self, asked: Vec<Ask<'t>>, qs: &mut Asks) {
        for q in asked {
            match q {
                Ask::Shared(q, key) => {
                    if let Some(m) = self.merged.as_deref_mut() {
                        qs.copies.push(m.copy(&q, key));
                    }
                }
                Ask::Criterion { not_read, .. } => {
                    if qs.crit.is_none() {
                        qs.crit = Some(not_read);
                    }
                }
            }
        }
    }

    /// [`Walk::leaf`] for node `i`, lean: its status, whether it is for the
    /// study team, and its reason and facts where a lean walk writes them
    /// (an answer about the whole criterion). Its questions go to `qs`.
    fn lean_leaf(&mut self, i: usize, qs: &mut Asks) -> (Status, bool, Option<Note>) {
        let ctx = self.ctx;
        let prep = self.prep;
        let op = prep.ops[i];
        let node = &prep.nodes[i];
        // Exceptions, and an answer about the whole criterion, read more
        // than the atoms' outcomes: the full leaf judges those. Past here
        // no answer about the whole criterion counts.
        if op.has(EXCEPT) || (ctx.crit_answers && ctx.p.answers.contains_key(&*node.crit)) {
            let Some(c) = self.crit(i) else { return (Status::Unknown, false, None) };
            let mut asked = Vec::new();
            let (st, reason, facts, confirm) = self.leaf(c, i, &mut asked);
            self.take_asks(asked, qs);
            let note = (!reason.is_empty() || !facts.is_empty()).then_some(Note { reason, facts });
            return (st, confirm, note);
        }
        // The question about the whole criterion, once.
        let ask_crit = |qs: &mut Asks, not_read: Option<String>| {
            if qs.crit.is_none() {
                qs.crit = Some(not_read);
            }
        };
        if !op.has(ATOMS) {
            ask_crit(qs, None);
            return (Status::Unknown, false, None);
        }
        if op.has(ONLY_CONFIRM) {
            if op.has(CONFIRM_UNREAD) {
                ask_crit(qs, None);
                return (Status::Unknown, false, None);
            }
            return (Status::Unknown, true, None);
        }
        let section = op.section;
        let logic = op.logic.unwrap_or(if section == Section::Exclusion { Logic::Any } else { Logic::All });
        let neutral = if logic == Logic::All { Truth::Yes } else { Truth::No };
        let mut truth = neutral;
        let mut judged = std::mem::take(&mut self.judged);
        judged.clear();
        for j in prep.judges.get(op.judge.0 as usize..op.judge.1 as usize).unwrap_or(&[]) {
            let a = j.atom as usize;
            let criteria = self.criteria;
            let atom = || crit_at(criteria, &prep.ops, i).and_then(|c| c.atoms.get(a)).zip(node.atoms.get(a));
            // An atom not found (the prepared nodes do not fit) is unknown.
            let o = self.memo.lean_at(j.slot, section, ctx, atom);
            let t = o.as_ref().map_or(Truth::Unknown, |(o, _)| if j.flip { o.truth.not() } else { o.truth });
            truth = if logic == Logic::All { truth.and(t) } else { truth.or(t) };
            judged.push(scope::Judged { i: a, t, m: j.m });
            // A question asked twice by one criterion counts once (the
            // check's table counts a question once per node).
            if let (Some((o, first)), Some(m)) = (o, self.merged.as_deref_mut()) {
                let (q, rest) = o.questions.split();
                if let Some((q, key)) = q {
                    if *first == u32::MAX {
                        *first = m.copy(q, *key);
                    }
                    qs.copies.push(*first);
                }
                for (q, key) in rest {
                    qs.copies.push(m.copy(q, *key));
                }
            }
        }
        if op.logic.is_none() && !judged.is_empty() {
            truth = scope::Scope::combine(section, &judged);
        }
        let mut status = to_status(section, truth);
        let not_concerned = section == Section::Exclusion && op.logic.is_none() && scope::Scope::not_concerned(&judged);
        let undecided = if status == Status::Fail && !not_concerned { node.scope.undecided(section, &judged) } else { None };
        let ambiguous = status == Status::Pass && judged.iter().any(|x| x.m.ambiguous);
        self.judged = judged;
        if not_concerned {
            qs.copies.clear();
            qs.crit = None;
            return (Status::NotApplicable, false, None);
        }
        if status == Status::Fail {
            if let Some(why) = undecided {
                status = Status::Review;
                if !ctx.p.answers.contains_key(&*node.crit) {
                    ask_crit(qs, Some(why));
                }
            }
        }
        let full = op.has(FULL);
        if ambiguous {
            status = Status::Unknown;
            ask_crit(qs, None);
        }
        if !full && status == Status::Pass {
            status = Status::Unknown;
            ask_crit(qs, None);
        }
        if status == Status::Unknown && !full {
            ask_crit(qs, None);
        }
        (status, false, None)
    }
}

/// A lean node's questions: the shared copies its atoms ask, as the
/// check's table numbers them ([`super::summary::Merged::copy`]), and the
/// question about the whole criterion when it is asked (with the words
/// not read, for a criterion in review).
struct Asks {
    copies: Vec<u32>,
    crit: Option<Option<String>>,
}
