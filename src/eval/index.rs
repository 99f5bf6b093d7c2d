//! Name matching, precomputed: a hash index over the lexicon (built once)
//! and the keys of every patient fact (built once per patient), so that
//! matching an atom is a few hash look-ups, never a scan.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::lexicon::{self, fold};

pub(crate) struct LexIndex {
    by_name: &'static lexicon::Names,
}

static LEX: OnceLock<LexIndex> = OnceLock::new();

pub(crate) fn lex() -> &'static LexIndex {
    LEX.get_or_init(|| {
        // Every concept's name and synonyms, folded, to the first concept
        // that has it; the lexicon builds it with its tries.
        LexIndex { by_name: lexicon::get().by_folded_name() }
    })
}

impl LexIndex {
    /// The lexicon concept for an id, a code or a name.
    pub fn resolve(&self, id: Option<&str>, code: Option<&str>, name: Option<&str>) -> Option<&'static lexicon::Concept> {
        let l = lexicon::get();
        if let Some(c) = id.and_then(|x| l.by_id(x)).or_else(|| code.and_then(|x| l.by_code(x))) {
            return Some(c);
        }
        let i = name
            .and_then(|n| self.by_name.get(&fold(n.trim())))
            .or_else(|| name.and_then(|n| self.by_name.get(&core_name(n))))?;
        l.concepts.get(*i)
    }
}

/// Every concept above `c` through `parents`, each once.
fn ancestors(c: &lexicon::Concept) -> Vec<&'static lexicon::Concept> {
    let l = lexicon::get();
    let mut out: Vec<&'static lexicon::Concept> = Vec::new();
    let mut stack: Vec<&str> = c.parents.iter().map(|p| &**p).collect();
    while let Some(p) = stack.pop() {
        if out.iter().any(|o| o.id == p) {
            continue;
        }
        if let Some(pc) = l.by_id(p) {
            out.push(pc);
            stack.extend(pc.parents.iter().map(|p| &**p));
        }
    }
    out
}

/// Whether the concept is `ancestor` or lies below it.
pub(crate) fn is_a(c: &lexicon::Concept, ancestor: &str) -> bool {
    lexicon::get().is_a(c, ancestor)
}

/// The mg of prednisone as potent as 1 mg of a drug named `name` or coded
/// `code`, from the lexicon's `prednisoneEquivalentFactor`.
pub(crate) fn prednisone_factor(name: Option<&str>, code: Option<&str>) -> Option<f64> {
    let core = name.map(drug_name);
    lex().resolve(None, code, name).or_else(|| lex().resolve(None, None, core.as_deref()))?.prednisone_equivalent_factor
}

/// A name without a trailing parenthesis ("(disorder)") and without the
/// strength and form after the drug ("Amoxicillin 250 MG Oral Capsule").
pub(crate) fn core_name(name: &str) -> String {
    let f = fold(name.trim());
    match f.find(" (") {
        Some(i) if f.ends_with(')') => f[..i].to_string(),
        _ => f,
    }
}

/// A drug's name without strength and form: "amoxicillin 250 mg oral capsule" → "amoxicillin".
pub(crate) fn drug_name(name: &str) -> String {
    let f = core_name(name);
    let b = f.as_bytes();
    for i in 1..b.len() {
        if b[i - 1] == b' ' && b[i].is_ascii_digit() {
            return f[..i - 1].to_string();
        }
    }
    f
}

