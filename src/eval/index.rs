//! Name matching, precomputed: a hash index over the lexicon (built once)
//! and the keys of every patient fact (built once per patient), so that
//! matching an atom is a few hash look-ups, never a scan.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;

use crate::lexicon::{self, fold};

pub(crate) struct LexIndex {
    by_id: HashMap<String, usize>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Prednisone-equivalent factor by folded drug name.
    pub steroid_factor: HashMap<String, f64>,
    pub steroid_class: HashSet<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SteroidFile {
    #[allow(dead_code)]
    comment: String,
    class_names: Vec<String>,
    drugs: Vec<SteroidDrug>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SteroidDrug {
    names: Vec<String>,
    /// The mg of the drug as potent as 5 mg of prednisone.
    equivalent: f64,
}

static LEX: OnceLock<LexIndex> = OnceLock::new();

pub(crate) fn lex() -> &'static LexIndex {
    LEX.get_or_init(|| {
        let l = lexicon::get();
        let mut by_id = HashMap::new();
        let mut by_code = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, c) in l.concepts.iter().enumerate() {
            by_id.insert(c.id.clone(), i);
            for code in c.code.iter().chain(&c.codes) {
                by_code.entry(code.clone()).or_insert(i);
            }
            by_name.entry(fold(&c.name)).or_insert(i);
            for s in &c.synonyms {
                by_name.entry(fold(s)).or_insert(i);
            }
        }
        let s: SteroidFile = serde_json::from_str(include_str!("../../data/eval/glucocorticoids.json"))
            .expect("data/eval/glucocorticoids.json is checked by tests");
        let mut steroid_factor = HashMap::new();
        for d in s.drugs {
            for n in d.names {
                steroid_factor.insert(fold(&n), 5.0 / d.equivalent);
            }
        }
        LexIndex { by_id, by_code, by_name, steroid_factor, steroid_class: s.class_names.iter().map(|n| fold(n)).collect() }
    })
}

impl LexIndex {
    /// The lexicon concept for an id, a code or a name.
    pub fn resolve(&self, id: Option<&str>, code: Option<&str>, name: Option<&str>) -> Option<&'static lexicon::Concept> {
        let l = lexicon::get();
        let i = id
            .and_then(|x| self.by_id.get(x))
            .or_else(|| code.and_then(|x| self.by_code.get(x)))
            .or_else(|| name.and_then(|n| self.by_name.get(&fold(n.trim()))))
            .or_else(|| name.and_then(|n| self.by_name.get(&core_name(n))))?;
        l.concepts.get(*i)
    }

    fn ancestors(&self, c: &lexicon::Concept, out: &mut Vec<String>) {
        let l = lexicon::get();
        let mut stack: Vec<&str> = c.parents.iter().map(String::as_str).collect();
        while let Some(p) = stack.pop() {
            if out.iter().any(|o| o == p) || out.len() > 64 {
                continue;
            }
            out.push(p.to_string());
            if let Some(pc) = self.by_id.get(p).and_then(|&i| l.concepts.get(i)) {
                stack.extend(pc.parents.iter().map(String::as_str));
            }
        }
    }
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

/// The keys a fact or an atom matches on: `id:`, `code:`, `name:`, `class:`.
pub(crate) fn keys(id: Option<&str>, code: Option<&str>, name: Option<&str>, with_ancestors: bool, drug: bool) -> Vec<String> {
    let lx = lex();
    let mut out = Vec::new();
    if let Some(c) = code {
        out.push(format!("code:{}", c.trim()));
    }
    if let Some(n) = name {
        out.push(format!("name:{}", fold(n.trim())));
        let core = if drug { drug_name(n) } else { core_name(n) };
        if !core.is_empty() {
            out.push(format!("name:{core}"));
        }
        if with_ancestors && (lx.steroid_factor.contains_key(&core) || lx.steroid_factor.contains_key(&fold(n.trim()))) {
            out.push("class:glucocorticoids".into());
        }
        if lx.steroid_class.contains(&fold(n.trim())) && !with_ancestors {
            out.push("class:glucocorticoids".into());
        }
    }
    if let Some(id) = id {
        out.push(format!("id:{id}"));
    }
    // The analyte table names labs the lexicon may not know yet.
    for n in [id, name].into_iter().flatten() {
        if let Some(an) = crate::units::analyte(n.trim()) {
            out.push(format!("id:{}", an.id));
        }
    }
    let core = name.map(|n| if drug { drug_name(n) } else { core_name(n) });
    if let Some(c) = lx.resolve(id, code, name).or_else(|| lx.resolve(None, None, core.as_deref())) {
        out.push(format!("id:{}", c.id));
        if c.id.contains("glucocorticoid") || c.id.contains("corticosteroid") {
            out.push("class:glucocorticoids".into());
        }
        if with_ancestors {
            let mut anc = Vec::new();
            lx.ancestors(c, &mut anc);
            for a in anc {
                if a.contains("glucocorticoid") || a.contains("corticosteroid") {
                    out.push("class:glucocorticoids".into());
                }
                out.push(format!("id:{a}"));
            }
            for code in c.code.iter().chain(&c.codes) {
                out.push(format!("code:{code}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A short stable slug for question ids: the concept id, else the folded name.
pub(crate) fn slug(id: Option<&str>, code: Option<&str>, name: Option<&str>) -> String {
    if let Some(c) = lex().resolve(id, code, name) {
        return c.id.clone();
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
