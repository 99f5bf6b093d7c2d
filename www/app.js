// The demo page: trials on one side, a patient on the other, verdicts that
// follow every keystroke. Imports only from the package, as a user's page
// would. Trial text comes from third parties: it is only ever set with
// textContent (or as the value of a form field), never as HTML.
import { init, TrialStore } from '../pkg/index.js';
import { questionControl, stableQuestions, unitLabel } from '../pkg/widget.js';

const $ = (id) => document.getElementById(id);
const STORAGE_KEY = 'trialsieve.patient';

const VERDICT = {
  eligible: { icon: '✔', text: 'May be eligible' },
  undetermined: { icon: '?', text: 'Undetermined' },
  ineligible: { icon: '✘', text: 'Not eligible' },
};
const STATUS = {
  inclusion: { pass: 'met', fail: 'not met', unknown: 'unknown', review: 'to review', not_applicable: 'does not apply' },
  exclusion: { pass: 'not excluded', fail: 'excludes', unknown: 'unknown', review: 'to review', not_applicable: 'does not apply' },
};
const FORMAT = { 'ctgov-json': 'ClinicalTrials.gov JSON', 'ctgov-xml': 'ClinicalTrials.gov XML', markdown: 'Markdown', html: 'HTML page', text: 'Text' };
const ICON = { pass: '✔', fail: '✘', unknown: '?', review: '!', not_applicable: '–' };

/** Builds an element; children are nodes or strings (strings become text, never HTML). */
function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k in e && !k.includes('-')) e[k] = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

const app = {
  store: null,
  catalog: { measurements: [], scores: [], conditions: [], medications: [], medicationUnits: [], procedures: [], immunizations: [] },
  trials: [], // { key, label, index, trial }
  focus: null, // key of the trial shown in detail
  answers: {}, // question id → value sent to the checker
  states: {}, // question id → what the control shows (value or "not sure")
  fhir: null, // { name, bundle } when a FHIR bundle is the patient
  tree: null, // { key, nodes: Map(id → parts) } for the trial shown
  questionIds: { all: '', trial: '' },
  shown: { all: [], trial: [] }, // questions on screen, kept while answered
  expanded: { all: false, trial: false }, // the whole list of questions asked for
  pasted: 0,
};

// ---------------------------------------------------------------- trials

function trialLabel(t, fallback) {
  return t.title || t.officialTitle || t.id || fallback;
}

function addTrials(text, label, options, key) {
  const indexes = app.store.add(text, options);
  const added = [];
  indexes.forEach((index, n) => {
    const trial = app.store.get(index);
    const k = key && indexes.length === 1 ? key : `${key || 'pasted'}#${++app.pasted}-${n}`;
    const entry = { key: k, label: trialLabel(trial, label || `Trial ${app.trials.length + 1}`), index, trial };
    app.trials.push(entry);
    added.push(entry);
  });
  return added;
}

function removeTrial(key) {
  const at = app.trials.findIndex((t) => t.key === key);
  if (at < 0) return;
  const [gone] = app.trials.splice(at, 1);
  // The store shifts later trials down by one.
  app.store.remove(gone.index);
  for (const t of app.trials) if (t.index > gone.index) t.index -= 1;
  const box = document.querySelector(`#samples input[value="${CSS.escape(key)}"]`);
  if (box) box.checked = false;
  if (app.focus === key) app.focus = app.trials[0]?.key ?? null;
}

async function loadSample(sample) {
  const text = await (await fetch(`samples/${sample.file}`)).text();
  addTrials(text, sample.label, undefined, sample.file);
}

async function setupSamples() {
  const list = await (await fetch('samples/index.json')).json();
  const ul = $('samples');
  for (const s of list) {
    const box = el('input', { type: 'checkbox', value: s.file, checked: true });
    box.addEventListener('change', async () => {
      if (box.checked) {
        await loadSample(s);
        app.focus ??= s.file;
      } else removeTrial(s.file);
      update();
    });
    ul.append(el('li', {}, el('label', {}, box, ` ${s.label}`)));
  }
  for (const s of list) await loadSample(s);
  app.focus = app.trials[0]?.key ?? null;
}

function addFromText(text, name, label = name) {
  const format = $('trial-format').value;
  const status = $('add-status');
  try {
    const added = addTrials(text, label, format === 'auto' ? undefined : { format });
    if (!added.length) {
      status.textContent = `No trial found in ${name || 'the pasted text'}.`;
      return;
    }
    app.focus = added[0].key;
    status.textContent = `Added ${added.map((t) => `“${t.label}”`).join(', ')}.`;
    update();
  } catch (e) {
    status.textContent = `Could not read ${name || 'the pasted text'}: ${e.message}`;
  }
}

function setupAddTrial() {
  $('add-text').addEventListener('click', () => {
    const text = $('trial-text').value;
    if (!text.trim()) {
      $('add-status').textContent = 'Paste the trial first.';
      return;
    }
    addFromText(text, 'the pasted trial', `Pasted trial ${app.pasted + 1}`);
    $('trial-text').value = '';
  });
  const readFiles = async (files) => {
    for (const f of files) addFromText(await f.text(), f.name);
  };
  $('trial-files').addEventListener('change', (e) => readFiles(e.target.files));
  const zone = $('trials-sec');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    $('add-trial').open = true;
    if (e.dataTransfer.files.length) readFiles(e.dataTransfer.files);
    else {
      const text = e.dataTransfer.getData('text/plain');
      if (text) addFromText(text, 'the dropped text');
    }
  });
}

