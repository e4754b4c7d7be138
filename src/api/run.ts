// The library entry point: run one litmus test under a model and summarise it as herd7
// does. The CLI and the batch runner are thin shells around `runTest`.

import { normaliseLineBreaks, readSourceFile } from '../source.js';
import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { LimitError, OrdoError, withinDepthLimit, type LimitKind } from '../diagnostics.js';
import { beginRun, endRun, limitClock, measuresProcessCpu } from '../limits.js';
import {
  onDeepStack,
  runOnDeepStack,
  startOnDeepStacks,
  type DeepStackRuns,
} from './deep-stack.js';
import type { LitmusTest, Quantifier, StateLoc, Stmt } from '../program/ir.js';
import { loadModel, evaluateModel, type CompiledModel } from '../cat/index.js';
import { resolveConfig, type ConfigRequest, type ResolvedConfig } from '../config/index.js';
import { DEFAULT_UNROLL } from '../config/settings.js';
import { loadMacros, type MacroTable } from '../frontend/c/index.js';
import {
  ARCHITECTURES,
  architectureOf,
  findArchitecture,
  type Architecture,
} from '../arch/index.js';
import { forcedCoherence } from '../executions/coherence.js';
import {
  needsRegisterEvents,
  withRegisterEvents,
  withoutRegisterEvents,
} from '../executions/register-events.js';
import {
  buildTraces,
  enumerateLeaves,
  initialMemory,
  observedLocations,
} from '../executions/enumerate.js';
import {
  rowReader,
  columnTypes,
  rowTest,
  sortColumns,
  compareStateRows,
  filterRegisterChecks,
  stateOfRow,
  type FinalState,
  type StateValue as FinalStateValue,
} from '../outcomes/final-state.js';
import { conditionVerdict, type Observation } from '../outcomes/verdict.js';
import { StateRowSet } from '../outcomes/state-set.js';
import type { Candidate, PartialCandidates } from '../executions/enumerate.js';
import { rejectsEveryCandidate } from '../cat/candidate-bounds.js';
import type { ModelInput } from '../cat/input.js';
import type { EventSet, Relation } from '../relations/index.js';
import type { CatOutcome } from '../cat/index.js';

/**
 * What a run is asked to do, in herd7's terms: a cfg file (when absent and no model is
 * given, Ordo's own LKMM), overrides of its files, search-path directories (-I), and the
 * settings a cfg can also give (variants, skipchecks, through, unroll, speedcheck,
 * timeout, verbose); the command line's settings override the cfg's.
 */
export interface RunOptions extends ConfigRequest {
  /** Cap on candidate executions. */
  maxExecutions?: number;
  /**
   * Skipping model paths every branch of a fork rejects (EvalOptions.pruneForbidden): by
   * default where that has been faster, `always` at every fork, false never. The answer
   * must not depend on it (the fuzzer's --differential compares `always` with false).
   * Runs with an observer or -max-executions never skip.
   */
  pruneForbidden?: boolean | 'always';
  /**
   * Deciding the model's monotone checks once per path combination over upper bounds of
   * rf (EvalOptions.decideChecks): by default for combinations with many candidates,
   * `always` for every combination, false never. The answer must not depend on it (the
   * fuzzer's --differential compares `always` with false). Runs with an observer or
   * -max-executions never decide.
   */
  decideChecks?: boolean | 'always';
  /**
   * Whether the model's evaluations of one path combination's candidates share what they
   * can (ModelInput.fixedPart: values fixed for the combination, kept verdicts, remembered
   * calls, checks decided over bounds): by default they do; false evaluates every
   * candidate afresh. The answer must not depend on it (for the fuzzer's --differential).
   */
  shareAcrossCandidates?: boolean;
  /** Cap on the whole process's resident memory, in MiB; 0 or undefined for none. */
  maxMemoryMb?: number;
  /**
   * How many runs share this process (batch workers): over the memory cap, a run stops
   * only if it holds its share of the memory, so a small test is not blamed for a big one.
   */
  concurrentRuns?: number;
  /**
   * Threads to split one test's candidate executions over (-j N): the same report as one
   * thread, sooner on a machine with free cores. -timeout still bounds the CPU time of the
   * whole process, all threads together. A run with an observer or -speedcheck fast (the
   * order of candidates matters) or -max-executions (it counts model forks, which the
   * threads would count apart) uses one thread.
   */
  threads?: number;
  /**
   * The share of the candidates this run evaluates (see EnumerationOptions.share), as one
   * thread of a -j run; `deadline` is that run's (a limitClock value: the process's CPU
   * time, shared by its threads), which replaces -timeout here.
   */
  share?: { index: number; count: number; deadline: number };
}

