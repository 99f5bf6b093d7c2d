// The demo page: pick a bundled trial, describe a patient, read the verdict.
// Imports only from the package, as a user's page would. Trial text comes
// from third parties: it is only ever set with textContent, never as HTML.
import { init, TrialStore } from '../pkg/index.js';

const $ = (id) => document.getElementById(id);
const ICON = { pass: '✔', fail: '✘', unknown: '?', not_applicable: '–' };
const LABEL = { eligible: 'Eligible', undetermined: 'Undetermined', ineligible: 'Not eligible' };

const store = { inner: null, index: new Map() };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

async function loadSamples() {
  const list = await (await fetch('samples/index.json')).json();
  for (const s of list) $('sample').append(el('option', { value: s.file }, s.label));
  $('patient').value = await (await fetch('samples/patient.json')).text();
}

async function trialIndex(file) {
  if (!store.index.has(file)) {
    const text = await (await fetch(`samples/${file}`)).text();
    const [i] = store.inner.add(text);
    store.index.set(file, i);
  }
  return store.index.get(file);
}

function showTrial(trial) {
  const info = $('trial-info');
  info.replaceChildren();
  const facts = [
    ['Title', trial.title], ['Id', trial.id], ['Status', trial.status],
    ['Phase', (trial.phases || []).join(', ')], ['Sex', trial.sex],
    ['Ages', [trial.minimumAge, trial.maximumAge].map((a) => (a ? `${a.value} ${a.unit}` : '…')).join(' – ')],
  ];
  const dl = el('dl');
  for (const [k, v] of facts) if (v) dl.append(el('dt', {}, k), el('dd', {}, String(v)));
  info.append(dl);
}

function renderResult(list, results, trial) {
  for (const r of results) {
    const li = el('li', { 'data-id': r.id, 'data-status': r.status });
    const text = trial.eligibilityText.slice(r.span.start, r.span.end).split('\n')[0];
    li.append(el('span', { class: `status ${r.status}` }, `${ICON[r.status]} ${r.status.replace('_', ' ')}`), ' ', text);
    if (r.reason) li.append(el('div', { class: 'reason' }, r.reason));
    if (r.children && r.children.length) {
      const ol = el('ol');
      renderResult(ol, r.children, trial);
      li.append(ol);
    }
    list.append(li);
  }
}

async function run() {
  const file = $('sample').value;
  const i = await trialIndex(file);
  const trial = store.inner.get(i);
  showTrial(trial);
  let evaluation;
  try {
    evaluation = store.inner.evaluate(i, $('patient').value);
  } catch (e) {
    $('verdict').textContent = `Could not check: ${e.message}`;
    $('verdict').dataset.verdict = 'error';
    return;
  }
  $('verdict').textContent = LABEL[evaluation.verdict];
  $('verdict').dataset.verdict = evaluation.verdict;
  const list = $('criteria');
  list.replaceChildren();
  renderResult(list, evaluation.criteria, trial);
}

await init();
store.inner = new TrialStore();
await loadSamples();
$('check').disabled = false;
$('check').addEventListener('click', run);
$('sample').addEventListener('change', run);
$('verdict').textContent = 'Ready: choose a trial and press Check.';
