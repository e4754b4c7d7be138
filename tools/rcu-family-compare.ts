// Ordo's own LKMM against the kernel's model files on the RCU scaling family
// (tools/rcu-family.ts): each member runs under both, and the two reports must be the
// same line for line (as conformance reads them: the time left out). The kernel's files
// are the reference, herd7's recorded answers on the corpus being made with them; the
// family is where Ordo's model is tuned for speed, so where a rewrite of its RCU rules
// would show first.
//
//   node dist/tools/rcu-family-compare.js [--sizes 3-12] [--random K --seed S --longest L]
//                                         [--letters RGSY] [--shapes RRG,SSY,...]
//                                         [--against BUILD] [--timeout SECONDS] [--out DIR]
//
// --sizes: the default member of each size (defaultShape); --random K: K more words over
// --letters (default RGSY: RCU and SRCU readers and updaters; M, P, U add membarrier
// updaters, O a thread with no marker) of 3 to L letters (default 7), drawn from seed S; --shapes: words given.
// --against BUILD: Ordo's LKMM is also run by another built checkout (its own model
// files) and must answer the same: the reference for the membarrier letters, which the
// kernel's files do not know (their shapes are not run under the kernel's files). Each
// run is stopped after --timeout CPU seconds (default 120; a stopped run is reported, not
// compared). Prints one line per shape, the CPU seconds of each run; a test whose reports
// differ is written to --out (default rcu-compare-failures) with the reports, and the exit
// status is 1.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runTest, type RunOptions, type TestResult } from '../src/api/run.js';
import { OrdoError } from '../src/diagnostics.js';
import { formatHerdReport, formatUnrollWarning } from '../src/report/herd-text.js';
import { kernelOptions } from '../test/support/corpus.js';
import { comparableLines } from './conformance.js';
import { Rng } from './fuzz/mutate.js';
import { defaultShape, rcuCycleTest } from './rcu-family.js';

export interface CompareOptions {
  sizes: number[];
  random: number;
  seed: number;
  longest: number;
  shapes: string[];
  /** The letters of the random words. */
  letters: string;
  /** Another built checkout whose Ordo's LKMM must answer the same. */
  against?: string;
  timeout: number;
  out: string;
}

type Run = (file: string, opts: RunOptions) => TestResult;

/** One model's answer: its report's comparable lines, an error, or the limit that stopped it. */
export interface ModelAnswer {
  lines: string[];
  error?: string;
  limit?: string;
  cpuSeconds: number;
  observation?: string;
  states?: number;
}

/** Run `file` with `opts` (by `run`), measuring this process's CPU time (user + system). */
export function answerOf(file: string, opts: RunOptions, run: Run = runTest): ModelAnswer {
  const before = process.cpuUsage();
  const cpu = () => {
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1e6;
  };
  try {
    const r = run(file, opts);
    if (r.limit) return { lines: [], limit: r.limit, cpuSeconds: cpu() };
    return {
      lines: comparableLines(formatHerdReport(r) + formatUnrollWarning(r)),
      cpuSeconds: cpu(),
      observation: r.observation,
      states: r.states.length,
    };
  } catch (err) {
    // An internal error is a difference as well, when the other model runs the test. (An
    // OrdoError of another build is another class: told by its name.)
    const ordo = err instanceof OrdoError || (err instanceof Error && 'where' in err);
    const message = ordo ? (err as Error).message : `internal error: ${String(err)}`;
    return { lines: [], error: message, cpuSeconds: cpu() };
  }
}

/**
 * How Ordo's answer differs from the kernel files' (the first differing line, or the
 * errors), or undefined when they agree or either run was stopped by a limit.
 */
export function modelDifference(
  ordo: ModelAnswer,
  kernel: ModelAnswer,
  [l, r] = ["Ordo's LKMM", 'kernel files'],
): string | undefined {
  if (ordo.limit !== undefined || kernel.limit !== undefined) return undefined;
  if (ordo.error !== undefined || kernel.error !== undefined)
    return ordo.error === kernel.error
      ? undefined
      : `error differs: ${l} ${ordo.error ?? '(none)'}; ${r} ${kernel.error ?? '(none)'}`;
  const lines = Math.max(ordo.lines.length, kernel.lines.length);
  for (let i = 0; i < lines; i++) {
    const [a, b] = [ordo.lines[i] ?? '(none)', kernel.lines[i] ?? '(none)'];
    if (a !== b) return `report differs: ${l} ${a}; ${r} ${b}`;
  }
  return undefined;
}

/** Shapes the kernel's files cannot run: they hold a membarrier letter. */
export function ordoOnly(shape: string): boolean {
  return /[MPU]/.test(shape);
}

/** The shapes to run: the default member of each size, the words given, random words. */
export function shapesOf(o: CompareOptions): string[] {
  const rng = new Rng(o.seed);
  const random = Array.from({ length: o.random }, () => {
    const length = 3 + rng.below(Math.max(1, o.longest - 2));
    return Array.from({ length }, () => rng.pick([...o.letters])).join('');
  });
  return [...new Set([...o.sizes.map(defaultShape), ...o.shapes, ...random])];
}

