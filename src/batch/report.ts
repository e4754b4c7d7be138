// Per-test records of a batch, the summary, and the JSON / JUnit reports. Reports are
// written atomically: to a temporary file in the target's directory, then renamed, so an
// interrupted run never leaves a truncated report.

import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OrdoError } from '../diagnostics.js';
import type { RunOptions } from '../api/run.js';
import type { Judgement } from './judge.js';
import { comparePaths } from './inputs.js';

/**
 * How a test's run ended:
 * - `ok`: ran to completion;
 * - `limit`: a -timeout / -max-executions limit stopped it; the figures are partial;
 * - `timeout`: its worker overran the time limit and was terminated (no figures);
 * - `oom`: it ran out of memory (worker heap, or a RangeError such as a too-large array);
 * - `error`: bad input (message `file:line:col: ...`) or an internal error.
 */
export type RunStatus = 'ok' | 'limit' | 'timeout' | 'oom' | 'error';

export interface TestRecord {
  /** Relative to the common root of the inputs, `/` separators. */
  path: string;
  /** Test name (from its first line), when it was parsed. */
  name?: string;
  status: RunStatus;
  /** The Observation word: Always, Sometimes or Never. */
  verdict?: 'Always' | 'Sometimes' | 'Never';
  /** herd7's Ok / No (whether the condition's quantifier holds). */
  ok?: boolean;
  states?: string[];
  positive?: number;
  negative?: number;
  flags?: string[];
  /** Seconds, wall clock, as measured by the batch. */
  time: number;
  error?: string;
  limit?: string;
  /**
   * 124 for a test that did not finish (a limit stopped it, or its worker was terminated):
   * timeout(1)'s status, which judgelitmus.sh reads as a timeout.
   */
  exitStatus?: 124;
  /** The test's `Result:` line text (without `Result:`), when it has one. */
  expected?: string;
  /** Present when the batch judged results (--judge). */
  judgement?: Judgement;
}

export interface Summary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  timedOut: number;
  limited: number;
  outOfMemory: number;
  errors: number;
}

/** What a batch's results depend on besides its tests: reports of different setups do not mix. */
export interface Provenance {
  /** Ordo's version (package.json). */
  ordoVersion: string;
  /** The herd options every test ran with (-conf, -model, -variant, -timeout, ...). */
  options: RunOptions;
  /** The model files read (cfg, cat files with their includes, macros): path and SHA-256. */
  models: { path: string; sha256: string }[];
}

export interface BatchReport extends Partial<Provenance> {
  tool: 'ordo';
  version: 1;
  /** Absolute common root the paths are relative to. */
  root: string;
  judged: boolean;
  shard: string | null;
  interrupted: boolean;
  /** Tests selected but not run (interrupted). */
  notRun: number;
  summary: Summary;
  tests: TestRecord[];
}

/** True when a record counts as a time-limit stop (soft limit or a terminated worker). */
export function isTimeLimited(r: TestRecord): boolean {
  return r.status === 'timeout' || (r.status === 'limit' && !/execution/i.test(r.limit ?? ''));
}

/**
 * Tally records. `passed`/`failed`/`skipped` follow the judgement when judged; otherwise a
 * test that ran to completion passes. Errors count as failures; tests stopped by a limit,
 * terminated or out of memory are counted apart (timedOut / limited / outOfMemory).
 */
export function summarize(records: TestRecord[]): Summary {
  const s: Summary = {
    total: records.length,
    passed: 0,
    failed: 0,
    skipped: 0,
    timedOut: 0,
    limited: 0,
    outOfMemory: 0,
    errors: 0,
  };
  for (const r of records) {
    if (r.status === 'error') {
      s.errors++;
      s.failed++;
    } else if (r.status === 'oom') s.outOfMemory++;
    else if (isTimeLimited(r)) s.timedOut++;
    else if (r.status === 'limit') s.limited++;
    else if (!r.judgement || r.judgement.status === 'pass') s.passed++;
    else if (r.judgement.status === 'skip') s.skipped++;
    else s.failed++;
  }
  return s;
}

/** `N passed, M failed` plus the nonzero extras. */
export function summaryLine(s: Summary): string {
  let line = `${s.passed} passed, ${s.failed} failed`;
  if (s.skipped) line += `, ${s.skipped} skipped`;
  if (s.timedOut) line += `, ${s.timedOut} timed out`;
  if (s.limited) line += `, ${s.limited} stopped by the execution limit`;
  if (s.outOfMemory) line += `, ${s.outOfMemory} out of memory`;
  return line;
}

/** Whether a batch succeeded: nothing failed, errored, timed out or ran out of memory. */
export function allGood(s: Summary): boolean {
  return (
    s.failed === 0 && s.errors === 0 && s.timedOut === 0 && s.limited === 0 && s.outOfMemory === 0
  );
}

export function makeReport(
  root: string,
  records: TestRecord[],
  extra: {
    judged: boolean;
    shard: string | null;
    interrupted: boolean;
    notRun: number;
    provenance?: Provenance;
  },
): BatchReport {
  const tests = [...records].sort((a, b) => comparePaths(a.path, b.path));
  const { provenance, ...rest } = extra;
  return {
    tool: 'ordo',
    version: 1,
    ...provenance,
    root,
    ...rest,
    summary: summarize(tests),
    tests,
  };
}

