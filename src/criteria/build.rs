//! Lays the criteria tree over an eligibility text.
//!
//! # Shape
//!
//! The top level holds section nodes (`inc`, `exc`; a section header met a
//! second time after items opens `inc2`, `exc2`). Under a section: criteria,
//! groups (a lead-in with sub-items), notes (a definition or remark that is
//! not a criterion) and cohorts (a group of patients with criteria of its own,
//! id `inc.<name>`). Every non-blank character of the text belongs to exactly
//! one node's own text (its span less its children's spans): a header, a
//! group's lead-in or marker, a criterion or a note.
//!
//! # Logic (what the evaluator may rely on)
//!
//! Every node with children has `logic`:
//!
//! * Inclusion section, inclusion cohort, inclusion group: `all` = the
//!   patient must meet all children; `any` = at least one. A section whose
//!   items are cohorts is `any` over them (the patient joins one cohort);
//!   when general items precede the cohorts, the cohorts sit in an `any`
//!   group of their own.
//! * Exclusion section and exclusion cohort: `all` = every child is an
//!   exclusion and all of them must be absent. An exclusion cohort applies
//!   only to patients of the inclusion cohort with the same `cohort` name.
//! * Exclusion group: the group as a whole is one exclusion; `any` (the
//!   default) = excluded when any child holds, `all` = only when all hold.
//! * n-of-m group (`atLeast: n`, from a lead-in "at least 2 of the
//!   following", "≥ 2 of the following regimens", "two or more of the
//!   following", "at least three of:"; n is 2 or more and fewer than the
//!   items, "one of the following" stays `any`): in an inclusion, the
//!   patient must meet at least n children; in an exclusion, the group
//!   excludes when at least n of its items hold (items are reasons to
//!   exclude, so n children *fail* in exclusion terms), and does not when
//!   fewer than n can still hold.
//! * A group's own text (its lead-in) may itself carry conditions that hold
//!   for the whole group ("Patients with DM who …:").
//! * Notes carry no logic and are not evaluated.
//!
//! A section header may also stand inside a line or a paragraph ("… (MAB)
//! Exclusion Criteria:• Patient has …"): a capitalised header phrase of two
//! words or more followed by a colon, or in capitals followed by a list, not
//! after a word that makes it part of a sentence ("meeting all of the
//! inclusion criteria"); the text before it stays with the section before.
//!
//! `appliesIf` on a node says the node only applies to the patients it
//! names ("for SLE patients", "women of childbearing potential"); for other
//! patients the node is not applicable.
//!
//! # Cost
//!
//! One pass over the lines; markers are read from bounded prefixes and the
//! list stack is at most `MAX_DEPTH` deep, so time is linear in the text.

mod markers;
mod phrases;
mod post;

use markers::{Marker, Place, Style};

use super::{Criterion, NodeKind, Section};
use crate::atoms::text::Lower;
use crate::span::Span;
use crate::trial::Diagnostic;

/// Lists nested deeper than this are laid flat at this depth.
const MAX_DEPTH: usize = 12;

/// Builds the criteria tree of an eligibility text. Never fails: what it
/// cannot place is kept in the tree as it is, with a diagnostic.
///
/// ```
/// let (tree, _) = trialsieve::criteria::build("Inclusion Criteria:\n* Age 18 or older\n\nExclusion Criteria:\n* Pregnancy\n");
/// assert_eq!(tree.len(), 2);
/// assert_eq!(tree[1].children[0].text, "Pregnancy");
/// ```
pub fn build(text: &str) -> (Vec<Criterion>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let lines = lines(text);
    let plans = plan_sections(text, &lines, &mut diags);
    let mut arena = Arena { text, nodes: Vec::new() };
    let mut out = Vec::new();
    let mut counts = [0usize; 2];
    let mut cohort_names: Vec<String> = Vec::new();
    let wrap = wrap_width(text);
    for plan in plans {
        let root = arena.build_section(&plan, wrap, &mut cohort_names);
        let n = &mut counts[plan.section as usize];
        *n += 1;
        let base = match plan.section {
            Section::Inclusion => "inc",
            Section::Exclusion => "exc",
        };
        let id = if *n == 1 { base.to_string() } else { format!("{base}{n}") };
        let mut node = arena.to_criterion(root, plan.section);
        post::finish(text, &mut node, id);
        out.push(node);
    }
    (out, diags)
}

/// One non-blank line: its trimmed content and layout.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    /// Columns of leading white space (a tab counts 4).
    indent: usize,
    blank_before: bool,
    /// Characters of the previous non-blank line, indentation included.
    prev_chars: usize,
    prev_indent: usize,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut blank = false;
    let (mut prev_chars, mut prev_indent) = (0, 0);
    for raw in text.split_inclusive('\n') {
        let start_raw = at;
        at += raw.len();
        let body = raw.trim_start();
        let indent: usize = raw[..raw.len() - body.len()].chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
        let content = body.trim_end();
        if content.is_empty() {
            blank = true;
            continue;
        }
        let start = start_raw + (raw.len() - body.len());
        let chars = indent + content.chars().count();
        out.push(Line { start, end: start + content.len(), indent, blank_before: blank, prev_chars, prev_indent });
        prev_chars = chars;
        prev_indent = indent;
        blank = false;
    }
    out
}