// ---------------------------------------------------------------- patient form

const LISTS = [
  { key: 'conditions', title: 'Diagnoses', one: 'diagnosis', fields: [
    { key: 'name', label: 'Diagnosis', list: 'dl-conditions', wide: true },
    { key: 'onset', label: 'Since', type: 'month' },
    { key: 'status', label: 'Status', options: [['active', 'Active'], ['remission', 'In remission'], ['resolved', 'Resolved'], ['history', 'In the past'], ['absent', 'Ruled out'], ['', 'Not given']] },
  ] },
  { key: 'labs', title: 'Lab values and measurements', one: 'lab value', fields: [
    { key: 'name', label: 'Test', list: 'dl-measurements', wide: true },
    { key: 'value', label: 'Value', inputmode: 'decimal', narrow: true },
    { key: 'unit', label: 'Unit', options: [] },
    { key: 'date', label: 'Date', type: 'date' },
    { key: 'referenceHigh', label: 'Upper normal', inputmode: 'decimal', narrow: true, title: 'The upper limit of normal of the lab that measured it (for limits such as ≤ 2.5 × ULN)' },
  ] },
  { key: 'scores', title: 'Scores', one: 'score', fields: [
    { key: 'name', label: 'Score', list: 'dl-scores', wide: true },
    { key: 'value', label: 'Value', inputmode: 'decimal', narrow: true },
    { key: 'date', label: 'Date', type: 'date' },
  ] },
  { key: 'medications', title: 'Medications', one: 'medication', fields: [
    { key: 'name', label: 'Medication', list: 'dl-medications', wide: true },
    { key: 'dose', label: 'Dose', inputmode: 'decimal', narrow: true },
    { key: 'unit', label: 'Unit', options: [] },
    { key: 'start', label: 'Started', type: 'date' },
    { key: 'end', label: 'Stopped', type: 'date' },
    { key: 'status', label: 'Status', options: [['', 'Not given'], ['active', 'Taking now'], ['stopped', 'Stopped'], ['completed', 'Completed'], ['never', 'Never taken']] },
  ] },
  { key: 'procedures', title: 'Procedures and therapies', one: 'procedure', fields: [
    { key: 'name', label: 'Procedure', list: 'dl-procedures', wide: true },
    { key: 'date', label: 'Date', type: 'date' },
  ] },
  { key: 'immunizations', title: 'Vaccinations', one: 'vaccination', fields: [
    { key: 'name', label: 'Vaccine', list: 'dl-immunizations', wide: true },
    { key: 'date', label: 'Date', type: 'date' },
  ] },
];

function labInfo(name) {
  const n = String(name || '').trim().toLowerCase();
  return app.catalog.measurements.find((m) => m.name.toLowerCase() === n) || null;
}

function allLabUnits() {
  const seen = new Set();
  for (const m of app.catalog.measurements) for (const u of m.units) seen.add(u);
  return [...seen];
}

function fillUnits(select, units, keep) {
  const codes = units.length ? units : [''];
  // A unit given with the data is kept even if unusual; a unit only left
  // over from another test is not.
  const current = keep || (codes.includes(select.value) ? select.value : '');
  select.replaceChildren(...codes.map((u) => el('option', { value: u, text: u ? unitLabel(u) : '—' })));
  if (current && !codes.includes(current)) select.append(el('option', { value: current, text: unitLabel(current) }));
  if (current) select.value = current;
}

function addRow(list, values = {}) {
  const rows = document.querySelector(`[data-list="${list.key}"] .rows`);
  const row = el('div', { class: 'item' });
  const n = rows.children.length + 1;
  const inputs = {};
  for (const f of list.fields) {
    let input;
    if (f.options) {
      input = el('select', { name: f.key });
      if (f.key === 'unit') fillUnits(input, list.key === 'labs' ? allLabUnits() : app.catalog.medicationUnits, values.unit ?? '');
      else for (const [v, t] of f.options) input.append(el('option', { value: v, text: t }));
    } else {
      input = el('input', { name: f.key, type: f.type || 'text', inputmode: f.inputmode, title: f.title });
      if (f.list) input.setAttribute('list', f.list);
    }
    if (values[f.key] !== undefined && values[f.key] !== null) input.value = String(values[f.key]);
    inputs[f.key] = input;
    row.append(el('label', { class: `field${f.wide ? ' wide' : ''}${f.narrow ? ' narrow' : ''}${f.type === 'date' || f.type === 'month' ? ' when' : ''}` }, el('span', { class: 'flabel', text: f.label }), input));
  }
  if (list.key === 'labs') {
    // The unit choice follows the test: g/dL, g/L or mmol/L for hemoglobin.
    const sync = () => {
      const info = labInfo(inputs.name.value);
      fillUnits(inputs.unit, info ? info.units : allLabUnits());
      if (info && info.values) inputs.value.setAttribute('list', 'dl-qualitative');
      else inputs.value.removeAttribute('list');
      inputs.unit.disabled = Boolean(info && !info.units.length);
    };
    const keepUnit = values.unit;
    sync();
    if (keepUnit) fillUnits(inputs.unit, [...(labInfo(inputs.name.value)?.units || allLabUnits())], keepUnit);
    inputs.name.addEventListener('change', sync);
  }
  const remove = el('button', { type: 'button', class: 'remove', text: '✕' });
  remove.setAttribute('aria-label', `Remove ${list.one} ${n}`);
  remove.addEventListener('click', () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    (next?.querySelector('input') || document.querySelector(`[data-list="${list.key}"] .add`)).focus();
    patientChanged();
  });
  row.append(remove);
  rows.append(row);
  return inputs;
}