/**
 * A final value: a number, an address (`{ addr }`), one herd7 leaves undetermined, or a
 * whole array's list of element values.
 */
export type StateValue = FinalStateValue;

export interface TestResult {
  name: string;
  file: string;
  quantifier: Quantifier;
  /** The observed registers and locations, in herd7's column order. */
  columns: StateLoc[];
  /** The distinct final states of accepted executions, one value per column, in herd7's order. */
  states: StateValue[][];
  ok: boolean;
  positive: number;
  negative: number;
  flags: string[];
  conditionText: string;
  observation: Observation;
  seconds: number;
  hash: string;
  /**
   * The label of a loop whose backward jump ran into the unrolling limit (-unroll): the
   * paths beyond it were dropped, as herd7 drops them, so outcomes may be missing. herd7
   * then prints `Loop Ok`/`Loop No` and warns "unrolling limit exceeded at LABEL".
   */
  unrollLimitAt?: string;
  /** Set when a limit stopped the run early: the figures above are partial. */
  limit?: string;
  /** Which limit, when `limit` is set. */
  limitKind?: LimitKind;
}

/** Ordo's own Linux-kernel memory model: the model when neither -conf nor -model is given. */
export const defaultLkmmConfig = findArchitecture('C')!.defaultModel;

export interface LoadedSetup {
  resolved: ResolvedConfig;
  model: CompiledModel;
  macros: MacroTable;
}

/**
 * Setups already loaded, with the modification time of every file they were read from: a
 * process that runs many tests (a batch worker, a warm process of the daemon) reads a file
 * again once it has changed, as a fresh process would.
 */
const setupCache = new Map<string, { setup: LoadedSetup; stamps: [string, number][] }>();

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return NaN; // never equal: a file that went away is looked for again
  }
}

export function loadSetup(opts: RunOptions): LoadedSetup {
  // Relative names are looked up from the current directory and $HERDLIB: part of the key.
  const key = JSON.stringify([opts, process.cwd(), process.env.HERDLIB ?? '']);
  const cached = setupCache.get(key);
  if (cached && cached.stamps.every(([file, time]) => modifiedAt(file) === time))
    return cached.setup;
  const resolved = resolveConfig(opts, defaultLkmmConfig);
  const model = loadModel(resolved.model);
  const macroText = readSourceFile(resolved.macrosFile);
  const macros = withinDepthLimit(resolved.macrosFile, () =>
    loadMacros(macroText, resolved.macrosFile),
  );
  const setup = { resolved, model, macros };
  const files = [...resolved.cfgFiles, ...model.files, resolved.macrosFile];
  setupCache.set(key, { setup, stamps: files.map((f) => [f, modifiedAt(f)]) });
  return setup;
}

/** The options that run a test of `arch` under Ordo's own model for it. */
function withOwnModel(opts: RunOptions, arch: Architecture): RunOptions {
  const own = arch.defaultModel;
  return own.endsWith('.cfg') ? { ...opts, conf: own } : { ...opts, model: own };
}

/** The setup a test file runs with under these options (its architecture's own model by default). */
export function setupFor(file: string, opts: RunOptions): LoadedSetup {
  const arch = architectureOf(readSourceFile(file), file);
  return loadSetup(opts.conf || opts.model ? opts : withOwnModel(opts, arch));
}

/**
 * The files the tests of a run with these options read their model from: the cfg, the
 * cat and bell files with their includes, the macros; without -conf or -model, those of
 * Ordo's own model for every architecture. A setup that cannot be loaded lists nothing
 * (its tests report the error themselves).
 */