/// The width a hard-wrapped text was wrapped at, when it looks wrapped
/// (legacy XML text is wrapped near 70 columns).
fn wrap_width(text: &str) -> Option<usize> {
    let mut lens = Vec::new();
    for l in text.lines() {
        let n = l.trim_end().chars().count();
        if n > 90 {
            return None;
        }
        if n > 0 {
            lens.push(n);
        }
    }
    let max = lens.iter().copied().max().unwrap_or(0);
    // A wrapped text has several lines close to its width.
    let near = lens.iter().filter(|&&n| n + 12 >= max).count();
    (max >= 60 && near >= 3).then_some(max)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HeaderKind {
    Section(Section),
    General,
}

/// Reads a section header on a line: the kind and the bytes it takes (the
/// rest of the line, if any, is criteria text). The header phrase starts the
/// line ("Inclusion Criteria:", "Key Exclusion Criteria", "Inclusion criteria
/// for part A:") or ends it ("Maternal Inclusion Criteria:").
fn header(s: &str) -> Option<(HeaderKind, usize)> {
    header_at_start(s).or_else(|| header_at_end(s))
}

fn skip_markup(s: &str, mut i: usize) -> usize {
    while let Some(c) = s[i..].chars().next() {
        if matches!(c, '#' | '*' | '_' | '>' | ' ' | '\t' | '-' | '•' | '·') {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// The lower-case first word of `s` (at most 16 characters).
fn first_word(s: &str) -> String {
    // Most words are ASCII: lower-cased byte by byte.
    let b = s.as_bytes();
    let mut n = 0;
    while n < b.len() && n < 16 && b[n].is_ascii_alphanumeric() {
        n += 1;
    }
    if n == 16 || n == b.len() || b[n].is_ascii() {
        return s[..n].to_ascii_lowercase();
    }
    s.chars().take_while(|c| c.is_alphanumeric()).take(16).flat_map(crate::atoms::case::lower).collect()
}

/// The header phrase at the start of `s`: its kind and spelling.
fn phrase_at(s: &str, with_general: bool) -> Option<(HeaderKind, &'static str)> {
    let p = phrases::get();
    let lists = [
        (HeaderKind::Section(Section::Inclusion), &p.inclusion_headers),
        (HeaderKind::Section(Section::Exclusion), &p.exclusion_headers),
        (HeaderKind::General, &p.general_headers),
    ];
    for (kind, list) in lists {
        if kind == HeaderKind::General && !with_general {
            continue;
        }
        if let Some(h) = list.iter().find(|h| starts_word_ci(s, h)) {
            return Some((kind, h.as_str()));
        }
    }
    None
}

fn header_at_start(s: &str) -> Option<(HeaderKind, usize)> {
    let p = phrases::get();
    let mut i = skip_markup(s, 0);
    // Most lines start with no header word: say so before trying each spelling.
    let plausible = |s: &str| p.header_first_words.binary_search(&first_word(s)).is_ok();
    let lead = markers::read(&s[i..], Place::LineStart);
    if !plausible(&s[i..]) && lead.is_empty() {
        return None;
    }
    // "A. Inclusion criteria", "1) Exclusion criteria:"
    if let Some(m) = lead.first() {
        if !m.style.is_bullet() {
            i = skip_markup(s, i + m.len);
        }
    }
    if !plausible(&s[i..]) {
        return None;
    }
    let mut qualifiers = 0;
    while qualifiers < 2 {
        let Some(q) = p.header_qualifiers.iter().find(|q| starts_word_ci(&s[i..], q) && s[i + q.len()..].starts_with(' ')) else {
            break;
        };
        i += q.len() + 1;
        qualifiers += 1;
    }
    let (kind, h) = phrase_at(&s[i..], true)?;
    let single_word = !h.contains(' ');
    let mut end = i + h.len();
    let mut j = skip_emphasis(s, end);
    let colon = s[j..].starts_with(':') || s[j..].starts_with('：');
    // "Inclusion criteria. Age ≥22. …": a full stop ends a header too.
    let stop = !colon && !single_word && s[j..].starts_with('.');
    if colon || stop {
        j += s[j..].chars().next().map_or(0, char::len_utf8);
        end = j;
        j = skip_emphasis(s, j);
        end = end.max(s[..j].trim_end().len());
    } else {
        end = s[..j].trim_end().len().max(end);
    }
    let after = &s[j..];
    if after.is_empty() || (!colon && after == ".") {
        return Some((kind, s.len()));
    }
    if kind == HeaderKind::General {
        return None;
    }
    if colon || stop {
        return Some((kind, end));
    }
    if !single_word && !markers::read(after, Place::LineStart).is_empty() {
        return Some((kind, end));
    }
    // "Inclusion criteria for part A:", "Exclusion Criteria (cohort 2)",
    // "Inclusion Criteria Stage 1", "Key inclusion criteria include but are not limited to:"
    let next = first_word(after);
    let qualified = after.starts_with('(')
        || after.starts_with('-')
        || after.starts_with('–')
        || p.header_qualifier_words.contains(&next)
        || p.cohort_words.contains(&next);
    let ends_colon = s.trim_end().ends_with([':', '：']);
    let short = s.len() <= 80 || (s.len() <= 160 && ends_colon);
    if (qualified && short) || (!single_word && ends_colon && s.len() <= 100) {
        return Some((kind, s.len()));
    }
    None
}

/// "Maternal Inclusion Criteria:", "Core Treatment - Exclusion Criteria":
/// a short line whose last words are a header phrase.
fn header_at_end(s: &str) -> Option<(HeaderKind, usize)> {
    let p = phrases::get();
    if s.len() > 100 {
        return None;
    }
    // Every section phrase holds "clu" (inclusion, excluded, inclution).
    if !s.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"clu")) {
        return None;
    }
    let start = skip_markup(s, 0);
    let mut words = 0;
    let mut prev_word = String::new();
    let mut i = start;
    while i < s.len() && words < 6 {
        if i > start {
            if let Some((kind @ HeaderKind::Section(_), h)) = phrase_at(&s[i..], false) {
                let j = skip_emphasis(s, i + h.len());
                let rest = s[j..].trim_start_matches([':', '：']);
                let colon = rest.len() < s.len() - j;
                let rest = rest.trim_start_matches(['*', '_']).trim();
                if rest.is_empty() && (colon || h.contains(' ')) && !p.header_prefix_stop_words.contains(&prev_word) {
                    return Some((kind, s.len()));
                }
                return None;
            }
        }
        // To the next word.
        prev_word = first_word(&s[i..]);
        let len = s[i..].find(|c: char| c.is_whitespace() || c == '-' || c == '–').unwrap_or(s.len() - i);
        i += len;
        i += s[i..].len() - s[i..].trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '–').len();
        words += 1;
    }
    None
}

/// Where a section header starts inside a line ("… in the target quadrant
/// Exclusion Criteria: - Uncontrolled …", "… (MAB) EXCLUSION CRITERIA 1. …"):
/// a header phrase of two words or more, capitalised, after a word that
/// does not make it part of a sentence ("meeting all of the inclusion
/// criteria", "see exclusion criteria below"), and followed by a colon, or
/// written in capitals and followed by the end of the line or a list marker.
fn header_inside(s: &str) -> Option<usize> {
    let p = phrases::get();
    if !s.contains("clu") && !s.contains("CLU") {
        return None;
    }
    for (i, c) in s.char_indices().skip(1) {
        if !c.is_ascii_uppercase() || !(c == 'I' || c == 'E' || c == 'N') {
            continue;
        }
        let prev = s[..i].chars().next_back();
        // "Inclusion/Exclusion Criteria:" names both sections.
        if prev.is_some_and(|p| p.is_alphanumeric() || matches!(p, '/' | '-' | '&')) {
            continue;
        }
        // "Ocular Inclusion Criteria: Study Eye", "(Subject-Level Exclusion
        // Criteria:)": a few capitalised words alone before the phrase name
        // the header; it is not split from them.
        let before = s[..i].trim_start_matches(|c: char| !c.is_alphanumeric());
        let words: Vec<&str> = before.split_whitespace().collect();
        if words.len() <= 3 && words.iter().all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())) {
            continue;
        }
        let Some(h) = p.inclusion_headers.iter().chain(&p.exclusion_headers).find(|h| h.contains(' ') && starts_word_ci(&s[i..], h)) else {
            continue;
        };
        let prev_word: String = s[..i].split_whitespace().next_back().unwrap_or("").chars().filter(|c| c.is_alphanumeric()).flat_map(crate::atoms::case::lower).collect();
        if p.header_prefix_stop_words.contains(&prev_word) {
            continue;
        }
        let phrase = &s[i..i + h.len()];
        let caps = phrase.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
        let j = skip_emphasis(s, i + h.len());
        let colon = s[j..].starts_with([':', '：']);
        let listed = caps && (s[j..].trim().is_empty() || !markers::read(&s[j..], Place::LineStart).is_empty());
        if colon || listed {
            // "… Key Exclusion Criteria:": the qualifier belongs to the header.
            let before = s[..i].trim_end();
            let start = p
                .header_qualifiers
                .iter()
                .find(|q| {
                    // `get`: the cut may fall inside a character.
                    let cut = before.len().saturating_sub(q.len());
                    before.get(cut..).is_some_and(|t| t.eq_ignore_ascii_case(q)) && before.get(..cut).is_some_and(|b| b.ends_with(char::is_whitespace))
                })
                .map_or(i, |q| before.len() - q.len());
            return Some(start);
        }
    }
    None
}

