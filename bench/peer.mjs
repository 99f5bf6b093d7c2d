// Parse throughput of the peer parser, Facebook's Clinical-Trial-Parser (its
// CFG parser, the Go command src/cmd/cfg), over the same criteria texts that
// benches/parse.rs and bench/wasm.mjs parse, so that the MB/s compare.
//   CTP_BIN=path/to/cfg [CTP_DIR=its checkout] [CTP_CONF=config] node bench/peer.mjs [--json]
// CTP_BIN: a built binary of the cfg command. CTP_DIR: where it runs, the
// peer's checkout, since its config names resource files relative to it;
// by default the folder holding CTP_BIN. CTP_CONF: its config file,
// relative to CTP_DIR unless absolute; by default
// src/resources/config/cfg.conf.
//
// The peer reads a CSV and writes a TSV, so it is timed as one whole
// process, once (about 20 s over the corpus): its start (loading its
// dictionaries), reading the CSV and writing its relations count with its
// parsing, where the native and wasm figures count parsing alone, so the
// ratios lean our way by that much. Bytes are those of the criteria texts
// only, as in the native bench. Wall time always; the child's CPU time too
// when GNU time is at /usr/bin/time, else null.
// A failure of the peer is a result, not a crash: with --json it is
// written as { error } and the exit status is 0, so that scripts/bench.sh
// still prints its table and says why.
import { readFileSync, writeFileSync, existsSync, statSync, accessSync, mkdtempSync, rmSync, constants } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const asJson = process.argv.includes('--json');
const DEFAULT_CONF = 'src/resources/config/cfg.conf';

function finish(result) {
  if (asJson) {
    console.log(JSON.stringify(result));
  } else if (result.error) {
    console.error(`peer (Clinical-Trial-Parser): ${result.error}`);
    process.exitCode = 1;
  } else {
    const cpu = result.cpuMs === null ? 'CPU time not measured (no GNU /usr/bin/time)' : `CPU ${(result.cpuMs / 1000).toFixed(2)} s = ${result.cpuMbPerS.toFixed(2)} MB/s`;
    console.log(`parse (peer, Clinical-Trial-Parser cfg, whole process): ${result.trials} trials, ${(result.bytes / 1e6).toFixed(1)} MB in ${(result.wallMs / 1000).toFixed(2)} s wall = ${result.mbPerS.toFixed(2)} MB/s; ${cpu}; ${result.outputLines} lines of TSV`);
  }
}

// The corpus: TRIALSIEVE_CORPUS when set, else ../shared/corpus beside the repository root.
const corpus = process.env.TRIALSIEVE_CORPUS || fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const path = join(corpus, 'trials.jsonl');
if (!existsSync(path)) {
  finish({ error: 'corpus not found (TRIALSIEVE_CORPUS or ../shared/corpus): nothing to measure' });
  process.exit();
}

// The trials that have criteria text, skipping any other line as
// benches/parse.rs does (a line that is not JSON, criteria that are not a
// string), so that both sides read the same texts.
const trials = [];
for (const line of readFileSync(path, 'utf8').split('\n')) {
  let v;
  try {
    v = JSON.parse(line);
  } catch {
    continue;
  }
  if (typeof v?.eligibilityCriteria === 'string') trials.push(v);
}
const bytes = trials.reduce((n, t) => n + Buffer.byteLength(t.eligibilityCriteria), 0);
const base = { trials: trials.length, bytes };

