//! What is decided once a section's nodes are laid out: node kinds,
//! alternatives between diseases, the `any` group over cohorts, logic,
//! `appliesIf` and ids.

use super::phrases::{self, contains_phrase, norm};
use crate::atoms::text::Lower;
use crate::criteria::{AppliesIf, Criterion, Logic, NodeKind, Section};
use crate::span::Span;

/// Finishes a section node laid out by the builder and gives ids below `id`.
pub(super) fn finish(text: &str, section: &mut Criterion, id: String) {
    kinds(section);
    group_cohorts(section);
    adopt_after_any_lead_in(section);
    if section.section == Section::Inclusion {
        disease_alternatives(text, section);
    }
    close_or_runs(text, section);
    logic(text, section);
    applies_if(text, section, &mut Vec::new());
    ids(section, id);
}

fn kinds(node: &mut Criterion) {
    if node.kind == NodeKind::Criterion && !node.children.is_empty() {
        node.kind = NodeKind::Group;
    }
    for c in &mut node.children {
        kinds(c);
    }
}

/// In an inclusion section whose cohorts follow general items, the cohorts
/// go into one `any` group: the patient joins one of them.
fn group_cohorts(section: &mut Criterion) {
    let Some(first) = section.children.iter().position(|c| c.kind == NodeKind::Cohort) else { return };
    let general = section.children[..first].iter().any(|c| c.kind != NodeKind::Note);
    if section.section != Section::Inclusion || !general {
        return;
    }
    let cohorts: Vec<Criterion> = section.children.drain(first..).collect();
    section.children.push(wrapper(section.section, cohorts, Logic::Any));
}

/// A group with no text of its own around `children`.
fn wrapper(section: Section, children: Vec<Criterion>, logic: Logic) -> Criterion {
    let span = Span::new(
        children.first().map_or(0, |c| c.span.start),
        children.last().map_or(0, |c| c.span.end),
    );
    let mut g = Criterion::new(String::new(), section, NodeKind::Group, span, String::new());
    g.children = children;
    g.logic = Some(logic);
    g
}

/// "Patients who … meet any one below can be enrolled." ends a childless
/// item; the items after it in the same list are its alternatives.
fn adopt_after_any_lead_in(node: &mut Criterion) {
    let p = phrases::get();
    let mut i = 0;
    while i + 1 < node.children.len() {
        let c = &node.children[i];
        if c.kind != NodeKind::Criterion {
            i += 1;
            continue;
        }
        let tail: String = {
            let t = &c.text;
            let cut = t.char_indices().rev().nth(59).map_or(0, |(k, _)| k);
            t[cut..].to_ascii_lowercase()
        };
        let lead = c.kind == NodeKind::Criterion
            && (tail.contains("below") || tail.contains("following"))
            && p.any_phrases.iter().any(|a| (a.contains("below") || a.contains("following")) && contains_phrase(&tail, a));
        let next_marked = node.children[i + 1].marker.is_some();
        if lead && next_marked {
            let rest: Vec<Criterion> = node.children.drain(i + 1..).collect();
            let c = &mut node.children[i];
            c.span = Span::new(c.span.start, rest.last().map_or(c.span.end, |r| r.span.end));
            c.children = rest;
            c.kind = NodeKind::Group;
            break;
        }
        i += 1;
    }
    for c in &mut node.children {
        adopt_after_any_lead_in(c);
    }
}

/// Two or more sibling items that each start with a disease name and a
/// colon ("RA: …", "systemic lupus erythematosus : …") are alternatives.
/// A name counts as a disease when the lexicon knows it as a condition or
/// the item names it again after the colon ("RA: Documented diagnosis of RA").
fn disease_alternatives(text: &str, node: &mut Criterion) {
    for c in &mut node.children {
        disease_alternatives(text, c);
    }
    if node.children.len() < 2 {
        return;
    }
    let flags: Vec<bool> = node.children.iter().map(|c| c.kind != NodeKind::Note && disease_heading(&c.text)).collect();
    let mut out: Vec<Criterion> = Vec::with_capacity(node.children.len());
    let mut run: Vec<Criterion> = Vec::new();
    for (c, f) in node.children.drain(..).zip(flags) {
        if f {
            run.push(c);
            continue;
        }
        flush(&mut out, &mut run, node.section);
        out.push(c);
    }
    flush(&mut out, &mut run, node.section);
    node.children = out;
    let _ = text;
}

