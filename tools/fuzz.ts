// `npm run fuzz -- --cases N --seed S`: run Ordo on mutated litmus tests (C, BPF) and
// mutated model files (cat, bell, def), each in a worker thread under a time limit, and
// classify every run: ok, clean error, limit, or a bug (internal error, hang, out of
// memory, wrong exit status). A sample of the cases also runs through the command line,
// whose exit status must agree. Bad cases are saved with their seed and mutations; the
// exit status is 1 when there is any.
//
// Options: --cases N (default 200), --seed S (default: from the clock, printed),
// --jobs J (default 2), --timeout SECONDS per case (default 2), --out DIR for bad cases
// (default fuzz-failures), --cli-every K (one case in K also through the CLI; default 20,
// 0 for none), --only I (just case I of the seed, to reproduce it), --differential (each
// case runs with none of the mechanisms that share or skip work, sharing across a path
// combination's candidates, forbidden-alternative pruning and checks decided over bounds,
// then with sharing, then with each shortcut wherever it can be taken, then with both,
// then with herd's cross.cat and cos-opt.cat in place of Ordo's: the answers must be the
// same; mostly mutated models, half the C and BPF tests generated, 0.3 of the cases C
// tests under the kernel's own files, each run under Ordo's own LKMM too: its answer
// must be the kernel files'), --kernel-share P (that share instead of 0.3, also
// without --differential; `--differential --kernel-share 0` draws the tests and models
// --differential drew before kernel-files cases existed, but the model mutations differ
// where 'add a fork' is drawn, since d9f5086 and b9b296c: to reproduce an older seed
// exactly, run the fuzzer of its commit), --cat-share P (that share of the cases runs a C
// test under a random cat model, tools/fuzz/catgen.ts: every construct the interpreter
// compiles, and errors at their places; default 0, so other seeds draw as before; with
// --against, the interpreter of two builds compared), --against DIR (each case also runs, with
// production's options, on the built checkout DIR: the two answers must be the same).

import { formatSummary, fuzz, parseOptions, type FuzzOptions } from './fuzz/run.js';

async function main(): Promise<number> {
  let o: FuzzOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`fuzz: ${(err as Error).message}\n`);
    return 2;
  }
  const started = performance.now();
  const summary = await fuzz(o, (s) => process.stderr.write(s));
  process.stdout.write(formatSummary(o, summary, (performance.now() - started) / 1000));
  if (summary.bad > 0) process.stdout.write(`fuzz: bad cases saved in ${o.out}/\n`);
  return summary.bad > 0 ? 1 : 0;
}

process.exitCode = await main();