function setupForm() {
  const holder = $('lists');
  for (const list of LISTS) {
    const add = el('button', { type: 'button', class: 'add', text: `+ Add ${list.one}` });
    add.addEventListener('click', () => {
      const inputs = addRow(list);
      inputs.name.focus();
    });
    holder.append(el('fieldset', { class: 'list', 'data-list': list.key }, el('legend', { text: list.title }), el('div', { class: 'rows' }), add));
  }
  const c = app.catalog;
  const options = (id, names) => $(id).replaceChildren(...names.map((n) => el('option', { value: n })));
  options('dl-conditions', c.conditions);
  options('dl-measurements', c.measurements.map((m) => m.name));
  options('dl-scores', c.scores);
  options('dl-medications', c.medications);
  options('dl-procedures', c.procedures);
  options('dl-immunizations', c.immunizations);
  $('p-asof').value = new Date().toISOString().slice(0, 10);
  $('patient-form').addEventListener('input', patientChanged);
  $('patient-form').addEventListener('change', patientChanged);
  $('patient-form').addEventListener('submit', (e) => e.preventDefault());
  $('p-sex').addEventListener('change', () => {
    for (const l of document.querySelectorAll('.basics .fem')) l.hidden = $('p-sex').value === 'male';
  });
}

function rowsOf(key) {
  return [...document.querySelectorAll(`[data-list="${key}"] .item`)].map((row) => {
    const v = {};
    for (const input of row.querySelectorAll('input, select')) v[input.name] = input.value.trim();
    return v;
  });
}

function num(s) {
  const t = String(s ?? '').trim().replace(',', '.');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function ageOn(birth, asOf) {
  const b = new Date(`${birth}T00:00:00Z`);
  const a = new Date(`${asOf}T00:00:00Z`);
  if (Number.isNaN(b.getTime()) || Number.isNaN(a.getTime())) return undefined;
  let age = a.getUTCFullYear() - b.getUTCFullYear();
  if (a.getUTCMonth() < b.getUTCMonth() || (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate())) age -= 1;
  return age >= 0 ? age : undefined;
}

const clean = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

/** The patient from the form, in the package's JSON shape. */
function formPatient() {
  const p = {};
  const asOf = $('p-asof').value;
  if (asOf) p.asOf = asOf;
  const birth = $('p-birth').value;
  if (birth) {
    p.birthDate = birth;
    const a = ageOn(birth, asOf || new Date().toISOString().slice(0, 10));
    if (a !== undefined) p.age = a;
  } else if (num($('p-age').value) !== undefined) p.age = num($('p-age').value);
  if ($('p-sex').value) p.sex = $('p-sex').value;
  if ($('p-sex').value !== 'male') {
    if ($('p-pregnant').value) p.pregnant = $('p-pregnant').value === 'yes';
    if ($('p-breastfeeding').value) p.breastfeeding = $('p-breastfeeding').value === 'yes';
  }
  const conditions = rowsOf('conditions').filter((r) => r.name).map((r) => clean(r));
  const observations = [];
  for (const r of rowsOf('labs')) {
    if (!r.name || r.value === '') continue;
    const info = labInfo(r.name);
    const n = num(r.value);
    observations.push(clean({ name: r.name, code: info?.code, value: n ?? r.value, unit: n !== undefined ? r.unit : undefined, date: r.date, referenceHigh: num(r.referenceHigh) }));
  }
  for (const r of rowsOf('scores')) {
    if (!r.name || num(r.value) === undefined) continue;
    observations.push(clean({ name: r.name, value: num(r.value), date: r.date }));
  }
  const medications = rowsOf('medications').filter((r) => r.name).map((r) => clean({ ...r, dose: num(r.dose), unit: num(r.dose) !== undefined ? r.unit : undefined }));
  const procedures = rowsOf('procedures').filter((r) => r.name).map(clean);
  const immunizations = rowsOf('immunizations').filter((r) => r.name).map(clean);
  if (conditions.length) p.conditions = conditions;
  if (observations.length) p.observations = observations;
  if (medications.length) p.medications = medications;
  if (procedures.length) p.procedures = procedures;
  if (immunizations.length) p.immunizations = immunizations;
  return p;
}

/** The patient handed to the checker: the form or a FHIR bundle, with the answers. */
function currentPatient() {
  const answers = Object.keys(app.answers).length ? { answers: { ...app.answers } } : {};
  if (app.fhir) return { ...app.fhir.bundle, ...answers };
  return { ...formPatient(), ...answers };
}

function clearForm() {
  for (const id of ['p-age', 'p-birth', 'p-sex', 'p-pregnant', 'p-breastfeeding']) $(id).value = '';
  $('p-asof').value = new Date().toISOString().slice(0, 10);
  for (const rows of document.querySelectorAll('#lists .rows')) rows.replaceChildren();
  for (const l of document.querySelectorAll('.basics .fem')) l.hidden = false;
}

/** Puts a patient in our JSON shape into the form. */
function fillForm(p) {
  clearForm();
  if (p.asOf) $('p-asof').value = p.asOf;
  if (p.birthDate) $('p-birth').value = p.birthDate;
  else if (p.age !== undefined) $('p-age').value = String(p.age);
  if (p.sex) $('p-sex').value = p.sex;
  if (typeof p.pregnant === 'boolean') $('p-pregnant').value = p.pregnant ? 'yes' : 'no';
  if (typeof p.breastfeeding === 'boolean') $('p-breastfeeding').value = p.breastfeeding ? 'yes' : 'no';
  for (const l of document.querySelectorAll('.basics .fem')) l.hidden = p.sex === 'male';
  const list = (key) => LISTS.find((l) => l.key === key);
  for (const c of p.conditions || []) addRow(list('conditions'), c);
  for (const o of p.observations || []) {
    const isScore = o.unit === undefined && typeof o.value === 'number' && !labInfo(o.name);
    addRow(list(isScore ? 'scores' : 'labs'), o);
  }
  for (const m of p.medications || []) addRow(list('medications'), m);
  for (const x of p.procedures || []) addRow(list('procedures'), x);
  for (const x of p.immunizations || []) addRow(list('immunizations'), x);
}

function setFhir(name, bundle) {
  app.fhir = bundle ? { name, bundle } : null;
  const box = $('fhir-status');
  $('form-body').disabled = Boolean(bundle);
  if (!bundle) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const n = Array.isArray(bundle.entry) ? bundle.entry.length : 0;
  const use = el('button', { type: 'button', text: 'Use the form instead' });
  use.addEventListener('click', () => {
    setFhir(null, null);
    patientChanged();
  });
  box.hidden = false;
  box.replaceChildren(el('span', { text: `Checking with the FHIR bundle “${name}” (${n} resources), read on this device. ` }), use);
}

function setupPatientTools() {
  $('example').addEventListener('click', async () => {
    const p = await (await fetch('samples/patient.json')).json();
    setFhir(null, null);
    fillForm(p);
    patientChanged();
  });
  $('clear').addEventListener('click', () => {
    setFhir(null, null);
    clearForm();
    app.answers = {};
    app.states = {};
    app.questionIds = { all: '', trial: '' };
    app.shown = { all: [], trial: [] };
    patientChanged();
  });
  $('patient-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    let data;
    try {
      data = JSON.parse(await file.text());
    } catch (err) {
      $('keep-status').textContent = `Could not read ${file.name}: it is not JSON (${err.message})`;
      return;
    }
    if (data && data.resourceType === 'Bundle') setFhir(file.name, data);
    else {
      setFhir(null, null);
      fillForm(data || {});
      if (data && data.answers && typeof data.answers === 'object') {
        app.answers = { ...data.answers };
        for (const [k, v] of Object.entries(app.answers)) app.states[k] = { value: v };
      }
    }
    e.target.value = '';
    patientChanged();
  });
  $('keep').addEventListener('change', () => {
    if ($('keep').checked) save();
    else forget();
  });
  $('forget').addEventListener('click', () => {
    forget();
    $('keep').checked = false;
  });
}