// The peer's input: RFC 4180 CSV as its reader (Go's encoding/csv, `#`
// starting a comment line) takes it, one row per trial: nct_id, title,
// has_us_facility (unused by the parser), the conditions joined with `|`,
// the criteria. A field is quoted when it holds a comma, a quote, a line
// break or starts with `#`, its quotes doubled.
function field(s) {
  return /[",\r\n]/.test(s) || s.startsWith('#') ? `"${s.replaceAll('"', '""')}"` : s;
}
function csv(rows) {
  const lines = ['#nct_id,title,has_us_facility,conditions,eligibility_criteria'];
  for (const t of rows) {
    const conditions = Array.isArray(t.conditions) ? t.conditions.join('|') : '';
    lines.push([String(t.nctId ?? ''), String(t.title ?? ''), 'false', conditions, t.eligibilityCriteria].map(field).join(','));
  }
  return lines.join('\n') + '\n';
}

const bin = process.env.CTP_BIN;
if (!bin) {
  finish({ ...base, error: 'CTP_BIN is not set (the path to a built binary of the peer\'s cfg command)' });
  process.exit();
}
const binPath = resolve(bin);
const cwd = process.env.CTP_DIR ? resolve(process.env.CTP_DIR) : dirname(binPath);
const conf = resolve(cwd, process.env.CTP_CONF || DEFAULT_CONF);
const problem = (() => {
  try {
    accessSync(binPath, constants.X_OK);
  } catch {
    return `CTP_BIN ${binPath} is not an executable file`;
  }
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) return `CTP_DIR ${cwd} is not a folder`;
  if (!existsSync(conf)) return `config ${conf} not found (set CTP_DIR to the peer's checkout, or CTP_CONF)`;
  return null;
})();
if (problem) {
  finish({ ...base, error: problem });
  process.exit();
}

// CPU time of the child: GNU time writes user and system seconds to a file
// of its own; it is probed once on `true` first, since another `time` may
// not take these flags.
const timeBin = '/usr/bin/time';
const tmp = mkdtempSync(join(tmpdir(), 'trialsieve-peer-'));
function cpuFromTime(file) {
  if (!existsSync(file)) return null;
  // On a failing command GNU time writes a line about the exit status
  // first; the figures are on the last line.
  const last = readFileSync(file, 'utf8').trim().split('\n').pop();
  const m = last?.match(/^([\d.]+) ([\d.]+)$/);
  return m ? (Number(m[1]) + Number(m[2])) * 1000 : null;
}
const withTime = existsSync(timeBin) && spawnSync(timeBin, ['-f', '%U %S', '-o', join(tmp, 'probe'), 'true']).status === 0 && cpuFromTime(join(tmp, 'probe')) !== null;

try {
  const input = join(tmp, 'trials.csv');
  const output = join(tmp, 'relations.tsv');
  const times = join(tmp, 'time');
  writeFileSync(input, csv(trials));
  const args = ['-conf', conf, '-i', input, '-o', output, '-logtostderr'];
  const [cmd, argv] = withTime ? [timeBin, ['-f', '%U %S', '-o', times, binPath, ...args]] : [binPath, args];

  // Its log goes to stderr; the end of it is kept for the error message.
  let log = '';
  const start = performance.now();
  const { code, signal, spawnError } = await new Promise((done) => {
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => {
      log = (log + d).slice(-2000);
    });
    child.on('error', (e) => done({ spawnError: e }));
    child.on('close', (c, s) => done({ code: c, signal: s }));
  });
  const wallMs = performance.now() - start;
  const tail = log.trim().split('\n').slice(-3).join(' / ');

  if (spawnError) {
    finish({ ...base, error: `could not start ${binPath}: ${spawnError.message}` });
  } else if (code !== 0) {
    // Under GNU time, a signal that ended the peer is in time's own file.
    const killed = signal ?? (withTime && existsSync(times) ? readFileSync(times, 'utf8').match(/terminated by signal (\d+)/)?.[1] : undefined);
    finish({ ...base, error: `${binPath} ${killed ? `killed by signal ${killed}` : `exited with status ${code}`}${tail ? `: ${tail}` : ''}` });
  } else if (!existsSync(output)) {
    finish({ ...base, error: `${binPath} wrote no output file${tail ? `: ${tail}` : ''}` });
  } else {
    const out = readFileSync(output);
    let outputLines = 0;
    for (let i = out.indexOf(10); i >= 0; i = out.indexOf(10, i + 1)) outputLines++;
    if (out.length && out[out.length - 1] !== 10) outputLines++;
    if (outputLines <= 1) {
      finish({ ...base, error: `${binPath} wrote only ${outputLines ? 'its header line' : 'an empty file'}${tail ? `: ${tail}` : ''}` });
    } else {
      const cpuMs = withTime ? cpuFromTime(times) : null;
      finish({ ...base, wallMs, cpuMs, cpuFrom: cpuMs === null ? null : timeBin, mbPerS: bytes / 1e3 / wallMs, cpuMbPerS: cpuMs === null ? null : bytes / 1e3 / cpuMs, outputLines });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
