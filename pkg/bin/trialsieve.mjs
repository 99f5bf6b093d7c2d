#!/usr/bin/env node
// trialsieve command line: the same wasm core as the JS API.
//
//   trialsieve parse [--jsonl] [--format F] FILE...   the parsed trial(s) as JSON
//   trialsieve check --patient P.json [--jsonl] [--closed-world] [--today YYYY-MM-DD] FILE...
//                                                     one evaluation per trial, ranked
// `-` reads standard input. Exit 0 on success, 2 on bad input or usage.
//
// The CLI streams: it reads one file at a time and writes each trial (or
// evaluation) as soon as it has it, so memory stays flat however many files
// it is given. The default output is one JSON value, written piece by piece
// (one trial alone is an object, several an array); `--jsonl` writes one
// compact JSON value a line. Ranking `check`'s evaluations needs every
// verdict first: the default output keeps each evaluation in a scratch file
// until all are made, then writes them ranked; `--jsonl` writes each one at
// once, in input order, with its `trialIndex`.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, parseAll, TrialStore } from '../index.js';

const USAGE = `usage: trialsieve parse [--jsonl] [--format FORMAT] FILE...
       trialsieve check --patient PATIENT.json [--jsonl] [--closed-world] [--today YYYY-MM-DD] [--format FORMAT] FILE...
FILE may be - for standard input; FORMAT is auto, ctgov-json, ctgov-xml, markdown, html or text
--jsonl writes one JSON value a line (check: in input order, not ranked)`;

// Bad input or usage: exit 2 with one line on standard error (and the usage
// line when the command line itself was wrong).
class UsageError extends Error {
  constructor(message, showUsage = true) {
    super(message);
    this.showUsage = showUsage;
  }
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') return { command: 'help' };
  if (command !== 'parse' && command !== 'check') {
    throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  }
  const args = { command, files: [], format: undefined, patient: undefined, closedWorld: false, today: undefined, jsonl: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) throw new UsageError(`${a} needs a value`);
      return rest[++i];
    };
    if (a === '--format') args.format = value();
    else if (a === '--jsonl') args.jsonl = true;
    else if (a === '--patient' && command === 'check') args.patient = value();
    else if (a === '--closed-world' && command === 'check') args.closedWorld = true;
    else if (a === '--today' && command === 'check') args.today = value();
    else if (a.startsWith('--')) throw new UsageError(`unknown option '${a}' for ${command}`);
    else args.files.push(a);
  }
  const formats = ['auto', 'ctgov-json', 'ctgov-xml', 'markdown', 'html', 'text'];
  if (args.format !== undefined && !formats.includes(args.format)) {
    throw new UsageError(`unknown format '${args.format}', expected one of ${formats.join(', ')}`);
  }
  if (args.files.length === 0) throw new UsageError('no input file given');
  if (command === 'check' && !args.patient) throw new UsageError('check needs --patient PATIENT.json');
  if (args.files.filter((f) => f === '-').length + (args.patient === '-' ? 1 : 0) > 1) {
    throw new UsageError('standard input (-) can be read only once');
  }
  return args;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// Reads a file as UTF-8. Invalid bytes become U+FFFD, and we say so: nothing