fn flush(out: &mut Vec<Criterion>, run: &mut Vec<Criterion>, section: Section) {
    if run.len() >= 2 {
        out.push(wrapper(section, std::mem::take(run), Logic::Any));
    } else {
        out.append(run);
    }
}

fn disease_heading(text: &str) -> bool {
    let Some(colon) = text.char_indices().take(60).find(|(_, c)| matches!(c, ':' | '：')).map(|(i, _)| i) else {
        return false;
    };
    let name = text[..colon].trim();
    let words = name.split_whitespace().count();
    if name.is_empty() || words > 5 || name.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let known = crate::lexicon::get()
        .lookup(name)
        .is_some_and(|c| c.kind == crate::lexicon::ConceptKind::Condition);
    if known {
        return true;
    }
    let rest = norm(&text[colon..]);
    contains_phrase(&rest, &norm(name))
}

/// In "…: 1) A; or 2) B; or 3) C; Treatment with X …" the alternatives end
/// with C: the sentence after it is the lead-in's again (it holds for the
/// whole group), so the last alternative stops at "; Treatment".
fn close_or_runs(text: &str, node: &mut Criterion) {
    for c in &mut node.children {
        close_or_runs(text, c);
    }
    let n = node.children.len();
    if n < 2 || !matches!(node.kind, NodeKind::Group | NodeKind::Criterion) {
        return;
    }
    let ors = node.children[..n - 1].iter().all(|c| {
        let t = c.text.lower();
        t.ends_with(" or") || t.ends_with(";or")
    });
    let last = &node.children[n - 1];
    if !ors || !last.children.is_empty() {
        return;
    }
    let s = last.span.slice(text);
    let mut cut = None;
    for (i, c) in s.char_indices() {
        if matches!(c, ';' | '；') {
            let rest = &s[i + c.len_utf8()..];
            let trimmed = rest.trim_start();
            if trimmed.len() < rest.len() && trimmed.starts_with(|c: char| c.is_uppercase()) {
                cut = Some(i + c.len_utf8());
                break;
            }
        }
    }
    let Some(cut) = cut else { return };
    let last = &mut node.children[n - 1];
    last.span = Span::new(last.span.start, last.span.start + cut);
    last.text = strip_marker(own_text(text, last), last.marker.as_deref());
    node.text = strip_marker(own_text(text, node), node.marker.as_deref());
}

/// The node's own text (its span less its children's), white space folded.
fn own_text(text: &str, node: &Criterion) -> String {
    let parts: Vec<&str> = node.own_spans().iter().map(|s| s.slice(text)).collect();
    super::fold_ws(&parts.join(" "))
}

fn strip_marker(t: String, marker: Option<&str>) -> String {
    match marker.and_then(|m| t.strip_prefix(m)) {
        Some(rest) => rest.trim_start().to_string(),
        None => t,
    }
}

fn logic(text: &str, node: &mut Criterion) {
    for c in &mut node.children {
        logic(text, c);
    }
    if node.children.is_empty() || node.logic.is_some() {
        return;
    }
    let p = phrases::get();
    let l = match node.kind {
        NodeKind::Section | NodeKind::Cohort => {
            let cohorts = node.children.iter().any(|c| c.kind == NodeKind::Cohort);
            let lead_any = node.section == Section::Inclusion
                && node.children.iter().take_while(|c| c.kind == NodeKind::Note).any(|c| {
                    let t = norm(&c.text);
                    p.any_phrases.iter().any(|a| contains_phrase(&t, a))
                });
            if node.section == Section::Inclusion && (cohorts || lead_any) { Logic::Any } else { Logic::All }
        }
        _ => {
            // The lead-in says how the items below it combine; text after
            // the items does not.
            let lead_end = node.children.first().map_or(node.span.end, |c| c.span.start);
            let t = norm(Span::new(node.span.start, lead_end).slice(text));
            let trailing_or = node.children.len() >= 2
                && node.children[..node.children.len() - 1].iter().any(|c| {
                    let t = c.text.lower();
                    p.trailing_any.iter().any(|w| t.ends_with(&format!(" {w}")) || t.ends_with(&format!(";{w}")))
                });
            // Phrase first, then "…; or" between the items, then the default:
            // `all` in inclusion, `any` in exclusion (any sub-item excludes).
            // "At least 2 of the following": a count over the items. Equal
            // to the number of items it is `all`; above it, the items were
            // not all laid under the lead-in, so no count is trusted.
            let items = node.children.iter().filter(|c| c.kind != NodeKind::Note).count();
            match at_least(&t) {
                Some(n) if n >= 2 && (n as usize) < items => {
                    node.logic = Some(Logic::AtLeast(n));
                    return;
                }
                Some(n) if n >= 2 && n as usize == items => {
                    node.logic = Some(Logic::All);
                    return;
                }
                Some(1) => {
                    node.logic = Some(Logic::Any);
                    return;
                }
                _ => {}
            }
            let any = p.any_phrases.iter().any(|a| contains_phrase(&t, a));
            let all = !any && p.all_phrases.iter().any(|a| contains_phrase(&t, a));
            if any || (!all && (trailing_or || node.section == Section::Exclusion)) { Logic::Any } else { Logic::All }
        }
    };
    node.logic = Some(l);
}

