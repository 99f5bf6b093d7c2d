// Prints the table of scripts/bench.sh from the outputs it gathered in DIR:
// native.txt (divan's report), wasm.json, browser.json (optional),
// peer.json (optional: bench/peer.mjs, when CTP_BIN was set); and measures
// the wasm's size itself.
//   node bench/table.mjs DIR
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dir = process.argv[2];
const native = readFileSync(join(dir, 'native.txt'), 'utf8');
if (native.includes('corpus not found')) {
  console.log('corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus): nothing to measure');
  process.exit(0);
}
const wasm = JSON.parse(readFileSync(join(dir, 'wasm.json'), 'utf8'));
const browser = existsSync(join(dir, 'browser.json')) ? JSON.parse(readFileSync(join(dir, 'browser.json'), 'utf8')) : null;
// The peer's result, or why there is none: bench/peer.mjs writes { error }
// when the peer fails, and nothing readable if it crashed itself.
const peerFile = join(dir, 'peer.json');
const peer = (() => {
  if (!existsSync(peerFile)) return null;
  try {
    return JSON.parse(readFileSync(peerFile, 'utf8'));
  } catch {
    return { error: 'bench/peer.mjs wrote no result (its error is in the log above)' };
  }
})();

// divan prints, per bench, a line `name  fastest │ slowest │ median │ mean │ …`
// and, with a counter, a second line of the same columns as throughput.
const UNITS = { ns: 1e-6, µs: 1e-3, us: 1e-3, ms: 1, s: 1000 };
function columns(line) {
  return line.split('│').map((c) => c.trim());
}
function divan(name) {
  const lines = native.split('\n');
  const i = lines.findIndex((l) => new RegExp(`[─ ]${name}\\s`).test(l));
  if (i < 0) throw new Error(`bench ${name} not found in the cargo bench output`);
  const median = columns(lines[i])[2];
  const [, v, unit] = median.match(/([\d.]+)\s*(\S+)/);
  const ms = Number(v) * UNITS[unit];
  const tp = columns(lines[i + 1] || '')[2] || '';
  const m = tp.match(/([\d.]+)\s*(\S+)\/s/);
  const mbs = m ? Number(m[1]) * ({ B: 1e-6, KB: 1e-3, MB: 1, GB: 1e3, KiB: 1.024e-3, MiB: 1.048576, GiB: 1073.741824 }[m[2]] ?? NaN) : undefined;
  return { ms, mbs };
}
const parseNative = divan('parse_corpus');
const cpuLine = native.match(/parse \(native, by CPU time\): ([\d.]+) MB\/s/);
const parseNativeCpu = cpuLine ? Number(cpuLine[1]) : undefined;
const evalOnly = divan('check_1000_eval');
const evalUtf16 = divan('check_1000_eval_utf16');
const evalJson = divan('check_1000_eval_utf16_json');
const summaryEval = divan('check_1000_summary');
const summaryJson = divan('check_1000_summary_json');

const bytes = readFileSync(new URL('../pkg/dist/trialsieve_bg.wasm', import.meta.url));
const gz = gzipSync(bytes, { level: 9 }).length;

// The module's sections, each gzipped on its own: what the size is made of
// (code is section 10, data section 11).
function sections(b) {
  const leb = (i) => {
    let r = 0, s = 0, x;
    do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
    return [r, i];
  };
  const out = {};
  for (let i = 8; i < b.length;) {
    const id = b[i];
    const [n, at] = leb(i + 1);
    const name = { 10: 'code', 11: 'data' }[id] ?? 'other';
    out[name] = (out[name] ?? 0) + gzipSync(b.subarray(at, at + n), { level: 9 }).length;
    i = at + n;
  }
  return out;
}
const parts = sections(bytes);