/** Write a file atomically: temporary file in the same directory, fsync, rename. */
export function writeFileAtomic(file: string, data: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(
    dir,
    `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
}

export function formatJsonReport(report: BatchReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function writeJsonReport(file: string, report: BatchReport): void {
  writeFileAtomic(file, formatJsonReport(report));
}

export function readJsonReport(file: string): BatchReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new OrdoError(`cannot read report ${file}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new OrdoError(`${file}: not a JSON report (${(err as Error).message})`);
  }
  const r = data as BatchReport;
  if (!r || typeof r !== 'object' || r.tool !== 'ordo' || !Array.isArray(r.tests)) {
    throw new OrdoError(`${file}: not an Ordo JSON report`);
  }
  return r;
}

/**
 * Join reports: tests sorted by path; a path present in two reports is an error. The
 * root is the first report's (reports of shards of one run share it).
 */
export function mergeReports(reports: Array<{ file: string; report: BatchReport }>): BatchReport {
  // Results made under different models or options do not add up to one run.
  const setup = (r: BatchReport) => JSON.stringify([r.models ?? null, r.options ?? null]);
  const first = reports[0];
  for (const r of reports.slice(1)) {
    if (first && setup(r.report) !== setup(first.report)) {
      const what =
        JSON.stringify(r.report.models ?? null) !== JSON.stringify(first.report.models ?? null)
          ? 'model files'
          : 'options';
      throw new OrdoError(
        `${r.file} and ${first.file} were made with different ${what}; merge only reports of one run`,
      );
    }
  }
  const owner = new Map<string, string>();
  const tests: TestRecord[] = [];
  for (const { file, report } of reports) {
    for (const t of report.tests) {
      const prev = owner.get(t.path);
      if (prev !== undefined)
        throw new OrdoError(`duplicate test ${t.path} in ${prev} and ${file}`);
      owner.set(t.path, file);
      tests.push(t);
    }
  }
  const head = first?.report;
  const provenance =
    head?.ordoVersion !== undefined && head.options && head.models
      ? { ordoVersion: head.ordoVersion, options: head.options, models: head.models }
      : undefined;
  return makeReport(head?.root ?? '', tests, {
    judged: reports.some((r) => r.report.judged),
    shard: null,
    interrupted: reports.some((r) => r.report.interrupted),
    notRun: reports.reduce((n, r) => n + (r.report.notRun ?? 0), 0),
    provenance,
  });
}

// ---- JUnit ----

function xmlEscape(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '?')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

function observationOf(r: TestRecord): string | null {
  if (r.verdict === undefined) return null;
  return `Observation ${r.name ?? r.path} ${r.verdict} ${r.positive ?? 0} ${r.negative ?? 0}`;
}

/** JUnit XML: one testsuite, one testcase per test (classname: its directory). */
export function formatJunitReport(report: BatchReport): string {
  const s = report.summary;
  const totalTime = report.tests.reduce((t, r) => t + r.time, 0);
  const failures = s.failed - s.errors;
  const errors = s.errors + s.timedOut + s.limited + s.outOfMemory;
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<testsuites name="ordo" tests="${s.total}" failures="${failures}" errors="${errors}" skipped="${s.skipped}" time="${totalTime.toFixed(3)}">`,
  );
  out.push(
    `  <testsuite name="ordo${report.shard ? ` shard ${xmlEscape(report.shard)}` : ''}" tests="${s.total}" failures="${failures}" errors="${errors}" skipped="${s.skipped}" time="${totalTime.toFixed(3)}">`,
  );
  for (const r of report.tests) {
    const slash = r.path.lastIndexOf('/');
    const cls = slash < 0 ? '.' : r.path.slice(0, slash);
    const obs = observationOf(r);
    out.push(
      `    <testcase classname="${xmlEscape(cls)}" name="${xmlEscape(r.path)}" time="${r.time.toFixed(3)}">`,
    );
    if (r.status === 'error') {
      out.push(`      <error type="error" message="${xmlEscape(r.error ?? 'error')}"/>`);
    } else if (r.status === 'timeout' || r.status === 'oom' || r.status === 'limit') {
      const msg =
        r.status === 'limit' ? `stopped by a limit: ${r.limit ?? ''}` : (r.error ?? r.status);
      out.push(`      <error type="${r.status}" message="${xmlEscape(msg)}"/>`);
    } else if (r.judgement?.status === 'fail') {
      out.push(
        `      <failure type="judge" message="${xmlEscape(r.judgement.message ?? 'failed')}"/>`,
      );
    } else if (r.judgement?.status === 'skip') {
      out.push(`      <skipped message="${xmlEscape(r.judgement.message ?? 'no Result line')}"/>`);
    }
    if (obs) out.push(`      <system-out>${xmlEscape(obs)}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export function writeJunitReport(file: string, report: BatchReport): void {
  writeFileAtomic(file, formatJunitReport(report));
}
