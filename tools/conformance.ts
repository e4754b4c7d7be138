// Conformance against herd7: run every test of ../shared/corpus (outside slow.tsv) with
// the kernel's own model files and with Ordo's shipped model, and compare each report
// with herd7's recorded output, ignoring only the lines that vary between runs (Time,
// #wall). The Hash line is compared too: it is herd7's digest of the test, which scripts
// compare across runs. Ends with `N passed, M failed`.

import { corpusPath } from '../test/support/corpus.js';
import { listLitmusFiles } from '../src/batch/inputs.js';
import { readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTest, type RunOptions } from '../src/api/run.js';
import { formatHerdReport, formatUnrollWarning } from '../src/report/herd-text.js';
import { OrdoError } from '../src/diagnostics.js';

const corpus = corpusPath();

export interface Suite {
  label: string;
  dirs: string[];
  opts: RunOptions;
  /** A kinds.txt file (`NAME Allowed|Forbidden|Required` per line): also check each test's observation. */
  kinds?: string;
  /** Where herd7's outputs for this suite are (default corpus/expected). */
  expected?: string;
}

function slowTests(): Set<string> {
  const f = join(corpus, 'slow.tsv');
  if (!existsSync(f)) return new Set();
  return new Set(
    readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]),
  );
}

/** The file part of herd7's warnings, `Warning: File "PATH": `, naming the file as herd7 was given it. */
const WARNING_FILE = /^Warning: File "[^"]*": /;

/** The lines of a report that must match: everything but Time and the harness's #wall / #rc. */
export function comparableLines(text: string): string[] {
  return text
    .split('\n')
    .filter(
      (l) =>
        !l.startsWith('Time ') &&
        !l.startsWith('#wall') &&
        !l.startsWith('#rc ') &&
        l.trim() !== '',
    );
}

export interface Verdict {
  pass: boolean;
  detail: string;
  /** When Ordo ran the test: its name and observation (Always/Sometimes/Never). */
  name?: string;
  observation?: string;
}

/** kinds.txt's words and the observation each one requires. */
const KIND_OBSERVATION: Record<string, string> = {
  Allowed: 'Sometimes',
  Forbidden: 'Never',
  Required: 'Always',
};

function readKinds(file: string): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, kind] = line.trim().split(/\s+/);
    if (name && kind) kinds.set(name, kind);
  }
  return kinds;
}

/** Checks a test's observation against its kind in kinds.txt. */
export function judgeKind(kinds: Map<string, string>, name: string, observation: string): Verdict {
  const kind = kinds.get(name);
  if (!kind) return { pass: false, detail: `    ${name} is not listed in kinds.txt` };
  const want = KIND_OBSERVATION[kind];
  if (want === observation) return { pass: true, detail: '' };
  return { pass: false, detail: `    kinds.txt: ${kind} (${want ?? '?'}), Ordo: ${observation}` };
}

/** Judges one test: its report against herd7's recorded output. */
export function judge(testFile: string, expectedText: string, opts: RunOptions): Verdict {
  let expected = comparableLines(expectedText);
  if (expected.length === 1 && expected[0].startsWith('#skip')) {
    // herd7 did not run it (out-of-scope architecture): Ordo must refuse it too.
    try {
      runTest(testFile, opts);
      return { pass: false, detail: 'herd7 skipped this test, Ordo ran it' };
    } catch (err) {
      return err instanceof OrdoError
        ? { pass: true, detail: '' }
        : { pass: false, detail: String(err) };
    }
  }
  // herd7's warnings name the file as herd7 was given it: compare them without the path.
  const withoutPath = (l: string) => l.replace(WARNING_FILE, 'Warning: File: ');
  // A loop cut at the unrolling limit is a warning after a report, not an error.
  const herdError = expected.find(
    (l) => l.startsWith('Warning: File') && !l.includes('unrolling limit exceeded'),
  );
  let report: string;
  let ran: { name: string; observation: string };
  try {
    const r = runTest(testFile, { timeout: 120, ...opts });
    if (r.limit) return { pass: false, detail: `stopped by a limit: ${r.limit}` };
    report = formatHerdReport(r) + formatUnrollWarning(r);
    ran = r;
  } catch (err) {
    const msg = err instanceof OrdoError ? err.message : `internal error: ${(err as Error).stack}`;
    if (herdError) {
      const reason = herdError.replace(WARNING_FILE, '').replace(/ \(User error\)$/, '');
      return msg.includes(reason)
        ? { pass: true, detail: '' }
        : { pass: false, detail: `error differs: herd7 "${reason}", Ordo "${msg}"` };
    }
    return { pass: false, detail: `Ordo failed: ${msg}` };
  }
  if (herdError)
    return { pass: false, detail: `herd7 reported an error (${herdError}), Ordo ran the test` };
  const got = comparableLines(report).map(withoutPath);
  expected = expected.map(withoutPath);
  const seen = { name: ran.name, observation: ran.observation };
  if (got.length === expected.length && got.every((l, i) => l === expected[i]))
    return { pass: true, detail: '', ...seen };
  const diff: string[] = [];
  const max = Math.max(got.length, expected.length);
  for (let i = 0; i < max && diff.length < 8; i++) {
    if (got[i] !== expected[i])
      diff.push(`    herd7: ${expected[i] ?? '(none)'}\n    ordo : ${got[i] ?? '(none)'}`);
  }
  return { pass: false, detail: diff.join('\n'), ...seen };
}

