// `npm run bench -- --heavy`: the tests users wait for. The slow.tsv tests of the corpus
// and the RCU scaling family (tools/rcu-family.ts), each run in a child process of its own
// so that its CPU time (user+sys, other agents share the cores) and its peak RSS are its
// own. Each line shows Ordo's CPU and wall time beside herd7's recorded time, their ratio,
// and whether Ordo's answer is right; the geometric mean of the ratios ends the table.
//
// herd7's times: slow.tsv's seconds (its #wall line agrees), and for the RCU family the
// figures of issue 11 (10 processes about 2 s and 16 about 490 s on this machine kind;
// 19 about 2 h 40 min per the kernel's documentation). A test herd7 did not finish
// counts with its limit, so its ratio is a lower bound (marked >=).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTest, type RunOptions } from '../src/api/run.js';
import { formatHerdReport } from '../src/report/herd-text.js';
import { comparableLines } from './conformance.js';
import { defaultShape, rcuCycleTest } from './rcu-family.js';

export interface HeavyTest {
  label: string;
  file: string;
  /** herd7's time in seconds; `finished` false when herd7 was stopped at that time. */
  herdSeconds: number;
  herdFinished: boolean;
  /** The expected report (herd7's), or a check on the result when herd7 gave none. */
  expected: { report: string } | { check: (r: MeasuredRun) => string | null } | null;
}

/** What the child process reports about one run. */
export interface MeasuredRun {
  cpuSeconds: number;
  wallSeconds: number;
  maxRssMiB: number;
  report: string;
  observation: string;
  positive: number;
  negative: number;
  states: number;
  limit?: string;
  error?: string;
}

/** herd7's figures for the RCU family (issue 11): processes -> seconds. */
const RCU_HERD_SECONDS: Array<[number, number, string]> = [
  [10, 2, 'herd7 here'],
  [16, 490, 'herd7 here'],
  [19, 9600, 'kernel docs'],
];

/**
 * The RCU cycle's expected result, from LKMM's RCU guarantee: every combination of the
 * r1 values is a final state (each read may see the initial 0 or its predecessor's 1),
 * and the full cycle (all r1 = 1) is allowed exactly when readers outnumber grace periods.
 */
function rcuCheck(shape: string): (r: MeasuredRun) => string | null {
  const readers = [...shape].filter((k) => k === 'R').length;
  const want = readers > shape.length - readers ? 'Sometimes' : 'Never';
  const states = 2 ** shape.length;
  return (r) =>
    r.observation === want && r.states === (want === 'Never' ? states - 1 : states)
      ? null
      : `expected ${want} with ${states} states, got ${r.observation} with ${r.states}`;
}