export function modelFiles(opts: RunOptions): string[] {
  const setups =
    opts.conf || opts.model ? [opts] : ARCHITECTURES.map((arch) => withOwnModel(opts, arch));
  const files: string[] = [];
  for (const o of setups) {
    try {
      const { resolved, model, macros } = loadSetup(o);
      for (const f of [...resolved.cfgFiles, ...model.files, resolve(macros.file)])
        if (!files.includes(f)) files.push(f);
    } catch {
      // reported by every test of the run
    }
  }
  return files;
}

/** What a run is about, handed to an observer before the first execution. */
export interface RunContext {
  test: LitmusTest;
  model: CompiledModel;
  columns: StateLoc[];
}

/**
 * One candidate execution on one path of the model, with the model's verdict on it. Only
 * executions of the test are observed: candidates the filter (or -speedcheck) drops are not.
 */
export interface ObservedExecution {
  candidate: Candidate;
  input: ModelInput;
  /** The model's verdict on this path: allowed, flags, the failed check(s), captures. */
  outcome: CatOutcome;
  /** Final values of the report's columns. */
  state: FinalState;
  /** The test's condition (its proposition, whatever the quantifier) holds. */
  conditionHolds: boolean;
}

/**
 * Receives every candidate execution of a run with the model's verdict on it, so that
 * graphs, explanations and other outputs are written without touching the pipeline.
 */
export interface ExecutionObserver {
  /** Model names (relations, sets) whose values each outcome should carry. */
  capture?(context: RunContext): string[];
  /** Evaluate every check of the model, recording each failure (see EvalOptions.allChecks). */
  allChecks?: boolean;
  start?(context: RunContext): void;
  /** Return false to stop the run early. */
  observe(execution: ObservedExecution): boolean | void;
}

export function runTest(
  file: string,
  opts: RunOptions = {},
  observer?: ExecutionObserver,
): TestResult {
  const text = readSourceFile(file);
  return runTestText(file, text, opts, observer);
}

/**
 * Run one test given as text. Every limit holds from the start, parsing included; a limit
 * reached at any stage gives a result with `limit` set (figures so far, possibly none)
 * rather than an exception, so every caller reports it the same way.
 */
export function runTestText(
  file: string,
  text: string,
  opts: RunOptions = {},
  observer?: ExecutionObserver,
): TestResult {
  const started = performance.now();
  text = normaliseLineBreaks(text);
  const clockAtStart = limitClock();
  const deadline =
    opts.share?.deadline ?? (opts.timeout ? clockAtStart + opts.timeout * 1000 : Infinity);
  const result = runWithinBudget(file, text, opts, started, deadline, observer);
  // Out of stack on an ordinary thread: once more, on the deep stack (see deep-stack.ts).
  // A run with an observer stays here: its callbacks cannot cross to another thread.
  if (result.limitKind !== 'depth' || observer || onDeepStack()) return result;
  const spentMs = limitClock() - clockAtStart;
  const timeout = opts.timeout ? Math.max(opts.timeout - spentMs / 1000, 0.001) : opts.timeout;
  let retried: TestResult | undefined;
  try {
    retried = runOnDeepStack<RunOptions, TestResult>(file, text, { ...opts, timeout });
  } catch (err) {
    if (!(err instanceof LimitError)) throw err;
    return { ...result, limit: err.message, limitKind: err.limit };
  }
  if (!retried) return result;
  return { ...retried, seconds: (performance.now() - started) / 1000 };
}

function runWithinBudget(
  file: string,
  text: string,
  opts: RunOptions,
  started: number,
  deadline: number,
  observer: ExecutionObserver | undefined,
): TestResult {
  beginRun({
    deadline,
    maxResidentBytes: (opts.maxMemoryMb ?? 0) * 2 ** 20,
    concurrentRuns: opts.concurrentRuns ?? 1,
    maxExecutions: opts.maxExecutions ?? Infinity,
  });
  try {
    return evaluateTest(file, text, opts, started, deadline, observer);
  } catch (err) {
    if (!(err instanceof LimitError)) throw err;
    // Stopped before enumeration began: nothing was counted.
    return {
      name: headerName(text, file),
      file,
      quantifier: 'exists',
      columns: [],
      states: [],
      ok: false,
      positive: 0,
      negative: 0,
      flags: [],
      conditionText: '',
      observation: 'Never',
      seconds: (performance.now() - started) / 1000,
      hash: '', // no report is printed for a limit-stopped run
      limit: err.message,
      limitKind: err.limit,
    };
  } finally {
    endRun();
  }
}