const herdLib = join(corpus, 'models', 'herd-lib');

/** The hardware sets that conform, with herd7's default model. */
const HARDWARE_SETS = [
  { set: 'arch-x86', herdModel: 'x86tso.cat' },
  { set: 'arch-x86_64', herdModel: 'x86tso.cat' },
  { set: 'arch-riscv', herdModel: 'riscv.cat' },
  { set: 'arch-aarch64', herdModel: 'aarch64.cat' },
  { set: 'arch-ppc', herdModel: 'ppc.cat' },
];

export function defaultSuites(): Suite[] {
  const lkmmDirs = ['kernel', 'herd-linux', 'lkmm-dev'].map((d) => join(corpus, 'tests', d));
  const kernelModels = join(corpus, 'models', 'lkmm');
  const kernelCfg: RunOptions = {
    conf: join(kernelModels, 'linux-kernel.cfg'),
    includeDirs: [kernelModels],
  };
  const bpfDir = join(corpus, 'tests', 'herd-bpf');
  const herdBpf: RunOptions = { model: join(corpus, 'models', 'bpf', 'bpf.cat') };
  return [
    { label: 'kernel LKMM files', dirs: lkmmDirs, opts: kernelCfg },
    { label: 'Ordo LKMM', dirs: lkmmDirs, opts: {} },
    // BPF: herd7's own model, unmodified, and Ordo's BPF model (the default for BPF tests);
    // both also checked against each test's kind in kinds.txt.
    { label: 'herd bpf.cat', dirs: [bpfDir], opts: herdBpf, kinds: join(bpfDir, 'kinds.txt') },
    { label: 'Ordo BPF', dirs: [bpfDir], opts: {}, kinds: join(bpfDir, 'kinds.txt') },
    ...optionSuites(kernelCfg, herdBpf),
    // Hardware: each set under herd7's default model for its architecture, unmodified
    // (the model the references were made with), and under Ordo's own model.
    ...HARDWARE_SETS.flatMap(({ set, herdModel }): Suite[] => {
      const dirs = [join(corpus, 'tests', set)];
      return [
        // herd7 ran with its library as libdir: its files include each other by name.
        {
          label: `herd ${herdModel}`,
          dirs,
          opts: { model: join(herdLib, herdModel), includeDirs: [herdLib] },
        },
        { label: `Ordo ${set}`, dirs, opts: {} },
      ];
    }),
  ];
}

