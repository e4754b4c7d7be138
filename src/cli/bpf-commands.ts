// `ordo c2bpf` (translate a C LKMM litmus test into BPF) and `ordo judge` (check the BPF
// model against LKMM on a test and its translation).

import { listLitmusFiles } from '../batch/inputs.js';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { OrdoError } from '../diagnostics.js';
import { architectureName } from '../arch/index.js';
import { convertCFile, judgeC, isUntranslatable, type JudgeOptions } from '../c2bpf/index.js';
import { parseBpfLitmus } from '../frontend/bpf/index.js';

const C2BPF_USAGE = `usage: ordo c2bpf TEST.litmus [-o OUT.litmus] [-macros FILE]
Translates a C (LKMM) litmus test into a BPF litmus test, or explains in one line why BPF
cannot express it (locks, RCU, SRCU, plain accesses, ...).
  -o FILE       write the BPF test to FILE instead of standard output
  -macros FILE  the .def file to read the C test with (default: Ordo's lkmm.def)`;

const JUDGE_USAGE = `usage: ordo judge C.litmus [BPF.litmus]
       ordo judge DIR
Runs a C test under Ordo's LKMM and its BPF translation (or the given BPF test) under
Ordo's BPF model, and judges: the same verdict is OK; LKMM Sometimes with BPF Never is OK
(BPF is tighter); anything else fails, naming the outcome BPF allows and LKMM forbids.
With a directory, judges every C test that translates, then prints totals and
"N passed, M failed".
  -timeout S    seconds per run (default 60; 0: no limit)
  -macros FILE  the .def file to read C tests with (default: Ordo's lkmm.def)
  -q            print failures and totals only`;

function describe(err: unknown): string {
  if (err instanceof OrdoError) return err.format();
  return `internal error: ${(err as Error).message}`;
}

export function c2bpfCommand(args: string[]): number {
  let out: string | undefined;
  let macros: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '--output') {
      out = args[++i];
      if (out === undefined) return usage(C2BPF_USAGE, '-o needs a file name');
    } else if (a === '-macros' || a === '--macros') {
      macros = args[++i];
      if (macros === undefined) return usage(C2BPF_USAGE, '-macros needs a file name');
    } else if (a === '-h' || a === '-help' || a === '--help') {
      process.stdout.write(C2BPF_USAGE + '\n');
      return 0;
    } else if (a.startsWith('-')) {
      return usage(C2BPF_USAGE, `unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  if (files.length !== 1)
    return usage(C2BPF_USAGE, files.length ? 'give one test' : 'missing TEST.litmus');
  const file = files[0]!;
  try {
    const t = convertCFile(file, macros);
    if (out) writeFileSync(out, t.text);
    else process.stdout.write(t.text);
    return 0;
  } catch (err) {
    if (isUntranslatable(err)) {
      process.stderr.write(`ordo c2bpf: ${file}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(
      `ordo c2bpf: ${err instanceof OrdoError && err.where ? '' : file + ': '}${describe(err)}\n`,
    );
    return err instanceof OrdoError ? 1 : 4;
  }
}

function usage(text: string, problem: string): number {
  process.stderr.write(`ordo: ${problem}\n${text}\n`);
  return 2;
}

