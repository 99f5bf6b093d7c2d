//! HTML read as text, the way a browser's "copy page" would give it:
//! tags dropped, `<script>`/`<style>` (and other non-text elements) dropped
//! with their content, block elements ending lines, `<li>` becoming a
//! "* " item line, entities decoded. One linear pass.

use super::xml::decode_entities;

/// Elements whose content is never page text.
/// (`<head>` is not among them: browsers close it implicitly, so an
/// unclosed one must not swallow the page; its `<title>` is dropped.)
/// `<nav>` is page chrome by definition.
const DROPPED: &[&str] =
    &["script", "style", "noscript", "template", "svg", "title", "iframe", "object", "canvas", "nav"];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tfoot",
    "tr",
    "ul",
    "option",
    "label",
    "button",
    "caption",
    "legend",
];

/// The text of an HTML document.
pub fn to_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len() / 2);
    let mut rest = input;
    let mut pre = 0usize;
    // Open lists, innermost last: `None` for `<ul>`, the next number for
    // `<ol>`. Nested items are indented two spaces a level, as copied text
    // shows them, so that the criteria tree can see the nesting.
    let mut lists: Vec<Option<u32>> = Vec::new();
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest, pre > 0);
            break;
        };
        push_text(&mut out, &rest[..lt], pre > 0);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_from = if closing { 2 } else { 1 };
        let after = &rest[name_from..];
        let name_len =
            after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':')).unwrap_or(after.len());
        if name_len == 0 || !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // A '<' that opens no tag is text.
            push_text(&mut out, "<", pre > 0);
            rest = &rest[1..];
            continue;
        }
        let name = after[..name_len].to_ascii_lowercase();
        let tag_end = after.find('>').map_or(after.len(), |i| i + 1);
        rest = &after[tag_end..];
        if !closing && DROPPED.contains(&name.as_str()) {
            // Skip to the matching end tag (ASCII case-insensitive search).
            let end = format!("</{name}");
            rest = match find_ascii_ci(rest, &end) {
                Some(i) => {
                    let tail = &rest[i..];
                    tail.find('>').map_or("", |j| &tail[j + 1..])
                }
                None => "",
            };
            continue;
        }
        if name == "pre" {
            if closing {
                pre = pre.saturating_sub(1);
            } else {
                pre += 1;
            }
        }
        if (name == "ul" || name == "ol") && lists.len() < 64 {
            if closing {
                lists.pop();
            } else {
                lists.push((name == "ol").then_some(1));
            }
        }
        if name == "li" && !closing {
            new_line(&mut out);
            for _ in 1..lists.len() {
                out.push_str("  ");
            }
            match lists.last_mut() {
                Some(Some(n)) => {
                    out.push_str(&format!("{n}. "));
                    *n += 1;
                }
                _ => out.push_str("* "),
            }
        } else if name == "td" || name == "th" {
            if !closing {
                push_text(&mut out, " ", false);
            }
        } else if BLOCKS.contains(&name.as_str()) {
            new_line(&mut out);
            // A list inside a list item gets no blank line around it.
            let nested_list = (name == "ul" || name == "ol") && lists.len() > usize::from(!closing);
            if matches!(
                name.as_str(),
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "ul" | "ol" | "section"
            ) && !nested_list
                && !out.is_empty()
                && !out.ends_with("\n\n")
            {
                out.push('\n');
            }
        }
    }
    // Trim each line's trailing blanks and keep at most one blank line.
    let mut tidy = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 || tidy.is_empty() {
                continue;
            }
            tidy.push('\n');
        } else {
            blank = 0;
            tidy.push_str(line);
            tidy.push('\n');
        }
    }
    while tidy.ends_with("\n\n") {
        tidy.pop();
    }
    tidy
}

/// The text of the page's first `<h1>`, which names the trial on most pages.
pub fn first_h1(input: &str) -> Option<String> {
    let open = find_ascii_ci(input, "<h1")?;
    let after = &input[open + 3..];
    // "<h1>" or "<h1 class=…>", not "<h10>" or "<h1x>".
    if !after.starts_with(['>', ' ', '\t', '\n', '\r']) {
        return None;
    }
    let body = &after[after.find('>')? + 1..];
    let end = find_ascii_ci(body, "</h1").unwrap_or(body.len().min(2000));
    let mut end = end;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let text = to_text(&body[..end]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn new_line(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Appends text, folding white space as a browser does outside `<pre>`.
fn push_text(out: &mut String, raw: &str, pre: bool) {
    if raw.is_empty() {
        return;
    }
    let text = decode_entities(raw);
    if pre {
        out.push_str(&text);
        return;
    }
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.is_empty() && !out.ends_with(' ') && !out.ends_with('\n') {
                out.push(' ');
            }
        } else if c == '\u{a0}' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    let first = n.first()?.to_ascii_lowercase();
    let mut i = 0;
    while i + n.len() <= h.len() {
        if h[i].to_ascii_lowercase() == first && h[i..i + n.len()].eq_ignore_ascii_case(n) {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_html_as_text() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body><h2>Inclusion Criteria</h2>\
            <ul><li>Age &ge; 18&nbsp;years</li><li>BMI &lt; 30 &amp; &#8805;18</li></ul>\
            <script>var x = '<li>no</li>';</script><p>Exclusion\n   criteria:</p><ol><li>Pregnancy</li></ol></body></html>";
        assert_eq!(
            to_text(html),
            "Inclusion Criteria\n\n* Age ≥ 18 years\n* BMI < 30 & ≥18\n\nExclusion criteria:\n\n1. Pregnancy\n"
        );
    }

    #[test]
    fn nested_lists_are_indented_and_numbered() {
        let html = "<ol><li>Adults<ul><li>men</li><li>women</li></ul></li><li>Consent</li></ol>";
        assert_eq!(to_text(html), "1. Adults\n  * men\n  * women\n2. Consent\n");
    }

    #[test]
    fn broken_html_does_not_panic() {
        for s in ["<", "<p", "</", "<!--", "<script>", "a < b > c", "<li>é<", "&#xD800;"] {
            to_text(s);
        }
    }
}