/** herd7's answers under the options users type (corpus/expected-options/MODE). */
function optionSuites(kernelCfg: RunOptions, herdBpf: RunOptions): Suite[] {
  const dirs = (...sets: string[]) => sets.map((d) => join(corpus, 'tests', d));
  const expected = (mode: string) => join(corpus, 'expected-options', mode);
  const suites: Suite[] = [];
  for (const speedcheck of ['true', 'fast'] as const) {
    const mode = `speedcheck-${speedcheck}`;
    suites.push(
      {
        label: `-speedcheck ${speedcheck}, kernel LKMM files`,
        dirs: dirs('kernel', 'herd-linux'),
        opts: { ...kernelCfg, speedcheck },
        expected: expected(mode),
      },
      {
        label: `-speedcheck ${speedcheck}, herd bpf.cat`,
        dirs: dirs('herd-bpf'),
        opts: { ...herdBpf, speedcheck },
        expected: expected(mode),
      },
    );
  }
  suites.push(
    {
      label: '-skipchecks happens-before,propagation, kernel LKMM files',
      dirs: dirs('kernel', 'herd-linux'),
      opts: { ...kernelCfg, skipchecks: ['happens-before', 'propagation'] },
      expected: expected('skipchecks-hb-pb'),
    },
    {
      label: '-through invalid, kernel LKMM files',
      dirs: dirs('kernel', 'herd-linux'),
      opts: { ...kernelCfg, through: 'invalid' },
      expected: expected('through-invalid'),
    },
  );
  return suites;
}

export function runSuites(
  suites: Suite[],
  filter?: RegExp,
  withSlow = false,
): { passed: number; failed: number } {
  const slow = withSlow ? new Set<string>() : slowTests();
  const tty = process.stderr.isTTY;
  let passed = 0;
  let failed = 0;
  for (const suite of suites) {
    const tests = suite.dirs
      .flatMap(listLitmusFiles)
      .filter((t) => !slow.has(relative(join(corpus, 'tests'), t)));
    const chosen = filter ? tests.filter((t) => filter.test(t)) : tests;
    const kinds = suite.kinds && existsSync(suite.kinds) ? readKinds(suite.kinds) : null;
    let done = 0;
    const started = Date.now();
    for (const t of chosen) {
      const rel = relative(join(corpus, 'tests'), t);
      const expectedFile = join(suite.expected ?? join(corpus, 'expected'), rel + '.out');
      if (!existsSync(expectedFile)) continue;
      const v = judge(t, readFileSync(expectedFile, 'utf8'), suite.opts);
      const verdicts: Array<[string, Verdict]> = [['MISMATCH', v]];
      if (kinds) {
        verdicts.push([
          'KIND',
          v.observation !== undefined && v.name !== undefined
            ? judgeKind(kinds, v.name, v.observation)
            : { pass: false, detail: '    no observation to check against kinds.txt' },
        ]);
      }
      for (const [what, w] of verdicts) {
        if (w.pass) passed++;
        else {
          failed++;
          if (tty) process.stderr.write('\r\x1b[K');
          process.stdout.write(`${what} [${suite.label}] ${rel}\n${w.detail}\n`);
        }
      }
      done++;
      if (tty) {
        const secs = ((Date.now() - started) / 1000).toFixed(0);
        process.stderr.write(
          `\r\x1b[K[${suite.label}] ${done}/${chosen.length}  passed ${passed}  failed ${failed}  ${secs}s`,
        );
      }
    }
    if (tty) process.stderr.write('\r\x1b[K');
  }
  return { passed, failed };
}

function main(): void {
  // npm run conformance [TEST_REGEX] [--suite LABEL_REGEX] [--with-slow]
  // --with-slow: the tests of slow.tsv too (minutes each; e.g. to check a change of
  // Ordo's LKMM on C-SRCU-82-A: --suite 'Ordo LKMM' --with-slow SRCU-82).
  const args = process.argv.slice(2);
  const slowAt = args.indexOf('--with-slow');
  if (slowAt >= 0) args.splice(slowAt, 1);
  const at = args.indexOf('--suite');
  const suiteFilter = at >= 0 ? new RegExp(args.splice(at, 2)[1] ?? '') : undefined;
  const filter = args[0] ? new RegExp(args[0]) : undefined;
  if (!existsSync(corpus)) {
    process.stdout.write(
      `conformance corpus not found at ${corpus} (set ORDO_SHARED)\n0 passed, 1 failed\n`,
    );
    process.exitCode = 1;
    return;
  }
  const suites = defaultSuites().filter((s) => !suiteFilter || suiteFilter.test(s.label));
  const { passed, failed } = runSuites(suites, filter, slowAt >= 0);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
