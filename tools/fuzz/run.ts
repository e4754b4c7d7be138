// The fuzzer's driver: options, the run over all cases, the summary line. The entry
// point is tools/fuzz.ts (`npm run fuzz`).

import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkerPool } from '../../src/batch/pool.js';
import type { TaskOutcome } from '../../src/batch/protocol.js';
import { corpusPath, repoRoot } from '../../test/support/corpus.js';
import {
  BAD_CLASSES,
  buildsDifference,
  classifyOutcome,
  cliArgs,
  cliPath,
  collectSeeds,
  expectedExitStatuses,
  differentialClass,
  DIFFERENTIAL_MIX,
  DIFFERENTIAL_REFERENCE,
  DIFFERENTIAL_VARIANTS,
  libraryDifference,
  makeCase,
  ordoModelDifference,
  withHerdLibrary,
  withOrdoModel,
  type FuzzCase,
  type FuzzClass,
} from './cases.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  jobs: number;
  timeout: number;
  out: string;
  cliEvery: number;
  only?: number;
  /**
   * Run each case with neither shortcut and nothing shared across candidates, then with
   * each of DIFFERENTIAL_VARIANTS (sharing across candidates: RunOptions.
   * shareAcrossCandidates; forbidden fork alternatives skipped at every fork and partial
   * reads-from choices judged: RunOptions.pruneForbidden; monotone checks decided at every
   * path combination's first evaluation: RunOptions.decideChecks; both shortcuts), and
   * with herd's cross.cat and cos-opt.cat in place of Ordo's (withHerdLibrary), and count
   * a difference in the answers as a bug of that variant. Cases are drawn as
   * DIFFERENTIAL_MIX says, with `kernelShare` in place of its share when given.
   */
  differential?: boolean;
  /** `--kernel-share P`: the share of kernel-files cases (CaseMix.kernelShare). */
  kernelShare?: number;
  /** `--cat-share P`: the share of cases under a random cat model (CaseMix.catShare). */
  catShare?: number;
  /** The module the workers run cases with (WorkerPool's runnerModule; for tests). */
  runnerModule?: string;
  /**
   * `--against DIR`: another checkout, built. Each case also runs there, with the options
   * production uses, and an answer that differs from this build's is a bug of one of them
   * ('builds differ'): the check for changes that no knob switches off (values kept
   * across candidates, forks taking a judged set's place), a branch against main.
   */
  against?: string;
  /** The module the other build's workers run (default: DIR's batch runner; for tests). */
  againstRunnerModule?: string;
}

/** The batch runner of a built checkout. */
function builtRunner(dir: string): string {
  const runner = resolve(dir, 'dist', 'src', 'batch', 'real-runner.js');
  if (!existsSync(runner)) throw new Error(`--against: no built runner at ${runner}`);
  return pathToFileURL(runner).href;
}

export function parseOptions(args: string[]): FuzzOptions {
  const o: FuzzOptions = {
    cases: 200,
    seed: Date.now() % 2 ** 31,
    jobs: 2,
    timeout: 2,
    out: 'fuzz-failures',
    cliEvery: 20,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--differential') {
      o.differential = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const num = Number(value);
    switch (flag) {
      case '--cases':
        o.cases = num;
        break;
      case '--seed':
        o.seed = num;
        break;
      case '--jobs':
        o.jobs = num;
        break;
      case '--timeout':
        o.timeout = num;
        break;
      case '--out':
        o.out = value;
        break;
      case '--cli-every':
        o.cliEvery = num;
        break;
      case '--only':
        o.only = num;
        break;
      case '--kernel-share':
        o.kernelShare = num;
        break;
      case '--cat-share':
        o.catShare = num;
        break;
      case '--against':
        o.against = value;
        o.againstRunnerModule = builtRunner(value);
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
    if (flag !== '--out' && flag !== '--against' && !Number.isFinite(num))
      throw new Error(`${flag} takes a number`);
  }
  return o;
}

interface CliRun {
  status: number | null;
  stderr: string;
}

function runCli(c: FuzzCase, timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath(repoRoot), ...cliArgs(c)],
      { timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 },
      (err, _stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code ?? null) : 0;
        resolve({ status: typeof code === 'number' ? code : null, stderr });
      },
    );
  });
}

export interface FuzzSummary {
  counts: Map<FuzzClass, number>;
  bad: number;
}

