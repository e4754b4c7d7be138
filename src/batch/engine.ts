// The batch engine: run a sorted list of tests through an Executor (a worker pool, or any
// per-test runner), print each test's herd7 report in path order as soon as every earlier
// test is done, judge outcomes against `Result:` lines, save `.out` files, write JSON /
// JUnit reports, and stop cleanly when aborted (Ctrl-C).

import { join } from 'node:path';
import { readSourceFile } from '../source.js';
import type { RunOptions } from '../api/run.js';
import {
  formatHerdReport,
  formatLimitLine,
  formatStates,
  formatUnrollWarning,
  TIMEOUT_MARKER,
} from '../report/herd-text.js';
import { extractResult, judgeOutcome } from './judge.js';
import type { BatchTest } from './inputs.js';
import type { Executor, TaskOutcome } from './protocol.js';
import type { Progress, ProgressTally } from './progress.js';
import { assertNever } from '../diagnostics.js';
import {
  allGood,
  makeReport,
  summaryLine,
  writeFileAtomic,
  writeJsonReport,
  writeJunitReport,
  type BatchReport,
  type Provenance,
  type TestRecord,
} from './report.js';

export interface BatchOptions {
  tests: BatchTest[];
  /** Absolute common root of the inputs (recorded in reports). */
  root: string;
  runOptions: RunOptions;
  executor: Executor;
  judge?: boolean;
  /** Directory for `<path>.out` files. */
  save?: string;
  json?: string;
  junit?: string;
  shard?: string | null;
  /** Ordo's version, the options and the model files, for the reports. */
  provenance?: Provenance;
  /** Do not print the per-test reports. */
  quiet?: boolean;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  progress?: Progress | null;
  /** Abort (Ctrl-C): running tests are dropped, results so far printed and saved. */
  signal?: AbortSignal;
}

export interface BatchOutcome {
  records: TestRecord[];
  report: BatchReport;
  interrupted: boolean;
  /** 0 all good, 1 something failed (a test, or writing a requested file), 130 interrupted. */
  exitCode: number;
  /** Requested files (--save, --json, --junit) that could not be written. */
  unwritten: string[];
}

/** The text a test contributes to stdout: herd7's report; nothing when it did not finish. */
function reportText(o: TaskOutcome): string {
  if (!o.result || o.result.limit) return '';
  return formatHerdReport(o.result);
}

/** What a test contributes to stderr: its error, or the Limit line of a stopped test. */
function diagnosticText(o: TaskOutcome): string {
  if (o.result?.limit) return formatLimitLine(o.result);
  if (o.result) return formatUnrollWarning(o.result);
  return `ordo: ${o.error ?? o.status}\n`;
}

/**
 * The .out file: what herd7 run by the kernel's scripts would have left, i.e. the report,
 * or the diagnostics; a test that did not finish (a limit, a terminated worker) ends with
 * time(1)'s exit-status line for timeout(1), which judgelitmus.sh reads as a timeout.
 */
function outFileText(o: TaskOutcome): string {
  const text = reportText(o) + diagnosticText(o);
  const unfinished = o.status === 'timeout' || o.status === 'limit' || !!o.result?.limit;
  return unfinished ? `${text}${TIMEOUT_MARKER}\n` : text;
}

export function makeRecord(
  test: BatchTest,
  o: TaskOutcome,
  judge: boolean,
  seconds: number,
): TestRecord {
  const status = o.status === 'cancelled' ? 'error' : o.status;
  const rec: TestRecord = { path: test.path, status, time: Math.round(seconds * 1000) / 1000 };
  if (o.result) {
    const r = o.result;
    rec.name = r.name;
    // A run stopped by a limit has no verdict: only its partial figures are recorded.
    if (!r.limit) {
      rec.verdict = r.observation;
      rec.ok = r.ok;
    }
    rec.states = formatStates(r);
    rec.positive = r.positive;
    rec.negative = r.negative;
    rec.flags = r.flags;
  }
  if (o.error) rec.error = o.error;
  if (o.limit) rec.limit = o.limit;
  // The exit status timeout(1) gives a test it stops: what the kernel's scripts read.
  if (status === 'limit' || status === 'timeout') rec.exitStatus = 124;
  let spec = null;
  try {
    // The shared reader: a FIFO or device named *.litmus must not block the batch here.
    spec = extractResult(readSourceFile(test.file));
  } catch {
    /* unreadable: the run reported it */
  }
  if (spec) rec.expected = spec.text;
  if (judge && o.result && status === 'ok') {
    rec.judgement = judgeOutcome(spec, o.result);
  }
  return rec;
}

