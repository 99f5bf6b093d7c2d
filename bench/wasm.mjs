// Parse throughput and check latency of the wasm build under Node.
//   node bench/wasm.mjs [--json]        (after scripts/build.sh)
// Parse: every corpus trial into a TrialStore (no result crosses to JS, as
// in the native bench), best of 3. Check: one patient against 1,000 trials
// through the public API, median and p95 of 50 runs after 5 warm-up runs;
// then the summary-shaped check (checkSummary) the same way, the first
// checkSummary of a fresh store (which prepares its trials), and the call
// split into its parts at the wasm edge, to show what dominates.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, TrialStore } from '../pkg/index.js';
import * as glue from '../pkg/dist/trialsieve.js';

const asJson = process.argv.includes('--json');
// The corpus: TRIALSIEVE_CORPUS when set, else ../shared/corpus beside the repository root.
const corpus = process.env.TRIALSIEVE_CORPUS || fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const path = join(corpus, 'trials.jsonl');
if (!existsSync(path)) {
  console.log('corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus): nothing to measure');
  process.exit(0);
}
const texts = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).eligibilityCriteria).filter((t) => typeof t === 'string');
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
await init();

const runs = [];
let store;
for (let r = 0; r < 3; r++) {
  store?.free();
  store = new TrialStore();
  const t = performance.now();
  for (const text of texts) store.add(text, { format: 'text' });
  runs.push((performance.now() - t) / 1000);
}
store.free();
runs.sort((a, b) => a - b);
const parseMBs = bytes / 1e6 / runs[0];

// Wall time, and the process's CPU time too: on a machine busy with other
// work, CPU time stays close to what an idle machine would show while wall
// time does not.
function stats(fn, n = 50, warm = 5) {
  for (let r = 0; r < warm; r++) fn();
  const times = [];
  const cpu = [];
  for (let r = 0; r < n; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const q = (v, p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { median: q(times, 0.5), p95: q(times, 0.95), min: times[0], cpuMedian: q(cpu, 0.5) };
}

const small = new TrialStore();
for (const text of texts.slice(0, 1000)) small.add(text, { format: 'text' });
const patient = { age: 45, sex: 'female', observations: [{ name: 'hemoglobin', value: 12, unit: 'g/dL' }] };
const patientText = JSON.stringify(patient);
const check = stats(() => small.check(patient, { today: '2026-11-22' }));
const summary = stats(() => small.checkSummary(patient, { today: '2026-11-22' }));
const summaryBytes = JSON.stringify(small.checkSummary(patient, { today: '2026-11-22' })).length;
// The first summary check of a store prepares each trial for every later
// one (its criteria's scope read, its atoms described): what a page waits
// for once it has added its trials. Three fresh stores, the median.
const firstSummaryMs = (() => {
  const times = [];
  for (let r = 0; r < 3; r++) {
    const s = new TrialStore();
    for (const text of texts.slice(0, 1000)) s.add(text, { format: 'text' });
    const t = performance.now();
    s.checkSummary(patient, { today: '2026-11-22' });
    times.push(performance.now() - t);
    s.free();
  }
  times.sort((a, b) => a - b);
  return times[1];
})();
const parseCpu = (() => {
  const s = new TrialStore();
  const c = process.cpuUsage();
  for (const text of texts) s.add(text, { format: 'text' });
  const d = process.cpuUsage(c);
  s.free();
  return (d.user + d.system) / 1e6;
})();

// The parts, on a store of the raw glue (no JS layer).
const raw = new glue.TrialStore();
for (const text of texts.slice(0, 1000)) raw.add(text, { format: 'text' });
const opts = { today: '2026-11-22' };
const parts = {};
if (typeof raw.checkJson === 'function') {
  parts.rustToJsonText = stats(() => raw.checkJson(patientText, opts));
  const text = raw.checkJson(patientText, opts);
  parts.jsonTextBytes = text.length;
  parts.jsonParse = stats(() => JSON.parse(text));
}
parts.summaryJsonText = stats(() => raw.checkSummary(patientText, opts));
raw.free();
small.free();

const result = { trials: texts.length, megabytes: bytes / 1e6, parseSeconds: runs[0], parseMBs, parseCpuMBs: bytes / 1e6 / parseCpu, checkMedianMs: check.median, checkP95Ms: check.p95, checkMinMs: check.min, checkCpuMedianMs: check.cpuMedian, summaryMedianMs: summary.median, summaryP95Ms: summary.p95, summaryCpuMedianMs: summary.cpuMedian, summaryBytes, firstSummaryMs, parts };
if (asJson) {
  console.log(JSON.stringify(result));
} else {
  console.log(`parse (wasm): ${texts.length} trials, ${(bytes / 1e6).toFixed(1)} MB in ${runs[0].toFixed(3)} s = ${parseMBs.toFixed(1)} MB/s (best of ${runs.length})`);
  console.log(`parse (wasm, by CPU time): ${result.parseCpuMBs.toFixed(1)} MB/s`);
  console.log(`check (wasm): 1 patient x 1000 trials: median ${check.median.toFixed(2)} ms, p95 ${check.p95.toFixed(2)} ms, fastest ${check.min.toFixed(2)} ms; CPU time median ${check.cpuMedian.toFixed(2)} ms`);
  console.log(`check summary (wasm): median ${summary.median.toFixed(2)} ms, p95 ${summary.p95.toFixed(2)} ms; CPU time median ${summary.cpuMedian.toFixed(2)} ms; ${summaryBytes} bytes of JSON`);
  console.log(`first check summary of a store of 1000 trials (wasm, preparing them): ${firstSummaryMs.toFixed(1)} ms`);
  for (const [k, v] of Object.entries(parts)) console.log(`  ${k}: ${typeof v === 'number' ? v : `median ${v.median.toFixed(2)} ms, p95 ${v.p95.toFixed(2)} ms, CPU ${v.cpuMedian.toFixed(2)} ms`}`);
}