const rows = [];
const row = (what, value, target, ok) => rows.push([what, value, target, ok === undefined ? '' : ok ? 'met' : 'MISSED']);
const f = (x, d = 1) => x.toFixed(d);
row('parse, native, opt-level 3 (MB/s)', f(parseNative.mbs), '', undefined);
row('parse, wasm in Node (MB/s)', f(wasm.parseMBs), '≥ 20', wasm.parseMBs >= 20);
row('parse, wasm in Node, by CPU time (MB/s)', f(wasm.parseCpuMBs), '≥ 20', wasm.parseCpuMBs >= 20);
if (parseNativeCpu) row('parse, native, opt-level 3, by CPU time (MB/s)', f(parseNativeCpu), '', undefined);
// The wasm is built for size (opt-level "z"), the native benches for speed
// (opt-level 3): the ratio holds both the wasm's cost and that choice's.
row('wasm parse time / native', f(parseNative.mbs / wasm.parseMBs, 2) + '×', '≤ 1.5×', parseNative.mbs / wasm.parseMBs <= 1.5);
if (parseNativeCpu) row('wasm parse time / native, by CPU time', f(parseNativeCpu / wasm.parseCpuMBs, 2) + '×', '≤ 1.5×', parseNativeCpu / wasm.parseCpuMBs <= 1.5);
// The peer is timed as a whole process, once, its start and its file I/O
// included (bench/peer.mjs); our side counts parsing alone.
if (peer && !peer.error) {
  row('parse, peer Clinical-Trial-Parser, whole process (MB/s)', f(peer.mbPerS, 2), '', undefined);
  if (peer.cpuMbPerS) row('parse, peer, whole process, by CPU time (MB/s)', f(peer.cpuMbPerS, 2), '', undefined);
  row('native parse speed / peer', f(parseNative.mbs / peer.mbPerS) + '×', '≥ 10×', parseNative.mbs / peer.mbPerS >= 10);
  if (parseNativeCpu && peer.cpuMbPerS) row('native parse speed / peer, by CPU time', f(parseNativeCpu / peer.cpuMbPerS) + '×', '≥ 10×', parseNativeCpu / peer.cpuMbPerS >= 10);
  row('wasm parse speed / peer', f(wasm.parseMBs / peer.mbPerS) + '×', '', undefined);
}
row('check 1 × 1,000, wasm, median (ms)', f(wasm.checkMedianMs, 2), '≤ 10', wasm.checkMedianMs <= 10);
row('check 1 × 1,000, wasm, p95 (ms)', f(wasm.checkP95Ms, 2), '', undefined);
row('check 1 × 1,000, wasm, fastest (ms)', f(wasm.checkMinMs, 2), '', undefined);
row('check 1 × 1,000, wasm, CPU time median (ms)', f(wasm.checkCpuMedianMs, 2), '≤ 10', wasm.checkCpuMedianMs <= 10);
if (wasm.summaryMedianMs !== undefined) {
  row('check summary 1 × 1,000, wasm, median (ms)', f(wasm.summaryMedianMs, 2), '≤ 10', wasm.summaryMedianMs <= 10);
  row('check summary 1 × 1,000, wasm, CPU time median (ms)', f(wasm.summaryCpuMedianMs, 2), '≤ 10', wasm.summaryCpuMedianMs <= 10);
  row('  check summary, JSON size (bytes)', String(wasm.summaryBytes), '', undefined);
  if (wasm.firstSummaryMs !== undefined) row('  first check summary of a store, its trials prepared (ms)', f(wasm.firstSummaryMs, 1), '', undefined);
}
if (wasm.parts.jsonParse) row('  wasm: JSON.parse of the full check (ms)', f(wasm.parts.jsonParse.median, 2), '', undefined);
if (wasm.parts.rustToJsonText) row('  wasm: check → JSON text (ms)', f(wasm.parts.rustToJsonText.median, 2), '', undefined);
if (wasm.parts.jsonParse) row(`  JS: JSON.parse of ${f(wasm.parts.jsonTextBytes / 1e3, 0)} KB (ms)`, f(wasm.parts.jsonParse.median, 2), '', undefined);
row('  native: evaluation only (ms)', f(evalOnly.ms, 2), '', undefined);
row('  native: + UTF-16 spans (ms)', f(evalUtf16.ms, 2), '', undefined);
row('  native: + JSON text (ms)', f(evalJson.ms, 2), '', undefined);
row('  native: summary, lean evaluation (ms)', f(summaryEval.ms, 2), '', undefined);
row('  native: summary + JSON text (ms)', f(summaryJson.ms, 2), '', undefined);
row('wasm size, raw (bytes)', String(bytes.length), '', undefined);
row('wasm size, gzipped (bytes)', String(gz), '≤ 300,000', gz <= 300_000);
row('  of which code / data / other, each gzipped alone (bytes)', `${parts.code} / ${parts.data} / ${parts.other ?? 0}`, '', undefined);
if (browser) {
  row('first verdict, Chromium, median (ms)', f(browser.firstVerdictMedianMs), '≤ 100', browser.firstVerdictMedianMs <= 100);
  row('  of which init / parse / check (ms)', `${f(browser.initMedianMs)} / ${f(browser.parseMedianMs)} / ${f(browser.checkMedianMs)}`, '', undefined);
  row('first verdict, Chromium, max (ms)', f(browser.firstVerdictMaxMs), '', undefined);
  if (browser.keystrokeMedianMs !== undefined) {
    row(`keystroke on the demo, ${browser.keystrokeTrials} trials, median (ms)`, f(browser.keystrokeMedianMs), '≤ 16', browser.keystrokeMedianMs <= 16);
    row('keystroke on the demo, worst of 30 (ms)', f(browser.keystrokeWorstMs), '', undefined);
  }
}
const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['measure', 'value', 'target', ''][i].length));
const line = (r) => `| ${r.map((c, i) => (i === 1 ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ')} |`;
const load = existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').split(' ')[0] : '?';
console.log(`corpus: ${wasm.trials} trials, ${f(wasm.megabytes)} MB of criteria text; load average ${load} (wall times grow with it, CPU times much less)`);
console.log(line(['measure', 'value', 'target', '']));
console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
if (!peer) {
  console.log('\nratio to the peer (Clinical-Trial-Parser) not measured: CTP_BIN is not set; CTP_BIN=path/to/its/built/cfg [CTP_DIR=its checkout] [CTP_CONF=its config] bash scripts/bench.sh');
} else if (peer.error) {
  console.log(`\nratio to the peer (Clinical-Trial-Parser) not measured: ${peer.error}`);
} else if (peer.bytes !== Math.round(wasm.megabytes * 1e6)) {
  console.log(`\nthe peer read ${peer.bytes} bytes of criteria text, the wasm bench ${Math.round(wasm.megabytes * 1e6)}: not the same corpus, the ratios to the peer compare nothing`);
}

