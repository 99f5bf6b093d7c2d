#!/usr/bin/env node
// trialsieve command line: the same wasm core as the JS API.
//
//   trialsieve parse [--format F] FILE...          the parsed trial(s) as JSON
//   trialsieve check --patient P.json [--closed-world] [--today YYYY-MM-DD] FILE...
//                                                  one evaluation per trial, ranked
// `-` reads standard input. Exit 0 on success, 2 on bad input or usage.
import { readFile } from 'node:fs/promises';
import { init, parseAll, TrialStore } from '../index.js';

const USAGE = `usage: trialsieve parse [--format FORMAT] FILE...
       trialsieve check --patient PATIENT.json [--closed-world] [--today YYYY-MM-DD] [--format FORMAT] FILE...
FILE may be - for standard input; FORMAT is auto, ctgov-json, ctgov-xml, markdown, html or text`;

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
  const args = { command, files: [], format: undefined, patient: undefined, closedWorld: false, today: undefined };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) throw new UsageError(`${a} needs a value`);
      return rest[++i];
    };
    if (a === '--format') args.format = value();
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  await init();
  const options = args.format ? { format: args.format } : undefined;
  if (args.command === 'parse') {
    const trials = [];
    for (const file of args.files) {
      const input = await readText(file);
      try {
        trials.push(...parseAll(input, options));
      } catch (e) {
        throw named(file, e);
      }
    }
    process.stdout.write(JSON.stringify(trials.length === 1 ? trials[0] : trials, null, 2) + '\n');
    return;
  }
  const patient = await readText(args.patient);
  const store = new TrialStore();
  for (const file of args.files) {
    const input = await readText(file);
    try {
      store.add(input, options);
    } catch (e) {
      throw named(file, e);
    }
  }
  let result;
  try {
    result = store.check(patient, { closedWorld: args.closedWorld, today: args.today });
  } catch (e) {
    throw named(args.patient, e);
  }
  process.stdout.write(JSON.stringify(result.evaluations, null, 2) + '\n');
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
