// `ordo run`, `ordo compare`, `ordo merge`: batch runs over whole directories.

import { createHash } from 'node:crypto';
import { availableParallelism, constants as osConstants, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrdoError } from '../diagnostics.js';
import { findHerdOption, HERD_OPTIONS, parseHerdArgs } from './herd-options.js';
import { expandInputs, parseShard, shardSlice } from '../batch/inputs.js';
import { runBatch } from '../batch/engine.js';
import { WorkerPool } from '../batch/pool.js';
import { Progress } from '../batch/progress.js';
import { compareDirs, formatComparison } from '../batch/compare.js';
import { mergeReports, readJsonReport, writeJsonReport, type Provenance } from '../batch/report.js';
import type { Task } from '../batch/protocol.js';
import { modelFiles, type RunOptions } from '../api/run.js';
import { ordoVersion } from '../version.js';

// -j is the batch's own (tests on worker threads), read before the herd options.
const HERD_OPTION_NAMES = HERD_OPTIONS.filter((o) => o.name !== '-q' && o.name !== '-j')
  .map((o) => o.name)
  .join(' ');

const RUN_USAGE = `usage: ordo run [options] PATH...
PATH: a .litmus file, a directory (searched recursively for *.litmus), or @LIST (a file
naming one path per line, relative to the list file's directory).
Runs the tests on worker threads and prints each one's herd7 report, in path order.
batch options:
  -j N, --jobs N     worker threads (default: the number of cores)
  --judge            compare each outcome with the test's "Result:" line
                     (as tools/memory-model/scripts/judgelitmus.sh); ends with
                     "N passed, M failed"
  --save DIR         write each report to DIR/<path>.out (kernel scripts' layout)
  --json FILE        write a JSON report (atomically)
  --junit FILE       write a JUnit XML report (atomically)
  --shard K/N        run only the K-th of N slices of the sorted test list
  -q, --quiet        do not print the per-test reports
  --progress / --no-progress   force the progress bar on / off (default: on when
                     stderr is a terminal)
  --max-memory MB    cap on the whole process's resident memory (all workers): over it,
                     the test holding the memory stops with a memory Limit; each
                     worker's heap is also capped at MB, a worker exceeding it is
                     replaced and its test reported out of memory
  --kill-after S     grace after -timeout before a stuck worker is terminated
                     (default: max(5, timeout/2) seconds)
  --runner MODULE    module exporting runOne(file, opts) (testing)
herd7 options (applied to every test; see ordo -help): ${HERD_OPTION_NAMES}
exit status: 0 all passed / ran, 1 a failure or error (or a requested file not written),
  2 usage, 128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)`;

export interface RunFlags {
  jobs: number;
  judge: boolean;
  save?: string;
  json?: string;
  junit?: string;
  shard?: string;
  quiet: boolean;
  progress?: boolean;
  maxMemoryMb?: number;
  killAfter?: number;
  runner?: string;
  rest: string[];
}

