//! A small, forgiving XML reader: elements, attributes, text, entities,
//! CDATA, comments and processing instructions, in one linear pass.
//!
//! It never panics: malformed markup is read as well as it can be and
//! described in `problems`. Nesting deeper than [`MAX_DEPTH`] is flattened
//! so that walking or dropping the tree cannot exhaust the stack.

/// Elements nested deeper than this are read as children of the element at
/// this depth; real study records nest fewer than ten levels.
pub const MAX_DEPTH: usize = 128;

/// One XML element.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A child of an element: an element or a run of text (CDATA included).
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|n| match n {
            Node::Element(e) if e.name == name => Some(e),
            _ => None,
        })
    }

    /// Every child element named `name`, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter_map(move |n| match n {
            Node::Element(e) if e.name == name => Some(e),
            _ => None,
        })
    }

    /// The element at `path` below this one (`["eligibility", "criteria"]`).
    pub fn at(&self, path: &[&str]) -> Option<&Element> {
        let mut cur = self;
        for p in path {
            cur = cur.child(p)?;
        }
        Some(cur)
    }

    /// All text inside the element, in document order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        // An explicit stack: depth is bounded, but recursion is not needed.
        let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![self.children.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(Node::Text(t)) => out.push_str(t),
                Some(Node::Element(e)) => stack.push(e.children.iter()),
                None => {
                    stack.pop();
                }
            }
        }
        out
    }

    /// The text at `path`, trimmed; `None` when absent or blank.
    pub fn text_at(&self, path: &[&str]) -> Option<String> {
        let t = self.at(path)?.text();
        let t = t.trim();
        if t.is_empty() { None } else { Some(t.to_string()) }
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Reads `input` into a document whose root is a nameless element holding
/// the top-level nodes. Problems found on the way are returned, not raised.
pub fn parse(input: &str) -> (Element, Vec<String>) {
    let mut problems = Vec::new();
    // The open elements; stack[0] is the document.
    let mut stack: Vec<Element> = vec![Element::default()];
    // How many start tags were flattened into the element at MAX_DEPTH, so
    // that their end tags are skipped rather than closing real elements.
    let mut flattened = 0usize;
    let mut rest = input;
    let mut offset = 0usize;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, &decode_entities(rest));
            break;
        };
        if lt > 0 {
            push_text(&mut stack, &decode_entities(&rest[..lt]));
        }
        offset += lt;
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let (_, next, closed) = until(after, "-->");
            if !closed {
                problems.push(format!("unclosed comment at byte {offset}"));
            }
            offset += rest.len() - next.len();
            rest = next;
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let (body, next, closed) = until(after, "]]>");
            if !closed {
                problems.push(format!("unclosed CDATA section at byte {offset}"));
            }
            push_text(&mut stack, body);
            offset += rest.len() - next.len();
            rest = next;
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            let (_, next, closed) = until(&rest[2..], ">");
            if !closed {
                problems.push(format!("unclosed declaration at byte {offset}"));
            }
            offset += rest.len() - next.len();
            rest = next;
        } else if let Some(after) = rest.strip_prefix("</") {
            let (body, next, closed) = until(after, ">");
            let name = body.trim();
            if !closed {
                problems.push(format!("unclosed end tag at byte {offset}"));
            }
            if flattened > 0 {
                flattened -= 1;
            } else if let Some(pos) = stack.iter().rposition(|e| e.name == name).filter(|&p| p > 0) {
                if pos + 1 != stack.len() {
                    problems.push(format!("end tag </{name}> at byte {offset} closes unclosed elements"));
                }
                while stack.len() > pos {
                    close_top(&mut stack);
                }
            } else {
                problems.push(format!("end tag </{name}> at byte {offset} matches no open element"));
            }
            offset += rest.len() - next.len();
            rest = next;
        } else {
            let after = &rest[1..];
            if !after.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == ':') {
                // A lone '<' in text.
                problems.push(format!("stray '<' at byte {offset}"));
                push_text(&mut stack, "<");
                offset += 1;
                rest = after;
                continue;
            }
            let (body, next, closed) = until_tag_end(after);
            if !closed {
                problems.push(format!("unclosed start tag at byte {offset}"));
            }
            let self_closing = body.ends_with('/');
            let body = body.strip_suffix('/').unwrap_or(body);
            let el = start_tag(body);
            if self_closing {
                push_node(&mut stack, Node::Element(el));
            } else if stack.len() > MAX_DEPTH {
                flattened += 1;
            } else {
                stack.push(el);
            }
            offset += rest.len() - next.len();
            rest = next;
        }
    }
    if stack.len() > 1 {
        problems.push(format!("{} element(s) left unclosed at the end of the input", stack.len() - 1));
    }
    while stack.len() > 1 {
        close_top(&mut stack);
    }
    (stack.pop().unwrap_or_default(), problems)
}

