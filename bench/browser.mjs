// Time to first verdict in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), on a page served by scripts/serve.mjs on
// 127.0.0.1: from the page's scripts being loaded to the first verdict
// (wasm fetch and compile, parse, check). Each run is a fresh page; the
// server sends `cache-control: no-store`, so the wasm is fetched and
// compiled every time. Then a keystroke on the demo page (www/): the input
// event, every bundled trial re-checked and the page updated, median and
// worst of 30.
//   node bench/browser.mjs [--runs 9] [--json]
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 9;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync('/usr/bin/chromium')) {
  console.log('chromium not found (/usr/bin/chromium): nothing to measure');
  process.exit(0);
}
const server = await serve({ root: ROOT, port: 0 });
const base = `http://127.0.0.1:${server.address().port}`;
const profile = mkdtempSync(join(tmpdir(), 'trialsieve-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const samples = [];
let keystroke;

/** The demo page with a trial picked and an age typed, then 30 keystrokes timed. */
async function keystrokes() {
  const page = await context.newPage();
  await page.goto(`${base}/www/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  const key = '001_b9cf3ad41ca6d1e4.txt';
  await page.click(`#ranking li[data-trial-key="${key}"] .pick`);
  await page.fill('#p-age', '45');
  const k = await page.evaluate(() => {
    const age = document.getElementById('p-age');
    const times = [];
    for (let i = 0; i < 30; i += 1) {
      age.value = String(12 + (i % 60));
      const t0 = performance.now();
      age.dispatchEvent(new Event('input', { bubbles: true }));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { median: times[15], worst: times[29], trials: document.querySelectorAll('#ranking li').length };
  });
  await page.close();
  return k;
}

try {
  for (let r = 0; r < runs + 1; r++) {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/bench/first-verdict.html`);
    await page.waitForFunction(() => window.timings !== undefined || null, null, { timeout: 20000 });
    const t = await page.evaluate(() => window.timings);
    await page.close();
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    if (r > 0) samples.push(t); // the first run warms the browser process up
  }
  keystroke = await keystrokes();
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
const median = (key) => {
  const v = samples.map((s) => s[key]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
const max = (key) => Math.max(...samples.map((s) => s[key]));
const result = {
  runs: samples.length,
  firstVerdictMedianMs: median('firstVerdict'),
  firstVerdictMaxMs: max('firstVerdict'),
  initMedianMs: median('init'),
  parseMedianMs: median('parse'),
  checkMedianMs: median('check'),
  scriptsLoadedMedianMs: median('scriptsLoaded'),
  verdict: samples[0].verdict,
  keystrokeMedianMs: keystroke.median,
  keystrokeWorstMs: keystroke.worst,
  keystrokeTrials: keystroke.trials,
};
if (args.includes('--json')) console.log(JSON.stringify(result));
else
  console.log(
    `first verdict (Chromium): median ${result.firstVerdictMedianMs.toFixed(1)} ms, max ${result.firstVerdictMaxMs.toFixed(1)} ms after the scripts load ` +
      `(init ${result.initMedianMs.toFixed(1)}, parse ${result.parseMedianMs.toFixed(1)}, check ${result.checkMedianMs.toFixed(1)} ms; scripts loaded at ${result.scriptsLoadedMedianMs.toFixed(1)} ms; ${result.runs} runs); ` +
      `a keystroke on the demo re-checks ${result.keystrokeTrials} trials in ${result.keystrokeMedianMs.toFixed(1)} ms (median; worst ${result.keystrokeWorstMs.toFixed(1)} ms)`,
  );