/// The count a lead-in asks for: "at least 2 of the following", "≥ 2 of
/// the following regimens", "two or more of the following", "at least
/// three of:", "3 out of the following 5". The number stands before "of"
/// (or "out of"), with "at least", "≥", "a minimum of" before it or "or
/// more" after it, or "of" goes on with "the following"; what follows
/// "of" is the list ("the following", "these", "below", a number, or the
/// colon). `lead` is lower case.
fn at_least(lead: &str) -> Option<u32> {
    let p = phrases::get();
    let words: Vec<&str> = lead.split_whitespace().collect();
    let value = |w: &str| -> Option<u32> {
        let w = w.trim_start_matches(['≥', '>', '=', '(']).trim_end_matches([')', ',']);
        if let Ok(n) = w.parse::<u32>() {
            return Some(n);
        }
        p.count_words.iter().position(|c| c == w).map(|i| i as u32)
    };
    for (k, w) in words.iter().enumerate() {
        let colon = *w == "of:";
        if *w != "of" && !colon {
            continue;
        }
        // "N of", "N out of", "N or more of".
        let mut j = k;
        if j >= 1 && words[j - 1] == "out" {
            j -= 1;
        }
        let more = j >= 3 && words[j - 1] == "more" && words[j - 2] == "or";
        if more {
            j -= 2;
        }
        let Some(n) = j.checked_sub(1).and_then(|i| value(words[i])) else { continue };
        let before = &words[..j - 1];
        let glued = words[j - 1].starts_with(['≥', '>']);
        let quantified = glued
            || more
            || before.ends_with(&["at", "least"])
            || before.last().is_some_and(|b| matches!(*b, "≥" | ">=" | "any"))
            || before.ends_with(&["minimum", "of"]);
        let next = words.get(k + 1).map(|x| x.trim_end_matches([':', ',']));
        let listed = colon
            || next.is_some_and(|x| matches!(x, "the" | "following" | "these" | "below") || value(x).is_some())
            || (k + 1 == words.len() && w.ends_with(':'));
        let following = next == Some("the") && words.get(k + 2).is_some_and(|x| x.starts_with("following"));
        if listed && (quantified || following) {
            return Some(n);
        }
    }
    None
}

/// A word of the text with its byte range, trailing punctuation left out.
struct Word<'t> {
    /// The word less trailing punctuation.
    core: &'t str,
    span: Span,
    raw: &'t str,
    /// The lists with a phrase this word starts (`phrases::STARTS_*`).
    starts: u8,
}

impl Word<'_> {
    /// Whether the word is `lower` (a lower-case phrase word), ignoring case.
    #[inline]
    fn is(&self, lower: &str) -> bool {
        // The lengths differ for almost every pair: no call for those.
        self.core.len() == lower.len() && self.core.eq_ignore_ascii_case(lower)
    }
}