// For each target missed, what its time or size is made of, from the
// parts measured above (a profile says more: benches/profile.rs under
// valgrind --tool=callgrind).
const notes = [];
if (wasm.checkMedianMs > 10) {
  notes.push(`check 1 × 1,000: the evaluation alone takes ${f(evalOnly.ms)} ms native; writing the result as JSON text adds ${f(evalJson.ms - evalUtf16.ms)} ms native, and JS parses its ${f(wasm.parts.jsonTextBytes / 1e6)} MB in ${f(wasm.parts.jsonParse?.median ?? NaN)} ms`);
}
if (wasm.summaryMedianMs !== undefined && wasm.summaryMedianMs > 10) {
  notes.push(`check summary 1 × 1,000: the lean evaluation takes ${f(summaryEval.ms)} ms native, its JSON text ${f(summaryJson.ms - summaryEval.ms)} ms more; under callgrind (benches/profile.rs summary built as the wasm is, opt-level z: 46.5M instructions in all, 30.1M at opt-level 3; 69M before the lean walk over prepared nodes in pre-order and the numbered questions, 51M before the reason-only walk kept its buffers and dropped facts and questions and the fixed questions were shared, 47.7M before the memo kept the number of each outcome's question), the lean walks are about 32M, of which judging the 5,600 distinct atoms the trials name is 7.7M and the leaves with exceptions, judged by the full walk's code, 2M; judging each deciding criterion again in full for its reason is about 4M, the JSON text about 3M (written directly, in ASCII, eight bytes at a time where nothing needs escaping), and merging, ranking and counting the questions and trials most of the rest; the walk's own time is spread over the 21,000 nodes and 27,000 atom look-ups (about 1,100 instructions a node), so a further large step is to judge each leaf from a compact table of the check's atom truths rather than through the memo's outcomes; the first check of a store${wasm.firstSummaryMs === undefined ? '' : ` (${f(wasm.firstSummaryMs)} ms)`} also prepares each trial once for every later check: 1,740M instructions for the 1,000 trials under callgrind (the toggle trialsieve::eval::PreparedCell::get, opt-level z; 2,118M before the scope reader's words shared one buffer and its phrases were tried only where one starts), of which the scope reader, which reads each criterion's words into clauses, is 71%, and describing each atom (its fields as JSON text, numbered) 22%`);
}
if (gz > 300_000) {
  // The parts of the code, measured apart on a build that keeps the name
  // section (scripts/build.sh strips it), raw bytes of 585 KB.
  notes.push(`size: code ${parts.code} bytes gzipped alone, data ${parts.data} (the lexicon blob built by build.rs, 53 KB of it gzipped alone; the tables of data/; string literals); of the 585 KB of raw code, the standard library's generic code is about 180 KB (core 88, alloc 62, std 18, hashbrown 10), serde and serde_json 48 KB (trial and patient JSON read, the full evaluation written), the extractor 58 KB, judging atoms 38 KB, the tree builder 32 KB, the readers of the formats 40 KB and the scope reader 19 KB: 300,000 bytes needs about 90 KB of raw code gone, as much as serde and half the standard library's share`);
}
if (browser && browser.firstVerdictMedianMs > 100) {
  const [what, ms] = [['init (fetch and compile the wasm)', browser.initMedianMs], ['parse (the first one loads the lexicon and the tables)', browser.parseMedianMs], ['check (the first one builds the lexicon index)', browser.checkMedianMs]].sort((a, b) => b[1] - a[1])[0];
  // Measured apart (a fresh Node process parsing seed 001, then the same
  // page again): the first parse costs 25–57 ms, the same parse again about
  // 4 ms; the rest is once-only work, each function's first compilation
  // (lazy, Liftoff) and the tables, the lexicon's 21.6M of the 52.6M
  // instructions `benches/profile.rs first` counts natively.
  // The functions compiled in each step, from Node's
  // --trace-wasm-compilation-times over the same steps, mapped to names by
  // a build that keeps its name section.
  notes.push(`first verdict: most of it is ${what}, ${f(ms)} ms; a page's first parse and check are mostly once-only work (compiling each function on its first call: the first parse 861 functions, 231 KB of code, the first check 682, 170 KB, of the 585 KB; building the lexicon, 16M instructions natively; the tables): the same page parsed again takes about 4 ms; with Chromium compiling every function up front (--js-flags=--no-wasm-lazy-compilation, which a page cannot ask for) parse and check took about 50 ms where they took 90 to 130, and init 45 ms more`);
}
if (wasm.parseMBs < 20) {
  notes.push(`parse: ${f(parseNative.mbs)} MB/s native too; under callgrind (benches/profile.rs corpus 300 built as the wasm is, opt-level z: 894M instructions for 534 KB, 16M of them the lexicon's start; 529M at opt-level 3) the atoms take 48% (the scanner, which finds the thresholds, the lexicon's names and the cue phrases, 30%; placing and attaching atoms and coverage the rest), reading the text as a page 9%, appliesIf 6% and laying out the tree most of the rest; no one function takes more than 3% of the instructions, and a seventh of them are allocations (glibc's malloc and free natively, about 75M of 529M), so a large step needs fewer passes over the text and fewer short-lived vectors rather than faster loops`);
}
if (peer && !peer.error && parseNative.mbs / peer.mbPerS < 10) {
  notes.push(`native / peer: the peer took ${f(peer.wallMs / 1000, 2)} s wall${peer.cpuMs === null ? '' : ` (${f(peer.cpuMs / 1000, 2)} s CPU)`} for ${f(peer.bytes / 1e6)} MB, its start and file I/O included; our native parse of the same texts ${f(parseNative.ms / 1000, 2)} s`);
}
if (notes.length) {
  console.log('\nWhere the missed targets go:');
  for (const n of notes) console.log(`- ${n}`);
}
