// Ordo's own LKMM against the kernel's model files on the RCU scaling family
// (tools/rcu-family.ts): each member runs under both, and the two reports must be the
// same line for line (as conformance reads them: the time left out). The kernel's files
// are the reference, herd7's recorded answers on the corpus being made with them; the
// family is where Ordo's model is tuned for speed, so where a rewrite of its RCU rules
// would show first.
//
//   node dist/tools/rcu-family-compare.js [--sizes 3-12] [--random K --seed S --longest L]
//                                         [--shapes RRG,SSY,...] [--timeout SECONDS]
//                                         [--out DIR]
//
// --sizes: the default member of each size (defaultShape); --random K: K more words over
// R, G, S, Y (RCU and SRCU readers and updaters) of 3 to L letters (default 7), drawn from
// seed S; --shapes: words given. Each run is stopped after --timeout CPU seconds (default
// 120; a stopped run is reported, not compared). Prints one line per shape, the CPU
// seconds of each model; a test whose reports differ is written to --out (default
// rcu-compare-failures) with both reports, and the exit status is 1.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTest, type RunOptions } from '../src/api/run.js';
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
  timeout: number;
  out: string;
}

/** One model's answer: its report's comparable lines, an error, or the limit that stopped it. */
export interface ModelAnswer {
  lines: string[];
  error?: string;
  limit?: string;
  cpuSeconds: number;
  observation?: string;
  states?: number;
}

/** Run `file` with `opts`, measuring this process's CPU time (user + system). */
export function answerOf(file: string, opts: RunOptions): ModelAnswer {
  const before = process.cpuUsage();
  const cpu = () => {
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1e6;
  };
  try {
    const r = runTest(file, opts);
    if (r.limit) return { lines: [], limit: r.limit, cpuSeconds: cpu() };
    return {
      lines: comparableLines(formatHerdReport(r) + formatUnrollWarning(r)),
      cpuSeconds: cpu(),
      observation: r.observation,
      states: r.states.length,
    };
  } catch (err) {
    // An internal error is a difference as well, when the other model runs the test.
    const message = err instanceof OrdoError ? err.message : `internal error: ${String(err)}`;
    return { lines: [], error: message, cpuSeconds: cpu() };
  }
}

/**
 * How Ordo's answer differs from the kernel files' (the first differing line, or the
 * errors), or undefined when they agree or either run was stopped by a limit.
 */
export function modelDifference(ordo: ModelAnswer, kernel: ModelAnswer): string | undefined {
  if (ordo.limit !== undefined || kernel.limit !== undefined) return undefined;
  if (ordo.error !== undefined || kernel.error !== undefined)
    return ordo.error === kernel.error
      ? undefined
      : `error differs: Ordo's LKMM ${ordo.error ?? '(none)'}; kernel files ${kernel.error ?? '(none)'}`;
  const lines = Math.max(ordo.lines.length, kernel.lines.length);
  for (let i = 0; i < lines; i++) {
    const [a, b] = [ordo.lines[i] ?? '(none)', kernel.lines[i] ?? '(none)'];
    if (a !== b) return `report differs: Ordo's LKMM ${a}; kernel files ${b}`;
  }
  return undefined;
}

/** The shapes to run: the default member of each size, the words given, random words. */
export function shapesOf(o: CompareOptions): string[] {
  const rng = new Rng(o.seed);
  const random = Array.from({ length: o.random }, () => {
    const length = 3 + rng.below(Math.max(1, o.longest - 2));
    return Array.from({ length }, () => rng.pick(['R', 'G', 'S', 'Y'])).join('');
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

function main(): number {
  let o: CompareOptions;
  let shapes: string[];
  try {
    o = parseOptions(process.argv.slice(2));
    shapes = shapesOf(o);
    shapes.forEach(rcuCycleTest);
  } catch (err) {
    process.stderr.write(`rcu-family-compare: ${(err as Error).message}\n`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ordo-rcu-compare-'));
  const kernel: RunOptions = { ...kernelOptions(), timeout: o.timeout };
  const own: RunOptions = { timeout: o.timeout };
  let [same, differ, stopped] = [0, 0, 0];
  const total = { ordo: 0, kernel: 0 };
  try {
    for (const shape of shapes) {
      const text = rcuCycleTest(shape);
      const file = join(dir, `${shape}.litmus`);
      writeFileSync(file, text);
      const k = answerOf(file, kernel);
      const m = answerOf(file, own);
      total.kernel += k.cpuSeconds;
      total.ordo += m.cpuSeconds;
      const difference = modelDifference(m, k);
      const what =
        difference !== undefined
          ? 'DIFFERS'
          : k.limit !== undefined || m.limit !== undefined
            ? `stopped (${m.limit !== undefined ? "Ordo's LKMM" : 'kernel files'})`
            : (k.error ?? `${k.observation} ${k.states} states`);
      process.stdout.write(
        `${shape.padEnd(14)} kernel ${k.cpuSeconds.toFixed(2).padStart(7)} s  ordo ${m.cpuSeconds.toFixed(2).padStart(7)} s  ${what}\n`,
      );
      if (difference !== undefined) {
        differ++;
        const dest = join(o.out, shape);
        mkdirSync(dest, { recursive: true });
        writeFileSync(join(dest, 'test.litmus'), text);
        writeFileSync(join(dest, 'ordo.txt'), (m.error ?? '') + m.lines.join('\n') + '\n');
        writeFileSync(join(dest, 'kernel.txt'), (k.error ?? '') + k.lines.join('\n') + '\n');
        process.stdout.write(`  ${difference}\n  saved in ${dest}/\n`);
      } else if (k.limit !== undefined || m.limit !== undefined) stopped++;
      else same++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `rcu-family-compare: ${shapes.length} shapes (seed ${o.seed}): ${same} same, ${differ} differ, ` +
      `${stopped} stopped; CPU kernel files ${total.kernel.toFixed(1)} s, Ordo's LKMM ${total.ordo.toFixed(1)} s\n`,
  );
  return differ > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main();
