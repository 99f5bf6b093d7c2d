// The trialsieve package: a thin layer over the wasm core.
//
// - `init()` loads the wasm (fetch in a browser, compiled as it streams in
//   when served as `application/wasm`; the file system in Node).
// - Every call goes through `guard`, so that an error inside wasm reaches the
//   caller as an `Error` with a clear message, and a trap (which would leave
//   the wasm instance in an undefined state) resets the instance before the
//   error is thrown: the module stays usable.
// - Patients cross the boundary as JSON text; trials stay inside wasm memory
//   in a `TrialStore`, so checking one patient against many trials sends only
//   the patient.
import * as firstGlue from './dist/trialsieve.js';

const WASM_URL = new URL('./dist/trialsieve_bg.wasm', import.meta.url);

let glue = null; // the glue module in use (a fresh one after a reset)
let compiled = null; // the compiled WebAssembly.Module, reused on reset
let generation = 0; // bumps on each reset; stores from older ones are void
let loading = null;

function isNode() {
  return typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
}

async function readWasm(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  const url = source === undefined ? WASM_URL : source;
  if (isNode() && String(url).startsWith('file:')) {
    // A variable name keeps bundlers from trying to resolve the Node builtin.
    const fsName = 'node:fs/promises';
    const fs = await import(/* @vite-ignore */ fsName);
    return WebAssembly.compile(await fs.readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`trialsieve: could not load ${url}: HTTP ${response.status}`);
  // Served as wasm, the module compiles while it downloads. Streaming takes
  // exactly `application/wasm` (no parameters); any other type gets the
  // plain path.
  const type = (response.headers.get('content-type') || '').trim().toLowerCase();
  if (typeof WebAssembly.compileStreaming === 'function' && type === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Loads the wasm module. Call once before anything else; later calls return
 * at once. `source` may be a URL, the bytes or a compiled module.
 */
export function init(source) {
  if (glue) return Promise.resolve();
  if (!loading) {
    loading = (async () => {
      compiled = await readWasm(source);
      firstGlue.initSync({ module: compiled });
      glue = firstGlue;
    })().catch((e) => {
      loading = null;
      throw e;
    });
  }
  return loading;
}

/** Whether `init()` has finished. */
export function isReady() {
  return glue !== null;
}

async function reset() {
  generation += 1;
  const fresh = await import(/* @vite-ignore */ `./dist/trialsieve.js?instance=${generation}`);
  fresh.initSync({ module: compiled });
  glue = fresh;
}

function core() {
  if (!glue) throw new Error('trialsieve: call `await init()` first');
  return glue;
}

function guard(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      // A trap leaves the instance's memory in an unknown state: never call
      // it again. A fresh instance is made from the compiled module.
      glue = null;
      loading = reset().catch(() => {
        throw new Error('trialsieve: the module could not be reset after an internal error; load the page again');
      });
      loading.catch(() => {});
      throw new Error(`trialsieve: internal error (${e.message}); the module is being reset: await init() before the next call`);
    }
    if (e instanceof Error) throw e;
    throw new Error(`trialsieve: ${String(e)}`);
  }
}

function patientJson(patient) {
  if (typeof patient === 'string') return patient;
  if (patient === null || typeof patient !== 'object') {
    throw new TypeError('trialsieve: the patient must be an object or JSON text');
  }
  return JSON.stringify(patient);
}

function checkOptions(options) {
  const o = { ...(options || {}) };
  // The core has no clock in wasm: "today" comes from here.
  if (o.today === undefined) o.today = new Date().toISOString().slice(0, 10);
  return o;
}

function text(input) {
  if (typeof input !== 'string') throw new TypeError('trialsieve: the trial input must be a string');
  return input;
}

/** Reads every trial in `input` (any supported format). */
export function parseAll(input, options) {
  return guard(() => JSON.parse(core().parse(text(input), options ?? null)));
}

/**
 * Reads the one trial in `input`. Throws when the input holds several
 * (a ClinicalTrials.gov page of studies): use `parseAll` for those.
 */
export function parse(input, options) {
  const trials = parseAll(input, options);
  if (trials.length !== 1) {
    throw new Error(`trialsieve: the input holds ${trials.length} trials; use parseAll`);
  }
  return trials[0];
}

/** Parsed trials kept inside wasm memory. */
export class TrialStore {
  #inner;
  #generation;
  constructor() {
    this.#inner = guard(() => new (core().TrialStore)());
    this.#generation = generation;
  }
  #live() {
    if (this.#generation !== generation) {
      throw new Error('trialsieve: this store was lost in a module reset; make a new one');
    }
    return this.#inner;
  }
  /** Parses `input` and keeps its trials; returns their indexes. */
  add(input, options) {
    return guard(() => Array.from(this.#live().add(text(input), options ?? null)));
  }
  get size() {
    return guard(() => this.#live().size);
  }
  get(index) {
    return guard(() => JSON.parse(this.#live().get(index)));
  }
  remove(index) {
    guard(() => this.#live().remove(index));
  }
  clear() {
    guard(() => this.#live().clear());
  }
  /** Evaluates the trial at `index` for `patient`. */
  evaluate(index, patient, options) {
    return guard(() => JSON.parse(this.#live().evaluate(index, patientJson(patient), checkOptions(options))));
  }
  /** Checks `patient` against every trial kept, ranked. */
  check(patient, options) {
    // Every result crosses as JSON text, parsed once here.
    return guard(() => JSON.parse(this.#live().checkJson(patientJson(patient), checkOptions(options))));
  }
  /**
   * Checks `patient` against every trial kept, summarised per trial (the
   * verdict, the deciding criterion, counts, open questions) with the
   * questions across trials; the full evaluation comes from `evaluate`.
   */
  checkSummary(patient, options) {
    return guard(() => JSON.parse(this.#live().checkSummary(patientJson(patient), checkOptions(options))));
  }
  free() {
    if (this.#generation === generation) this.#inner.free();
  }
}

/** Evaluates one trial (any supported format) for `patient`. */
export function evaluate(input, patient, options) {
  const store = new TrialStore();
  try {
    const [index] = store.add(input, options);
    if (index === undefined) throw new Error('trialsieve: the input holds no trial');
    return store.evaluate(index, patient, options);
  } finally {
    store.free();
  }
}

/** Checks `patient` against several trials (each any supported format), ranked. */
export function check(inputs, patient, options) {
  const store = new TrialStore();
  try {
    for (const input of inputs) store.add(input, options);
    return store.check(patient, options);
  } finally {
    store.free();
  }
}
