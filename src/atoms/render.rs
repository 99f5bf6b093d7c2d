//! A compact one-line rendering of an atom, for tests and debugging:
//! `measurement hemoglobin >= 60 g/L`, `age [18, 65] a`,
//! `medication prednisone dose <= 7.5 mg/d`, `condition sle status history for >= 6 mo`.

use super::{Atom, AtomKind, Bound, Comparator};

fn cmp(c: Comparator) -> &'static str {
    match c {
        Comparator::Ge => ">=",
        Comparator::Le => "<=",
        Comparator::Gt => ">",
        Comparator::Lt => "<",
        Comparator::Eq => "=",
    }
}

fn num(v: f64) -> String {
    format!("{v}")
}

fn range(low: Option<Bound>, high: Option<Bound>) -> String {
    let l = low.map(|b| format!("{}{}", if b.inclusive { "[" } else { "(" }, num(b.value))).unwrap_or_else(|| "(".into());
    let h = high.map(|b| format!("{}{}", num(b.value), if b.inclusive { "]" } else { ")" })).unwrap_or_else(|| ")".into());
    format!("{l}, {h}")
}

/// One line for one atom; `atoms` are rendered by index for `excepts`.
///
/// ```
/// use trialsieve::{atoms, Span};
/// let text = "Hemoglobin ≥ 60g/L";
/// let found = atoms::extract(text, Span::new(0, text.len()));
/// assert_eq!(atoms::render(&found[0]), "measurement hemoglobin >= 60 g/L");
/// ```
pub fn render(a: &Atom) -> String {
    let kind = serde_json::to_value(a.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let mut out = vec![kind];
    if a.negated {
        out.push("not".into());
    }
    if let Some(c) = &a.concept {
        if a.kind != AtomKind::Age {
            out.push(c.id.clone().unwrap_or_else(|| format!("\"{}\"", c.name)));
        }
    }
    if let Some(s) = a.sex {
        out.push(if s == super::Sex::Female { "female".into() } else { "male".into() });
    }
    if let Some(c) = a.comparator {
        out.push(cmp(c).into());
    }
    if let Some(v) = a.value {
        out.push(num(v));
    }
    if a.low.is_some() || a.high.is_some() {
        out.push(range(a.low, a.high));
    }
    if let Some(u) = &a.unit {
        out.push(u.clone());
    }
    for q in &a.alternates {
        out.push(format!("({} {})", num(q.value), q.unit));
    }
    if let Some(q) = &a.qualifier {
        out.push(format!("qualifier {q}"));
    }
    if let Some(s) = &a.status {
        out.push(format!("status {s}"));
    }
    if let Some(c) = &a.classification {
        out.push(format!("class {c}"));
    }
    if let Some(d) = &a.dose {
        let mut s = String::from("dose");
        if let Some(c) = d.comparator {
            s += &format!(" {}", cmp(c));
        }
        if let Some(v) = d.value {
            s += &format!(" {}", num(v));
        }
        if d.low.is_some() || d.high.is_some() {
            s += &format!(" {}", range(d.low, d.high));
        }
        s += &format!(" {}", d.unit);
        out.push(s);
    }
    if let Some(d) = &a.duration {
        let c = d.comparator.map(|c| format!("{} ", cmp(c))).unwrap_or_default();
        out.push(format!("for {c}{} {}", num(d.value), d.unit));
    }
    if let Some(w) = &a.window {
        let c = w.comparator.map(|c| format!("{} ", cmp(c))).unwrap_or_default();
        let dir = if w.direction == super::Direction::Before { "before" } else { "after" };
        out.push(format!("window {c}{} {} {dir} {}", num(w.value), w.unit, w.anchor));
    }
    if let Some(e) = a.excepts {
        out.push(format!("excepts {e}"));
    }
    out.join(" ")
}