/// The first `max` words of `span`, into `out` (cleared first).
fn words<'t>(text: &'t str, span: Span, max: usize, out: &mut Vec<Word<'t>>) {
    out.clear();
    let p = phrases::get();
    let s = span.slice(text);
    let bytes = s.as_bytes();
    let mut start = None;
    let mut i = 0;
    loop {
        // Whether white space is at `i` (the end of the text is), and the
        // length of its character; ASCII without decoding.
        let (white, len) = match bytes.get(i) {
            None => (true, 0),
            Some(&b) if b.is_ascii() => (matches!(b, b'\t'..=b'\r' | b' '), 1),
            Some(_) => s[i..].chars().next().map_or((true, 0), |c| (c.is_whitespace(), c.len_utf8())),
        };
        match (white, start) {
            (false, None) => start = Some(i),
            (true, Some(b)) => {
                start = None;
                let w = &s[b..i];
                let core = w.trim_end_matches([',', ';', ':', '.', '；', '，', '：', '。', ')']);
                let at = span.start + b;
                out.push(Word { core, span: Span::new(at, at + core.len()), raw: w, starts: p.starts(core) });
                if out.len() >= max {
                    break;
                }
            }
            _ => {}
        }
        if len == 0 {
            break;
        }
        i += len;
    }
}

/// `ws` is a buffer for each node's words, kept over the whole tree.
fn applies_if<'t>(text: &'t str, node: &mut Criterion, ws: &mut Vec<Word<'t>>) {
    for c in &mut node.children {
        applies_if(text, c, ws);
    }
    if !matches!(node.kind, NodeKind::Criterion | NodeKind::Group) {
        return;
    }
    let own_end = node.children.first().map_or(node.span.end, |c| c.span.start);
    words(text, Span::new(node.span.start, own_end), 60, ws);
    node.applies_if = childbearing(ws).or_else(|| sex(ws, node.section)).or_else(|| condition(ws));
}

/// "Female patients must …", "Menstruating women should …", "… for
/// women", "if male": the criterion is an obligation for one sex. Not
/// "Men or women aged …" (both), nor "Female patients aged 18–65" (without
/// an obligation the sex is a requirement of its own, read as an atom). An
/// exclusion that starts with a sex ("Women with a history of PCOS")
/// concerns that sex only.
fn sex(ws: &[Word], section: crate::criteria::Section) -> Option<AppliesIf> {
    let p = phrases::get();
    let matches_at = |i: usize, pw: &[String]| {
        i + pw.len() <= ws.len() && pw.iter().zip(&ws[i..]).all(|(a, w)| w.is(a)) && {
            // Punctuation inside the phrase ("women, men") breaks it.
            ws[i..i + pw.len() - 1].iter().all(|w| w.raw.len() == w.span.len())
        }
    };
    let found = |i: usize, n: usize| {
        let last = &ws[i + n - 1];
        let text: Vec<&str> = ws[i..i + n].iter().map(|w| w.core).collect();
        Some(AppliesIf { text: text.join(" "), span: Span::new(ws[i].span.start, last.span.end), concept: None, kind: Some("sex".into()) })
    };
    // Leading (after a list marker), longest phrase first.
    let lead = ws.iter().position(|w| w.core.chars().any(char::is_alphabetic) && !(w.core.len() <= 3 && w.raw.ends_with(['.', ')']))).unwrap_or(0);
    let mut best: Option<usize> = None;
    // Most criteria start with no such word: one comparison of first words.
    let leading = if ws.get(lead).is_some_and(|w| w.starts & phrases::STARTS_SEX_LEADING != 0) { p.sex_leading_words.as_slice() } else { &[] };
    for ph in leading {
        let n = ph.len();
        if matches_at(lead, ph) && best.is_none_or(|b| n > b) {
            best = Some(n);
        }
    }
    if let Some(n) = best {
        let next = ws.get(lead + n);
        let both = next.is_some_and(|w| w.is("or") || w.is("and") || w.is("and/or")) || ws[lead + n - 1].raw.contains('/');
        let obliged = ws[lead + n..].iter().take(8).any(|w| p.sex_modals.iter().any(|m| w.is(m)));
        if !both && (obliged || section == crate::criteria::Section::Exclusion) {
            return found(lead, n);
        }
    }
    for i in 0..ws.len() {
        // Most words start no phrase: one comparison of first words each.
        if ws[i].starts & phrases::STARTS_SEX_ANYWHERE == 0 {
            continue;
        }
        for ph in &p.sex_anywhere_words {
            if matches_at(i, ph) {
                // "for women and men", "in men or women": both.
                let n = ph.len();
                let next = ws.get(i + n);
                if next.is_some_and(|w| w.is("or") || w.is("and")) {
                    continue;
                }
                return found(i, n);
            }
        }
    }
    None
}