/** The test's name from its first line (`ARCH name`), for a run stopped before parsing ended. */
function headerName(text: string, file: string): string {
  const m = /^\s*\S+[ \t]+(\S+)/.exec(text.replace(/^\uFEFF/, ''));
  return m ? m[1]!.replace(/\.litmus$/, '') : basename(file).replace(/\.litmus$/, '');
}

type UpperBounds = () => { rf: Relation; FW: EventSet };

/** By fixed part: the upper bounds of its candidates (computed when first asked), or none. */
const boundsByPart = new WeakMap<object, UpperBounds | null>();

/**
 * Upper bounds of rf and FW over the candidates sharing `input`'s fixed part: a read reads
 * from a write to its location, and a final write is a write (ModelInput.upperBounds).
 */
function readsFromBounds(input: ModelInput): UpperBounds | undefined {
  const part = input.fixedPart;
  if (part === undefined) return undefined;
  let known = boundsByPart.get(part);
  if (known === undefined) {
    const writes = input.sets.get('W');
    const reads = input.sets.get('R');
    const loc = input.relations.get('loc');
    known = null;
    if (writes !== undefined && reads !== undefined && loc !== undefined) {
      let bounds: ReturnType<UpperBounds> | null = null;
      known = () => (bounds ??= { rf: loc.restrict(writes, reads), FW: writes });
    }
    boundsByPart.set(part, known);
  }
  return known ?? undefined;
}