export function judgeCommand(args: string[]): number {
  const opts: JudgeOptions = { timeout: 60 };
  let quiet = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-timeout' || a === '--timeout') {
      const v = Number(args[++i]);
      if (!Number.isFinite(v) || v < 0)
        return usage(JUDGE_USAGE, '-timeout takes a number of seconds');
      opts.timeout = v;
    } else if (a === '-macros' || a === '--macros') {
      const m = args[++i];
      if (m === undefined) return usage(JUDGE_USAGE, '-macros needs a file name');
      opts.macrosFile = m;
    } else if (a === '-q' || a === '--quiet') {
      quiet = true;
    } else if (a === '-h' || a === '-help' || a === '--help') {
      process.stdout.write(JUDGE_USAGE + '\n');
      return 0;
    } else if (a.startsWith('-')) {
      return usage(JUDGE_USAGE, `unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  if (files.length === 0 || files.length > 2)
    return usage(JUDGE_USAGE, files.length ? 'too many arguments' : 'missing C.litmus or DIR');
  let isDir: boolean;
  try {
    isDir = statSync(files[0]!).isDirectory();
  } catch {
    process.stderr.write(`ordo judge: cannot read ${files[0]}\n`);
    return 1;
  }
  if (isDir) {
    if (files.length > 1) return usage(JUDGE_USAGE, 'a directory takes no BPF test');
    return judgeDirectory(files[0]!, opts, quiet);
  }
  const cFile = files[0]!;
  try {
    let bpf: { file: string; text: string } | undefined;
    if (files[1]) {
      const text = readFileSync(files[1], 'utf8');
      parseBpfLitmus(text, files[1]); // report syntax errors against the BPF file itself
      bpf = { file: files[1], text };
    }
    const r = judgeC(cFile, opts, bpf);
    if (r.lkmm.limit || r.bpf.limit) {
      process.stdout.write(`LIMIT ${r.name}: ${r.lkmm.limit ?? r.bpf.limit}\n`);
      return 3;
    }
    process.stdout.write(`${r.verdict === 'fail' ? 'FAIL' : 'OK  '} ${r.name}: ${r.message}\n`);
    return r.verdict === 'fail' ? 1 : 0;
  } catch (err) {
    if (isUntranslatable(err)) {
      process.stderr.write(`ordo judge: ${cFile}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(
      `ordo judge: ${err instanceof OrdoError && err.where ? '' : cFile + ': '}${describe(err)}\n`,
    );
    return err instanceof OrdoError ? 1 : 4;
  }
}

function judgeDirectory(dir: string, opts: JudgeOptions, quiet: boolean): number {
  let cTests = 0,
    refused = 0,
    unreadable = 0,
    errors = 0,
    limited = 0,
    passed = 0,
    failed = 0,
    same = 0,
    tighter = 0;
  const reasons = new Map<string, number>();
  for (const file of listLitmusFiles(dir)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (architectureName(text) !== 'C') continue;
    cTests++;
    try {
      convertCFile(file, opts.macrosFile);
    } catch (err) {
      if (isUntranslatable(err)) {
        refused++;
        reasons.set(err.construct, (reasons.get(err.construct) ?? 0) + 1);
        if (!quiet) process.stdout.write(`SKIP ${file}: ${err.message}\n`);
      } else if (err instanceof OrdoError) {
        // The C test itself does not parse (herd7 rejects it too, usually).
        unreadable++;
        if (!quiet) process.stdout.write(`SKIP ${file}: ${describe(err)}\n`);
      } else {
        errors++;
        process.stdout.write(`ERROR ${file}: ${describe(err)}\n`);
      }
      continue;
    }
    try {
      const r = judgeC(file, opts);
      if (r.lkmm.limit || r.bpf.limit) {
        limited++;
        process.stdout.write(
          `LIMIT ${file}: ${r.lkmm.limit ? 'LKMM' : 'BPF'} run stopped (${r.lkmm.limit ?? r.bpf.limit})\n`,
        );
        continue;
      }
      if (r.verdict === 'fail') {
        failed++;
        process.stdout.write(`FAIL ${file}: ${r.message}\n`);
      } else {
        passed++;
        if (r.verdict === 'same') same++;
        else tighter++;
        if (!quiet) process.stdout.write(`OK   ${file}: ${r.message}\n`);
      }
    } catch (err) {
      errors++;
      process.stdout.write(`ERROR ${file}: ${describe(err)}\n`);
    }
  }
  const judged = passed + failed;
  process.stdout.write(
    `${cTests} C tests: ${judged} judged (${same} same verdict, ${tighter} BPF tighter, ${failed} failed), ` +
      `${refused} not translatable, ${unreadable} not readable, ${limited} over the time limit, ${errors} errors\n`,
  );
  if (reasons.size) {
    const top = [...reasons]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    process.stdout.write(`not translatable: ${top}\n`);
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 && errors === 0 ? 0 : 1;
}