fn childbearing(ws: &[Word]) -> Option<AppliesIf> {
    let p = phrases::get();
    for i in 0..ws.len() {
        if ws[i].starts & phrases::STARTS_CHILDBEARING == 0 {
            continue;
        }
        for pw in &p.childbearing_words {
            if pw.first().is_some_and(|b| !ws[i].is(b)) {
                continue;
            }
            if i + pw.len() <= ws.len() && pw.iter().zip(&ws[i..]).all(|(a, w)| w.is(a)) {
                let last = &ws[i + pw.len() - 1];
                let span = Span::new(ws[i].span.start, last.span.end);
                let mut text: Vec<&str> = ws[i..i + pw.len() - 1].iter().map(|w| w.raw).collect();
                text.push(&last.raw[..last.span.len()]);
                return Some(AppliesIf { text: text.join(" "), span, concept: None, kind: Some("childbearing".into()) });
            }
        }
    }
    None
}

fn condition(ws: &[Word]) -> Option<AppliesIf> {
    let p = phrases::get();
    // Only a word that starts one of the patterns (`Word::starts`) needs
    // comparing below.
    if !ws.iter().any(|w| w.starts & phrases::STARTS_APPLIES != 0) {
        return None;
    }
    for (before, after, kind) in &p.applies_words {
        for i in 0..ws.len() {
            if !before.is_empty() && ws[i].starts & phrases::STARTS_APPLIES == 0 {
                continue;
            }
            if before.first().is_some_and(|b| !ws[i].is(b)) {
                continue;
            }
            if i + before.len() > ws.len() || !before.iter().zip(&ws[i..]).all(|(a, w)| w.is(a)) {
                continue;
            }
            // Words before the condition run over no punctuation.
            if ws[i..i + before.len()].iter().any(|w| w.raw.len() != w.span.len()) {
                continue;
            }
            let x0 = i + before.len();
            for n in 1..=5 {
                let x1 = x0 + n;
                if x1 > ws.len() {
                    break;
                }
                let xs = &ws[x0..x1];
                // The condition does not run over punctuation, except at its end.
                let inner_punct = xs[..n - 1].iter().any(|w| w.raw.len() != w.span.len());
                if inner_punct {
                    break;
                }
                let ends = if after.is_empty() {
                    xs[n - 1].raw.len() != xs[n - 1].span.len()
                } else {
                    xs[n - 1].raw.len() == xs[n - 1].span.len()
                        && x1 + after.len() <= ws.len()
                        && after.iter().zip(&ws[x1..]).all(|(a, w)| w.is(a))
                };
                if !ends {
                    continue;
                }
                if p.applies_if_stop_words.iter().any(|w| xs[0].is(w)) {
                    break;
                }
                let span = Span::new(xs[0].span.start, xs[n - 1].span.end);
                let name = xs.iter().map(|w| w.core).collect::<Vec<_>>().join(" ");
                let original: String = xs
                    .iter()
                    .enumerate()
                    .map(|(k, w)| if k + 1 == n { &w.raw[..w.span.len()] } else { w.raw })
                    .collect::<Vec<_>>()
                    .join(" ");
                let concept = crate::lexicon::get().lookup(&name).map(|c| c.to_ref());
                return Some(AppliesIf { text: original, span, concept, kind: Some(kind.clone()) });
            }
        }
    }
    None
}

fn ids(node: &mut Criterion, id: String) {
    let mut used: Vec<String> = Vec::new();
    let mut pos = 0;
    for c in &mut node.children {
        pos += 1;
        let cid = match (&c.kind, &c.cohort) {
            (NodeKind::Cohort, Some(name)) => {
                let mut slug = slug(name);
                if slug.is_empty() || used.contains(&slug) {
                    slug = format!("{slug}{pos}");
                }
                used.push(slug.clone());
                format!("{id}.{slug}")
            }
            _ => format!("{id}.{pos}"),
        };
        ids(c, cid);
    }
    node.id = id;
}

/// A readable id part for a cohort: its abbreviation in brackets if it has
/// one ("Refractory Lupus Nephritis(LN)" → "ln"), else its name.
fn slug(name: &str) -> String {
    let base = super::abbreviation(name).unwrap_or(name);
    let mut out = String::new();
    for c in base.chars().flat_map(crate::atoms::case::lower) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 24 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}