fn skip_emphasis(s: &str, mut i: usize) -> usize {
    while let Some(c) = s[i..].chars().next() {
        if matches!(c, '*' | '_' | ' ' | '\t') {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// Whether `s` starts with the lower-case ASCII `word`, ignoring case, and
/// the word ends there.
fn starts_word_ci(s: &str, word: &str) -> bool {
    // The first byte rules out almost every word before the full comparison.
    if let (Some(a), Some(b)) = (s.as_bytes().first(), word.as_bytes().first()) {
        if !a.eq_ignore_ascii_case(b) {
            return false;
        }
    }
    let Some(head) = s.get(..word.len()) else { return false };
    head.eq_ignore_ascii_case(word) && !s[word.len()..].chars().next().is_some_and(char::is_alphanumeric)
}

/// A stretch of text to lay out: a line, or the rest of a header line.
#[derive(Clone, Copy, Debug)]
struct Piece {
    line: Line,
    /// A note whatever it says (a general header, a repeated section header).
    note: bool,
}

struct Plan {
    section: Section,
    header: Option<Span>,
    pieces: Vec<Piece>,
    /// Pieces before this index precede the header (text before the first header).
    after_header: usize,
}

fn plan_sections(text: &str, lines: &[Line], diags: &mut Vec<Diagnostic>) -> Vec<Plan> {
    let mut plans: Vec<Plan> = Vec::new();
    let mut pre: Vec<Piece> = Vec::new();
    // Each line with its header when it was read already (a whole line
    // is; the part before a header inside it is read again).
    let mut queue: Vec<(Line, Option<Option<(HeaderKind, usize)>>)> = Vec::new();
    for &whole in lines {
        // "… (MAB) Exclusion Criteria:• Patient has …": a header inside the
        // line ends the text before it there.
        let mut line = whole;
        loop {
            let ws = Span::new(line.start, line.end).slice(text);
            let head = header(ws);
            let from = head.map_or(0, |(_, len)| len);
            match header_inside(&ws[from..]).map(|at| at + from) {
                Some(at) if at > 0 && !ws[..at].trim().is_empty() => {
                    queue.push((Line { end: line.start + ws[..at].trim_end().len(), ..line }, None));
                    line = Line { start: line.start + at, blank_before: false, ..line };
                }
                _ => {
                    queue.push((line, Some(head)));
                    break;
                }
            }
        }
    }
    for (line, head) in queue {
        let s = Span::new(line.start, line.end).slice(text);
        let target = |plans: &mut Vec<Plan>, pre: &mut Vec<Piece>, piece: Piece| match plans.last_mut() {
            Some(p) => p.pieces.push(piece),
            None => pre.push(piece),
        };
        match head.unwrap_or_else(|| header(s)) {
            Some((HeaderKind::General, _)) => target(&mut plans, &mut pre, Piece { line, note: true }),
            Some((HeaderKind::Section(section), len)) => {
                let head = Span::new(line.start, line.start + len);
                let rest_text = &s[len..];
                let rest_start = line.start + len + (rest_text.len() - rest_text.trim_start().len());
                let rest = Line { start: rest_start, blank_before: false, ..line };
                let repeated = plans.last().is_some_and(|p| p.section == section && p.pieces.iter().all(|x| x.note));
                if repeated {
                    let p = plans.last_mut().expect("checked above");
                    p.pieces.push(Piece { line: Line { end: head.end, ..line }, note: true });
                } else {
                    plans.push(Plan { section, header: Some(head), pieces: Vec::new(), after_header: 0 });
                }
                if rest.start < rest.end {
                    plans.last_mut().expect("pushed above").pieces.push(Piece { line: rest, note: false });
                }
            }
            None => target(&mut plans, &mut pre, Piece { line, note: false }),
        }
    }
    if !pre.is_empty() {
        let content = pre.iter().any(|p| !p.note);
        match plans.first_mut() {
            Some(first) if !(first.section == Section::Exclusion && content) => {
                first.after_header = pre.len();
                pre.append(&mut first.pieces);
                first.pieces = pre;
            }
            _ => {
                if content {
                    let at = pre.iter().find(|p| !p.note).map(|p| Span::new(p.line.start, p.line.end));
                    diags.push(Diagnostic::warning("criteria text before any section header; read as inclusion", at));
                }
                plans.insert(0, Plan { section: Section::Inclusion, header: None, pieces: pre, after_header: 0 });
            }
        }
    }
    plans
}

/// A node while the tree is being laid out.
#[derive(Debug)]
struct Node {
    kind: NodeKind,
    start: usize,
    /// End of the node's own text (children may end later).
    end: usize,
    marker: Option<Span>,
    children: Vec<usize>,
    cohort: Option<String>,
}

/// One open list: the node whose children it holds and how they are marked.
#[derive(Clone, Copy, Debug)]
struct Level {
    node: usize,
    style: Option<Style>,
    last: u32,
    indent: usize,
}

struct Arena<'t> {
    text: &'t str,
    nodes: Vec<Node>,
}

/// The state of one section's layout.
struct Layout {
    section: usize,
    stack: Vec<Level>,
    /// The node the next continuation line belongs to.
    cur: Option<usize>,
    cur_indent: usize,
    cur_marked: bool,
    cohorts: usize,
    /// An item that may not take sub-items (it stands before a header).
    closed: Option<usize>,
}

impl<'t> Arena<'t> {
    fn new_node(&mut self, kind: NodeKind, start: usize, end: usize, marker: Option<Span>) -> usize {
        self.nodes.push(Node { kind, start, end, marker, children: Vec::new(), cohort: None });
        self.nodes.len() - 1
    }

    fn own_text(&self, n: usize) -> &'t str {
        let node = &self.nodes[n];
        let from = node.marker.map_or(node.start, |m| m.end);
        Span::new(from, node.end).slice(self.text).trim()
    }

    fn ends_with_colon(&self, n: usize) -> bool {
        self.nodes[n].kind != NodeKind::Note && self.own_text(n).ends_with([':', '：'])
    }

    fn build_section(&mut self, plan: &Plan, wrap: Option<usize>, cohort_names: &mut Vec<String>) -> usize {
        let (start, end) = match plan.header {
            Some(h) => (h.start, h.end),
            None => plan.pieces.first().map_or((0, 0), |p| (p.line.start, p.line.start)),
        };
        let section = self.new_node(NodeKind::Section, start, end, None);
        let mut lay = Layout {
            section,
            stack: vec![Level { node: section, style: None, last: 0, indent: 0 }],
            cur: None,
            cur_indent: 0,
            cur_marked: false,
            cohorts: 0,
            closed: None,
        };
        for (i, piece) in plan.pieces.iter().enumerate() {
            if i == plan.after_header && i > 0 {
                // Nothing before the header takes items after it.
                lay.stack.truncate(1);
                lay.cur = None;
                lay.closed = self.nodes[section].children.last().copied();
            }
            self.piece(plan.section, piece, wrap, &mut lay, cohort_names);
        }
        let first_piece = plan.pieces.first().map(|p| p.line.start);
        if let Some(s) = first_piece {
            let node = &mut self.nodes[section];
            node.start = node.start.min(s);
        }
        section
    }

    fn piece(&mut self, section: Section, piece: &Piece, wrap: Option<usize>, lay: &mut Layout, cohort_names: &mut Vec<String>) {
        let line = piece.line;
        let s = Span::new(line.start, line.end).slice(self.text);
        // "… except CD19-CART. 4. AID": a line may end by naming the next
        // cohort of the exclusion list; lay the two parts out apart.
        if section == Section::Exclusion && !piece.note {
            if let Some(at) = trailing_cohort(s, cohort_names) {
                let head = Line { end: line.start + s[..at].trim_end().len(), ..line };
                let tail = Line { start: line.start + at, blank_before: false, ..line };
                self.piece(section, &Piece { line: head, note: false }, wrap, lay, cohort_names);
                self.piece(section, &Piece { line: tail, note: false }, wrap, lay, cohort_names);
                return;
            }
        }
        let root = lay.stack[0].node;
        if piece.note {
            let n = self.new_node(NodeKind::Note, line.start, line.end, None);
            self.nodes[root].children.push(n);
            lay.stack.truncate(1);
            lay.cur = None;
            return;
        }
        let marker = line_marker(s, &lay.stack).or_else(|| {
            let (v, len) = markers::read_weak(s)?;
            let level = lay.stack.iter().rev().find(|l| {
                matches!(l.style, Some(Style::NumDot | Style::NumParen | Style::ParenNum)) && l.last + 1 == v
            })?;
            Some((Marker { style: level.style?, value: v, len }, len))
        });
        if marker.is_none() && lay.cur.is_some() && is_continuation(self.text, &line, wrap, lay) {
            let cur = lay.cur.expect("checked above");
            self.nodes[cur].end = line.end;
            if self.nodes[cur].kind != NodeKind::Note {
                self.scan_inline(line.start, line.end, line.indent, lay);
            }
            return;
        }
        let body_at = marker.map_or(0, |(_, len)| len);
        let body = s[body_at..].trim_start();
        let marker_span = marker.map(|(_, len)| Span::new(line.start, line.start + len));
        let body_start = line.end - body.len();

        // A cohort head opens a cohort node directly under the section.
        if let Some(name) = cohort_head(body, section, cohort_names, lay.cohorts > 0) {
            let n = self.new_node(NodeKind::Cohort, line.start, line.end, marker_span);
            self.nodes[n].cohort = Some(name.clone());
            if section == Section::Inclusion && !cohort_names.contains(&name) {
                cohort_names.push(name);
            }
            self.nodes[lay.section].children.push(n);
            lay.cohorts += 1;
            lay.stack = vec![Level { node: n, style: None, last: 0, indent: line.indent }];
            lay.cur = Some(n);
            lay.cur_indent = line.indent;
            lay.cur_marked = marker.is_some();
            self.scan_inline(body_start, line.end, line.indent, lay);
            return;
        }
        if marker.is_none() && (is_note(body) || !body.chars().any(char::is_alphanumeric)) {
            let n = self.new_node(NodeKind::Note, line.start, line.end, None);
            self.nodes[root].children.push(n);
            lay.stack.truncate(1);
            lay.cur = Some(n);
            lay.cur_indent = line.indent;
            lay.cur_marked = false;
            return;
        }
        let n = match marker {
            Some((m, len)) => self.place_line_marked(m, line.start, line.start + len, line.end, line.indent, lay),
            None => {
                while lay.stack.len() > 1 && lay.stack.last().is_some_and(|l| l.indent >= line.indent) {
                    lay.stack.pop();
                }
                let top = lay.stack.last().expect("the root level stays").node;
                let n = self.new_node(NodeKind::Criterion, line.start, line.end, None);
                self.nodes[top].children.push(n);
                n
            }
        };
        lay.cur = Some(n);
        lay.cur_indent = line.indent;
        lay.cur_marked = marker.is_some();
        self.scan_inline(body_start, line.end, line.indent, lay);
    }

    /// The item a new sub-list would go under: the last child of the top
    /// level, when it can hold one.
    fn current_item(&self, lay: &Layout) -> Option<usize> {
        let top = lay.stack.last()?;
        let last = *self.nodes[top.node].children.last()?;
        (matches!(self.nodes[last].kind, NodeKind::Criterion | NodeKind::Group) && lay.closed != Some(last)).then_some(last)
    }

    fn add_child(&mut self, parent: usize, start: usize, marker_end: usize, end: usize) -> usize {
        let n = self.new_node(NodeKind::Criterion, start, end, Some(Span::new(start, marker_end)));
        self.nodes[parent].children.push(n);
        n
    }

    fn place_line_marked(&mut self, m: Marker, start: usize, marker_end: usize, end: usize, indent: usize, lay: &mut Layout) -> usize {
        // Of the open lists in this style, the deepest one not indented
        // deeper than the item (one column of slack).
        let same = || (0..lay.stack.len()).filter(|&i| lay.stack[i].style == Some(m.style));
        let found = same().rev().find(|&i| lay.stack[i].indent <= indent + 1).or_else(|| same().next());
        let item = self.current_item(lay);
        let can_nest = lay.stack.len() < MAX_DEPTH;
        let top = *lay.stack.last().expect("the root level stays");
        let lead_in = item.is_some_and(|it| self.ends_with_colon(it));
        // Only a marked item takes sub-items by indentation alone: an
        // indented list after a paragraph is a list of its own.
        let indented_under = |arena: &Arena, indent_above: usize| {
            indent > indent_above && item.is_some_and(|it| arena.nodes[it].marker.is_some())
        };
        if let Some(i) = found {
            let level = lay.stack[i];
            let in_sequence = m.style.is_bullet() || (m.value > level.last && m.value <= level.last + 3);
            // "* a\n  * b": a list in the same style indented under the item.
            let deeper_same = (m.style.is_bullet() || m.value == 1) && indent > level.indent + 1 && indented_under(self, level.indent);
            let restart = !in_sequence && m.value == 1 && (lead_in || indented_under(self, level.indent));
            if can_nest && (deeper_same || restart) {
                if let Some(it) = item {
                    lay.stack.push(Level { node: it, style: Some(m.style), last: m.value, indent });
                    return self.add_child(it, start, marker_end, end);
                }
            }
            lay.stack.truncate(i + 1);
            let level = &mut lay.stack[i];
            level.last = m.value;
            let parent = level.node;
            return self.add_child(parent, start, marker_end, end);
        }
        let nest = item.is_some() && can_nest && (lead_in || indented_under(self, top.indent));
        if let (true, Some(it)) = (nest, item) {
            lay.stack.push(Level { node: it, style: Some(m.style), last: m.value, indent });
            return self.add_child(it, start, marker_end, end);
        }
        let level = lay.stack.last_mut().expect("the root level stays");
        if level.style.is_none() {
            level.style = Some(m.style);
            level.last = m.value;
            level.indent = indent;
        }
        let parent = level.node;
        self.add_child(parent, start, marker_end, end)
    }

    /// Splits the current node at markers inside a line ("…。 (4) Renal …",
    /// "…: 1) DAS28 …; or 2) …"). A marker inside a line counts only where
    /// it continues a list (the next number) or opens one after a colon,
    /// and only after `.` `;` `:` `。` `；` `：` (and an optional "or"/"and").
    fn scan_inline(&mut self, from: usize, to: usize, indent: usize, lay: &mut Layout) {
        let Some(s) = self.text.get(from..to) else { return };
        let mut skip_to = 0;
        // By bytes: the punctuation sought is ASCII or starts with 0xE3 or
        // 0xEF (lead bytes, so `i` is at a character there).
        for (i, &b) in s.as_bytes().iter().enumerate() {
            if i < skip_to || !matches!(b, b'.' | b';' | b':' | 0xE3 | 0xEF) {
                continue;
            }
            let Some(c) = s[i..].chars().next().filter(|c| matches!(c, '.' | ';' | ':' | '。' | '；' | '：')) else { continue };
            let prev = s[..i].chars().next_back();
            if matches!(c, ':' | '.') && prev.is_some_and(|p| p.is_ascii_digit()) {
                // "1:80", "7.5": not a boundary.
                if s[i + 1..].starts_with(|n: char| n.is_ascii_digit()) {
                    continue;
                }
            }
            let mut j = i + c.len_utf8();
            j += leading_ws(&s[j..], 8);
            for conj in ["and/or ", "or ", "and "] {
                if starts_word_ci(&s[j..], conj.trim_end()) && s[j..].len() > conj.len() {
                    let k = j + conj.len() - 1;
                    let ws = leading_ws(&s[k..], 8);
                    if ws > 0 {
                        j = k + ws;
                        break;
                    }
                }
            }
            if j >= s.len() {
                break;
            }
            let colon = matches!(c, ':' | '：');
            for m in markers::read(&s[j..], Place::Inline) {
                let at = from + j;
                if let Some(_n) = self.place_inline(m, at, at + m.len, to, indent, colon, lay) {
                    skip_to = j + m.len;
                    break;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn place_inline(&mut self, m: Marker, start: usize, marker_end: usize, end: usize, indent: usize, colon: bool, lay: &mut Layout) -> Option<usize> {
        let cur = lay.cur?;
        let found = (0..lay.stack.len()).rev().find(|&i| lay.stack[i].style == Some(m.style) && m.value == lay.stack[i].last + 1);
        let close_cur = |arena: &mut Arena| {
            let before = Span::new(arena.nodes[cur].start, start).slice(arena.text);
            arena.nodes[cur].end = arena.nodes[cur].start + before.trim_end().len();
        };
        if let Some(i) = found {
            close_cur(self);
            lay.stack.truncate(i + 1);
            let level = &mut lay.stack[i];
            level.last = m.value;
            let parent = level.node;
            let n = self.add_child(parent, start, marker_end, end);
            lay.cur = Some(n);
            return Some(n);
        }
        if m.value != 1 || !colon {
            return None;
        }
        close_cur(self);
        let top = lay.stack.last_mut().expect("the root level stays");
        if top.node == cur && top.style.is_none() {
            // The current node is the container itself (a cohort head).
            top.style = Some(m.style);
            top.last = 1;
            let n = self.add_child(cur, start, marker_end, end);
            lay.cur = Some(n);
            return Some(n);
        }
        let top_node = top.node;
        let parent = if lay.stack.len() < MAX_DEPTH && top_node != cur {
            lay.stack.push(Level { node: cur, style: Some(m.style), last: 1, indent });
            cur
        } else {
            top_node
        };
        let n = self.add_child(parent, start, marker_end, end);
        lay.cur = Some(n);
        Some(n)
    }

    /// Turns the laid-out node into a `Criterion` (ids are set later).
    fn to_criterion(&self, n: usize, section: Section) -> Criterion {
        let node = &self.nodes[n];
        let children: Vec<Criterion> = node.children.iter().map(|&c| self.to_criterion(c, section)).collect();
        let end = children.last().map_or(node.end, |c| c.span.end.max(node.end));
        let start = children.first().map_or(node.start, |c| c.span.start.min(node.start));
        let span = Span::new(start, end);
        // The node's own text: its span less its children's, less its marker.
        let mut own = String::new();
        let mut at = node.marker.map_or(span.start, |m| m.end);
        for c in &children {
            if c.span.start > at {
                own.push_str(Span::new(at, c.span.start).slice(self.text));
                own.push(' ');
            }
            at = at.max(c.span.end);
        }
        if span.end > at {
            own.push_str(Span::new(at, span.end).slice(self.text));
        }
        let mut c = Criterion::new(String::new(), section, node.kind, span, fold_ws(&own));
        c.marker = node.marker.map(|m| fold_ws(m.slice(self.text)));
        c.children = children;
        c.cohort = node.cohort.clone();
        c
    }
}

fn leading_ws(s: &str, max: usize) -> usize {
    let mut n = 0;
    for (count, c) in s.chars().enumerate() {
        if count >= max || !c.is_whitespace() {
            break;
        }
        n += c.len_utf8();
    }
    n
}

/// The marker a line starts with and its length; a bullet followed by a
/// numbered marker ("* ( 1) …", "• (1) …") counts as the numbered one.
fn line_marker(s: &str, levels: &[Level]) -> Option<(Marker, usize)> {
    // "i." may be roman one or the letter after "h.": take the reading that
    // continues an open list.
    let pick = |cands: Vec<Marker>| -> Option<Marker> {
        let cont = cands.iter().find(|m| levels.iter().any(|l| l.style == Some(m.style) && l.last + 1 == m.value));
        cont.or(cands.first()).copied()
    };
    let m = pick(markers::read(s, Place::LineStart))?;
    let after = &s[m.len..];
    let ws = leading_ws(after, 8);
    if m.style.is_bullet() {
        let inner: Vec<Marker> = markers::read(&after[ws..], Place::LineStart).into_iter().filter(|i| !i.style.is_bullet()).collect();
        if let Some(inner) = pick(inner) {
            return Some((inner, m.len + ws + inner.len));
        }
    }
    // A marker alone on its line is still a marker; a line of dashes is not.
    if m.style.is_bullet() && after.trim().chars().all(|c| BULLET_RULE.contains(&c)) && !after.trim().is_empty() {
        return None;
    }
    Some((m, m.len))
}

const BULLET_RULE: &[char] = &['-', '*', '=', '_', '–'];

fn is_continuation(text: &str, line: &Line, wrap: Option<usize>, lay: &Layout) -> bool {
    let s = Span::new(line.start, line.end).slice(text);
    if !line.blank_before {
        let wrapped = wrap.is_some_and(|w| line.prev_chars + 25 >= w && line.prev_chars >= 40);
        let lower = s.chars().next().is_some_and(|c| c.is_lowercase());
        return wrapped || lower || (lay.cur_marked && line.indent > line.prev_indent);
    }
    // A paragraph indented under a marked item belongs to it (markdown).
    lay.cur_marked && line.indent > lay.cur_indent && line.indent > 0
}

/// Whether an unmarked paragraph is a note rather than a criterion:
/// "Definition: …", or a lead-in about the list ending with ":".
fn is_note(body: &str) -> bool {
    let p = phrases::get();
    let head: String = body.chars().take(24).collect::<String>().lower();
    if p.note_prefixes.iter().any(|w| {
        head.starts_with(w.as_str()) && head[w.len()..].trim_start().starts_with([':', '：'])
    }) {
        return true;
    }
    if body.ends_with([':', '：']) && body.len() <= 300 {
        let l = phrases::norm(body);
        return p.lead_in_note_words.iter().any(|w| phrases::contains_phrase(&l, w));
    }
    false
}

/// The name of the cohort a line opens, if it opens one.
fn cohort_head(body: &str, section: Section, known: &[String], have_cohorts: bool) -> Option<String> {
    let p = phrases::get();
    let colon = body.char_indices().take(80).find(|(_, c)| matches!(c, ':' | '：')).map(|(i, c)| (i, i + c.len_utf8()));
    let head = colon.map_or(body, |(i, _)| &body[..i]).trim();
    if head.is_empty() || head.len() > 240 {
        return None;
    }
    let words: Vec<&str> = head.split_whitespace().take(8).collect();
    // "Cohort A:", "Stratum II", "Part 1 (dose escalation):"
    if let Some(first) = words.first() {
        let first_l = first.lower();
        // "Part 1 Only: subjects carrying …" restricts one item; it is no cohort.
        let ident = words.get(1).is_some_and(|w| w.chars().count() <= 5)
            && (words.len() <= 2 || words[2].starts_with(['(', '-', '–']) || colon.is_some_and(|(_, a)| body[a..].trim().is_empty()));
        let short = head.len() <= 40 && (colon.is_some() || body.len() <= 40);
        if p.cohort_words.contains(&first_l) && ident && short {
            return Some(head.to_string());
        }
    }
    if words.is_empty() || words.len() > 6 || head.chars().count() > 60 {
        return None;
    }
    // "Specific Inclusion Criteria Participant Group A:" — a line that ends
    // naming a cohort, with nothing after its colon.
    let bare = colon.is_some_and(|(_, after)| body[after..].trim().is_empty());
    if bare && words.len() >= 2 {
        let word = words[words.len() - 2].lower();
        if p.cohort_words.contains(&word) && words[words.len() - 1].chars().count() <= 5 {
            return Some(head.to_string());
        }
    }
    match section {
        Section::Inclusion => {
            let (_, after) = colon?;
            let rest: String = body[after..].chars().take(300).collect();
            // Every cohort phrase speaks of being enrolled or included.
            if !(have_cohorts || rest.contains("nrolled") || rest.contains("ncluded") || rest.contains("NROLLED") || rest.contains("NCLUDED")) {
                return None;
            }
            let rest = phrases::norm(&rest);
            if p.cohort_phrases.iter().any(|c| phrases::contains_phrase(&rest, c)) {
                return Some(head.to_string());
            }
            if have_cohorts && words.len() >= 2 {
                let last = words[words.len() - 1].lower();
                if p.cohort_definition_words.contains(&last) {
                    return Some(words[..words.len() - 1].join(" "));
                }
            }
            None
        }
        Section::Exclusion => {
            if known.is_empty() {
                return None;
            }
            if colon.is_some_and(|(_, after)| !body[after..].trim().is_empty()) {
                return None;
            }
            let k = key(head);
            known.iter().find(|n| key(n) == k || abbreviation(n).is_some_and(|a| key(a) == k)).cloned()
        }
    }
}

/// Where a line's last sentence, a list marker and a known cohort name
/// ("… CD19-CART. 4. AID"), starts, if it ends that way.
fn trailing_cohort(s: &str, known: &[String]) -> Option<usize> {
    if known.is_empty() {
        return None;
    }
    let from = s.len().saturating_sub(80);
    let from = (from..s.len()).find(|&i| s.is_char_boundary(i))?;
    // Try the last few sentence ends (the marker's own "." is one of them).
    let mut end = s.len();
    for _ in 0..3 {
        let cut = s[from..end].rfind(['.', ';', '。', '；'])? + from;
        end = cut;
        let after_cut = cut + s[cut..].chars().next().map_or(1, char::len_utf8);
        let tail = s[after_cut..].trim_start();
        let at = s.len() - tail.len();
        if tail.is_empty() {
            continue;
        }
        let Some((m, len)) = line_marker(tail, &[]) else { continue };
        if m.style.is_bullet() {
            continue;
        }
        let k = key(tail[len..].trim().trim_end_matches([':', '：']));
        if !k.is_empty() && known.iter().any(|n| key(n) == k || abbreviation(n).is_some_and(|a| key(a) == k)) {
            return Some(at);
        }
    }
    None
}

/// Letters and digits only, lower case: "Refractory Lupus Nephritis (LN)"
/// and "Refractory Lupus Nephritis(LN)" compare equal.
fn key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(crate::atoms::case::lower).collect()
}

/// "Refractory Lupus Nephritis(LN)" → "LN".
fn abbreviation(s: &str) -> Option<&str> {
    let s = s.trim_end();
    let inner = s.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let a = inner[open + 1..].trim();
    (!a.is_empty() && a.len() <= 12).then_some(a)
}

/// Folds runs of white space into one space.
pub(crate) fn fold_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // Without decoding characters: ASCII white space is 0x09..=0x0D and the space.
        let b = s.as_bytes();
        let white = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
        // Most text is folded already (single spaces, none at either end):
        // copied as it is.
        let mut after_white = true;
        let mut folded = true;
        for &c in b {
            let w = white(c);
            if w && (after_white || c != b' ') {
                folded = false;
                break;
            }
            after_white = w;
        }
        if folded && !after_white {
            out.push_str(s);
            return out;
        }
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && white(b[i]) {
                i += 1;
            }
            let start = i;
            while i < b.len() && !white(b[i]) {
                i += 1;
            }
            if start < i {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[start..i]);
            }
        }
        return out;
    }
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ws_joins_the_words_with_single_spaces() {
        for s in ["", " ", "a", "a b", " a b", "a b ", "a  b", "a\tb", "a \n b", "a\u{b}b", "\t", "x y z  ", "naïve  café", "a\u{a0}b", "a\u{1c}b"] {
            assert_eq!(fold_ws(s), s.split_whitespace().collect::<Vec<_>>().join(" "), "{s:?}");
        }
    }

    #[test]
    fn reads_headers() {
        fn h(s: &str) -> Option<(HeaderKind, &str)> {
            header(s).map(|(k, len)| (k, &s[..len]))
        }
        let inc = HeaderKind::Section(Section::Inclusion);
        let exc = HeaderKind::Section(Section::Exclusion);
        assert_eq!(h("Inclusion Criteria:"), Some((inc, "Inclusion Criteria:")));
        assert_eq!(h("INCLUSION CRITERIA"), Some((inc, "INCLUSION CRITERIA")));
        assert_eq!(h("**Key Inclusion Criteria**"), Some((inc, "**Key Inclusion Criteria**")));
        assert_eq!(h("## Exclusion criteria:"), Some((exc, "## Exclusion criteria:")));
        assert_eq!(h("Inclusion"), Some((inc, "Inclusion")));
        assert_eq!(h("Inclusion criteria for part A:"), Some((inc, "Inclusion criteria for part A:")));
        assert_eq!(h("Inclusion Criteria 1. Refractory"), Some((inc, "Inclusion Criteria")));
        assert_eq!(h("Exclusion Criteria: Pregnancy"), Some((exc, "Exclusion Criteria:")));
        assert_eq!(h("Eligibility Criteria"), Some((HeaderKind::General, "Eligibility Criteria")));
        assert_eq!(h("Inclusion criteria. Age ≥22."), Some((inc, "Inclusion criteria.")));
        assert_eq!(h("Inclusion Criteria Stage 1"), Some((inc, "Inclusion Criteria Stage 1")));
        assert_eq!(h("Exclusion Criteria Related to NSCLC:"), Some((exc, "Exclusion Criteria Related to NSCLC:")));
        assert_eq!(h("Maternal inclusion Criteria:"), Some((inc, "Maternal inclusion Criteria:")));
        assert_eq!(h("Core Treatment - Inclusion Criteria:"), Some((inc, "Core Treatment - Inclusion Criteria:")));
        assert_eq!(h("Transplant Exclusion:"), Some((exc, "Transplant Exclusion:")));
        assert_eq!(h("* Patients not meeting all of the inclusion criteria"), None);
        assert_eq!(h("Meets the inclusion criteria:"), None);
        assert_eq!(h("Inclusion of patients with SLE"), None);
        assert_eq!(h("Inclusion criteria of the parent study met"), None);
        assert_eq!(h("Exclusion criteria apply to all"), None);
    }
}
