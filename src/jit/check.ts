// jit-check: does what a JIT emits keep the BPF model's promises? For one BPF test and
// one mapping: lower the test, run the lowered test under a hardware model and the BPF
// test under Ordo's BPF model, and compare their final states column by column.
//
//   sound      every state the hardware allows, BPF allows (equal sets)
//   stronger   sound, and BPF allows states the hardware forbids (what the mapping costs)
//   UNSOUND    the hardware allows states BPF forbids: a JIT (or model) bug
//   no execution  the lowered test has no final state at all, where BPF has some: the
//              lowered code never completes (a retry that cannot succeed, an access to
//              an address that is not a location), which no state comparison can judge

import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { OrdoError } from '../diagnostics.js';
import { readSourceFile } from '../source.js';
import { modelsDir } from '../arch/paths.js';
import { runTestText, type RunOptions, type TestResult } from '../api/run.js';
import { parseBpfLitmusDetailed } from '../frontend/bpf/index.js';
import { columnKey } from '../outcomes/final-state.js';
import type { StateLoc } from '../program/ir.js';
import { parseMapping, type Mapping } from './mapping.js';
import { lowerBpfTest } from './lower.js';

export const JIT_MODELS_DIR = join(modelsDir, 'jit');

/** The shipped mappings (models/jit/*.jit), by name, sorted. */
export function shippedMappings(): Mapping[] {
  return readdirSync(JIT_MODELS_DIR)
    .filter((f) => f.endsWith('.jit'))
    .sort()
    .map((f) => loadMapping(join(JIT_MODELS_DIR, f)));
}

export function loadMapping(file: string): Mapping {
  return parseMapping(readSourceFile(file), file, basename(file).replace(/\.jit$/, ''));
}

export type JitVerdict =
  'sound' | 'stronger' | 'UNSOUND' | 'no execution' | 'not lowered' | 'limit';

export interface JitCheckResult {
  test: string;
  file: string;
  mapping: string;
  arch: string;
  verdict: JitVerdict;
  /** States the hardware allows and BPF forbids (UNSOUND), in the BPF test's columns. */
  unsound: string[];
  /** States BPF allows and the hardware forbids. */
  stronger: string[];
  /** Every state the hardware allows, in the BPF test's columns (when it ran). */
  hardwareStates?: string[];
  /** Why the test was not lowered or not decided (an instruction the mapping lacks, a limit). */
  reason?: string;
  /** The lowered test's text, when it was lowered. */
  lowered?: string;
}

export interface JitCheckOptions {
  /** Options of the hardware run (model, timeout); Ordo's own model by default. */
  hardware?: RunOptions;
  /** Options of the BPF run; Ordo's BPF model by default. */
  bpf?: RunOptions;
}

/** A state as text in the given columns: `0:r3=0; x=1;`. */
function stateText(columns: StateLoc[], values: (string | null)[]): string {
  return columns
    .map((c, i) => `${c.kind === 'reg' ? `${c.thread}:${c.name}` : c.name}=${values[i] ?? '?'};`)
    .join(' ');
}

function valueText(v: unknown): string {
  // Hardware values may be 64-bit (bigint); BPF's are numbers: compare them as decimals.
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v && typeof v === 'object' && 'addr' in v) {
    const a = v as { addr: string; offset?: number };
    return a.offset ? `${a.addr}+${a.offset}` : a.addr;
  }
  return JSON.stringify(v);
}

/** The BPF run's result for a test file (shared by every mapping of a check). */
export function runBpf(file: string, opts: RunOptions = {}): TestResult {
  return runTestText(file, readSourceFile(file), opts);
}

/** Checks one BPF test (already run under the BPF model) against one mapping. */
export function checkTest(
  file: string,
  bpf: TestResult,
  mapping: Mapping,
  opts: JitCheckOptions = {},
): JitCheckResult {
  const base = { test: bpf.name, file, mapping: mapping.name, arch: mapping.arch };
  const { test, columns } = parseBpfLitmusDetailed(readSourceFile(file), file);
  let lowered;
  try {
    lowered = lowerBpfTest(test, columns, mapping);
  } catch (err) {
    if (err instanceof OrdoError)
      return { ...base, verdict: 'not lowered', unsound: [], stronger: [], reason: err.format() };
    throw err;
  }
  const hwFile = `${file.replace(/\.litmus$/, '')}.${mapping.name}.litmus`;
  let hw: TestResult;
  try {
    hw = runTestText(hwFile, lowered.text, opts.hardware ?? {});
  } catch (err) {
    if (err instanceof OrdoError)
      return {
        ...base,
        verdict: 'not lowered',
        unsound: [],
        stronger: [],
        reason: `the lowered ${mapping.litmus} test does not run: ${err.format()}`,
        lowered: lowered.text,
      };
    throw err;
  }
  if (bpf.limit || hw.limit)
    return {
      ...base,
      verdict: 'limit',
      unsound: [],
      stronger: [],
      reason: bpf.limit ?? hw.limit,
      lowered: lowered.text,
    };
  // The hardware test's column of each BPF column.
  const hwIndex = new Map(hw.columns.map((c, i) => [columnKey(c), i]));
  const index = bpf.columns.map((c) => {
    const mapped: StateLoc =
      c.kind === 'reg' ? { ...c, name: lowered.registerOf(c.name) } : { ...c };
    const i = hwIndex.get(columnKey(mapped));
    if (i === undefined)
      throw new Error(`jit-check: the lowered test does not show ${columnKey(mapped)}`);
    return i;
  });
  const bpfStates = new Set(
    bpf.states.map((s) =>
      stateText(
        bpf.columns,
        s.map((v) => valueText(v)),
      ),
    ),
  );
  const hwStates = new Set(
    hw.states.map((s) =>
      stateText(
        bpf.columns,
        index.map((i) => valueText(s[i])),
      ),
    ),
  );
  if (hwStates.size === 0 && bpfStates.size > 0)
    return {
      ...base,
      verdict: 'no execution',
      unsound: [],
      stronger: [],
      hardwareStates: [],
      reason:
        'the lowered test has no final state: its code never completes (a retry that cannot succeed, or an access to an address that is no location)',
      lowered: lowered.text,
    };
  const unsound = [...hwStates].filter((s) => !bpfStates.has(s));
  const stronger = [...bpfStates].filter((s) => !hwStates.has(s));
  return {
    ...base,
    verdict: unsound.length ? 'UNSOUND' : stronger.length ? 'stronger' : 'sound',
    unsound,
    stronger,
    hardwareStates: [...hwStates],
    lowered: lowered.text,
  };
}
