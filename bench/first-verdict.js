// Time from the page's scripts being loaded to the first verdict, as a page
// embedding trialsieve would do it: fetch and compile the wasm, read the
// trial on the page, check one patient. The timings go to `window.timings`
// for bench/browser.mjs to read.
import { init, TrialStore } from '../pkg/index.js';

const t0 = performance.now(); // module body runs once its imports have loaded
const trialText = fetch('../tests/fixtures/seeds/001_b9cf3ad41ca6d1e4.txt').then((r) => r.text());
await init();
const t1 = performance.now();
const store = new TrialStore();
store.add(await trialText);
const t2 = performance.now();
const { evaluations } = store.check({ age: 45, sex: 'female' });
const t3 = performance.now();
window.timings = {
  scriptsLoaded: t0,
  init: t1 - t0,
  parse: t2 - t1,
  check: t3 - t2,
  firstVerdict: t3 - t0,
  verdict: evaluations[0].verdict,
};
document.getElementById('out').textContent = JSON.stringify(window.timings, null, 2);
