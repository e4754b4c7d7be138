// Benchmark: run the C tests of the conformance corpus in one process and print
// throughput and the slowest tests. With --slow, also the tests of slow.tsv (herd7 took
// more than 10 s on those). Figures are medians over --runs N repetitions (default 3).
// With --startup: the cost of one `ordo TEST` process, as the kernel's scripts start it
// (see startupBench).
// With --heavy, only the heavy tests instead (tools/heavy.ts): slow.tsv and the RCU
// scaling family (--rcu 10,16,19), each in its own process, with CPU time and peak RSS
// (--heavy-timeout S, default 300). --threads 1,2 runs each of them with -j 1 and -j 2
// (one test split over threads) and shows the wall-time speed-up; --only REGEX keeps the
// heavy tests whose label matches.

import { corpusPath, repoRoot } from '../test/support/corpus.js';
import { listLitmusFiles } from '../src/batch/inputs.js';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runTest, type RunOptions } from '../src/api/run.js';
import { judge } from './conformance.js';
import { measureOne, runHeavy } from './heavy.js';

const corpus = corpusPath();

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function herdSeconds(rel: string): number | null {
  const f = join(corpus, 'expected', rel + '.out');
  if (!existsSync(f)) return null;
  const m = /#wall ([0-9.]+) rc (\d+)/.exec(readFileSync(f, 'utf8'));
  return m ? Number(m[1]) : null;
}

