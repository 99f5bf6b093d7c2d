// <trial-eligibility>: a private "could I qualify?" box for a trial page.
//
//   <script type="module" src="/path/to/trialsieve/widget.js"></script>
//   <trial-eligibility trial-src="trial.json"></trial-eligibility>
//
// The trial comes from `trial-src` (same origin only), from a child
// `<script type="text/plain">` or `<template>`, or from the `trial` property.
// Everything runs in the page: the answers never leave it. Trial text comes
// from third parties, so it is only ever set with textContent, never as HTML.
//
// The question helpers (`questionSpec`, `questionControl`, `unitLabel`) are
// exported for pages that build their own forms, such as the demo.
import { init, TrialStore } from './index.js';

const UNIT_LABELS = {
  '10*9/L': '×10⁹/L',
  '10*3/uL': '×10³/µL',
  '/uL': '/µL',
  'umol/L': 'µmol/L',
  'mL/min/{1.73_m2}': 'mL/min/1.73 m²',
  '{INR}': 'INR',
  'g/(24.h)': 'g/24 h',
  'mg/(24.h)': 'mg/24 h',
  'kg/m2': 'kg/m²',
  'mg/m2': 'mg/m²',
  '[lb_av]': 'lb',
  'x ULN': '× ULN',
  ULN: '× ULN',
  a: 'years',
  mo: 'months',
  wk: 'weeks',
  d: 'days',
  h: 'hours',
  min: 'minutes',
};

/** A unit code as people read it: `10*9/L` → `×10⁹/L`. */
export function unitLabel(code) {
  if (code == null) return '';
  return UNIT_LABELS[code] ?? String(code);
}

function asChoice(x) {
  if (x !== null && typeof x === 'object') {
    const value = x.value ?? x.code ?? x.id ?? x.unit ?? x.label ?? x.text;
    return { value: String(value), label: String(x.label ?? x.text ?? x.display ?? unitLabel(value)) };
  }
  return { value: String(x), label: unitLabel(x) };
}

/**
 * The answer a question expects, read defensively from the evaluator's
 * question: `{ kind: 'yesno' | 'number' | 'date' | 'choice', units, options }`.
 * Unknown or absent answer types fall back to yes / no / not sure.
 */
export function questionSpec(q) {
  const a = q?.answer ?? q?.answerType ?? q?.type ?? q?.kind;
  const name = String(typeof a === 'string' ? a : (a && (a.kind ?? a.type)) || '').toLowerCase();
  const obj = a !== null && typeof a === 'object' ? a : {};
  const rawUnits = q?.units ?? obj.units ?? (q?.unit ? [q.unit] : obj.unit ? [obj.unit] : []);
  const rawOptions = q?.options ?? q?.choices ?? obj.options ?? obj.choices ?? [];
  const units = Array.isArray(rawUnits) ? rawUnits.map(asChoice) : [];
  const options = Array.isArray(rawOptions) ? rawOptions.map(asChoice) : [];
  let kind;
  if (/date|time/.test(name)) kind = 'date';
  else if (/num|quant|value|measure|integer|float/.test(name)) kind = 'number';
  else if (/choice|select|enum|option|one_?of/.test(name)) kind = 'choice';
  else if (/bool|yes|no|sure/.test(name)) kind = 'yesno';
  else kind = options.length ? 'choice' : units.length ? 'number' : 'yesno';
  if (kind === 'choice' && !options.length) kind = 'yesno';
  return { kind, units, options };
}

let controlCount = 0;

