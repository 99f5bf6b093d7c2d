//! The criteria tree: sections, cohorts, groups and items laid over the
//! eligibility text, with the logic between them.

use serde::{Deserialize, Serialize};

use crate::atoms::Atom;
use crate::span::Span;

mod build;

pub use build::build;
pub(crate) use build::fold_ws;

/// One node of the criteria tree.
///
/// Invariants (tested over the corpus): children's spans lie inside the
/// parent's span, increase and do not overlap; every non-blank character of
/// the eligibility text belongs to exactly one node's *own* text (its span
/// less its children's spans).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criterion {
    /// Stable across runs: derived from the node's position in the tree
    /// (`inc`, `inc.3`, `inc.3.2`, `exc.1`, …).
    pub id: String,
    pub section: Section,
    pub kind: NodeKind,
    /// The node's text with white space folded (hard-wrapped lines joined).
    pub text: String,
    pub span: Span,
    /// The list marker as written (`1.`, `(2)`, `*`, `a.`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Criterion>,
    /// How the children combine; present on every node with children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logic: Option<Logic>,
    /// The cohort's name, on a cohort node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    /// On a criterion that applies only to some patients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_if: Option<AppliesIf>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub atoms: Vec<Atom>,
    /// How much of the criterion's meaning the atoms capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub understood: Option<Understood>,
    /// The parts of the node's own text that no atom covers (and that are
    /// not just filler words), so that nothing is silently dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncovered: Vec<Span>,
}

impl Criterion {
    pub fn new(id: String, section: Section, kind: NodeKind, span: Span, text: String) -> Criterion {
        Criterion {
            id,
            section,
            kind,
            text,
            span,
            marker: None,
            children: Vec::new(),
            logic: None,
            cohort: None,
            applies_if: None,
            atoms: Vec::new(),
            understood: None,
            uncovered: Vec::new(),
        }
    }

    /// Visits this node and all below it, parents first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Criterion)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }

    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Criterion)) {
        f(self);
        for c in &mut self.children {
            c.walk_mut(f);
        }
    }

    /// The node's own spans: its span less its children's spans.
    pub fn own_spans(&self) -> Vec<Span> {
        let mut out = Vec::new();
        let mut at = self.span.start;
        for c in &self.children {
            if c.span.start > at {
                out.push(Span::new(at, c.span.start));
            }
            at = at.max(c.span.end);
        }
        if self.span.end > at {
            out.push(Span::new(at, self.span.end));
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Inclusion,
    Exclusion,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A whole section ("Inclusion Criteria:" and everything under it).
    Section,
    /// A group of patients with criteria of its own.
    Cohort,
    /// A lead-in with sub-items ("Disease activity meets the following requirements:").
    Group,
    /// One criterion.
    Criterion,
    /// Text that is not a criterion (a definition, a remark, a stray header).
    Note,
}

/// How a node's children combine (the module doc of `build` says what
/// each means in each section). In JSON: `"all"`, `"any"`, or
/// `{ "atLeast": 2 }` for "at least 2 of the following".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Logic {
    All,
    Any,
    /// At least this many children (always 2 or more: "at least one of"
    /// is `Any`).
    AtLeast(u32),
}

/// The condition under which a criterion applies ("for SLE patients").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliesIf {
    /// What the condition is about, as written ("SLE patients").
    pub text: String,
    pub span: Span,
    /// The concept when the lexicon knows it (`{ name, code }`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept: Option<crate::atoms::ConceptRef>,
    /// Free-form kind: `condition`, `sex`, `childbearing`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Understood {
    Full,
    Partial,
    None,
}

/// The tree as an indented outline, one node a line: `id kind logic: text`,
/// with ` [if kind: text]` on a conditional node. For tests and debugging.
///
/// ```
/// let (tree, _) = trialsieve::criteria::build("Inclusion Criteria:\n* Age 18 or older\n");
/// assert_eq!(trialsieve::criteria::outline(&tree), "inc section all: Inclusion Criteria:\n  inc.1 criterion: Age 18 or older\n");
/// ```
pub fn outline(tree: &[Criterion]) -> String {
    fn line(c: &Criterion, depth: usize, out: &mut String) {
        let kind = match c.kind {
            NodeKind::Section => "section",
            NodeKind::Cohort => "cohort",
            NodeKind::Group => "group",
            NodeKind::Criterion => "criterion",
            NodeKind::Note => "note",
        };
        let logic = match c.logic {
            Some(Logic::All) => " all".to_string(),
            Some(Logic::Any) => " any".to_string(),
            Some(Logic::AtLeast(n)) => format!(" atLeast {n}"),
            None => String::new(),
        };
        out.push_str(&format!("{}{} {}{}: {}", "  ".repeat(depth), c.id, kind, logic, c.text));
        if let Some(a) = &c.applies_if {
            out.push_str(&format!(" [if {}: {}]", a.kind.as_deref().unwrap_or("?"), a.text));
        }
        out.push('\n');
        for k in &c.children {
            line(k, depth + 1, out);
        }
    }
    let mut out = String::new();
    for c in tree {
        line(c, 0, &mut out);
    }
    out
}