export async function fuzz(o: FuzzOptions, log: (s: string) => void): Promise<FuzzSummary> {
  const seeds = collectSeeds(repoRoot, corpusPath());
  const work = mkdtempSync(join(tmpdir(), 'ordo-fuzz-'));
  const graceS = Math.max(10, 2 * o.timeout);
  const pool = new WorkerPool({
    jobs: o.jobs,
    runnerModule: o.runnerModule,
    maxMemoryMb: 1024,
    hardTimeoutMs: () => (o.timeout + graceS) * 1000,
  });
  const other = o.againstRunnerModule
    ? new WorkerPool({
        jobs: o.jobs,
        runnerModule: o.againstRunnerModule,
        maxMemoryMb: 1024,
        hardTimeoutMs: () => (o.timeout + graceS) * 1000,
      })
    : null;
  const counts = new Map<FuzzClass, number>();
  let bad = 0;
  const record = (c: FuzzCase, cls: FuzzClass, detail: string): void => {
    counts.set(cls, (counts.get(cls) ?? 0) + 1);
    if (!BAD_CLASSES.includes(cls)) return;
    bad++;
    const dest = join(o.out, `${cls.replace(/ /g, '-')}-${o.seed}-${c.index}`);
    cpSync(join(work, String(c.index)), dest, { recursive: true });
    writeFileSync(
      join(dest, 'CASE.txt'),
      `class: ${cls}\nseed: ${o.seed}\ncase: ${c.index} (reproduce: npm run fuzz -- --seed ${o.seed} --only ${c.index}${o.differential ? ' --differential' : ''}${o.kernelShare !== undefined ? ` --kernel-share ${o.kernelShare}` : ''}${o.catShare !== undefined ? ` --cat-share ${o.catShare}` : ''}${o.against !== undefined ? ` --against ${o.against}` : ''})\n` +
        `mutations: ${c.description}\ncommand: ordo ${cliArgs(c).join(' ')}\n${detail}\n`,
    );
    log(`fuzz: ${cls}: case ${c.index} (${c.description}): ${detail.split('\n')[0]}\n`);
  };

  const runCase = async (index: number): Promise<void> => {
    const mix = {
      ...(o.differential ? DIFFERENTIAL_MIX : {}),
      ...(o.kernelShare !== undefined ? { kernelShare: o.kernelShare } : {}),
      ...(o.catShare !== undefined ? { catShare: o.catShare } : {}),
    };
    const c = makeCase(seeds, o.seed, index, join(work, String(index)), o.timeout, mix);
    const opts = o.differential ? { ...c.opts, ...DIFFERENTIAL_REFERENCE } : c.opts;
    const outcome: TaskOutcome = await pool.run({ id: index, file: c.file, opts });
    let cls = classifyOutcome(outcome);
    let detail = outcome.error ?? outcome.result?.limit ?? '';
    if (o.differential && !BAD_CLASSES.includes(cls)) {
      const variants: TaskOutcome[] = [];
      for (const v of DIFFERENTIAL_VARIANTS)
        variants.push(await pool.run({ id: index, file: c.file, opts: { ...c.opts, ...v.opts } }));
      // Herd's library last: a difference a shortcut makes is named after the shortcut.
      const herds = withHerdLibrary(c.opts, seeds.herdLibrary);
      if (herds) variants.push(await pool.run({ id: index, file: c.file, opts: herds }));
      const difference =
        differentialClass(outcome, variants) ??
        (herds ? libraryDifference(variants[variants.length - 1]!, outcome) : undefined);
      if (difference !== undefined) ({ cls, detail } = difference);
      else {
        // A crash or kill of a variant alone is that variant's bug too.
        const bad = variants.map(classifyOutcome).find((x) => BAD_CLASSES.includes(x));
        if (bad !== undefined) {
          cls = bad;
          detail = variants.find((x) => classifyOutcome(x) === bad)?.error ?? '';
        }
      }
    }
    if (c.kind === 'kernel' && !BAD_CLASSES.includes(cls)) {
      // The test under Ordo's own LKMM too: its answer must be the kernel files'.
      const own = await pool.run({ id: index, file: c.file, opts: withOrdoModel(c.opts) });
      const difference = ordoModelDifference(own, outcome);
      if (difference !== undefined) ({ cls, detail } = difference);
      else if (BAD_CLASSES.includes(classifyOutcome(own))) {
        cls = classifyOutcome(own);
        detail = own.error ?? '';
      }
    }
    if (other && !BAD_CLASSES.includes(cls)) {
      // Production's options on both builds (the differential reference takes neither
      // shortcut: run this build again).
      const task = { id: index, file: c.file, opts: c.opts };
      const here = o.differential ? await pool.run(task) : outcome;
      const difference = buildsDifference(here, await other.run(task));
      if (difference !== undefined) {
        cls = 'builds differ';
        detail = difference;
      }
    }
    const sampled = o.only !== undefined || (o.cliEvery > 0 && index % o.cliEvery === 0);
    if (sampled && !BAD_CLASSES.includes(cls)) {
      const expected = expectedExitStatuses(outcome, cls, o.timeout);
      // -timeout counts CPU time in a single run: on a loaded machine the wall clock runs
      // several times faster, so the process gets a generous wall-clock allowance.
      const cli = await runCli(c, (5 * o.timeout + graceS) * 1000);
      const traced = /\n\s+at /.test(cli.stderr);
      if (cli.status === null || !expected.includes(cli.status) || traced) {
        detail = `in-process: ${cls}; command line: exit status ${cli.status} (expected ${expected.join(' or ')})\n${cli.stderr}`;
        cls = 'wrong exit status';
      }
    }
    record(c, cls, detail);
    done++;
    if (done % 500 === 0) log(`fuzz: ${done} cases done: ${formatCounts(counts)}\n`);
    if (o.only === undefined) rmSync(join(work, String(index)), { recursive: true, force: true });
  };

  const indices = o.only !== undefined ? [o.only] : Array.from({ length: o.cases }, (_, i) => i);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < indices.length) await runCase(indices[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, lane));
  } finally {
    await pool.close();
    await other?.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { counts, bad };
}

function formatCounts(counts: Map<FuzzClass, number>): string {
  const classes: FuzzClass[] = ['ok', 'clean error', 'limit', ...BAD_CLASSES];
  return classes.map((c) => `${counts.get(c) ?? 0} ${c}`).join(', ');
}

export function formatSummary(o: FuzzOptions, s: FuzzSummary, seconds: number): string {
  const total = [...s.counts.values()].reduce((a, b) => a + b, 0);
  return `fuzz: ${total} cases, seed ${o.seed}, ${seconds.toFixed(0)} s: ${formatCounts(s.counts)}\n`;
}