function make(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for' || k === 'role' || k === 'part') e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** The answer that says "not sure": the criterion stays unknown and the question is not asked again. */
export const NOT_SURE = 'not sure';

/**
 * A form control for one question. `state` is what was answered before
 * (`{ value }`); `onAnswer(value, state)` is called on each change, with
 * `undefined` when a field is emptied (no answer). Yes / no answers are
 * `true` / `false`; numbers with units `{ value, unit }`; dates `YYYY-MM-DD`,
 * or `false` for never and `true` for still ongoing; choices the option's
 * value; "not sure" is the string `'not sure'`.
 */
export function questionControl(q, state, onAnswer) {
  const spec = questionSpec(q);
  const n = ++controlCount;
  const box = make('fieldset', { class: 'question', 'data-question': String(q?.id), 'data-kind': spec.kind });
  box.append(make('legend', { text: String(q?.text ?? q?.id) }));
  const row = make('div', { class: 'answer' });
  box.append(row);
  const prev = state && 'value' in state ? state.value : state?.unsure ? NOT_SURE : undefined;
  const radios = (opts, current, extraOnChange) => opts.map((o) => {
    const input = make('input', { type: 'radio', name: `tsq-${n}`, checked: current !== undefined && o.value === current });
    input.addEventListener('change', () => {
      if (!input.checked) return;
      extraOnChange?.();
      onAnswer(o.value, { value: o.value });
    });
    return make('label', { class: 'choice' }, input, ` ${o.label}`);
  });
  const notSure = { value: NOT_SURE, label: 'Not sure' };
  if (spec.kind === 'yesno') {
    row.append(...radios([{ value: true, label: 'Yes' }, { value: false, label: 'No' }, notSure], prev));
  } else if (spec.kind === 'choice') {
    row.append(...radios([...spec.options, notSure], prev));
  } else if (spec.kind === 'number') {
    const input = make('input', { type: 'text', id: `tsq-${n}-value`, inputMode: 'decimal', autocomplete: 'off', class: 'num' });
    input.setAttribute('aria-label', `${q?.text ?? 'Value'}: number`);
    if (prev !== undefined && prev !== NOT_SURE) input.value = String(typeof prev === 'object' ? prev.value ?? '' : prev);
    row.append(input);
    let select = null;
    if (spec.units.length) {
      select = make('select', { class: 'unit' });
      select.setAttribute('aria-label', 'Unit');
      for (const u of spec.units) select.append(make('option', { value: u.value, text: u.label }));
      if (prev && typeof prev === 'object' && prev.unit) select.value = prev.unit;
      row.append(select);
    }
    const unsure = make('input', { type: 'checkbox', checked: prev === NOT_SURE });
    row.append(make('label', { class: 'choice' }, unsure, ' Not sure'));
    const send = () => {
      if (unsure.checked) return onAnswer(NOT_SURE, { value: NOT_SURE });
      const v = Number(input.value.trim().replace(',', '.'));
      if (input.value.trim() === '' || !Number.isFinite(v)) return onAnswer(undefined, {});
      const value = select ? { value: v, unit: select.value } : v;
      onAnswer(value, { value });
    };
    input.addEventListener('input', () => {
      unsure.checked = false;
      send();
    });
    select?.addEventListener('change', send);
    unsure.addEventListener('change', send);
  } else {
    const input = make('input', { type: 'date', class: 'date' });
    input.setAttribute('aria-label', `${q?.text ?? 'Date'}: date`);
    if (typeof prev === 'string' && prev !== NOT_SURE) input.value = prev;
    const others = radios([{ value: false, label: 'Never' }, { value: true, label: 'Still ongoing' }, notSure], typeof prev === 'string' && prev !== NOT_SURE ? undefined : prev, () => {
      input.value = '';
    });
    input.addEventListener('input', () => {
      for (const r of row.querySelectorAll('input[type="radio"]')) r.checked = false;
      if (input.value) onAnswer(input.value, { value: input.value });
      else onAnswer(undefined, {});
    });
    row.append(input, ...others);
  }
  return box;
}

/**
 * The questions to show after a new evaluation: those shown before stay in
 * place while still open or once answered (`answered(id)`), so a field being
 * typed in neither jumps nor vanishes when its answer settles it; new open
 * questions follow in the evaluator's order.
 */
export function stableQuestions(previous, current, answered) {
  const open = new Map((current || []).map((q) => [q.id, q]));
  const out = [];
  const seen = new Set();
  for (const q of previous || []) {
    if (seen.has(q.id)) continue;
    if (open.has(q.id)) out.push(open.get(q.id));
    else if (answered(q.id)) out.push(q);
    else continue;
    seen.add(q.id);
  }
  for (const q of current || []) {
    if (!seen.has(q.id)) {
      out.push(q);
      seen.add(q.id);
    }
  }
  return out;
}

const VERDICT = {
  eligible: { icon: '✔', text: 'You may qualify' },
  undetermined: { icon: '?', text: 'Not sure yet: answer the questions' },
  ineligible: { icon: '✘', text: 'You do not seem to qualify' },
};

const CSS = `
:host { display: block; font: 15px/1.45 system-ui, sans-serif; color: #1b1f23; max-width: 36rem; }
.box { border: 1px solid #c8cdd3; border-radius: 10px; padding: 14px 16px; background: #fff; }
h2 { font-size: 1.1rem; margin: 0 0 4px; }
.title { margin: 0 0 10px; color: #444; font-size: .92rem; }
.title:empty { display: none; }
.private { font-size: .85rem; color: #1d3b6a; background: #eaf1fc; border-radius: 6px; padding: 6px 8px; margin: 0 0 12px; }
fieldset { border: 0; padding: 0; margin: 0 0 12px; }
legend { font-weight: 600; padding: 0; margin-bottom: 4px; max-width: 100%; white-space: normal; overflow-wrap: anywhere; }
.basics { display: flex; flex-wrap: wrap; gap: 8px 16px; }
.basics label { display: flex; flex-direction: column; font-weight: 600; font-size: .9rem; }
input, select { font: inherit; padding: 4px 6px; border: 1px solid #8a929a; border-radius: 5px; }
input.num { width: 7em; }
.choice { display: inline-flex; align-items: center; gap: 4px; margin-right: 14px; font-weight: normal; }
.answer { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.verdict { border-radius: 8px; padding: 10px 12px; font-weight: 700; margin-top: 4px; }
.verdict[data-verdict="eligible"] { background: #e3f4e8; color: #145a26; border-left: 6px solid #1e7d36; }
.verdict[data-verdict="undetermined"] { background: #fff4d6; color: #6b4700; border-left: 6px solid #b07d00; }
.verdict[data-verdict="ineligible"] { background: #fde6e8; color: #8a0e1f; border-left: 6px solid #b00020; }
.verdict[data-verdict="error"] { background: #f1f1f1; color: #444; border-left: 6px solid #777; }
.why { overflow-wrap: anywhere; margin: 6px 0 0; padding-left: 1.2rem; font-weight: normal; font-size: .9rem; }
.note { font-size: .8rem; color: #555; margin: 10px 0 0; }
button.more { font: inherit; font-size: .9rem; margin: 0 0 12px; padding: 4px 10px; border: 1px solid #8a929a; border-radius: 5px; background: #fff; cursor: pointer; }
`;

function sheet(root) {
  // A constructed sheet is not inline style, so a host page's strict CSP
  // (no 'unsafe-inline') does not block it; older browsers get a <style>.
  try {
    const s = new CSSStyleSheet();
    s.replaceSync(CSS);
    root.adoptedStyleSheets = [s];
  } catch {
    root.append(make('style', { text: CSS }));
  }
}

const Base = globalThis.HTMLElement ?? class {};

/**
 * `<trial-eligibility>`: asks a few questions and shows whether the visitor
 * may qualify for one trial. Fires `trialsieve:evaluation` (bubbling,
 * composed) with the evaluation as `detail` after each check.
 */
export class TrialEligibility extends Base {
  static get observedAttributes() {
    return ['trial-src'];
  }

  #root;
  #store = null;
  #index = null;
  #trial = null;
  #trialInput = null;
  #patient = {};
  #basics = { age: '', sex: '', pregnant: '' };
  #answers = {};
  #states = {};
  #els = {};
  #questionIds = '';
  #shown = [];
  #expanded = false;
  #loadToken = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    sheet(this.#root);
    const box = make('div', { class: 'box', part: 'box' });
    this.#els.heading = make('h2', { text: 'Could I qualify?' });
    this.#els.title = make('p', { class: 'title' });
    this.#els.private = make('p', { class: 'private', text: 'Private: your answers stay in this browser and are not sent anywhere.' });
    this.#els.basics = this.#basicsForm();
    this.#els.questions = make('div', { class: 'questions' });
    this.#els.verdict = make('div', { class: 'verdict', role: 'status', 'aria-live': 'polite', text: 'Loading…' });
    this.#els.why = make('ul', { class: 'why' });
    this.#els.note = make('p', { class: 'note', text: 'A pre-screening only: the study team decides who can take part.' });
    box.append(this.#els.heading, this.#els.title, this.#els.private, this.#els.basics, this.#els.questions, this.#els.verdict, this.#els.why, this.#els.note);
    this.#root.append(box);
  }

  connectedCallback() {
    if (this.#trialInput === null) this.#loadFromMarkup();
  }

  attributeChangedCallback(name, old, value) {
    if (name === 'trial-src' && value && value !== old && this.isConnected) this.#loadFromMarkup();
  }

  /** The trial: text in any supported format, or a ClinicalTrials.gov JSON object. */
  get trial() {
    return this.#trial;
  }

  set trial(value) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    this.#setTrial(text);
  }

  /** Facts known beforehand (the trialsieve patient shape); the visitor's answers are added to them. */
  get patient() {
    return this.#patient;
  }

  set patient(value) {
    this.#patient = value && typeof value === 'object' ? value : {};
    this.#check();
  }

  /** The latest evaluation, or null. */
  get evaluation() {
    return this.#evaluation;
  }

  #evaluation = null;

  #loadFromMarkup() {
    const src = this.getAttribute('trial-src');
    if (src) {
      let url;
      try {
        url = new URL(src, document.baseURI);
      } catch {
        return this.#fail(`trial-src "${src}" is not a valid URL`);
      }
      if (url.origin !== location.origin) return this.#fail(`trial-src "${src}" is not on this site's origin; only same-origin trials are read`);
      const token = ++this.#loadToken;
      fetch(url, { credentials: 'same-origin' })
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((text) => token === this.#loadToken && this.#setTrial(text))
        .catch((e) => token === this.#loadToken && this.#fail(`could not load the trial from ${src}: ${e.message}`));
      return;
    }
    const holder = this.querySelector('script[type="text/plain"], template');
    if (holder) {
      // Read as text: a template's markup is handed to the trial reader as a
      // string (the HTML format), never inserted into the page.
      const text = holder instanceof HTMLTemplateElement ? holder.innerHTML : holder.textContent;
      this.#setTrial(text);
    }
  }

  async #setTrial(text) {
    this.#trialInput = text;
    try {
      await init();
      if (this.#trialInput !== text) return;
      if (!this.#store) this.#store = new TrialStore();
      this.#store.clear();
      const [index] = this.#store.add(text);
      if (index === undefined) return this.#fail('no trial found in the given text');
      this.#index = index;
      this.#trial = this.#store.get(index);
      const t = this.#trial;
      this.#els.title.textContent = [t.title, t.id].filter(Boolean).join(' · ');
      this.#states = {};
      this.#answers = {};
      this.#questionIds = '';
      this.#shown = [];
      this.#expanded = false;
      this.#check();
    } catch (e) {
      this.#fail(e.message);
    }
  }

  #fail(message) {
    this.#els.verdict.dataset.verdict = 'error';
    this.#els.verdict.textContent = `Cannot check this trial: ${message}`;
  }

  #basicsForm() {
    const f = make('fieldset', { class: 'basics-set' });
    f.append(make('legend', { text: 'About you' }));
    const wrap = make('div', { class: 'basics' });
    const age = make('input', { type: 'text', inputMode: 'numeric', name: 'age', autocomplete: 'off', class: 'num' });
    age.addEventListener('input', () => {
      this.#basics.age = age.value;
      this.#check();
    });
    const sex = make('select', { name: 'sex' }, make('option', { value: '', text: '—' }), make('option', { value: 'female', text: 'Female' }), make('option', { value: 'male', text: 'Male' }));
    sex.addEventListener('change', () => {
      this.#basics.sex = sex.value;
      pregLabel.hidden = sex.value === 'male';
      this.#check();
    });
    const preg = make('select', { name: 'pregnant' },
      make('option', { value: '', text: '—' }), make('option', { value: 'no', text: 'Neither' }),
      make('option', { value: 'pregnant', text: 'Pregnant' }), make('option', { value: 'breastfeeding', text: 'Breastfeeding' }));
    preg.addEventListener('change', () => {
      this.#basics.pregnant = preg.value;
      this.#check();
    });
    const pregLabel = make('label', {}, 'Pregnant or breastfeeding', preg);
    wrap.append(make('label', {}, 'Age (years)', age), make('label', {}, 'Sex', sex), pregLabel);
    f.append(wrap);
    return f;
  }

  #patientNow() {
    const p = { ...this.#patient };
    const age = Number(this.#basics.age.trim());
    if (this.#basics.age.trim() !== '' && Number.isFinite(age)) p.age = age;
    if (this.#basics.sex) p.sex = this.#basics.sex;
    if (this.#basics.pregnant && this.#basics.sex !== 'male') {
      p.pregnant = this.#basics.pregnant === 'pregnant';
      // Pregnant says nothing of breastfeeding; the other two say both.
      if (this.#basics.pregnant !== 'pregnant') p.breastfeeding = this.#basics.pregnant === 'breastfeeding';
    }
    p.answers = { ...(this.#patient.answers || {}), ...this.#answers };
    return p;
  }

  #check() {
    if (this.#index === null || !this.#store) return;
    let ev;
    try {
      ev = this.#store.evaluate(this.#index, this.#patientNow());
    } catch (e) {
      return this.#fail(e.message);
    }
    this.#evaluation = ev;
    const v = VERDICT[ev.verdict] ?? { icon: '', text: String(ev.verdict) };
    const text = `${v.icon} ${v.text}`;
    this.#els.verdict.dataset.verdict = ev.verdict;
    if (this.#els.verdict.textContent !== text) this.#els.verdict.textContent = text;
    this.#renderQuestions(Array.isArray(ev.questions) ? ev.questions : []);
    this.#renderWhy(ev);
    this.dispatchEvent(new CustomEvent('trialsieve:evaluation', { detail: ev, bubbles: true, composed: true }));
  }

  #renderQuestions(open) {
    // Rebuilt only when the set of questions changes, so that the field
    // being typed in keeps its focus. A long list is cut short: the
    // evaluator puts the questions that settle the most first.
    const questions = stableQuestions(this.#shown, open, (id) => this.#states[id] !== undefined);
    this.#shown = questions;
    const limit = 5;
    const cut = !this.#expanded && questions.length > limit + 1;
    const visible = cut ? questions.slice(0, limit) : questions;
    const ids = `${questions.length}|${this.#expanded}|${visible.map((q) => q.id).join('\u0001')}`;
    if (ids === this.#questionIds) return;
    this.#questionIds = ids;
    const nodes = visible.map((q) =>
      questionControl(q, this.#states[q.id], (value, state) => {
        this.#states[q.id] = state;
        if (value === undefined) delete this.#answers[q.id];
        else this.#answers[q.id] = value;
        this.#check();
      }));
    if (questions.length > limit + 1) {
      const more = make('button', { type: 'button', class: 'more', text: cut ? `Show all ${questions.length} questions` : 'Show fewer questions' });
      more.addEventListener('click', () => {
        this.#expanded = !this.#expanded;
        this.#check();
        this.#els.questions.querySelector('.more')?.focus();
      });
      nodes.push(more);
    }
    this.#els.questions.replaceChildren(...nodes);
  }

  #renderWhy(ev) {
    // The criteria that exclude; else those a person must review (the
    // record matches them in part), which never exclude on their own.
    const failed = [];
    const review = [];
    const walk = (list) => {
      for (const r of list || []) {
        if (r.children?.length) walk(r.children);
        else if (r.status === 'fail' && r.reason) failed.push(r.reason);
        else if (r.status === 'review' && r.reason) review.push(`To review: ${r.reason}`);
      }
    };
    walk(ev.criteria);
    const shown = failed.length ? failed : review;
    this.#els.why.replaceChildren(...shown.slice(0, 5).map((reason) => make('li', { text: reason })));
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('trial-eligibility')) {
  customElements.define('trial-eligibility', TrialEligibility);
}
