// Parse throughput and check latency of the wasm build under Node.
//   node bench/wasm.mjs          (after scripts/build.sh)
import { readFileSync, existsSync } from 'node:fs';
import { init, TrialStore } from '../pkg/index.js';

const candidates = [new URL('../../shared/corpus/trials.jsonl', import.meta.url), new URL('file:///work/shared/corpus/trials.jsonl')];
const path = candidates.find((u) => existsSync(u));
if (!path) {
  console.log('corpus not found (../shared/corpus/trials.jsonl): nothing to measure');
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
runs.sort((a, b) => a - b);
console.log(`parse (wasm): ${texts.length} trials, ${(bytes / 1e6).toFixed(1)} MB in ${runs[0].toFixed(3)} s = ${(bytes / 1e6 / runs[0]).toFixed(1)} MB/s (best of ${runs.length})`);

const small = new TrialStore();
for (const text of texts.slice(0, 1000)) small.add(text, { format: 'text' });
const patient = JSON.stringify({ age: 45, sex: 'female', observations: [{ name: 'hemoglobin', value: 12, unit: 'g/dL' }] });
const times = [];
for (let r = 0; r < 30; r++) {
  const t = performance.now();
  small.check(patient, { today: '2026-11-22' });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(`check (wasm): 1 patient x 1000 trials: median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms`);