function evaluateTest(
  file: string,
  text: string,
  opts: RunOptions,
  started: number,
  deadline: number,
  observer: ExecutionObserver | undefined,
): TestResult {
  const arch = architectureOf(text, file);
  // Without -conf/-model, a test runs under Ordo's own model for its architecture.
  if (!opts.conf && !opts.model) opts = withOwnModel(opts, arch);
  const setup = loadSetup(opts);
  const suppliesForcedCoherence = setup.model.program.inputNames.includes('pco');
  const suppliesRegisterEvents = needsRegisterEvents(setup.model.program.inputNames);
  const test: LitmusTest = withinDepthLimit(file, () =>
    arch.parse(text, file, { macros: setup.macros }),
  );
  refuseUnknownExtensions(test, arch, setup.model, setup.resolved.model.catFile);
  const settings = setup.resolved.settings;
  const memory = initialMemory(test);
  const columns = sortColumns(observedLocations(test), arch.compareRegisters);
  const filterColumns = sortColumns(observedLocations(test, true), arch.compareRegisters);
  const types = columnTypes(test, columns);
  const filterTypes = columnTypes(test, filterColumns);
  const unrollCuts: string[] = [];
  const traces = withinDepthLimit(file, () =>
    buildTraces(test, memory, 1 << 14, settings.unroll ?? DEFAULT_UNROLL, unrollCuts),
  );
  const speed = settings.speedcheck ?? 'false';

  const context: RunContext = { test, model: setup.model, columns };
  observer?.start?.(context);
  const evalOptions = {
    deadline,
    capture: observer?.capture?.(context),
    allChecks: observer?.allChecks,
    // Skipping model paths every branch rejects changes only what observers and the
    // executions budget would see of the rejected ones.
    pruneForbidden: !observer && opts.maxExecutions === undefined && (opts.pruneForbidden ?? true),
    // Likewise for the checks decided once per combination (ModelInput.upperBounds); the
    // evaluation over bounds would count its forks as executions tried.
    decideChecks: !observer && opts.maxExecutions === undefined && (opts.decideChecks ?? true),
  };

  // The distinct final states as rows (StateRowSet): the state maps of the candidates are
  // not kept (the RCU family keeps 524,288 states; maps made its heap ~2.3 KB a state).
  const states = new StateRowSet();
  const keepState = (row: FinalStateValue[]): void => states.add(row);
  const flags = new Set<string>();
  let positive = 0;
  let negative = 0;
  let limit: LimitError | undefined;
  const q = test.condition.quantifier;
  // herd7's -speedcheck (true and fast alike) looks only for the executions that decide
  // the condition: those satisfying it for exists/~exists, those violating it for forall.
  // Other candidates are dropped before the model runs, so their states and flags never
  // show. `fast` also stops at the first such execution the model allows.
  // The condition, tested on each candidate's row of final values (rowTest).
  const condition = rowTest(test.condition.prop, columns);
  const relevant = (conditionHolds: boolean): boolean =>
    speed === 'false' || conditionHolds === (q !== 'forall');
  const modelFile = setup.resolved.model.catFile;
  const filterChecks = test.filter
    ? filterRegisterChecks(test.filter, filterColumns, filterTypes)
    : [];
  // The filter, tested on each candidate's row of the filter's columns, as the condition.
  const filter = test.filter ? rowTest(test.filter, filterColumns) : null;
  // Each candidate's rows, read straight from the enumerator's buffers into rows reused
  // from one candidate to the next (the set of states copies the rows it keeps).
  const stateRow = rowReader(columns, memory, types);
  const filterRow = rowReader(filterColumns, memory, filterTypes);
  const rowScratch: FinalStateValue[] = [];
  const filterScratch: FinalStateValue[] = [];
  // -j N: this thread evaluates share 0 of the candidates while N-1 others evaluate the
  // rest (startShares); states and flags are unions of the shares', counts their sums.
  const threads = opts.threads ?? 1;
  // The threads share this one's deadline on the process's CPU clock: a thread whose
  // clock is the elapsed time (a batch worker) runs its tests whole. -max-executions
  // counts model forks too, which each thread would count only for its own share: a run
  // with that limit stays on one thread, so that it stops where one thread stops.
  const splitting =
    threads > 1 &&
    !opts.share &&
    !observer &&
    speed !== 'fast' &&
    opts.maxExecutions === undefined &&
    measuresProcessCpu();
  const share = splitting ? { index: 0, count: threads } : opts.share;
  const otherShares = splitting ? startShares(file, text, opts, threads, deadline) : null;
  // Partial reads-from choices whose candidates the model all rejects are not enumerated
  // (src/cat/candidate-bounds.ts): in the runs that prune forks, for the inputs it bounds,
  // and not in a share of -j N (every share must count the same candidates).
  const rejectsAll =
    evalOptions.pruneForbidden && !suppliesForcedCoherence && !suppliesRegisterEvents && !share
      ? (p: PartialCandidates) =>
          withinDepthLimit(modelFile, () =>
            rejectsEveryCandidate(setup.model.program, p.lower, p.upper, evalOptions),
          )
      : undefined;
  try {
    try {
      withinDepthLimit(file, () =>
        enumerateLeaves(
          test,
          traces,
          memory,
          {
            deadline,
            registerChecks: filterChecks,
            ...(share ? { share: { index: share.index, count: share.count } } : {}),
            ...(rejectsAll
              ? { rejectsAll, askAlways: evalOptions.pruneForbidden === 'always' }
              : {}),
            retained: observer !== undefined,
          },
          (leaf) => {
            // A filtered-out candidate is not an execution of the test; under -speedcheck
            // neither is one that cannot decide the condition (see `relevant`).
            if (filter && !filter(filterRow(leaf, filterScratch))) return true;
            const row = stateRow(leaf, rowScratch);
            const conditionHolds = condition(row);
            if (!relevant(conditionHolds)) return true;
            const input = leaf.input();
            // Models that build coherence orders from the edges a candidate already forces
            // (herd's cos-opt.cat) read them as `pco`, which herd7's engine supplies.
            if (suppliesForcedCoherence) input.relations.set('pco', forcedCoherence(input));
            if (evalOptions.decideChecks) input.upperBounds = readsFromBounds(input);
            // Models that compute dependencies themselves (herd's catdep models) read the
            // register events of each instruction, which herd7's engine supplies. (Their
            // input has no upper bounds: no check is decided for them, see decideChecks.)
            const shared =
              opts.shareAcrossCandidates === false ? { ...input, fixedPart: undefined } : input;
            const modelInput = suppliesRegisterEvents
              ? withRegisterEvents(leaf.events, shared)
              : shared;
            const modelOutcomes = withinDepthLimit(modelFile, () =>
              evaluateModel(setup.model, modelInput, evalOptions),
            );
            const outcomes = suppliesRegisterEvents
              ? withoutRegisterEvents(modelOutcomes, input.events.length)
              : modelOutcomes;
            let observedState: FinalState | undefined;
            for (const o of outcomes) {
              // An allowed execution through an access to no location: the test is wrong.
              if (o.allowed && leaf.fault) throw leaf.fault;
              if (o.allowed) {
                for (const f of o.flags) flags.add(f);
                keepState(row);
                if (conditionHolds) positive++;
                else negative++;
              }
              if (observer) {
                const state = (observedState ??= stateOfRow(row, columns));
                const candidate = leaf.candidate();
                const execution = { candidate, input, outcome: o, state, conditionHolds };
                if (observer.observe(execution) === false) return false;
              }
              if (o.allowed && speed === 'fast') return false;
            }
            return true;
          },
        ),
      );
    } catch (err) {
      if (err instanceof LimitError) limit = err;
      else throw err;
    }
    for (const part of otherShares?.wait() ?? []) {
      for (const row of part.states) keepState(row);
      for (const f of part.flags) flags.add(f);
      positive += part.positive;
      negative += part.negative;
      if (part.limit && !limit) limit = new LimitError(part.limitKind ?? 'time', part.limit);
    }
  } finally {
    otherShares?.stop();
  }

  const sorted = [...states.values()].sort(compareStateRows);
  const { ok, observation } = conditionVerdict(q, speed, positive, negative);
  const result: TestResult = {
    name: test.name,
    file,
    quantifier: q,
    columns,
    states: sorted,
    ok,
    positive,
    negative,
    flags: [...flags].sort(),
    conditionText: test.condition.text,
    observation,
    seconds: (performance.now() - started) / 1000,
    hash: test.hash,
  };
  if (unrollCuts.length > 0) result.unrollLimitAt = unrollCuts[0]!;
  if (limit) {
    result.limit = limit.message;
    result.limitKind = limit.limit;
  }
  return result;
}

