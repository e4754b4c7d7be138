// Benchmark: run the C tests of the conformance corpus in one process and print
// throughput (wall and CPU time, peak RSS, load average) and the slowest tests. With
// --slow, also the tests of slow.tsv (herd7 took more than 10 s on those). Figures are medians over --runs N repetitions (default 3).
// With --startup: the cost of one `ordo TEST` process, as the kernel's scripts start it
// (see startupBench).
// With --heavy, only the heavy tests instead (tools/heavy.ts): slow.tsv and the RCU
// scaling family (--rcu 10,16,19), each in its own process, with CPU time and peak RSS
// (--heavy-timeout S, default 300). --threads 1,2 runs each of them with -j 1 and -j 2
// (one test split over threads) and shows the wall-time speed-up, and each share alone
// in CPU time (what N idle cores would give); --only REGEX keeps the heavy tests whose
// label matches.

import { corpusPath, repoRoot } from '../test/support/corpus.js';
import { listLitmusFiles } from '../src/batch/inputs.js';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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

/**
 * CPU seconds from /proc/PID/stat (Linux; null elsewhere or when the process is gone):
 * `own` the process's user + sys time, `children` that of its finished children.
 */
function procCpuSeconds(pid: number | 'self', which: 'own' | 'children'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: utime, stime are the 12th and 13th, cutime and
    // cstime the 14th and 15th; in clock ticks of 10 ms.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = which === 'own' ? 11 : 13;
    return (Number(fields[at]) + Number(fields[at + 1])) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds (user + sys) used so far by this process's finished children. */
const childrenCpuSeconds = (): number | null => procCpuSeconds('self', 'children');

/** The warm processes' CPU seconds so far: the daemon's children, alive (Linux). */
function warmProcessesCpuSeconds(daemonDir: string): number | null {
  try {
    const pidFile = readdirSync(daemonDir).find((n) => n.endsWith('.pid'));
    const daemon = Number(readFileSync(join(daemonDir, pidFile!), 'utf8').split(' ')[0]);
    const children = readFileSync(`/proc/${daemon}/task/${daemon}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    let total = 0;
    for (const child of children) total += procCpuSeconds(child, 'own') ?? 0;
    return total;
  } catch {
    return null;
  }
}

/**
 * One process per test, as checklitmus.sh runs herd7: `ordo -conf linux-kernel.cfg TEST`
 * for `count` small kernel tests, after one warm-up process that fills the model cache (a
 * private one, so the figures do not depend on what earlier runs left). Prints the median
 * wall and CPU time per process next to herd7's recorded wall time for the same tests,
 * for the two ways bin/ordo can answer: through a warm process of the daemon (the native
 * client, as installed by npm run build), and by a fresh Node process (ORDO_DAEMON=0, or
 * no C compiler). CPU time is read from the kernel's accounting, in 10 ms ticks.
 */
function startupBench(count: number): void {
  const kernelModels = join(corpus, 'models', 'lkmm');
  const ordoCommand = join(repoRoot, 'bin', 'ordo');
  const bin = join(repoRoot, 'bin', 'ordo.js');
  const client = join(repoRoot, 'native', 'ordo-client');
  const tests = listLitmusFiles(join(corpus, 'tests', 'kernel'))
    .filter((t) => (herdSeconds(relative(join(corpus, 'tests'), t)) ?? Infinity) < 0.1)
    .slice(0, count);
  const cache = mkdtempSync(join(tmpdir(), 'ordo-bench-cache-'));
  const daemonDir = mkdtempSync(join(tmpdir(), 'ordo-bench-daemon-'));
  // bin/ordo.js loads the bundled command line; `modules` starts from the compiled
  // modules instead, to show what the bundle saves.
  const modulesEntry = [
    process.execPath,
    '--input-type=module',
    '-e',
    `import(${JSON.stringify(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))}).then((m) => m.main(process.argv.slice(1))).then((c) => { process.exitCode = c; });`,
    '--',
  ];
  const fresh = [process.execPath, bin];
  const warm = [ordoCommand];
  const spawnOrdo = (test: string, cacheDir: string, entry: string[]) => {
    const cpu0 = childrenCpuSeconds();
    const t0 = performance.now();
    const r = spawnSync(
      entry[0]!,
      [
        ...entry.slice(1),
        '-conf',
        join(kernelModels, 'linux-kernel.cfg'),
        '-I',
        kernelModels,
        test,
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          ORDO_CACHE_DIR: cacheDir,
          ORDO_DAEMON_DIR: daemonDir,
          ORDO_DAEMON: entry === warm ? 'require' : '0',
        },
      },
    );
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = childrenCpuSeconds();
    if (r.status !== 0) throw new Error(`ordo failed on ${test}: ${r.stderr}`);
    return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  };
  const daemon = (verb: string) =>
    spawnSync(process.execPath, [bin, 'daemon', verb], {
      encoding: 'utf8',
      env: { ...process.env, ORDO_CACHE_DIR: cache, ORDO_DAEMON_DIR: daemonDir },
    });
  const haveClient = existsSync(client);
  if (haveClient && daemon('start').status !== 0) throw new Error('ordo daemon start failed');
  try {
    const cold = spawnOrdo(tests[0]!, 'off', fresh);
    spawnOrdo(tests[0]!, cache, fresh);
    spawnOrdo(tests[0]!, cache, modulesEntry);
    if (haveClient) spawnOrdo(tests[0]!, cache, warm);
    const series = { warm: [] as number[], fresh: [] as number[], modules: [] as number[] };
    const cpus = { warm: [] as number[], fresh: [] as number[], modules: [] as number[] };
    const herd: number[] = [];
    const warmCpu0 = warmProcessesCpuSeconds(daemonDir);
    let warmProcessesCpu = 0;
    // Alternated, so that a change in the machine's load weighs on all alike.
    for (const t of tests) {
      for (const [name, entry] of [
        ['warm', warm],
        ['fresh', fresh],
        ['modules', modulesEntry],
      ] as const) {
        if (name === 'warm' && !haveClient) continue;
        const before = name === 'warm' ? warmProcessesCpuSeconds(daemonDir) : null;
        const { wall, cpu } = spawnOrdo(t, cache, entry);
        series[name].push(wall);
        if (cpu !== null) cpus[name].push(cpu);
        const after = name === 'warm' ? warmProcessesCpuSeconds(daemonDir) : null;
        if (before !== null && after !== null) warmProcessesCpu += after - before;
      }
      herd.push(herdSeconds(relative(join(corpus, 'tests'), t))!);
    }
    const h = median(herd);
    const line = (what: string, name: keyof typeof series) =>
      `${what} median wall ${median(series[name]).toFixed(3)} s${cpus[name].length ? `, CPU ${median(cpus[name]).toFixed(3)} s (user+sys)` : ''}; ratio to herd7 ${(median(series[name]) / h).toFixed(2)}x`;
    console.log(
      `startup: ${tests.length} processes, one kernel test each (-conf linux-kernel.cfg), model cache warm`,
    );
    console.log(`herd7  median wall ${h.toFixed(3)} s (recorded #wall of the same tests)`);
    if (haveClient) {
      console.log(line('ordo (bin/ordo, warm process)', 'warm'));
      console.log(
        `  (CPU above is the client's; the warm processes used ${warmCpu0 === null ? 'an unknown amount' : `${((warmProcessesCpu / tests.length) * 1000).toFixed(1)} ms per test (mean)`})`,
      );
    } else console.log('ordo (bin/ordo, warm process): no native client built (no C compiler)');
    console.log(line('ordo (fresh Node process, ORDO_DAEMON=0)', 'fresh'));
    console.log(line('  (fresh, from the modules, not the bundle)', 'modules'));
    console.log(
      `  (one fresh process without the cache: wall ${cold.wall.toFixed(3)} s${cold.cpu === null ? '' : `, CPU ${cold.cpu.toFixed(3)} s`})`,
    );
  } finally {
    if (haveClient) daemon('stop');
    rmSync(daemonDir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
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
  // The floor of this way of timing: starting any program from this Node process.
  const trueWalls: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    spawnSync('true');
    trueWalls.push((performance.now() - t0) / 1000);
  }
  console.log(
    `(true, 10 processes started the same way: median wall ${median(trueWalls).toFixed(4)} s)`,
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
    // --share I/N: share I of N alone (tools/heavy.ts's projection of -j N).
    const shareArg = args.includes('--share') ? args[args.indexOf('--share') + 1] : null;
    const [index, count] = shareArg ? shareArg.split('/').map(Number) : [0, 1];
    // The share's deadline is on this process's CPU clock, which starts near 0.
    const deadline = (timeoutArg || 300) * 1000;
    const share = shareArg ? { share: { index, count, deadline } } : {};
    measureOne(args[measured + 1], { ...model, timeout: timeoutArg || 300, threads, ...share });
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
  // CPU seconds (user + sys) of this process per run, beside the wall time: on a loaded
  // machine the wall time mostly measures the other processes. (The collector's helper
  // threads count too, so CPU time can exceed the wall time on an idle machine.)
  const cpuTotals: number[] = [];
  const cpuSeconds = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const cpu0 = cpuSeconds();
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
    cpuTotals.push(cpuSeconds() - cpu0);
  }
  const total = median(totals);
  const cpuTotal = median(cpuTotals);
  let herdTotal = 0;
  for (const rel of perTest.keys()) herdTotal += herdSeconds(rel) ?? 0;
  console.log(`tests: ${tests.length} C tests (corpus minus slow.tsv), ${runs} runs, one process`);
  console.log(
    `total: ${total.toFixed(2)} s (median)  throughput: ${(tests.length / total).toFixed(1)} tests/s`,
  );
  console.log(
    `herd7 (one process per test, recorded wall time): ${herdTotal.toFixed(2)} s  ratio herd7/ordo: ${(herdTotal / total).toFixed(2)}x`,
  );
  console.log(
    `CPU time (user + sys, this process): ${cpuTotal.toFixed(2)} s (median; runs ${cpuTotals.map((c) => c.toFixed(2)).join(', ')})  ratio herd7/ordo-CPU: ${(herdTotal / cpuTotal).toFixed(2)}x  peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
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