function parseOptions(args: string[]): CompareOptions {
  const o: CompareOptions = {
    sizes: [],
    random: 0,
    seed: 1,
    longest: 7,
    shapes: [],
    letters: 'RGSY',
    timeout: 120,
    out: 'rcu-compare-failures',
  };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i]!, args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const num = Number(value);
    const number = () => {
      if (!Number.isInteger(num) || num < 0) throw new Error(`${flag} takes a whole number`);
      return num;
    };
    switch (flag) {
      case '--sizes': {
        const m = /^(\d+)(?:-(\d+))?$/.exec(value);
        if (!m) throw new Error(`--sizes takes N or N-M, not ${value}`);
        const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
        for (let n = from; n <= to; n++) o.sizes.push(n);
        break;
      }
      case '--random':
        o.random = number();
        break;
      case '--seed':
        o.seed = number();
        break;
      case '--longest':
        o.longest = number();
        break;
      case '--shapes':
        o.shapes.push(...value.split(',').filter(Boolean));
        break;
      case '--timeout':
        o.timeout = number();
        break;
      case '--letters':
        if (!/^[RGSYMPUO]+$/.test(value)) throw new Error(`--letters takes letters of RGSYMPUO`);
        o.letters = value;
        break;
      case '--against':
        if (!existsSync(join(value, 'dist', 'src', 'api', 'run.js')))
          throw new Error(`--against: no built checkout at ${value}`);
        o.against = value;
        break;
      case '--out':
        o.out = value;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (o.sizes.length === 0 && o.shapes.length === 0 && o.random === 0) o.sizes = [3, 4, 5, 6, 7, 8];
  return o;
}

async function main(): Promise<number> {
  let o: CompareOptions;
  let shapes: string[];
  let other: Run | undefined;
  try {
    o = parseOptions(process.argv.slice(2));
    shapes = shapesOf(o);
    shapes.forEach(rcuCycleTest);
    if (o.against !== undefined) {
      const api = pathToFileURL(join(resolve(o.against), 'dist', 'src', 'api', 'run.js')).href;
      other = ((await import(api)) as { runTest: Run }).runTest;
    }
  } catch (err) {
    process.stderr.write(`rcu-family-compare: ${(err as Error).message}\n`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ordo-rcu-compare-'));
  const kernel: RunOptions = { ...kernelOptions(), timeout: o.timeout };
  const own: RunOptions = { timeout: o.timeout };
  let [same, differ, stopped] = [0, 0, 0];
  const total = { ordo: 0, kernel: 0, other: 0 };
  const seconds = (a: ModelAnswer | undefined) => (a ? a.cpuSeconds.toFixed(2) : '-').padStart(7);
  try {
    for (const shape of shapes) {
      const text = rcuCycleTest(shape);
      const file = join(dir, `${shape}.litmus`);
      writeFileSync(file, text);
      const m = answerOf(file, own);
      const k = ordoOnly(shape) ? undefined : answerOf(file, kernel);
      const t = other ? answerOf(file, own, other) : undefined;
      total.ordo += m.cpuSeconds;
      total.kernel += k?.cpuSeconds ?? 0;
      total.other += t?.cpuSeconds ?? 0;
      const differences = [
        k && modelDifference(m, k),
        t && modelDifference(m, t, ["Ordo's LKMM", "the other build's"]),
      ].filter((d): d is string => d !== undefined);
      const limited = [m, k, t].some((a) => a?.limit !== undefined);
      const what =
        differences.length > 0
          ? 'DIFFERS'
          : limited
            ? 'stopped by a limit'
            : (m.error ?? `${m.observation} ${m.states} states`);
      process.stdout.write(
        `${shape.padEnd(14)} kernel ${seconds(k)} s  ordo ${seconds(m)} s` +
          `${other ? `  other ${seconds(t)} s` : ''}  ${what}\n`,
      );
      if (differences.length > 0) {
        differ++;
        const dest = join(o.out, shape);
        mkdirSync(dest, { recursive: true });
        writeFileSync(join(dest, 'test.litmus'), text);
        const report = (a: ModelAnswer) => (a.error ?? '') + a.lines.join('\n') + '\n';
        writeFileSync(join(dest, 'ordo.txt'), report(m));
        if (k) writeFileSync(join(dest, 'kernel.txt'), report(k));
        if (t) writeFileSync(join(dest, 'other.txt'), report(t));
        process.stdout.write(`  ${differences.join('\n  ')}\n  saved in ${dest}/\n`);
      } else if (limited) stopped++;
      else same++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `rcu-family-compare: ${shapes.length} shapes (seed ${o.seed}): ${same} same, ${differ} differ, ` +
      `${stopped} stopped; CPU kernel files ${total.kernel.toFixed(1)} s, Ordo's LKMM ` +
      `${total.ordo.toFixed(1)} s${other ? `, other build ${total.other.toFixed(1)} s` : ''}\n`,
  );
  return differ > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = await main();