/**
 * -j N: shares 1..count-1 of the candidates, each evaluated by the whole test run on a
 * deep-stack thread of its own, started now; the caller evaluates share 0 meanwhile.
 * -timeout counts the process's CPU time on those threads too (all threads together).
 */
function startShares(
  file: string,
  text: string,
  opts: RunOptions,
  count: number,
  deadline: number,
): DeepStackRuns<TestResult> {
  const shares = Array.from({ length: count - 1 }, (_, i) => {
    const share: RunOptions = {
      ...opts,
      share: { index: i + 1, count, deadline },
      concurrentRuns: count,
    };
    delete share.threads;
    return share;
  });
  const runs = startOnDeepStacks<RunOptions, TestResult>(file, text, shares);
  if (!runs) throw new OrdoError('cannot start the threads of -j (broken install)');
  return runs;
}

/**
 * A test using one of Ordo's extensions of the architecture's dialect (BPF's barrier
 * instructions and spin-lock helpers) under a model that never names the extension's event set: the model would
 * ignore the instruction and answer as if it were not there, so the run is refused at it.
 */
function refuseUnknownExtensions(
  test: LitmusTest,
  arch: Architecture,
  model: CompiledModel,
  modelFile: string,
): void {
  const extensions = arch.extensions ?? [];
  if (extensions.length === 0) return;
  const named = new Set(model.program.inputNames);
  const visit = (body: Stmt[]): void => {
    for (const s of body) {
      if (s.kind === 'block') visit(s.body);
      if (s.kind === 'if') {
        visit(s.then);
        visit(s.else);
      }
      if (s.kind === 'while') visit(s.body);
      const sets =
        s.kind === 'fence' || s.kind === 'store'
          ? s.annot
          : (s.kind === 'assign' || s.kind === 'eval') && 'annot' in s.value
            ? s.value.annot
            : [];
      for (const x of extensions) {
        if (!sets.includes(x.set) || named.has(x.set)) continue;
        throw new OrdoError(
          `${x.instruction} is Ordo's extension of the ${arch.name} dialect, and the model ${modelFile} never names its event set ${x.set}, so it would ignore it: run this test under Ordo's own ${arch.name} model (${arch.defaultModel}).`,
          s.pos ?? { file: test.file, line: 1, col: 1 },
        );
      }
    }
  };
  for (const t of test.threads) visit(t.body);
}

export type { StateLoc };