// is dropped silently.
async function readText(path) {
  let bytes;
  try {
    bytes = path === '-' ? await readStdin() : await readFile(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, false);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    process.stderr.write(`trialsieve: warning: ${path} is not valid UTF-8; invalid bytes were replaced with U+FFFD\n`);
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function named(path, e) {
  const message = String(e && e.message ? e.message : e).replace(/^trialsieve: /, '');
  return new UsageError(`${path === '-' ? 'standard input' : path}: ${message}`, false);
}

// Writes to standard output, waiting when the pipe is full, so that output
// never piles up in memory.
function write(text) {
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/**
 * The output: each value written as it comes. In JSON Lines one compact
 * value a line; else one pretty JSON array, or, when `single` allows it and
 * there is one value only, that value alone. The first value is then held
 * until the second arrives (or the end), to know which of the two it is.
 */
class Output {
  constructor(jsonl, single) {
    this.jsonl = jsonl;
    this.single = single;
    this.count = 0;
    this.held = null;
  }

  async push(value) {
    this.count += 1;
    if (this.jsonl) return write(JSON.stringify(value) + '\n');
    // Indented one level, as an array element. JSON text has no raw newline
    // inside a string, so every newline starts a line of the layout.
    const element = '  ' + JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    if (this.count === 1 && this.single) {
      this.held = { value, element };
      return undefined;
    }
    if (this.count === 1) return write('[\n' + element);
    if (this.held) {
      await write('[\n' + this.held.element);
      this.held = null;
    }
    return write(',\n' + element);
  }

  async end() {
    if (this.jsonl) return undefined;
    if (this.count === 0) return write('[]\n');
    if (this.held) return write(JSON.stringify(this.held.value, null, 2) + '\n');
    return write('\n]\n');
  }
}

// The ranking of `check` (src/eval/mod.rs): eligible first, then
// undetermined, then ineligible; fewer open questions first; input order.
const RANK = { eligible: 0, undetermined: 1, ineligible: 2 };

/**
 * Checks the patient against every trial of every file, one file in the
 * store at a time, calling `each(evaluation)` in input order.
 */
async function checkEach(args, patient, options, each) {
  const checkOptions = { closedWorld: args.closedWorld, today: args.today };
  const store = new TrialStore();
  try {
    // The patient is read (and refused, when it is wrong) before any trial.
    try {
      store.check(patient, checkOptions);
    } catch (e) {
      throw named(args.patient, e);
    }
    let index = 0;
    for (const file of args.files) {
      const input = await readText(file);
      store.clear();
      try {
        store.add(input, options);
      } catch (e) {
        throw named(file, e);
      }
      for (let i = 0; i < store.size; i += 1) {
        let e;
        try {
          e = store.evaluate(i, patient, checkOptions);
        } catch (err) {
          throw named(args.patient, err);
        }
        // The position among all trials checked, as `check` gives it.
        e.trialIndex = index++;
        await each(e);
      }
    }
  } finally {
    store.free();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  await init();
  const options = args.format ? { format: args.format } : undefined;
  if (args.command === 'parse') {
    const out = new Output(args.jsonl, true);
    for (const file of args.files) {
      const input = await readText(file);
      let trials;
      try {
        trials = parseAll(input, options);
      } catch (e) {
        throw named(file, e);
      }
      for (const t of trials) await out.push(t);
    }
    await out.end();
    return;
  }
  const patient = await readText(args.patient);
  const out = new Output(args.jsonl, false);
  if (args.jsonl) {
    await checkEach(args, patient, options, (e) => out.push(e));
    await out.end();
    return;
  }
  // Ranked: each evaluation goes to a scratch file as it is made, with only
  // its place and rank kept in memory; then they are read back in rank order.
  const scratch = mkdtempSync(join(tmpdir(), 'trialsieve-'));
  const fd = openSync(join(scratch, 'evaluations.jsonl'), 'w+');
  try {
    const keys = [];
    let at = 0;
    await checkEach(args, patient, options, (e) => {
      const bytes = Buffer.from(JSON.stringify(e));
      writeSync(fd, bytes, 0, bytes.length, at);
      keys.push({ at, length: bytes.length, rank: RANK[e.verdict] ?? 3, questions: e.questions.length, index: e.trialIndex });
      at += bytes.length;
    });
    keys.sort((a, b) => a.rank - b.rank || a.questions - b.questions || a.index - b.index);
    for (const k of keys) {
      const bytes = Buffer.alloc(k.length);
      readSync(fd, bytes, 0, k.length, k.at);
      await out.push(JSON.parse(bytes.toString('utf8')));
    }
  } finally {
    closeSync(fd);
    rmSync(scratch, { recursive: true, force: true });
  }
  await out.end();
}

main().catch((e) => {
  if (e instanceof UsageError) {
    const hint = e.showUsage ? " (see 'trialsieve --help')" : '';
    process.stderr.write(`trialsieve: ${e.message}${hint}\n`);
  } else {
    process.stderr.write(`trialsieve: ${e && e.message ? e.message.replace(/^trialsieve: /, '') : e}\n`);
  }
  process.exitCode = 2;
});