// ---------------------------------------------------------------- storage (only when asked)

function save() {
  if (!$('keep').checked) return;
  try {
    const data = { patient: formPatient(), answers: app.answers, states: app.states };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(data));
    $('keep-status').textContent = 'Saved in this browser only.';
  } catch (e) {
    $('keep-status').textContent = `Could not save: ${e.message}`;
  }
}

function forget() {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage may be blocked; there is then nothing to forget.
  }
  $('keep-status').textContent = 'Nothing is stored.';
}

function restore() {
  let data = null;
  try {
    data = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null');
  } catch {
    data = null;
  }
  if (!data) return;
  fillForm(data.patient || {});
  app.answers = data.answers || {};
  app.states = data.states || {};
  $('keep').checked = true;
  $('keep-status').textContent = 'Restored from this browser.';
}

// ---------------------------------------------------------------- results

function patientChanged() {
  save();
  update();
}

function onAnswer(q, value, state, from) {
  app.states[q.id] = state;
  if (value === undefined) delete app.answers[q.id];
  else app.answers[q.id] = value;
  // The same question may show in both lists: keep the other one in step.
  for (const other of ['all-questions', 'trial-questions']) {
    if (other === from) continue;
    const old = $(other).querySelector(`[data-question="${CSS.escape(String(q.id))}"]`);
    if (old) old.replaceWith(questionControl(q, state, (v, s) => onAnswer(q, v, s, other)));
  }
  save();
  update();
}

// A long list of questions is cut short, with a button for the rest.
const QUESTION_LIMIT = { all: 8, trial: 6 };