/// The keys a fact or an atom matches on: `id:`, `code:`, `name:`.
///
/// A patient's fact (`with_ancestors`) also carries the ids of every
/// broader concept, so that a criterion on "glucocorticoids" meets the
/// patient's prednisone, and one on "SLE" meets lupus nephritis. An atom
/// carries only its own concept: a patient's SLE does not meet a criterion
/// on lupus nephritis (a broader fact says nothing of the narrower one).
pub(crate) fn keys(id: Option<&str>, code: Option<&str>, name: Option<&str>, with_ancestors: bool, drug: bool) -> Vec<String> {
    let lx = lex();
    let mut out = Vec::new();
    if let Some(c) = code {
        out.push(format!("code:{}", c.trim()));
    }
    let core = name.map(|n| if drug { drug_name(n) } else { core_name(n) });
    if let Some(n) = name {
        out.push(format!("name:{}", fold(n.trim())));
    }
    if let Some(c) = core.as_ref().filter(|c| !c.is_empty()) {
        out.push(format!("name:{c}"));
    }
    if let Some(id) = id {
        out.push(format!("id:{id}"));
    }
    if let Some(c) = lx.resolve(id, code, name).or_else(|| lx.resolve(None, None, core.as_deref())) {
        out.push(format!("id:{}", c.id));
        if with_ancestors {
            for a in ancestors(c) {
                out.push(format!("id:{}", a.id));
            }
            for code in c.code.iter().chain(&c.codes) {
                out.push(format!("code:{code}"));
            }
        }
    }
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

/// A short stable slug for question ids: the concept id, else the folded name.
pub(crate) fn slug(id: Option<&str>, code: Option<&str>, name: Option<&str>) -> String {
    if let Some(c) = lex().resolve(id, code, name) {
        return c.id.to_string();
    }
    if let Some(id) = id {
        return id.to_string();
    }
    let src = name.map(core_name).or_else(|| code.map(str::to_string)).unwrap_or_default();
    let mut s = String::new();
    for ch in src.chars() {
        if ch.is_alphanumeric() {
            s.push(ch);
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
    }
    s.trim_end_matches('_').to_string()
}

/// Every patient fact's keys, by list.
pub(crate) struct PatientIndex {
    pub conditions: Vec<Vec<String>>,
    pub observations: Vec<Vec<String>>,
    pub medications: Vec<Vec<String>>,
    pub procedures: Vec<Vec<String>>,
    pub immunizations: Vec<Vec<String>>,
}

impl PatientIndex {
    pub fn new(p: &crate::patient::Patient) -> PatientIndex {
        fn k(name: &Option<String>, code: &Option<String>) -> Vec<String> {
            keys(None, code.as_deref(), name.as_deref(), true, false)
        }
        fn d(name: &Option<String>, code: &Option<String>) -> Vec<String> {
            keys(None, code.as_deref(), name.as_deref(), true, true)
        }
        PatientIndex {
            conditions: p.conditions.iter().map(|x| k(&x.name, &x.code)).collect(),
            observations: p.observations.iter().map(|x| k(&x.name, &x.code)).collect(),
            medications: p.medications.iter().map(|x| d(&x.name, &x.code)).collect(),
            procedures: p.procedures.iter().map(|x| k(&x.name, &x.code)).collect(),
            immunizations: p.immunizations.iter().map(|x| k(&x.name, &x.code)).collect(),
        }
    }
}

/// Whether a fact's keys meet an atom's keys.
pub(crate) fn meets(fact: &[String], atom: &[String]) -> bool {
    atom.iter().any(|k| fact.binary_search(k).is_ok())
}

type Cached = (Arc<Vec<String>>, Arc<str>);

/// The strings a concept is identified by, owned, to confirm a cache hit.
type CacheKey = (Option<String>, Option<String>, Option<String>, bool);

/// Keys and slug of an atom's concept, computed once per distinct concept
/// and kept: trials name the same few hundred concepts over and over, and
/// folding and resolving names is most of the cost of an evaluation.
pub(crate) fn atom_concept(c: Option<&crate::atoms::ConceptRef>, drug: bool) -> Cached {
    use std::hash::{Hash, Hasher};
    type Buckets = HashMap<u64, Vec<(CacheKey, Cached)>>;
    static CACHE: OnceLock<Mutex<Buckets>> = OnceLock::new();
    let id = c.and_then(|c| c.id.as_deref());
    let code = c.and_then(|c| c.code.as_deref());
    let name = c.map(|c| c.name.as_str());
    // Hash the borrowed strings: no allocation on a hit.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (id, code, name, drug).hash(&mut h);
    let hash = h.finish();
    let same = |k: &CacheKey| k.0.as_deref() == id && k.1.as_deref() == code && k.2.as_deref() == name && k.3 == drug;
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(m) = cache.lock() {
        if let Some(v) = m.get(&hash).and_then(|b| b.iter().find(|(k, _)| same(k))) {
            return v.1.clone();
        }
    }
    let v: Cached = (Arc::new(keys(id, code, name, false, drug)), Arc::from(slug(id, code, name)));
    if let Ok(mut m) = cache.lock() {
        // A bound, so that a long-lived page cannot grow it without end.
        if m.len() > 100_000 {
            m.clear();
        }
        let key = (id.map(String::from), code.map(String::from), name.map(String::from), drug);
        m.entry(hash).or_default().push((key, v.clone()));
    }
    v
}