export function parseRunFlags(args: string[]): RunFlags {
  const f: RunFlags = { jobs: availableParallelism(), judge: false, quiet: false, rest: [] };
  const need = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined) throw new OrdoError(`option ${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const raw = args[i];
    let a = raw.replace(/^--/, '-');
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      return need(i++, a);
    };
    if (/^-j\d+$/.test(a)) {
      f.jobs = Number(a.slice(2));
      if (f.jobs < 1) throw new OrdoError('-j takes a positive whole number');
      continue;
    }
    switch (a) {
      case '-j':
      case '-jobs': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1) throw new OrdoError('-j takes a positive whole number');
        f.jobs = v;
        break;
      }
      case '-judge':
        f.judge = true;
        break;
      case '-save':
        f.save = value();
        break;
      case '-json':
        f.json = value();
        break;
      case '-junit':
        f.junit = value();
        break;
      case '-shard':
        f.shard = value();
        parseShard(f.shard);
        break;
      case '-q':
      case '-quiet':
        f.quiet = true;
        break;
      case '-progress':
        f.progress = true;
        break;
      case '-no-progress':
        f.progress = false;
        break;
      case '-max-memory': {
        const v = Number(value());
        if (!Number.isFinite(v) || v < 16)
          throw new OrdoError('--max-memory takes a number of megabytes (at least 16)');
        f.maxMemoryMb = v;
        break;
      }
      case '-kill-after': {
        const v = Number(value());
        if (!Number.isFinite(v) || v < 0)
          throw new OrdoError('--kill-after takes a number of seconds');
        f.killAfter = v;
        break;
      }
      case '-runner':
        f.runner = value();
        break;
      default:
        f.rest.push(raw);
        if (findHerdOption(a)?.value && inline === undefined && i + 1 < args.length)
          f.rest.push(args[++i]);
    }
  }
  return f;
}

function moduleSpecifier(m: string): string {
  if (/^[a-z]+:/i.test(m) && !/^[a-z]:[\\/]/i.test(m)) return m;
  return pathToFileURL(isAbsolute(m) ? m : resolve(m)).href;
}

/**
 * Heap cap per worker when --max-memory is not given: V8's default, unless `jobs` workers
 * at that size would exceed three quarters of the machine's memory.
 */
function defaultWorkerMemory(jobs: number): number | undefined {
  const share = Math.floor(((totalmem() / 1048576) * 0.75) / jobs);
  const v8Default = getHeapStatistics().heap_size_limit / 1048576;
  return share < v8Default ? Math.max(256, share) : undefined;
}

/** Ordo's version, the options and the model files (with digests of their contents). */
function runProvenance(opts: RunOptions): Provenance {
  return {
    ordoVersion: ordoVersion(),
    options: opts,
    models: modelFiles(opts).map((path) => ({
      path,
      sha256: createHash('sha256').update(readFileSync(path, 'latin1'), 'latin1').digest('hex'),
    })),
  };
}

export async function runCommand(args: string[]): Promise<number> {
  if (args.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    process.stdout.write(RUN_USAGE + '\n');
    return 0;
  }
  let flags: RunFlags;
  let files: string[];
  let opts: RunOptions;
  try {
    flags = parseRunFlags(args);
    ({ opts, operands: files } = parseHerdArgs(flags.rest));
  } catch (err) {
    process.stderr.write(`ordo run: ${(err as Error).message}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write(RUN_USAGE + '\n');
    return 2;
  }
  let expanded;
  try {
    expanded = expandInputs(files);
  } catch (err) {
    process.stderr.write(`ordo run: ${(err as Error).message}\n`);
    return 2;
  }
  let tests = expanded.tests;
  if (tests.length === 0) {
    // Nothing to check is a mistake (a wrong path, a typo in a list), not a success.
    process.stderr.write(`ordo run: no *.litmus tests in ${files.join(' ')}\n`);
    return 1;
  }
  if (flags.shard) {
    const { k, n } = parseShard(flags.shard);
    tests = shardSlice(tests, k, n);
  }

  if (flags.save !== undefined && existsSync(flags.save) && !statSync(flags.save).isDirectory()) {
    process.stderr.write(
      `ordo run: cannot write --save directory ${flags.save}: not a directory\n`,
    );
    return 1;
  }

  const timeout = opts.timeout;
  const grace = flags.killAfter;
  const jobs = Math.max(1, Math.min(flags.jobs, tests.length));
  if (flags.maxMemoryMb !== undefined) {
    opts.maxMemoryMb = flags.maxMemoryMb;
    opts.concurrentRuns = jobs;
  }
  const pool = new WorkerPool({
    jobs,
    runnerModule: flags.runner ? moduleSpecifier(flags.runner) : undefined,
    maxMemoryMb: flags.maxMemoryMb ?? defaultWorkerMemory(jobs),
    hardTimeoutMs: (_t: Task) =>
      timeout ? (timeout + (grace ?? Math.max(5, timeout / 2))) * 1000 : undefined,
  });

  const showProgress = flags.progress ?? process.stderr.isTTY === true;
  const progress = showProgress ? new Progress(tests.length, process.stderr) : null;

  // Ctrl-C, a kill (SIGTERM, as timeout(1) and CI runners send) and a closed terminal
  // (SIGHUP) all stop the run the same way: results so far printed, reports written and
  // flagged interrupted; the exit status is 128 + the signal's number. A second signal
  // exits at once.
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy) process.exit(128 + osConstants.signals[stoppedBy]);
    stoppedBy = signal;
    controller.abort();
  };
  const stopSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of stopSignals) process.on(s, onSignal);
  // A closed pipe (`ordo run ... | head`) ends the output, not the run: reports still get written.
  let stdoutOpen = true;
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stdoutOpen = false;
  };
  process.stdout.on('error', onStdoutError);
  try {
    const outcome = await runBatch({
      tests,
      root: expanded.root,
      runOptions: opts,
      executor: pool,
      judge: flags.judge,
      save: flags.save,
      json: flags.json,
      junit: flags.junit,
      shard: flags.shard ?? null,
      provenance: flags.json || flags.junit ? runProvenance(opts) : undefined,
      quiet: flags.quiet,
      stdout: (s) => {
        if (stdoutOpen) process.stdout.write(s);
      },
      stderr: (s) => process.stderr.write(s),
      progress,
      signal: controller.signal,
    });
    return outcome.interrupted && stoppedBy
      ? 128 + osConstants.signals[stoppedBy]
      : outcome.exitCode;
  } finally {
    for (const s of stopSignals) process.off(s, onSignal);
    progress?.stop();
    if (stdoutOpen) process.stdout.off('error', onStdoutError);
  }
}

export async function compareCommand(args: string[]): Promise<number> {
  if (args.length !== 2 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write(
      'usage: ordo compare OLD_DIR NEW_DIR\n  lists tests whose Observation line changed and tests present on one side only;\n  exit status 1 when anything changed\n',
    );
    return 2;
  }
  try {
    const c = compareDirs(args[0], args[1]);
    process.stdout.write(formatComparison(c, args[0], args[1]));
    return c.changes.length > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`ordo compare: ${(err as Error).message}\n`);
    return 2;
  }
}

export async function mergeCommand(args: string[]): Promise<number> {
  if (args.length < 2 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write(
      'usage: ordo merge OUT.json IN1.json IN2.json...\n  joins JSON reports of `ordo run --json` (e.g. of shards); a test in two inputs is an error\n',
    );
    return 2;
  }
  const [out, ...ins] = args;
  try {
    const merged = mergeReports(ins.map((file) => ({ file, report: readJsonReport(file) })));
    writeJsonReport(out, merged);
    return 0;
  } catch (err) {
    process.stderr.write(`ordo merge: ${(err as Error).message}\n`);
    return 1;
  }
}