function renderQuestions(containerId, open, which, extra) {
  const box = $(containerId);
  const questions = stableQuestions(app.shown[which], open, (id) => app.states[id] !== undefined);
  app.shown[which] = questions;
  $(`${containerId}-box`).hidden = questions.length === 0;
  const limit = QUESTION_LIMIT[which];
  const cut = !app.expanded[which] && questions.length > limit + 1;
  const visible = cut ? questions.slice(0, limit) : questions;
  const ids = `${questions.length}|${app.expanded[which]}|${visible.map((q) => q.id).join('\u0001')}`;
  // Rebuilt only when the questions change, so the field typed in keeps focus.
  if (ids === app.questionIds[which]) return;
  app.questionIds[which] = ids;
  const controls = visible.map((q) => {
    const control = questionControl(q, app.states[q.id], (v, s) => onAnswer(q, v, s, containerId));
    const note = extra?.(q);
    if (note) control.append(el('p', { class: 'qnote', text: note }));
    return control;
  });
  if (questions.length > limit + 1) {
    const more = el('button', { type: 'button', class: 'more', text: cut ? `Show all ${questions.length} questions` : 'Show fewer questions' });
    more.addEventListener('click', () => {
      app.expanded[which] = !app.expanded[which];
      update();
      box.querySelector('.more')?.focus();
    });
    controls.push(more);
  }
  box.replaceChildren(...controls);
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

function countStatus(results, status) {
  let n = 0;
  const walk = (list) => {
    for (const r of list || []) {
      if (r.children?.length) walk(r.children);
      else if (r.status === status) n += 1;
    }
  };
  walk(results);
  return n;
}

function renderRanking(evaluations) {
  const ol = $('ranking');
  const byIndex = new Map(app.trials.map((t) => [t.index, t]));
  const items = [];
  for (const ev of evaluations) {
    const t = byIndex.get(ev.trialIndex);
    if (!t) continue;
    const v = VERDICT[ev.verdict] || { icon: '', text: String(ev.verdict) };
    const open = ev.questions || 0;
    const failed = ev.counts?.fail || 0;
    const meta = [t.trial.id, t.trial.status, failed ? `${plural(failed, 'criterion', 'criteria')} not met` : null, open ? plural(open, 'open question') : null].filter(Boolean).join(' · ');
    let li = ol.querySelector(`li[data-trial-key="${CSS.escape(t.key)}"]`);
    if (!li) {
      const pick = el('button', { type: 'button', class: 'pick' });
      pick.addEventListener('click', () => {
        app.focus = t.key;
        update();
        $('trial-sec').scrollIntoView({ behavior: 'smooth', block: 'start' });
      });
      const remove = el('button', { type: 'button', class: 'remove', text: '✕' });
      remove.setAttribute('aria-label', `Remove ${t.label}`);
      remove.addEventListener('click', () => {
        removeTrial(t.key);
        update();
      });
      li = el('li', { 'data-trial-key': t.key }, pick, remove);
    }
    li.dataset.verdict = ev.verdict;
    const pick = li.querySelector('.pick');
    pick.setAttribute('aria-pressed', String(app.focus === t.key));
    const label = `${v.icon} ${v.text}|${t.label}|${meta}`;
    if (pick.dataset.label !== label) {
      pick.dataset.label = label;
      pick.replaceChildren(
        el('span', { class: 'vbadge' }, el('span', { 'aria-hidden': 'true', text: v.icon }), ` ${v.text}`),
        el('span', { class: 'tname', text: t.label }),
        el('span', { class: 'tmeta', text: meta }),
      );
    }
    items.push(li);
  }
  const same = items.length === ol.children.length && items.every((li, i) => ol.children[i] === li);
  if (!same) ol.replaceChildren(...items);
}

function ageText(a) {
  if (!a) return null;
  const unit = { a: 'years', mo: 'months', wk: 'weeks', d: 'days', h: 'hours', min: 'minutes' }[a.unit] || a.unit;
  return `${a.value} ${unit}`;
}

function showTrialInfo(t) {
  const trial = t.trial;
  $('trial-title').textContent = t.label;
  const ages = trial.minimumAge || trial.maximumAge
    ? trial.minimumAge && trial.maximumAge ? `${ageText(trial.minimumAge)} to ${ageText(trial.maximumAge)}`
      : trial.minimumAge ? `${ageText(trial.minimumAge)} and over` : `up to ${ageText(trial.maximumAge)}`
    : null;
  const sex = { ALL: 'All', FEMALE: 'Female', MALE: 'Male' }[trial.sex] || trial.sex;
  const facts = [
    ['Id', [trial.id, ...(trial.secondaryIds || [])].filter(Boolean).join(', ')],
    ['Status', trial.status], ['Phase', (trial.phases || []).join(', ')],
    ['Ages', ages], ['Sex', sex],
    ['Conditions', (trial.conditions || []).join(', ')],
    ['Sponsor', trial.sponsor], ['Read as', FORMAT[trial.format] || trial.format],
  ];
  const dl = $('trial-info');
  dl.replaceChildren();
  for (const [k, v] of facts) if (v) dl.append(el('div', {}, el('dt', { text: k }), el('dd', { text: String(v) })));
  // What the reader could not make sense of, in its own words.
  const notes = (trial.diagnostics || []).filter((d) => d && d.message && d.severity !== 'info');
  const box = $('reader-notes');
  box.hidden = notes.length === 0;
  box.open = false;
  $('reader-notes-summary').textContent = `Reader notes (${notes.length})`;
  $('reader-notes-list').replaceChildren(...notes.map((d) => el('li', { text: `${d.severity}: ${d.message}` })));
}

function atomTitle(a) {
  const parts = [a.kind];
  if (a.concept?.name) parts.push(a.concept.name);
  if (a.negated) parts.push('(negated)');
  if (a.comparator && a.value !== undefined) parts.push(`${a.comparator} ${a.value}${a.unit ? ` ${unitLabel(a.unit)}` : ''}`);
  if (a.low || a.high) parts.push(`${a.low ? a.low.value : '…'}–${a.high ? a.high.value : '…'}${a.unit ? ` ${unitLabel(a.unit)}` : ''}`);
  if (a.window) parts.push(`within ${a.window.value} ${a.window.unit} ${a.window.direction} ${a.window.anchor}`);
  return parts.join(' ');
}

/** The node's own source text (up to its first child) with its atoms marked. */
function sourceText(c, full) {
  const valid = (s) => s && Number.isInteger(s.start) && Number.isInteger(s.end) && s.start <= s.end && s.end <= full.length;
  if (!full || !valid(c.span)) return [document.createTextNode(c.text || '')];
  let start = c.span.start;
  let end = c.children?.length && valid(c.children[0].span) ? Math.max(start, c.children[0].span.start) : c.span.end;
  while (start < end && /\s/.test(full[start])) start += 1;
  while (end > start && /\s/.test(full[end - 1])) end -= 1;
  if (start === end) return [document.createTextNode(c.text || '')];
  const atoms = (c.atoms || []).filter((a) => valid(a.span) && a.span.start >= start && a.span.end <= end && a.span.end > a.span.start)
    .sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  const out = [];
  let at = start;
  for (const a of atoms) {
    if (a.span.start < at) continue; // overlaps the previous mark
    if (a.span.start > at) out.push(document.createTextNode(full.slice(at, a.span.start)));
    out.push(el('mark', { class: `atom atom-${a.kind}${a.negated ? ' negated' : ''}`, title: atomTitle(a), text: full.slice(a.span.start, a.span.end) }));
    at = a.span.end;
  }
  if (at < end) out.push(document.createTextNode(full.slice(at, end)));
  return out;
}

/** One node of the tree: its badge, text and the places its result goes. */
function treeNode(nodes, c, content) {
  const badge = el('span', { class: 'badge', 'data-status': 'unknown' });
  const reason = el('p', { class: 'reason', hidden: true });
  const facts = el('ul', { class: 'facts', hidden: true });
  const qlinks = el('ul', { class: 'qlinks', hidden: true });
  const confirm = el('span', { class: 'tag confirm', text: 'the study team confirms this', hidden: true });
  const li = el('li', { class: `node kind-${c.kind || 'criterion'}`, 'data-id': c.id, 'data-status': 'unknown', 'data-section': c.section });
  const tags = [];
  if (c.cohort) tags.push(el('span', { class: 'tag', text: `cohort: ${c.cohort}` }));
  if (c.appliesIf?.text) tags.push(el('span', { class: 'tag', text: `only if: ${c.appliesIf.text}` }));
  if ((c.understood === 'full' || c.understood === 'partial') && c.kind === 'criterion') tags.push(el('span', { class: `tag understood-${c.understood}`, text: `understood: ${c.understood}` }));
  tags.push(confirm);
  const src = el(c.kind === 'section' ? 'h4' : 'p', { class: 'src' }, ...content);
  li.append(el('div', { class: 'head' }, badge, el('div', { class: 'body' }, src, el('div', { class: 'tags' }, ...tags), reason, facts, qlinks)));
  nodes.set(c.id, { li, badge, reason, facts, qlinks, confirm, section: c.section, key: '', text: src.textContent });
  return li;
}

function buildTree(t) {
  const nodes = new Map();
  const full = t.trial.eligibilityText || '';
  const build = (c) => {
    const li = treeNode(nodes, c, sourceText(c, full));
    if (c.children?.length) li.append(el('ol', {}, ...c.children.map(build)));
    return li;
  };
  $('criteria').replaceChildren(...(t.trial.criteria || []).map(build));
  app.tree = { key: t.key, index: t.index, nodes, trial: t.trial, record: null };
}

/**
 * A result for something outside the criteria text (the trial record's age
 * and sex limits: `trial.minimumAge`, `trial.sex`): shown in a section of
 * its own at the top, in words from the record.
 */
function recordNode(r) {
  const tree = app.tree;
  if (!tree.record) {
    const section = { id: '\u0000record', kind: 'section', section: 'inclusion' };
    const li = treeNode(tree.nodes, section, ['From the trial record']);
    tree.record = el('ol');
    li.append(tree.record);
    $('criteria').prepend(li);
  }
  const trial = tree.trial;
  const words = {
    'trial.minimumAge': trial.minimumAge ? `Minimum age: ${ageText(trial.minimumAge)}` : 'Minimum age',
    'trial.maximumAge': trial.maximumAge ? `Maximum age: ${ageText(trial.maximumAge)}` : 'Maximum age',
    'trial.sex': trial.sex ? `Sex: ${{ ALL: 'all', FEMALE: 'female only', MALE: 'male only' }[trial.sex] || trial.sex}` : 'Sex',
  }[r.id] || r.id;
  tree.record.append(treeNode(tree.nodes, { id: r.id, kind: 'criterion', section: r.section || 'inclusion' }, [words]));
  return tree.nodes.get(r.id);
}

function factText(f) {
  if (f === null || f === undefined) return '';
  if (typeof f !== 'object') return String(f);
  if (f.text) return String(f.text);
  const name = f.name || f.concept?.name || f.kind || '';
  const value = f.value !== undefined ? ` ${f.value}${f.unit ? ` ${unitLabel(f.unit)}` : ''}` : '';
  const date = f.date ? ` (${f.date})` : '';
  return `${name}${value}${date}`.trim() || JSON.stringify(f);
}

function questionLink(q) {
  const b = el('button', { type: 'button', class: 'link', text: `Open question: ${q.text ?? q.id}` });
  b.addEventListener('click', () => {
    const box = $('trial-questions').querySelector(`[data-question="${CSS.escape(String(q.id))}"]`);
    box?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    box?.querySelector('input, select')?.focus({ preventScroll: true });
  });
  return el('li', {}, b);
}

/** Criterion id → the open questions that would settle it. */
function questionsByCriterion(questions) {
  const map = new Map();
  for (const q of questions) {
    for (const c of Array.isArray(q.criteria) ? q.criteria : []) {
      const id = typeof c === 'string' ? c : c?.id;
      if (!id) continue;
      if (!map.has(id)) map.set(id, []);
      map.get(id).push(q);
    }
  }
  return map;
}

function paintTree(results, byCriterion = new Map()) {
  const nodes = app.tree.nodes;
  const walk = (list, top) => {
    for (const r of list || []) {
      const n = nodes.get(r.id) || (top && typeof r.id === 'string' && r.id.startsWith('trial.') ? recordNode(r) : null);
      if (n) {
        const section = r.section || n.section || 'inclusion';
        const status = r.status || 'unknown';
        const label = (STATUS[section] || STATUS.inclusion)[status] || status;
        const facts = Array.isArray(r.facts) ? r.facts.map(factText).filter(Boolean) : [];
        const qs = byCriterion.get(r.id) || [];
        const key = `${status}|${r.reason || ''}|${facts.join('\u0001')}|${qs.map((q) => q.id).join('\u0001')}|${r.toConfirm === true}`;
        if (n.key !== key) {
          n.key = key;
          n.li.dataset.status = status;
          n.badge.dataset.status = status;
          n.badge.replaceChildren(el('span', { 'aria-hidden': 'true', text: ICON[status] || '•' }), ` ${label}`);
          n.reason.hidden = !r.reason;
          n.reason.textContent = r.reason || '';
          n.facts.hidden = facts.length === 0;
          n.facts.replaceChildren(...facts.map((f) => el('li', { text: f })));
          n.qlinks.hidden = qs.length === 0;
          n.qlinks.replaceChildren(...qs.map(questionLink));
          n.confirm.hidden = r.toConfirm !== true;
        }
      }
      walk(r.children, false);
    }
  };
  walk(results, true);
  // The record's section follows its limits.
  const record = nodes.get('\u0000record');
  if (record) {
    const own = results.filter((r) => typeof r.id === 'string' && r.id.startsWith('trial.')).map((r) => r.status);
    const status = own.includes('fail') ? 'fail' : own.length && own.every((x) => x === 'pass') ? 'pass' : own.length ? 'unknown' : 'not_applicable';
    record.li.dataset.status = status;
    record.badge.dataset.status = status;
    record.badge.replaceChildren(el('span', { 'aria-hidden': 'true', text: ICON[status] }), ` ${STATUS.inclusion[status]}`);
  }
}

/** "Settles: …" with the criteria's own words, shortened. */
function settlesNote(q) {
  if (!Array.isArray(q.criteria) || !q.criteria.length) return null;
  const words = q.criteria.map((c) => {
    const id = typeof c === 'string' ? c : c?.id;
    const text = app.tree?.nodes.get(id)?.text?.replace(/^[-*•\s]+/, '') || id || '';
    return text.length > 70 ? `“${text.slice(0, 68)}…”` : `“${text}”`;
  });
  return `Settles ${words.join('; ')}`;
}

function renderFocus(ev, t, ms) {
  if (!app.tree || app.tree.key !== t.key || app.tree.index !== t.index) {
    showTrialInfo(t);
    buildTree(t);
    app.questionIds.trial = '';
    app.shown.trial = [];
    app.expanded.trial = false;
  }
  const verdict = $('verdict');
  if (!ev) {
    verdict.dataset.verdict = 'error';
    return;
  }
  paintTree(ev.criteria, questionsByCriterion(Array.isArray(ev.questions) ? ev.questions : []));
  const v = VERDICT[ev.verdict] || { icon: '', text: String(ev.verdict) };
  const failed = countStatus(ev.criteria, 'fail');
  const open = Array.isArray(ev.questions) ? ev.questions.length : 0;
  const unknown = countStatus(ev.criteria, 'unknown');
  const review = countStatus(ev.criteria, 'review');
  const detail = ev.verdict === 'ineligible' ? `${plural(failed, 'criterion', 'criteria')} not met.`
    : ev.verdict === 'undetermined' ? [open ? `${plural(open, 'question')} to answer` : null, unknown ? `${plural(unknown, 'criterion', 'criteria')} still unknown` : null, review ? `${plural(review, 'criterion', 'criteria')} to review` : null].filter(Boolean).join(', ') + '.'
      : 'Every criterion checked is met.';
  const text = `${v.icon} ${v.text} — ${detail}`;
  verdict.dataset.verdict = ev.verdict;
  verdict.dataset.ms = ms.toFixed(3);
  if (verdict.dataset.text !== text) {
    verdict.dataset.text = text;
    verdict.replaceChildren(el('span', { class: 'vicon', 'aria-hidden': 'true', text: v.icon }), el('strong', { text: v.text }), el('span', { class: 'vdetail', text: ` — ${detail}` }));
  }
  renderQuestions('trial-questions', Array.isArray(ev.questions) ? ev.questions : [], 'trial', (q) =>
    settlesNote(q));
  const warnings = Array.isArray(ev.warnings) ? ev.warnings.map(String) : [];
  // An answer given but still asked for did not reach the checker.
  const ignored = (Array.isArray(ev.questions) ? ev.questions : []).filter((q) => Object.hasOwn(app.answers, q.id));
  if (ignored.length) {
    warnings.push(`${plural(ignored.length, 'answer')} not taken into account${app.fhir ? ' with a FHIR bundle as the patient: use the form to answer' : ''}.`);
  }
  const wkey = warnings.join('\u0001');
  if ($('warnings').dataset.key !== wkey) {
    $('warnings').dataset.key = wkey;
    $('warnings').hidden = warnings.length === 0;
    $('warnings').replaceChildren(...warnings.map((w) => el('li', { text: w })));
  }
  const confirm = Array.isArray(ev.toConfirm) ? ev.toConfirm : [];
  $('confirm-box').hidden = confirm.length === 0;
  $('to-confirm').replaceChildren(...confirm.map((c) => el('li', { text: typeof c === 'string' ? c : c.text || c.id || JSON.stringify(c) })));
}

function update() {
  const json = $('patient-json');
  const patient = currentPatient();
  json.textContent = JSON.stringify(patient, null, 2);
  if (!app.store) return;
  if (!app.trials.length) {
    $('summary').textContent = 'No trial loaded: pick a sample or add one.';
    $('ranking').replaceChildren();
    $('all-questions-box').hidden = true;
    $('trial-questions-box').hidden = true;
    $('confirm-box').hidden = true;
    $('trial-title').textContent = 'Choose a trial';
    $('trial-info').replaceChildren();
    $('criteria').replaceChildren();
    $('verdict').replaceChildren();
    delete $('verdict').dataset.verdict;
    delete $('verdict').dataset.text;
    app.tree = null;
    return;
  }
  const text = JSON.stringify(patient);
  let result;
  let ev = null;
  const t = app.trials.find((x) => x.key === app.focus) || app.trials[0];
  app.focus = t.key;
  const t0 = performance.now();
  try {
    // The summary per keystroke: per trial the verdict, counts and open
    // questions, and the questions across trials; the full tree is the
    // focused trial's alone (evaluate, below).
    result = app.store.checkSummary(text, { questionLimit: 200 });
  } catch (e) {
    $('summary').textContent = `Could not check this patient: ${e.message}`;
    $('verdict').dataset.verdict = 'error';
    delete $('verdict').dataset.text;
    $('verdict').textContent = `Could not check this patient: ${e.message}`;
    renderFocus(null, t, 0);
    return;
  }
  const t1 = performance.now();
  try {
    ev = app.store.evaluate(t.index, text);
  } catch (e) {
    $('verdict').textContent = `Could not check this trial: ${e.message}`;
  }
  const t2 = performance.now();
  const evaluations = Array.isArray(result.trials) ? result.trials : [];
  const counts = { eligible: 0, undetermined: 0, ineligible: 0 };
  for (const e of evaluations) counts[e.verdict] = (counts[e.verdict] || 0) + 1;
  $('summary').textContent = `${plural(evaluations.length, 'trial')}: ${counts.eligible} may be eligible, ${counts.undetermined} undetermined, ${counts.ineligible} not eligible.`;
  renderRanking(evaluations);
  // The questions that decide the most trials first.
  const decides = new Map((result.questions || []).map((q) => [q.id, q.trialCount || 0]));
  const all = (result.questions || [])
    .map((q, i) => ({ q, i, n: q.trialCount || 0 }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((x) => x.q);
  // With one trial the trial's own list says it all.
  renderQuestions('all-questions', evaluations.length > 1 ? all : [], 'all', (q) => (decides.get(q.id) ? `Matters for ${plural(decides.get(q.id), 'trial')}` : null));
  const timing = $('timing');
  timing.dataset.checkMs = (t1 - t0).toFixed(3);
  timing.dataset.evalMs = (t2 - t1).toFixed(3);
  timing.textContent = `Re-checked ${plural(evaluations.length, 'trial')} in ${(t1 - t0).toFixed(2)} ms; this trial in ${(t2 - t1).toFixed(2)} ms (a frame is 16.7 ms).`;
  console.debug(`trialsieve: check ${(t1 - t0).toFixed(3)} ms for ${evaluations.length} trials, evaluate ${(t2 - t1).toFixed(3)} ms`);
  renderFocus(ev, t, t2 - t1);
}

// ---------------------------------------------------------------- start

async function start() {
  try {
    await init();
    app.store = new TrialStore();
    app.catalog = { ...app.catalog, ...(await (await fetch('catalog.json')).json()) };
    setupForm();
    setupPatientTools();
    setupAddTrial();
    restore();
    await setupSamples();
    document.body.dataset.ready = 'true';
    update();
  } catch (e) {
    $('summary').textContent = `The checker could not start: ${e.message}`;
    throw e;
  }
}

start();