fn close_top(stack: &mut Vec<Element>) {
    if stack.len() > 1 {
        if let Some(e) = stack.pop() {
            push_node(stack, Node::Element(e));
        }
    }
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(t)) = top.children.last_mut() {
            t.push_str(text);
        } else {
            top.children.push(Node::Text(text.to_string()));
        }
    }
}

/// Splits `s` at the first `end`: (before, after end, found).
fn until<'a>(s: &'a str, end: &str) -> (&'a str, &'a str, bool) {
    match s.find(end) {
        Some(i) => (&s[..i], &s[i + end.len()..], true),
        None => (s, "", false),
    }
}

/// Like `until(s, ">")` but skips '>' inside quoted attribute values.
fn until_tag_end(s: &str) -> (&str, &str, bool) {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return (&s[..i], &s[i + 1..], true),
            // A '<' outside quotes means the tag was never closed.
            (None, '<') => return (&s[..i], &s[i..], false),
            _ => {}
        }
    }
    (s, "", false)
}

fn start_tag(body: &str) -> Element {
    let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
    let name = body[..name_end].to_string();
    let mut attrs = Vec::new();
    let mut rest = body[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let key = rest[..key_end].to_string();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|&c| c == '"' || c == '\'') {
                let inner = &after[1..];
                let end = inner.find(q).unwrap_or(inner.len());
                value = decode_entities(&inner[..end]);
                rest = inner.get(end + 1..).unwrap_or("");
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                value = decode_entities(&after[..end]);
                rest = &after[end..];
            }
        }
        if key.is_empty() {
            // Nothing readable is left: skip one character to make progress.
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
        } else {
            attrs.push((key, value));
        }
        rest = rest.trim_start();
    }
    Element { name, attrs, children: Vec::new() }
}

/// Decodes character references: the XML five, the common HTML named
/// entities and numeric ones. Unknown or broken references stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Entity names are short: look no further than 12 bytes for ';'.
        let semi = rest.char_indices().take(12).find(|&(_, c)| c == ';').map(|(i, _)| i);
        let decoded = semi.and_then(|i| entity(&rest[1..i]).map(|c| (c, i)));
        match decoded {
            Some((c, i)) => {
                out.push(c);
                rest = &rest[i + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ge" => '≥',
        "le" => '≤',
        "ne" => '≠',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "micro" => 'µ',
        "mu" => 'μ',
        "deg" => '°',
        "ndash" => '–',
        "mdash" => '—',
        "minus" => '−',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "sup2" => '²',
        "sup3" => '³',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "alpha" => 'α',
        "beta" => 'β',
        "gamma" => 'γ',
        "delta" => 'δ',
        "kappa" => 'κ',
        "lambda" => 'λ',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "shy" => '\u{ad}',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        "eacute" => 'é',
        "egrave" => 'è',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_attributes_text_and_cdata() {
        let (doc, problems) = parse(
            "<?xml version=\"1.0\"?><!-- c --><a x='1 > 0' y=\"&amp;\"><b>t&lt;1 &#8805; &#x2264;</b><![CDATA[<raw>]]><c/></a>",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let a = doc.child("a").unwrap();
        assert_eq!(a.attr("x"), Some("1 > 0"));
        assert_eq!(a.attr("y"), Some("&"));
        assert_eq!(a.text_at(&["b"]).as_deref(), Some("t<1 ≥ ≤"));
        assert_eq!(a.text(), "t<1 ≥ ≤<raw>");
        assert!(a.child("c").is_some());
    }

    #[test]
    fn malformed_input_is_read_with_problems() {
        for input in [
            "<a><b>x</a>",
            "<a",
            "</a>",
            "<a><!-- x",
            "a < b",
            "<![CDATA[x",
            "<a b='x>",
            "&#xFFFFFFFF; &bogus; &",
            "<<<>>>",
        ] {
            let (_, problems) = parse(input);
            assert!(!problems.is_empty() || input.starts_with('&'), "{input}");
        }
        let (doc, _) = parse("<a><b>x</a>");
        assert_eq!(doc.text_at(&["a", "b"]).as_deref(), Some("x"));
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let input = "<a>".repeat(100_000) + "x" + &"</a>".repeat(100_000);
        let (doc, _) = parse(&input);
        assert_eq!(doc.text(), "x");
    }
}