/** One line describing a failed / not-passed test, for the --judge listing. */
export function failureLine(r: TestRecord): string | null {
  switch (r.status) {
    case 'error':
      return r.error?.includes(r.path)
        ? `FAIL ${r.error}`
        : `FAIL ${r.path}: ${r.error ?? 'error'}`;
    case 'oom':
      return `FAIL ${r.path}: out of memory: ${r.error ?? ''}`.trimEnd();
    case 'timeout':
      return `TIMEOUT ${r.path}: ${r.error ?? 'timed out'}`;
    case 'limit':
      return `TIMEOUT ${r.path}: stopped by a limit (${r.limit ?? ''})${r.expected ? `, Result: ${r.expected}` : ''}`;
    default:
      if (r.judgement?.status === 'fail')
        return `FAIL ${r.path}: ${r.judgement.message ?? 'failed'}${r.expected ? ` (Result: ${r.expected})` : ''}`;
      return null;
  }
}

function progressTally(r: TestRecord, judge: boolean): ProgressTally {
  if (r.status !== 'ok') return 'failed';
  if (!judge || !r.judgement) return 'passed';
  switch (r.judgement.status) {
    case 'pass':
      return 'passed';
    case 'fail':
      return 'failed';
    case 'skip':
      return 'skipped';
    default:
      return assertNever(r.judgement.status);
  }
}

export async function runBatch(o: BatchOptions): Promise<BatchOutcome> {
  const n = o.tests.length;
  const records: Array<TestRecord | undefined> = new Array(n);
  const texts: Array<string | undefined> = new Array(n);
  const outcomes: Array<TaskOutcome | undefined> = new Array(n);
  let nextToPrint = 0;
  let interrupted = false;
  /** Requested output files that could not be written: the run then fails. */
  const unwritten: string[] = [];

  const emit = (i: number): void => {
    const oc = outcomes[i]!;
    const out = o.quiet ? '' : texts[i]!;
    const err = diagnosticText(oc);
    const write = () => {
      if (out) o.stdout(out);
      if (err) o.stderr(err);
    };
    if (!out && !err) return;
    if (o.progress) o.progress.around(write);
    else write();
    texts[i] = undefined;
  };

  const flush = (): void => {
    while (nextToPrint < n && records[nextToPrint]) emit(nextToPrint++);
  };

  const done = (i: number, oc: TaskOutcome): void => {
    if (oc.status === 'cancelled' || interrupted) return;
    const test = o.tests[i];
    outcomes[i] = oc;
    texts[i] = reportText(oc);
    const rec = makeRecord(test, oc, !!o.judge, oc.seconds);
    records[i] = rec;
    if (o.save) {
      const out = join(o.save, `${test.path}.out`);
      try {
        writeFileAtomic(out, outFileText(oc));
      } catch (err) {
        unwritten.push(out);
        o.stderr(`ordo: cannot write --save file ${out}: ${(err as Error).message}\n`);
      }
    }
    o.progress?.tick(progressTally(rec, !!o.judge));
    flush();
  };

  const all = Promise.all(
    o.tests.map((t, i) =>
      o.executor.run({ id: i, file: t.file, opts: o.runOptions }).then((oc) => done(i, oc)),
    ),
  );
  const onAbort = () => {
    interrupted = true;
    void o.executor.stop();
  };
  if (o.signal) {
    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
  }
  await all;
  o.signal?.removeEventListener('abort', onAbort);
  await o.executor.close();

  // Interrupted: print what finished, in order, skipping the tests that did not.
  for (let i = nextToPrint; i < n; i++) if (records[i]) emit(i);
  o.progress?.stop();

  const finished = records.filter((r): r is TestRecord => r !== undefined);
  const report = makeReport(o.root, finished, {
    judged: !!o.judge,
    shard: o.shard ?? null,
    interrupted,
    notRun: n - finished.length,
    provenance: o.provenance,
  });
  const reports: Array<[string, string | undefined, typeof writeJsonReport]> = [
    ['--json', o.json, writeJsonReport],
    ['--junit', o.junit, writeJunitReport],
  ];
  for (const [flag, file, write] of reports) {
    if (!file) continue;
    try {
      write(file, report);
    } catch (err) {
      unwritten.push(file);
      o.stderr(`ordo: cannot write ${flag} report ${file}: ${(err as Error).message}\n`);
    }
  }

  if (o.judge) {
    const lines = finished.map(failureLine).filter((l): l is string => l !== null);
    let text = lines.map((l) => l + '\n').join('');
    text += summaryLine(report.summary);
    if (interrupted) text += ` (interrupted: ${n - finished.length} not run)`;
    o.stdout(text + '\n');
  } else if (interrupted) {
    o.stderr(`ordo: interrupted: ${finished.length} of ${n} tests done\n`);
  }
  const exitCode = interrupted ? 130 : allGood(report.summary) && unwritten.length === 0 ? 0 : 1;
  return { records: finished, report, interrupted, exitCode, unwritten };
}