export function heavyTests(corpus: string, rcuSizes: number[]): HeavyTest[] {
  const tests: HeavyTest[] = [];
  for (const line of readFileSync(join(corpus, 'slow.tsv'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [rel, secs, rc] = line.split('\t');
    const expectedFile = join(corpus, 'expected', rel + '.out');
    const finished = rc === 'rc=0';
    tests.push({
      label: rel,
      file: join(corpus, 'tests', rel),
      herdSeconds: Number(secs),
      herdFinished: finished,
      expected:
        finished && existsSync(expectedFile)
          ? { report: readFileSync(expectedFile, 'utf8') }
          : null,
    });
  }
  const dir = join(tmpdir(), `ordo-rcu-family-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  for (const n of rcuSizes) {
    const shape = defaultShape(n);
    const file = join(dir, `rcu-cycle-${n}.litmus`);
    writeFileSync(file, rcuCycleTest(shape));
    const known = RCU_HERD_SECONDS.find(([p]) => p === n);
    tests.push({
      label: `rcu-family ${n} processes (${shape})${known ? `, ${known[2]}` : ''}`,
      file,
      herdSeconds: known ? known[1] : NaN,
      herdFinished: true,
      expected: { check: rcuCheck(shape) },
    });
  }
  return tests;
}

/** Runs in the child: one test, printed as one JSON line. */
export function measureOne(file: string, opts: RunOptions): void {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let out: MeasuredRun;
  try {
    const r = runTest(file, opts);
    out = {
      cpuSeconds: 0,
      wallSeconds: 0,
      maxRssMiB: 0,
      report: formatHerdReport(r),
      observation: r.observation,
      positive: r.positive,
      negative: r.negative,
      states: r.states.length,
      limit: r.limit,
    };
  } catch (err) {
    out = {
      cpuSeconds: 0,
      wallSeconds: 0,
      maxRssMiB: 0,
      report: '',
      observation: '',
      positive: 0,
      negative: 0,
      states: 0,
      error: (err as Error).message,
    };
  }
  const cpu = process.cpuUsage(cpu0);
  out.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  out.wallSeconds = (performance.now() - t0) / 1000;
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
}

function verdict(t: HeavyTest, r: MeasuredRun): string {
  if (r.error) return `error: ${r.error}`;
  if (r.limit) return `stopped: ${r.limit}`;
  if (!t.expected) return `finished (${r.observation} ${r.positive} ${r.negative}); herd7 did not`;
  if ('report' in t.expected) {
    const want = comparableLines(t.expected.report);
    const got = comparableLines(r.report);
    const same = want.length === got.length && want.every((l, i) => l === got[i]);
    return same ? 'conforms' : 'MISMATCH with herd7';
  }
  const problem = t.expected.check(r);
  return problem === null ? `right (${r.observation}, ${r.states} states)` : `WRONG: ${problem}`;
}

/**
 * Run every heavy test (those whose label `only` matches) once per thread count in
 * `threads` (-j; 1 by default), in a child process each. With more than one count, a line per count, the wall-time speed-up over
 * the first count beside it; the geometric mean is over the first count's runs.
 */
export function runHeavy(
  corpus: string,
  modelArgs: string[],
  timeout: number,
  rcuSizes: number[],
  threads: number[] = [1],
  only?: RegExp,
): void {
  const self = fileURLToPath(new URL('./bench.js', import.meta.url));
  const tests = heavyTests(corpus, rcuSizes).filter((t) => !only || only.test(t.label));
  console.log(
    `heavy tests, each in its own process, stopped after ${timeout} s; times are CPU (user+sys) and wall seconds`,
  );
  console.log('   cpu s   wall s  peak MiB    herd7 s  herd7/ordo(cpu)  test  result');
  const ratios: number[] = [];
  for (const t of tests) {
    let first: MeasuredRun | null = null;
    for (const j of threads) {
      const run = measureAt(self, t, modelArgs, timeout, {
        threads: j,
        labelled: threads.length > 1,
        first,
        ratios: first === null ? ratios : null,
      });
      if (first === null) first = run;
      if (j > 1 && first) projectShares(self, t, modelArgs, timeout, j, first);
    }
  }
  if (ratios.length) {
    const geo = Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length);
    console.log(
      `geometric mean of herd7/ordo over the ${ratios.length} finished tests: ${geo.toFixed(2)}x (lower bounds count at their bound)`,
    );
  }
}

/** How one run of a heavy test is made and reported. */
interface RunAt {
  threads: number;
  /** Show the thread count (several counts are compared). */
  labelled: boolean;
  /** The first count's run, for the speed-up; null for the first count itself. */
  first: MeasuredRun | null;
  /** Where the herd7/Ordo ratio goes (the first count's runs only), or null. */
  ratios: number[] | null;
}

/** Runs the bench's child process on one test; null (and a line saying why) when it gave no result. */
function measureChild(self: string, t: HeavyTest, args: string[]): MeasuredRun | null {
  const child = spawnSync(process.execPath, [self, '--measure', t.file, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as MeasuredRun;
  } catch {
    console.log(
      `  (no result: ${child.stderr.trim().split('\n').pop() ?? child.status})  ${t.label}`,
    );
    return null;
  }
}

/** One heavy test at one thread count: prints its line, returns the run if it finished. */
function measureAt(
  self: string,
  t: HeavyTest,
  modelArgs: string[],
  timeout: number,
  at: RunAt,
): MeasuredRun | null {
  const args = ['--timeout', String(timeout), '--threads', String(at.threads), ...modelArgs];
  const r = measureChild(self, t, args);
  if (!r) return null;
  const done = !r.limit && !r.error;
  const ratio = t.herdSeconds / r.cpuSeconds;
  const bound = !t.herdFinished ? '>=' : '';
  if (done && Number.isFinite(ratio)) at.ratios?.push(ratio);
  const herd = Number.isFinite(t.herdSeconds) ? `${bound}${t.herdSeconds.toFixed(1)}` : '?';
  const ratioText = done && Number.isFinite(ratio) ? `${bound}${ratio.toFixed(2)}x` : '-';
  const speedup =
    at.first !== null && done
      ? `, wall ${(at.first.wallSeconds / r.wallSeconds).toFixed(2)}x the first count's`
      : '';
  const label = at.labelled ? `  [-j ${at.threads}${speedup}]` : '';
  const cpu = r.cpuSeconds.toFixed(2).padStart(8);
  const wall = r.wallSeconds.toFixed(2).padStart(8);
  const rss = r.maxRssMiB.toFixed(0).padStart(9);
  console.log(
    `${cpu} ${wall} ${rss} ${herd.padStart(10)} ${ratioText.padStart(16)}  ${t.label}${label}  ${verdict(t, r)}`,
  );
  return done ? r : null;
}

/**
 * What -j N gives on a machine with N idle cores, measured in CPU time (which other jobs
 * on a shared machine do not inflate as they do wall time): each of the N shares run
 * alone in a process of its own, with its own start-up and JIT warm-up as a thread of
 * -j N has; the slowest share's CPU time is then the run's wall time, against the
 * one-thread run's CPU time.
 */
function projectShares(
  self: string,
  t: HeavyTest,
  modelArgs: string[],
  timeout: number,
  count: number,
  whole: MeasuredRun,
): void {
  const cpus: number[] = [];
  for (let index = 0; index < count; index++) {
    const args = ['--timeout', String(timeout), '--share', `${index}/${count}`, ...modelArgs];
    const r = measureChild(self, t, args);
    if (!r || r.limit || r.error) return;
    cpus.push(r.cpuSeconds);
  }
  const slowest = Math.max(...cpus);
  console.log(
    `${''.padStart(55)}  [shares of ${count} alone: CPU ${cpus.map((c) => c.toFixed(2)).join(', ')} s; on ${count} idle cores ${(whole.cpuSeconds / slowest).toFixed(2)}x -j 1]`,
  );
}