/** CPU seconds (user + sys) used so far by this process's finished children (Linux). */
function childrenCpuSeconds(): number | null {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

/**
 * One process per test, as checklitmus.sh runs herd7: `ordo -conf linux-kernel.cfg TEST`
 * for `count` small kernel tests, after one warm-up process that fills the model cache (a
 * private one, so the figures do not depend on what earlier runs left). Prints the median
 * wall and CPU time per process next to herd7's recorded wall time for the same tests.
 * CPU time is read from the kernel's accounting of finished children, in 10 ms ticks.
 */
function startupBench(count: number): void {
  const kernelModels = join(corpus, 'models', 'lkmm');
  const bin = join(repoRoot, 'bin', 'ordo.js');
  const tests = listLitmusFiles(join(corpus, 'tests', 'kernel'))
    .filter((t) => (herdSeconds(relative(join(corpus, 'tests'), t)) ?? Infinity) < 0.1)
    .slice(0, count);
  const cache = mkdtempSync(join(tmpdir(), 'ordo-bench-cache-'));
  // bin/ordo.js loads the bundled command line; `modules` starts from the compiled
  // modules instead, to show what the bundle saves.
  const modulesEntry = [
    '--input-type=module',
    '-e',
    `import(${JSON.stringify(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))}).then((m) => m.main(process.argv.slice(1))).then((c) => { process.exitCode = c; });`,
    '--',
  ];
  const spawnOrdo = (test: string, cacheDir: string, entry: string[] = [bin]) => {
    const cpu0 = childrenCpuSeconds();
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [...entry, '-conf', join(kernelModels, 'linux-kernel.cfg'), '-I', kernelModels, test],
      { encoding: 'utf8', env: { ...process.env, ORDO_CACHE_DIR: cacheDir } },
    );
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = childrenCpuSeconds();
    if (r.status !== 0) throw new Error(`ordo failed on ${test}: ${r.stderr}`);
    return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  };
  const cold = spawnOrdo(tests[0]!, 'off');
  spawnOrdo(tests[0]!, cache);
  spawnOrdo(tests[0]!, cache, modulesEntry);
  const walls: number[] = [];
  const cpus: number[] = [];
  const modulesWalls: number[] = [];
  const modulesCpus: number[] = [];
  const herd: number[] = [];
  // Alternated, so that a change in the machine's load weighs on both alike.
  for (const t of tests) {
    const { wall, cpu } = spawnOrdo(t, cache);
    walls.push(wall);
    if (cpu !== null) cpus.push(cpu);
    const m = spawnOrdo(t, cache, modulesEntry);
    modulesWalls.push(m.wall);
    if (m.cpu !== null) modulesCpus.push(m.cpu);
    herd.push(herdSeconds(relative(join(corpus, 'tests'), t))!);
  }
  const w = median(walls);
  const h = median(herd);
  console.log(
    `startup: ${tests.length} processes, one kernel test each (-conf linux-kernel.cfg), model cache warm`,
  );
  console.log(`ordo   median wall ${w.toFixed(3)} s`);
  console.log(
    cpus.length > 0
      ? `ordo   median CPU  ${median(cpus).toFixed(3)} s (user+sys)`
      : 'ordo   CPU time not available on this system',
  );
  console.log(
    `(from the modules, not the bundle: median wall ${median(modulesWalls).toFixed(3)} s${modulesCpus.length ? `, CPU ${median(modulesCpus).toFixed(3)} s` : ''})`,
  );
  console.log(`herd7  median wall ${h.toFixed(3)} s (recorded #wall of the same tests)`);
  console.log(`ratio  ordo/herd7 wall ${(w / h).toFixed(2)}x`);
  console.log(
    `(one process without the cache: wall ${cold.wall.toFixed(3)} s${cold.cpu === null ? '' : `, CPU ${cold.cpu.toFixed(3)} s`})`,
  );
  // What no JavaScript program can go below: Node starting and exiting.
  const nodeWalls: number[] = [];
  const nodeCpus: number[] = [];
  for (let i = 0; i < 5; i++) {
    const cpu0 = childrenCpuSeconds();
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    nodeWalls.push((performance.now() - t0) / 1000);
    const cpu1 = childrenCpuSeconds();
    if (cpu0 !== null && cpu1 !== null) nodeCpus.push(cpu1 - cpu0);
  }
  console.log(
    `(node -e 0, 5 processes: median wall ${median(nodeWalls).toFixed(3)} s${nodeCpus.length ? `, CPU ${median(nodeCpus).toFixed(3)} s` : ''})`,
  );
}

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes('--startup')) {
    startupBench(Number(args[args.indexOf('--count') + 1]) || 20);
    return;
  }
  const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
  const withSlow = args.includes('--slow');
  const kernelModels = join(corpus, 'models', 'lkmm');
  const model = args.includes('--ordo-model')
    ? {}
    : { conf: join(kernelModels, 'linux-kernel.cfg'), includeDirs: [kernelModels] };
  const timeoutArg = Number(args[args.indexOf('--timeout') + 1]);
  const measured = args.indexOf('--measure');
  if (measured >= 0) {
    const threads = Number(args[args.indexOf('--threads') + 1]) || 1;
    measureOne(args[measured + 1], { ...model, timeout: timeoutArg || 300, threads });
    return;
  }
  if (args.includes('--heavy')) {
    const heavyTimeout = Number(args[args.indexOf('--heavy-timeout') + 1]) || 300;
    const rcuArg = args.includes('--rcu') ? args[args.indexOf('--rcu') + 1] : '10,16,19';
    const sizes = rcuArg.split(',').filter(Boolean).map(Number);
    const modelArgs = args.includes('--ordo-model') ? ['--ordo-model'] : [];
    const threadCounts = args.includes('--threads')
      ? args[args.indexOf('--threads') + 1].split(',').filter(Boolean).map(Number)
      : [1];
    const only = args.includes('--only') ? new RegExp(args[args.indexOf('--only') + 1]) : undefined;
    runHeavy(corpus, modelArgs, heavyTimeout, sizes, threadCounts, only);
    return;
  }
  const slowList = readFileSync(join(corpus, 'slow.tsv'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]);
  const slow = new Set(slowList);
  const tests = ['kernel', 'herd-linux', 'lkmm-dev']
    .flatMap((d) => listLitmusFiles(join(corpus, 'tests', d)))
    .filter((t) => !slow.has(relative(join(corpus, 'tests'), t)))
    .filter((t) => readFileSync(t, 'utf8').trimStart().startsWith('C'));
  const opts: RunOptions = { ...model, timeout: 120 };
  const perTest = new Map<string, number[]>();
  const totals: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (const t of tests) {
      const s = performance.now();
      try {
        runTest(t, opts);
      } catch {
        /* errors are timed too */
      }
      const rel = relative(join(corpus, 'tests'), t);
      if (!perTest.has(rel)) perTest.set(rel, []);
      perTest.get(rel)!.push((performance.now() - s) / 1000);
    }
    totals.push((performance.now() - t0) / 1000);
  }
  const total = median(totals);
  let herdTotal = 0;
  for (const rel of perTest.keys()) herdTotal += herdSeconds(rel) ?? 0;
  console.log(`tests: ${tests.length} C tests (corpus minus slow.tsv), ${runs} runs, one process`);
  console.log(
    `total: ${total.toFixed(2)} s (median)  throughput: ${(tests.length / total).toFixed(1)} tests/s`,
  );
  console.log(
    `herd7 (one process per test, recorded wall time): ${herdTotal.toFixed(2)} s  ratio herd7/ordo: ${(herdTotal / total).toFixed(2)}x`,
  );
  const slowest = [...perTest.entries()]
    .map(([k, v]) => [k, median(v)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10);
  console.log('slowest:');
  for (const [k, v] of slowest)
    console.log(`  ${v.toFixed(3)} s  ${k}  (herd7 ${herdSeconds(k)?.toFixed(3) ?? '?'} s)`);
  if (withSlow) {
    const slowTimeout = Number(args[args.indexOf('--slow-timeout') + 1]) || 300;
    console.log(`slow.tsv tests (herd7 > 10 s), each stopped after ${slowTimeout} s:`);
    for (const rel of slowList) {
      const s = performance.now();
      const expectedFile = join(corpus, 'expected', rel + '.out');
      const expected = existsSync(expectedFile) ? readFileSync(expectedFile, 'utf8') : '';
      let note: string;
      if (/rc 124/.test(expected)) {
        // herd7 did not finish: there is nothing to compare with, only a time to report.
        try {
          const r = runTest(join(corpus, 'tests', rel), { ...model, timeout: slowTimeout });
          note = r.limit
            ? `stopped: ${r.limit}`
            : `finished (${r.observation} ${r.positive} ${r.negative}); herd7 did not`;
        } catch (err) {
          note = `error: ${(err as Error).message}`;
        }
      } else {
        const v = judge(join(corpus, 'tests', rel), expected, { ...model, timeout: slowTimeout });
        note = v.pass ? 'conforms' : `MISMATCH ${v.detail.split('\n')[0]}`;
      }
      console.log(
        `  ${((performance.now() - s) / 1000).toFixed(2)} s  ${rel}  (herd7 ${herdSeconds(rel)?.toFixed(1) ?? '?'} s)  ${note}`,
      );
    }
  }
}

main();
