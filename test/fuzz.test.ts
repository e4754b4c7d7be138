// The fuzzer's own tests: seeded mutations are reproducible, outcomes are classified as
// promised, and a short run over real seeds finds no bad case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  litmusMutatorNames,
  modelMutatorNames,
  mutate,
  mutatorNames,
  Rng,
} from '../tools/fuzz/mutate.js';
import {
  buildsDifference,
  classifyOutcome,
  collectSeeds,
  expectedExitStatuses,
  differentialClass,
  libraryDifference,
  DIFFERENTIAL_MIX,
  DIFFERENTIAL_REFERENCE,
  DIFFERENTIAL_VARIANTS,
  caseRng,
  cliArgs,
  makeCase,
  ordoModelDifference,
  pruningDifference,
  testsOf,
  withHerdLibrary,
  withOrdoModel,
} from '../tools/fuzz/cases.js';
import { fuzz, parseOptions } from '../tools/fuzz/run.js';
import { classifyError, type TaskOutcome } from '../src/batch/protocol.js';
import {
  loadSetup,
  runTest,
  runTestText,
  type RunOptions,
  type TestResult,
} from '../src/api/run.js';
import {
  COHERENCE_SHAPE,
  generateBpfTest,
  generateCTest,
  RCU_SHAPE,
} from '../tools/fuzz/generate.js';
import { generateCatModel } from '../tools/fuzz/catgen.js';
import { parseCLitmus } from '../src/frontend/c/index.js';
import {
  buildTraces,
  enumerateCandidates,
  initialMemory,
  type EnumerationStats,
} from '../src/executions/enumerate.js';
import { rejectsEveryCandidate } from '../src/cat/candidate-bounds.js';
import { OrdoError } from '../src/diagnostics.js';
import { corpusPath, repoRoot } from './support/corpus.js';
import { cannedResult } from './support/fake-runner.js';

test('the generator is seeded: the same seed gives the same numbers', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const seqA = Array.from({ length: 20 }, () => a.next());
  assert.deepEqual(
    seqA,
    Array.from({ length: 20 }, () => b.next()),
  );
  assert.notDeepEqual(
    seqA,
    Array.from({ length: 20 }, () => c.next()),
  );
  assert.ok(seqA.every((x) => x >= 0 && x < 1));
});

test('mutations are reproducible from the seed and change the text', () => {
  const text = 'C t\n{}\nP0(int *x)\n{\n  WRITE_ONCE(*x, 1);\n}\nexists (x=1)\n';
  let changed = 0;
  const seen = new Set<string>();
  for (let seed = 0; seed < 200; seed++) {
    const one = mutate(text, 'C', text, new Rng(seed));
    const two = mutate(text, 'C', text, new Rng(seed));
    assert.deepEqual(one, two);
    if (one.text !== text) changed++;
    for (const name of one.applied) seen.add(name);
  }
  assert.ok(changed > 150, `only ${changed} of 200 mutations changed the text`);
  assert.deepEqual(
    [...seen].sort(),
    [...mutatorNames, ...litmusMutatorNames].sort(),
    'every mutator is drawn',
  );
});

test('a case is written the same way from the same seed and index', () => {
  const seeds = collectSeeds(repoRoot, corpusPath());
  assert.ok(seeds.c.length > 50 && seeds.bpf.length > 20 && seeds.models.length === 9);
  for (const [set, tests] of seeds.asm) assert.ok(tests.length > 10, `${set}: ${tests.length}`);
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-test-'));
  for (let index = 0; index < 12; index++) {
    const a = makeCase(seeds, 5, index, join(dir, `a${index}`), 1);
    const b = makeCase(seeds, 5, index, join(dir, `b${index}`), 1);
    assert.equal(a.description, b.description);
    assert.equal(readFileSync(a.file, 'utf8'), readFileSync(b.file, 'utf8'));
  }
});

const result = (extra: Partial<TestResult> = {}): TestResult =>
  cannedResult('t.litmus', { name: 't', ...extra });

test('outcomes are classified: clean errors name a place, crashes and kills are bugs', () => {
  const cases: Array<[TaskOutcome, string]> = [
    [{ status: 'ok', result: result(), seconds: 0 }, 'ok'],
    [
      {
        status: 'limit',
        result: result({ limit: 'time limit reached', limitKind: 'time' }),
        seconds: 1,
      },
      'limit',
    ],
    [{ status: 'error', error: 't.litmus:3:4: Syntax error', seconds: 0 }, 'clean error'],
    [{ status: 'error', error: 't.litmus: cannot read this file', seconds: 0 }, 'clean error'],
    [
      { status: 'error', error: 't.litmus: internal error: x', internal: true, seconds: 0 },
      'internal error',
    ],
    [{ status: 'error', error: 'TypeError: oops', seconds: 0 }, 'internal error'],
    [{ status: 'timeout', error: 't.litmus: timed out', seconds: 12 }, 'hang'],
    [{ status: 'oom', error: 't.litmus: out of memory', seconds: 3 }, 'out of memory'],
  ];
  for (const [outcome, expected] of cases)
    assert.equal(classifyOutcome(outcome), expected, JSON.stringify(outcome));
});

test('the exit statuses expected from the command line follow the classification', () => {
  const quick = { status: 'ok', result: result(), seconds: 0.01 } as const;
  assert.deepEqual(expectedExitStatuses(quick, 'ok', 2), [0]);
  assert.deepEqual(
    expectedExitStatuses({ status: 'error', error: 'x: y', seconds: 0 }, 'clean error', 2),
    [1],
  );
  const deep: TaskOutcome = {
    status: 'limit',
    result: result({ limit: 'depth limit reached', limitKind: 'depth' }),
    seconds: 0.1,
  };
  assert.deepEqual(expectedExitStatuses(deep, 'limit', 2), [5]);
});

test('a short fuzz run over real seeds finds no bad case', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    { cases: 24, seed: 20261129, jobs: 2, timeout: 2, out, cliEvery: 12 },
    () => undefined,
  );
  const total = [...summary.counts.values()].reduce((a, b) => a + b, 0);
  assert.equal(total, 24);
  assert.equal(summary.bad, 0, JSON.stringify([...summary.counts]));
});

test('--differential: a difference between pruned and unpruned answers is found', () => {
  assert.equal(parseOptions(['--differential', '--cases', '3']).differential, true);
  assert.equal(parseOptions(['--cases', '3']).differential, undefined);
  const answer = (extra: Partial<TestResult> = {}): TaskOutcome => ({
    status: 'ok',
    result: result({
      columns: [{ kind: 'reg', thread: 0, name: 'r0' }],
      states: [[0], [1]],
      ...extra,
    }),
    seconds: 0,
  });
  // The time a run took is no part of its answer.
  assert.equal(pruningDifference(answer(), answer({ seconds: 3 })), undefined);
  // Each change shows as the first report line it changes, pruned first.
  const planted: Array<[Partial<TestResult>, string]> = [
    [{ states: [[0]] }, 'States 1; unpruned States 2'],
    [{ states: [[0], [2n]] }, '0:r0=2;; unpruned 0:r0=1;'],
    [{ positive: 2 }, 'Positive: 2 Negative: 0; unpruned Positive: 1 Negative: 0'],
    [{ negative: 1 }, 'Positive: 1 Negative: 1; unpruned Positive: 1 Negative: 0'],
    [{ ok: false }, 'No; unpruned Ok'],
    [
      { observation: 'Sometimes' },
      'Observation t Sometimes 1 0; unpruned Observation t Always 1 0',
    ],
    [{ flags: ['data-race'] }, 'Flag data-race; unpruned Condition '],
    [{ conditionText: 'exists (0:r0=1)' }, 'Condition exists (0:r0=1); unpruned Condition '],
    [{ unrollLimitAt: 'L0' }, 'Loop Ok; unpruned Ok'],
    [{ hash: 'h' }, 'Hash=h; unpruned Hash='],
  ];
  for (const [change, what] of planted) {
    const found = pruningDifference(answer(change), answer());
    assert.equal(
      found,
      `report differs: pruned ${what}`,
      JSON.stringify(change, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)),
    );
  }
  const error: TaskOutcome = { status: 'error', error: 't.litmus:1:1: bad', seconds: 0 };
  assert.ok(pruningDifference(error, answer())?.startsWith('status differs'));
  assert.ok(
    pruningDifference(error, { ...error, error: 't.litmus:2:1: bad' })?.startsWith('error differs'),
  );
  // A run a limit stopped is not compared: its figures are partial.
  const stopped: TaskOutcome = {
    status: 'limit',
    result: result({ limit: 'time limit reached', limitKind: 'time', positive: 0 }),
    seconds: 2,
  };
  assert.equal(pruningDifference(stopped, answer()), undefined);
  assert.equal(pruningDifference(answer(), stopped), undefined);
});

test('--differential: each mechanism is compared alone with a run that shares and skips nothing', () => {
  assert.deepEqual(DIFFERENTIAL_REFERENCE, {
    pruneForbidden: false,
    decideChecks: false,
    shareAcrossCandidates: false,
  });
  const classes = DIFFERENTIAL_VARIANTS.map((v) => v.cls);
  assert.deepEqual(classes, [
    'sharing across candidates changed the answer',
    'pruning changed the answer',
    'deciding checks changed the answer',
    'shortcuts together changed the answer',
  ]);
  // Sharing alone first; then each shortcut at every fork or combination, the other not
  // at all, with sharing on as in production.
  assert.deepEqual(DIFFERENTIAL_VARIANTS[0]!.opts, {
    pruneForbidden: false,
    decideChecks: false,
    shareAcrossCandidates: true,
  });
  assert.deepEqual(DIFFERENTIAL_VARIANTS[1]!.opts, {
    pruneForbidden: 'always',
    decideChecks: false,
    shareAcrossCandidates: true,
  });
  assert.deepEqual(DIFFERENTIAL_VARIANTS[2]!.opts, {
    pruneForbidden: false,
    decideChecks: 'always',
    shareAcrossCandidates: true,
  });
  const answer = (flags: string[]): TaskOutcome => ({
    status: 'ok',
    result: result({ flags }),
    seconds: 0,
  });
  const same = answer([]);
  const none = (): TaskOutcome[] => [answer([]), answer([]), answer([]), answer([])];
  const only = (i: number, flags: string[]): TaskOutcome[] =>
    none().map((o, j) => (j === i ? answer(flags) : o));
  assert.equal(differentialClass(same, none()), undefined);
  assert.deepEqual(differentialClass(same, only(0, ['data-race'])), {
    cls: 'sharing across candidates changed the answer',
    detail: 'report differs: shared Flag data-race; unshared Condition ',
  });
  assert.deepEqual(differentialClass(same, only(2, ['data-race'])), {
    cls: 'deciding checks changed the answer',
    detail: 'report differs: decided Flag data-race; undecided Condition ',
  });
  assert.equal(differentialClass(same, only(1, ['data-race']))?.cls, 'pruning changed the answer');
  // A difference sharing or either shortcut makes alone is named after it, not after the
  // mechanisms together.
  assert.equal(
    differentialClass(same, [answer([]), answer(['x']), answer([]), answer(['x'])])?.cls,
    'pruning changed the answer',
  );
  assert.equal(
    differentialClass(same, [answer(['x']), answer(['x']), answer(['x']), answer(['x'])])?.cls,
    'sharing across candidates changed the answer',
  );
  assert.deepEqual(differentialClass(same, only(3, ['data-race'])), {
    cls: 'shortcuts together changed the answer',
    detail: 'report differs: both Flag data-race; neither Condition ',
  });
});

test('--differential: a difference sharing across candidates makes is named after it', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    {
      cases: 4,
      seed: 3,
      jobs: 1,
      timeout: 2,
      out,
      cliEvery: 0,
      differential: true,
      runnerModule: new URL('./fuzz-planted-sharing-runner.js', import.meta.url).href,
    },
    () => undefined,
  );
  assert.equal(summary.bad, 4, JSON.stringify([...summary.counts]));
  assert.equal(summary.counts.get('sharing across candidates changed the answer'), 4);
  const saved = readdirSync(out);
  assert.match(
    readFileSync(join(out, saved[0]!, 'CASE.txt'), 'utf8'),
    /class: sharing across candidates changed the answer\n[^]*shared Flag planted; unshared/,
  );
});

/** The cross.cat and cos-opt.cat a run with these options loads. */
function libraryFiles(opts: RunOptions): string[] {
  return loadSetup(opts).model.files.filter((f) => /\/(cross|cos-opt)\.cat$/.test(f));
}

test("--differential: herd's library takes the place of Ordo's cross.cat and cos-opt.cat", async () => {
  const seeds = collectSeeds(repoRoot, corpusPath());
  const kernel = {
    timeout: 2,
    conf: join(seeds.kernelModels, 'linux-kernel.cfg'),
    includeDirs: [seeds.kernelModels],
  };
  // After the case's own folders (a mutated lock.cat still wins), before Ordo's library;
  // with the reference's options, so that the library is all that differs.
  assert.deepEqual(withHerdLibrary(kernel, seeds.herdLibrary), {
    ...kernel,
    ...DIFFERENTIAL_REFERENCE,
    includeDirs: [seeds.kernelModels, seeds.herdLibrary],
  });
  assert.deepEqual(withHerdLibrary({ timeout: 2 }, seeds.herdLibrary)?.includeDirs, [
    seeds.herdLibrary,
  ]);
  // A model of herd's own (its folder holds cross.cat) would run the same files.
  assert.equal(
    withHerdLibrary({ model: 'bpf.cat', includeDirs: [seeds.herdLibrary] }, seeds.herdLibrary),
    undefined,
  );
  // An error placed in either library's cross.cat or cos-opt.cat is read without its
  // path and line; two errors in cross.cat are alike whatever their words (a member that
  // is not a set of relations: herd's cross.cat and Ordo's built-in say it otherwise).
  const failed = (error: string): TaskOutcome => ({ status: 'error', error, seconds: 0 });
  const ordoError = failed(`${repoRoot}/models/lib/cross.cat:30:12: relation expected`);
  for (const words of ['relation expected', 'cannot perform union on type pair'])
    assert.equal(
      libraryDifference(failed(`${seeds.herdLibrary}/cross.cat:16:5: ${words}`), ordoError),
      undefined,
    );
  assert.equal(
    libraryDifference(
      failed(`${seeds.herdLibrary}/cos-opt.cat:3:1: x`),
      failed(`${repoRoot}/models/lib/cos-opt.cat:9:1: x`),
    ),
    undefined,
  );
  assert.deepEqual(
    libraryDifference(
      failed(`${seeds.herdLibrary}/cos-opt.cat:3:1: set expected`),
      failed(`${repoRoot}/models/lib/cos-opt.cat:9:1: relation expected`),
    ),
    {
      cls: "herd's library changed the answer",
      detail:
        "error differs: herd's library <library>/cos-opt.cat: set expected; Ordo's library <library>/cos-opt.cat: relation expected",
    },
  );
  const fine: TaskOutcome = { status: 'ok', result: result(), seconds: 0 };
  for (const [a, b] of [
    [failed('t.litmus:1:1: bad'), fine],
    [ordoError, fine],
    [failed('m.cat:3:1: relation expected'), ordoError],
  ] as const)
    assert.equal(libraryDifference(a, b)?.cls, "herd's library changed the answer");
  // The files each loads, as the command line would find them: herd's cross.cat and
  // cos-opt.cat, or Ordo's.
  const herdsOpts = withHerdLibrary(kernel, seeds.herdLibrary)!;
  assert.deepEqual(libraryFiles(herdsOpts), [
    resolve(seeds.herdLibrary, 'cross.cat'),
    resolve(seeds.herdLibrary, 'cos-opt.cat'),
  ]);
  assert.deepEqual(libraryFiles(kernel), [
    resolve(repoRoot, 'models', 'lib', 'cross.cat'),
    resolve(repoRoot, 'models', 'lib', 'cos-opt.cat'),
  ]);
  // And their answers.
  const locked = join(corpusPath(), 'tests', 'lkmm-dev', 'locked');
  const test = readdirSync(locked).find((f) => f.endsWith('.litmus'))!;
  const ours = runTest(join(locked, test), { ...kernel, ...DIFFERENTIAL_REFERENCE });
  const herds = runTest(join(locked, test), herdsOpts);
  assert.deepEqual(
    [herds.positive, herds.negative, herds.states, herds.flags],
    [ours.positive, ours.negative, ours.states, ours.flags],
  );
  // End to end: a run with herd's library counting one more execution is a bad case of
  // its own class, in every case whose model finds cross.cat in Ordo's library.
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    {
      cases: 8,
      seed: 5,
      jobs: 1,
      timeout: 2,
      out,
      cliEvery: 0,
      differential: true,
      runnerModule: new URL('./fuzz-planted-library-runner.js', import.meta.url).href,
    },
    () => undefined,
  );
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-mix-'));
  const applicable = Array.from({ length: 8 }, (_, i) =>
    makeCase(seeds, 5, i, join(dir, String(i)), 2, DIFFERENTIAL_MIX),
  ).filter((c) => withHerdLibrary(c.opts, seeds.herdLibrary) !== undefined).length;
  assert.ok(applicable >= 4, `${applicable} of 8 cases`);
  assert.equal(summary.counts.get("herd's library changed the answer"), applicable);
  assert.equal(summary.bad, applicable, JSON.stringify([...summary.counts]));
  const saved = readdirSync(out);
  assert.match(
    readFileSync(join(out, saved[0]!, 'CASE.txt'), 'utf8'),
    /class: herd's library changed the answer\n[^]*herd's library Positive: 2 Negative: 0; Ordo's library Positive: 1/,
  );
});

test('--differential: production takes both shortcuts, and so does one variant', () => {
  const both = DIFFERENTIAL_VARIANTS.filter(
    (v) => v.opts.pruneForbidden === 'always' && v.opts.decideChecks === 'always',
  );
  assert.equal(both.length, 1);
  assert.equal(both[0]!.cls, 'shortcuts together changed the answer');
});

test('--differential: a difference only both shortcuts together make is its own bad class', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    {
      cases: 4,
      seed: 3,
      jobs: 1,
      timeout: 2,
      out,
      cliEvery: 0,
      differential: true,
      runnerModule: new URL('./fuzz-planted-both-runner.js', import.meta.url).href,
    },
    () => undefined,
  );
  assert.equal(summary.bad, 4, JSON.stringify([...summary.counts]));
  assert.equal(summary.counts.get('shortcuts together changed the answer'), 4);
  const saved = readdirSync(out);
  assert.match(
    readFileSync(join(out, saved[0]!, 'CASE.txt'), 'utf8'),
    /class: shortcuts together changed the answer\n[^]*both Flag planted/,
  );
});

test('--differential: a run whose deciding of checks changes a flag is a bad case', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    {
      cases: 6,
      seed: 3,
      jobs: 1,
      timeout: 2,
      out,
      cliEvery: 0,
      differential: true,
      runnerModule: new URL('./fuzz-planted-runner.js', import.meta.url).href,
    },
    () => undefined,
  );
  assert.equal(summary.bad, 6, JSON.stringify([...summary.counts]));
  assert.equal(summary.counts.get('deciding checks changed the answer'), 6);
  assert.equal(summary.counts.get('pruning changed the answer'), undefined);
  const saved = readdirSync(out);
  assert.equal(saved.length, 6);
  assert.match(
    readFileSync(join(out, saved[0]!, 'CASE.txt'), 'utf8'),
    /class: deciding checks changed the answer\n[^]*--differential\)[^]*decided Flag planted/,
  );
});

test('model mutations are reproducible and every model mutator is drawn', () => {
  const cat =
    'let a = po \\ (rf ; co)\nlet b = ~a & loc\nacyclic a | b | fr as c\nflag ~empty f(b) as d\n';
  const seen = new Set<string>();
  let changed = 0;
  for (let seed = 0; seed < 400; seed++) {
    const one = mutate(cat, 'cat', cat, new Rng(seed));
    assert.deepEqual(one, mutate(cat, 'cat', cat, new Rng(seed)));
    if (one.text !== cat) changed++;
    for (const name of one.applied) seen.add(name);
  }
  assert.ok(changed > 300, `only ${changed} of 400 mutations changed the model`);
  for (const name of modelMutatorNames) assert.ok(seen.has(name), `${name} never drawn`);
});

test('a short differential fuzz run over real seeds finds no bad case', async () => {
  // A seed whose 12 cases take a few seconds: 5 under the kernel files, 11 also run
  // with herd's library, mutated Ordo, kernel and herd models.
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    { cases: 12, seed: 20261202, jobs: 2, timeout: 2, out, cliEvery: 0, differential: true },
    () => undefined,
  );
  const total = [...summary.counts.values()].reduce((a, b) => a + b, 0);
  assert.equal(total, 12);
  assert.equal(summary.bad, 0, JSON.stringify([...summary.counts]));
});

/** A model with from-reads, its name after a comment that mentions `fr` and a string. */
const SHAPES_MODEL = `(* The fuzzer's test model, after herd's (luc@inria.fr): "fr" here is no use. *)
"fuzz shapes"
include "cos-opt.cat"
let com = rf | co | fr
acyclic po-loc | com as coherence
empty rmw & (fre ; coe) as atomic
let hb = rfe | fre | coe | (po & (W * W)) | (po & (R * M))
acyclic hb as order
`;

/** Three threads, two locations written twice: 54 candidates, partial choices judged. */
const SHAPES_TEST = `C shapes
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_mb(); WRITE_ONCE(*y, 1); WRITE_ONCE(*x, 2); }
P1(int *x, int *y) { int r0; int r1; r0 = READ_ONCE(*y); smp_rmb(); r1 = READ_ONCE(*x); }
P2(int *x, int *y) { int r2; int r3; r2 = READ_ONCE(*x); WRITE_ONCE(*y, 2); r3 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0)
`;

test('model mutations pass functions along in every shape, and keep the answer', () => {
  // The mutators that change no answer: from-reads rewritten, an operand routed through
  // a function, a check every candidate passes (not the random `fuzz-ho` ones), a
  // definition bound in a tuple.
  const keeping = new Set([
    'write from-reads as a difference',
    'route an operand through a function passed along',
    'add a check through a function passed along',
    'bind a definition in a tuple',
  ]);
  const shapes: Record<string, RegExp> = {
    'passed to a top-level function': /fuzz-app-\d+\(fun fuzz-[a-z]+ ->/,
    'in a tuple': /fuzz-app2-\d+\(\(fun fuzz-[a-z]+ ->/,
    'returned by a function': /fuzz-compose-\d+\(fun fuzz-[a-z]+ ->[^\n]*\)\(/,
    'made by a call': /fuzz-app-\d+\(fuzz-minus-\d+\(/,
    'closing over a varying local': /let fuzz-closed-\d+ = let fuzz-v = /,
    'let rec over functions': /let rec fuzz-sub-\d+\(fuzz-s\) = [^\n]* and fuzz-app-\d+\(h\)/,
  };
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-shapes-'));
  const file = join(dir, 'shapes.litmus');
  writeFileSync(file, SHAPES_TEST);
  const answer = (model: string) => {
    const r = runTest(file, { model, pruneForbidden: 'always', decideChecks: 'always' });
    return { states: r.states, positive: r.positive, negative: r.negative, flags: r.flags };
  };
  writeFileSync(join(dir, 'original.cat'), SHAPES_MODEL);
  const expected = answer(join(dir, 'original.cat'));
  const seen = new Set<string>();
  let run = 0;
  let checkFirst = 0;
  let tupled = 0;
  for (let seed = 0; seed < 1000 && (seen.size < 6 || run < 30 || tupled < 3); seed++) {
    const one = mutate(SHAPES_MODEL, 'cat', SHAPES_MODEL, new Rng(seed));
    if (!one.applied.every((m) => keeping.has(m)) || one.text.includes('fuzz-ho')) continue;
    // The comment keeps its `fr`; definitions come after the model's name.
    assert.ok(one.text.startsWith(SHAPES_MODEL.split('\n')[0]! + '\n"fuzz shapes"\n'), one.text);
    for (const [shape, pattern] of Object.entries(shapes))
      if (pattern.test(one.text)) seen.add(shape);
    if (
      one.text.indexOf('as fuzz-every') >= 0 &&
      one.text.indexOf('as fuzz-every') < one.text.indexOf('include')
    )
      checkFirst++;
    const model = join(dir, `m${seed}.cat`);
    writeFileSync(model, one.text);
    assert.deepEqual(
      answer(model),
      expected,
      `seed ${seed}: ${one.applied.join(', ')}\n${one.text}`,
    );
    run++;
    if (one.applied.includes('bind a definition in a tuple')) tupled++;
  }
  assert.ok(tupled >= 3, `${tupled} models with a definition bound in a tuple`);
  assert.deepEqual([...seen].sort(), Object.keys(shapes).sort());
  assert.ok(checkFirst > 0, 'no check placed before the model statements');
});

test('generated C and BPF tests are reproducible, run, and have partial choices the model rejects', () => {
  const setup = loadSetup({});
  const stats: EnumerationStats = { combinations: 0, readsFromLeaves: 0 };
  const observations = new Set<string>();
  for (let seed = 0; seed < 30; seed++) {
    const text = generateCTest(new Rng(seed), `gen-${seed}`);
    assert.equal(generateCTest(new Rng(seed), `gen-${seed}`), text);
    observations.add(runTestText(`gen-${seed}.litmus`, text).observation);
    const test = parseCLitmus(text, `gen-${seed}.litmus`, setup.macros);
    const memory = initialMemory(test);
    enumerateCandidates(
      test,
      buildTraces(test, memory, 1 << 14),
      memory,
      {
        deadline: Infinity,
        rejectsAll: (p) => rejectsEveryCandidate(setup.model.program, p.lower, p.upper, {}),
        askAlways: true,
      },
      () => true,
      stats,
    );
  }
  // Forbidden outcomes, and candidates enough below partial choices to judge them.
  assert.deepEqual([...observations].sort(), ['Always', 'Never', 'Sometimes']);
  // The same plans in BPF: they run, with the same spread of answers.
  const bpf = new Set<string>();
  for (let seed = 0; seed < 30; seed++) {
    const text = generateBpfTest(new Rng(seed), `gen-${seed}`);
    assert.equal(generateBpfTest(new Rng(seed), `gen-${seed}`), text);
    bpf.add(runTestText(`gen-${seed}.litmus`, text).observation);
  }
  assert.deepEqual([...bpf].sort(), ['Always', 'Never', 'Sometimes']);
  assert.ok((stats.partialChecks ?? 0) > 30, JSON.stringify(stats));
  assert.ok((stats.partialRejected ?? 0) > 0, JSON.stringify(stats));
});

test('--differential draws generated C and BPF tests, alone and under mutated models', () => {
  const seeds = collectSeeds(repoRoot, corpusPath());
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-mix-'));
  const kinds = new Map<string, number>();
  // 400 cases: the kernel-files cases (their own test) take 0.3 of them first.
  for (let index = 0; index < 400; index++) {
    const c = makeCase(seeds, 9, index, join(dir, String(index)), 1, DIFFERENTIAL_MIX);
    const made = /generated (C|BPF) test\)?$/.exec(c.description);
    const kind = made ? `${c.kind === 'model' ? 'model, ' : ''}generated ${made[1]}` : c.kind;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (made) assert.match(readFileSync(c.file, 'utf8'), new RegExp(`^${made[1]} gen-9-\\d+\\n`));
  }
  for (const kind of ['generated C', 'generated BPF', 'model, generated C', 'model, generated BPF'])
    assert.ok((kinds.get(kind) ?? 0) > 2, `${kind}: ${JSON.stringify([...kinds])}`);
  assert.ok((kinds.get('model') ?? 0) > 150, JSON.stringify([...kinds]));
});

test('--differential draws C tests under the kernel files, mostly generated in the coherence or RCU shape', () => {
  const seeds = collectSeeds(repoRoot, corpusPath());
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-kernel-'));
  const kinds = new Map<string, number>();
  for (let index = 0; index < 200; index++) {
    const c = makeCase(seeds, 9, index, join(dir, String(index)), 1, DIFFERENTIAL_MIX);
    if (c.kind !== 'kernel') continue;
    // Run as the corpus's C tests are: the kernel's own files, unmutated.
    assert.deepEqual(c.opts, {
      timeout: 1,
      conf: join(seeds.kernelModels, 'linux-kernel.cfg'),
      includeDirs: [seeds.kernelModels],
    });
    const kind = c.description.replace(/:.*/, '');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const count = (k: string) => kinds.get(k) ?? 0;
  const all = [...kinds.values()].reduce((a, b) => a + b, 0);
  assert.ok(all > 40 && all < 80, `${all} kernel cases of 200: ${JSON.stringify([...kinds])}`);
  const [coherence, rcu] = ['coherence', 'RCU'].map((shape) =>
    count(`kernel files, generated C test (${shape} shape)`),
  );
  assert.ok(coherence > all / 3 && rcu > all / 8 && rcu < coherence, JSON.stringify([...kinds]));
  assert.ok(count('kernel files, C test unmutated') > 3, JSON.stringify([...kinds]));
  assert.ok(count('kernel files, C test') > 3, JSON.stringify([...kinds]));
  // A run that does not ask for them draws none, and --kernel-share asks for them.
  for (let index = 0; index < 50; index++)
    assert.notEqual(makeCase(seeds, 9, index, join(dir, `p${index}`), 1).kind, 'kernel');
  assert.equal(parseOptions(['--kernel-share', '1']).kernelShare, 1);
});

test('coherence-shaped C tests write locations many times, lock, probe, and run under the kernel files', () => {
  const seeds = collectSeeds(repoRoot, corpusPath());
  const kernel = {
    conf: join(seeds.kernelModels, 'linux-kernel.cfg'),
    includeDirs: [seeds.kernelModels],
  };
  // The writes to x or y (a store, a release, an exchange, a compare-and-exchange).
  const writesTo = (text: string, loc: string): number =>
    text
      .split('\n')
      .filter((l) =>
        new RegExp(
          `(WRITE_ONCE\\(\\*${loc},|\\*${loc} = |release\\(${loc},|xchg\\w*\\(${loc},)`,
        ).test(l),
      ).length;
  let manyWrites = 0;
  let trylocks = 0;
  let probes = 0;
  const observations = new Set<string>();
  let executions = 0;
  for (let seed = 0; seed < 24; seed++) {
    const text = generateCTest(new Rng(seed), `coh-${seed}`, COHERENCE_SHAPE);
    assert.equal(generateCTest(new Rng(seed), `coh-${seed}`, COHERENCE_SHAPE), text);
    if (Math.max(writesTo(text, 'x'), writesTo(text, 'y')) >= 4) manyWrites++;
    if (text.includes('spin_trylock(s)')) trylocks++;
    if (text.includes('spin_is_locked(s)')) probes++;
    if (seed < 8) {
      const r = runTestText(`coh-${seed}.litmus`, text, kernel);
      assert.equal(r.limit, undefined, `seed ${seed}`);
      observations.add(r.observation);
      executions += r.positive + r.negative;
    }
  }
  assert.ok(manyWrites >= 8, `${manyWrites} of 24 tests write a location 4 times or more`);
  assert.ok(trylocks >= 3 && probes >= 6, `trylocks in ${trylocks}, probes in ${probes}`);
  assert.ok(executions > 500, `${executions} executions in 8 tests`);
  assert.ok(observations.size >= 2, JSON.stringify([...observations]));
  // The default shape is what it was: no probes, no trylocks.
  for (let seed = 0; seed < 40; seed++)
    assert.doesNotMatch(generateCTest(new Rng(seed), 'g'), /spin_trylock|spin_is_locked/);
});

test('litmus mutators each edit their part of a test', () => {
  const header = 'PPC MP+sync';
  const init = '{\n0:r2=x; 0:r4=y;\n1:r2=y; 1:r4=x;\n}';
  const table =
    ' P0           | P1           ;\n li r1,1      | lwz r1,0(r2) ;\n stw r1,0(r2) | sync         ;\n sync         | lwz r3,0(r4) ;\n stw r1,0(r4) |              ;';
  const condition = 'exists (1:r1=1 /\\ 1:r3=0)';
  const text = [header, init, table, condition, ''].join('\n');
  const uses = (t: string) => [...t.matchAll(/(?<![\w:%])[xy](?!\w)/g)].length;
  // What each leaves alone (a prefix and a suffix of the test), or must bring in.
  const kept: Record<string, (out: string) => boolean> = {
    'garble the header': (out) => out.endsWith(text.slice(header.length)),
    'edit the initial state': (out) =>
      out.startsWith(`${header}\n`) && out.endsWith(text.slice(header.length + 1 + init.length)),
    'rename a register': (out) =>
      /r99|r-1|X31|XZR|W0|SP|r10|r11|x0|%rip|EIP|0:r0|\br\b|R0|r00|r1844/.test(out),
    // One use of x or y, or all of them, now have another name.
    'rename a location': (out) => uses(out) < uses(text),
    'edit the thread names': (out) => !out.includes(table.split('\n')[0]!),
    'replace the final condition': (out) => out.startsWith([header, init, table].join('\n')),
  };
  const seen = new Set<string>();
  for (let seed = 0; seed < 2000 && seen.size < litmusMutatorNames.length; seed++) {
    const one = mutate(text, 'asm', text, new Rng(seed));
    const [name] = one.applied;
    if (one.applied.length !== 1 || !(name! in kept) || one.text === text) continue;
    assert.ok(kept[name!]!(one.text), `${name}: ${one.text}`);
    seen.add(name!);
  }
  assert.deepEqual([...seen].sort(), [...litmusMutatorNames].sort());
});

test('--against: another build answering differently is a bad case, with its reproduce line', async () => {
  assert.throws(() => parseOptions(['--against', tmpdir()]), /--against: no built runner/);
  const o = parseOptions(['--against', repoRoot]);
  assert.equal(o.against, repoRoot);
  assert.match(o.againstRunnerModule ?? '', /^file:.*\/dist\/src\/batch\/real-runner\.js$/);
  // This build always answers the same made-up result; the other is the real one. Its
  // runs must finish to be compared: the pool's limit counts elapsed seconds, so a loaded
  // machine gets a budget far above the cases' own (well under a second each).
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    {
      cases: 4,
      seed: 3,
      jobs: 1,
      timeout: 30,
      out,
      cliEvery: 0,
      runnerModule: new URL('./fuzz-planted-runner.js', import.meta.url).href,
      against: 'OTHER',
      againstRunnerModule: o.againstRunnerModule,
    },
    () => undefined,
  );
  assert.equal(summary.counts.get('builds differ'), 4, JSON.stringify([...summary.counts]));
  const saved = readdirSync(out);
  assert.match(
    readFileSync(join(out, saved[0]!, 'CASE.txt'), 'utf8'),
    /class: builds differ\n[^]*--against OTHER\)[^]*(this build|status differs)/,
  );
});

test('--against: answers compare as reports, paths into either model library alike, cross.cat errors too', () => {
  const answer = (extra: Partial<TestResult> = {}): TaskOutcome => ({
    status: 'ok',
    result: result(extra),
    seconds: 0,
  });
  assert.equal(buildsDifference(answer(), answer({ seconds: 5 })), undefined);
  assert.equal(
    buildsDifference(answer({ positive: 2 }), answer()),
    'report differs: this build Positive: 2 Negative: 0; other build Positive: 1 Negative: 0',
  );
  const error = (path: string): TaskOutcome => ({
    status: 'error',
    error: `${path}/models/lib/stdlib.cat:3:4: unbound var: x`,
    seconds: 0,
  });
  assert.equal(buildsDifference(error('/a/ordo'), error('/tmp/b')), undefined);
  assert.match(
    buildsDifference(error('/a/ordo'), {
      ...error('/tmp/b'),
      error: '/tmp/b/models/lib/stdlib.cat:3:5: unbound var: x',
    }) ?? '',
    /^error differs/,
  );
  // Errors both in Ordo's cross.cat are alike whatever their words and places (the
  // built-in cross words a bad argument otherwise than the cat definition before it).
  const crossError = (path: string, words: string): TaskOutcome => ({
    status: 'error',
    error: `${path}/models/lib/cross.cat:${words.length}:5: ${words}`,
    seconds: 0,
  });
  const built = crossError('/a/ordo', 'primitive unions-of-choices: got a set holding pair');
  assert.equal(buildsDifference(built, crossError('/tmp/b', 'cannot perform union')), undefined);
  assert.match(buildsDifference(built, answer()) ?? '', /^status differs/);
  assert.match(buildsDifference(built, error('/tmp/b')) ?? '', /^error differs/);
});

test('a top-level definition is bound in a tuple, alone or beside plain names', () => {
  const cat = '"t"\nlet a = po & loc\nlet b = rf | co\nacyclic a | b as c\n';
  const forms: Record<string, RegExp> = {
    'name and tuple': /^let ([ab]) = [^\n]+ and \(fuzz-t1, fuzz-t2\) = \([^\n]+, po\)$/m,
    'tuple and name': /^let \(fuzz-t1, fuzz-t2\) = \([^\n]+, po\) and [ab] = /m,
    'tuple holding the name': /^let \(fuzz-t1, ([ab])\) = \([^\n]+, (po & loc|rf \| co)\)$/m,
    'two names': /^let [ab] = [^\n]+ and fuzz-t1 = /m,
  };
  const seen = new Set<string>();
  for (let seed = 0; seed < 5000 && seen.size < 4; seed++) {
    const one = mutate(cat, 'cat', cat, new Rng(seed));
    if (one.applied.join() !== 'bind a definition in a tuple') continue;
    // The definition keeps its value: `a` is still `po & loc`, `b` still `rf | co`.
    assert.match(one.text, /(a = po & loc|\(fuzz-t1, a\) = \([^\n]+, po & loc\))/);
    assert.match(one.text, /(b = rf \| co|\(fuzz-t1, b\) = \([^\n]+, rf \| co\))/);
    for (const [form, pattern] of Object.entries(forms)) if (pattern.test(one.text)) seen.add(form);
  }
  assert.deepEqual([...seen].sort(), Object.keys(forms).sort());
});

test('a run that generates no tests draws its cases as before generated tests existed', () => {
  // makeCase draws nothing for generated tests, nor a second seed, when none are made.
  const seeds = collectSeeds(repoRoot, corpusPath());
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-plain-'));
  let models = 0;
  for (let index = 0; index < 40; index++) {
    const plain = makeCase(seeds, 11, index, join(dir, `p${index}`), 1);
    if (plain.kind !== 'model') continue;
    models++;
    // A model case's test is the seed drawn right after the model's mutations.
    const rng = caseRng(11, index);
    rng.next();
    const model = rng.pick(seeds.models);
    const [target, dialect] = rng.pick(model.mutable);
    const [donorName] = rng.pick(model.mutable.filter(([, d]) => d === dialect));
    const original = readFileSync(join(model.dir, target), 'utf8');
    mutate(original, dialect, readFileSync(join(model.dir, donorName), 'utf8'), rng);
    assert.equal(readFileSync(plain.file, 'utf8'), rng.pick(testsOf(seeds, model.arch)));
  }
  assert.ok(models > 5, `${models} model cases`);
});

test("forks of a model's own (some over cross products) and empty values are added, and the models still run", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-forks-'));
  const file = join(dir, 'shapes.litmus');
  writeFileSync(file, SHAPES_TEST);
  const sizes = new Set<number>();
  const empties = new Set<string>();
  const herdLibrary = collectSeeds(repoRoot, corpusPath()).herdLibrary;
  let products = 0;
  let repeated = 0;
  let bareOnes = 0;
  for (
    let seed = 0;
    seed < 4000 &&
    (sizes.size < 4 || empties.size < 5 || products < 5 || repeated < 2 || bareOnes < 1);
    seed++
  ) {
    const one = mutate(SHAPES_MODEL, 'cat', SHAPES_MODEL, new Rng(seed));
    const name = one.applied.join();
    const bare = /^with fuzz-w from cross\(\{[^{}\n]*\}\)$/m.test(one.text);
    if (name === 'add a fork' && bare) {
      // Relations where sets of relations belong: an error with either library (placed
      // in cross.cat), unless every relation is empty there (no choice, no candidate).
      const model = join(dir, `m${seed}.cat`);
      writeFileSync(model, one.text);
      const outcome = (includeDirs: string[]): TaskOutcome => {
        try {
          return { status: 'ok', result: runTest(file, { model, includeDirs }), seconds: 0 };
        } catch (err) {
          return classifyError(file, err, 0);
        }
      };
      const [herds, ours] = [outcome([herdLibrary]), outcome([])];
      assert.equal(herds.status, ours.status, one.text);
      if (ours.status === 'error') {
        for (const failed of [herds, ours]) {
          assert.match(failed.error ?? '', /cross\.cat:\d+:\d+: /, one.text);
          assert.equal(classifyOutcome(failed), 'clean error');
        }
        bareOnes++;
      } else assert.equal(libraryDifference(herds, ours), undefined, one.text);
      continue;
    }
    const product = /^with fuzz-w from cross\(\{(\{[^\n]*\})\}\)$/m.exec(one.text);
    if (name === 'add a fork' && product) {
      // Groups of alternatives, some sharing a member: the same set with herd's cross.cat.
      const groups = product[1]!.slice(1, -1).split(/\}, \{/);
      const members = groups.map((g) => g.split(/, (?![^()]*\))/));
      if (members.slice(1).some((m) => m.some((x) => x === '0' || members[0]!.includes(x))))
        repeated++;
      products++;
      const model = join(dir, `m${seed}.cat`);
      writeFileSync(model, one.text);
      assert.deepEqual(libraryFiles({ model, includeDirs: [herdLibrary] }), [
        resolve(herdLibrary, 'cos-opt.cat'),
        resolve(herdLibrary, 'cross.cat'),
      ]);
      const answer = (includeDirs: string[]) => {
        const r = runTest(file, { model, includeDirs });
        return [r.states, r.positive, r.negative, r.flags, r.observation];
      };
      assert.deepEqual(answer([herdLibrary]), answer([]), one.text);
      continue;
    }
    if (name === 'add a fork') {
      const fork = /^with fuzz-w from \{([^\n]*)\}$/m.exec(one.text);
      assert.ok(fork, one.text);
      // Alternatives split at top-level commas: none, one, several.
      const count = fork[1] === '' ? 0 : fork[1]!.split(/, (?![^()]*\))/).length;
      sizes.add(Math.min(count, 3));
      assert.match(
        one.text,
        /^(flag ~)?(acyclic|irreflexive|empty) [^\n]*fuzz-w[^\n]* as fuzz-fork$/m,
      );
    } else if (name === 'replace an operand by an empty value') {
      const empty = /(?<![\w-])(0|\{\}|emptyset|\[\{\}\]|\(0 \| \{\}\))(?![\w-])/.exec(
        one.text.slice(SHAPES_MODEL.indexOf('include')),
      );
      assert.ok(empty, one.text);
      empties.add(empty[1]!);
    } else continue;
    // A result or a clean error, never an internal one.
    const model = join(dir, `m${seed}.cat`);
    writeFileSync(model, one.text);
    try {
      runTest(file, { model, pruneForbidden: 'always', decideChecks: 'always' });
    } catch (err) {
      const outcome = classifyError(file, err, 0);
      assert.notEqual(classifyOutcome(outcome), 'internal error', `${name}: ${outcome.error}`);
    }
  }
  assert.deepEqual([...sizes].sort(), [0, 1, 2, 3]);
  assert.equal(empties.size, 5);
  assert.ok(
    products >= 5 && repeated >= 2 && bareOnes >= 1,
    `${products} products, ${repeated} overlapping, ${bareOnes} over bare relations`,
  );
});

test("kernel-files cases run under Ordo's own LKMM too, and a different answer is a bad case", async () => {
  // The options: the same limit, no configuration or -I folder (Ordo's default model).
  const seeds = collectSeeds(repoRoot, corpusPath());
  const kernel: RunOptions = {
    timeout: 2,
    conf: join(seeds.kernelModels, 'linux-kernel.cfg'),
    includeDirs: [seeds.kernelModels],
  };
  assert.deepEqual(withOrdoModel(kernel), { timeout: 2 });
  // Real runs of a corpus C test agree; a report line, a status or an error apart do not.
  const file = corpusPath('tests', 'kernel', 'MP+pooncerelease+poacquireonce.litmus');
  const outcome = (opts: RunOptions): TaskOutcome => ({
    status: 'ok',
    result: runTest(file, opts),
    seconds: 0,
  });
  const [theirs, ours] = [outcome(kernel), outcome(withOrdoModel(kernel))];
  assert.equal(ordoModelDifference(ours, theirs), undefined);
  const flagged = { ...ours, result: { ...ours.result!, flags: ['data-race'] } };
  assert.match(
    ordoModelDifference(flagged, theirs)?.detail ?? '',
    /^report differs: Ordo's LKMM Flag data-race; kernel files /,
  );
  const refused: TaskOutcome = { status: 'error', error: 'test.litmus:3:1: no', seconds: 0 };
  assert.equal(ordoModelDifference(refused, refused), undefined);
  assert.match(ordoModelDifference(refused, theirs)?.detail ?? '', /^status differs/);
  const stopped: TaskOutcome = { status: 'limit', seconds: 2 };
  assert.equal(ordoModelDifference(stopped, theirs), undefined);
  // A run of only kernel-files cases, with a runner whose Ordo model counts one more.
  const out = mkdtempSync(join(tmpdir(), 'ordo-fuzz-out-'));
  const summary = await fuzz(
    {
      cases: 3,
      seed: 5,
      jobs: 1,
      timeout: 2,
      out,
      cliEvery: 0,
      kernelShare: 1,
      runnerModule: new URL('./fuzz-planted-model-runner.js', import.meta.url).href,
    },
    () => undefined,
  );
  const cls = "Ordo's LKMM differs from the kernel's files";
  assert.equal(summary.counts.get(cls), 3, JSON.stringify([...summary.counts]));
  const saved = readdirSync(out);
  assert.match(
    readFileSync(join(out, saved[0]!, 'CASE.txt'), 'utf8'),
    /class: Ordo's LKMM differs from the kernel's files\n[^]*--kernel-share 1\)[^]*Ordo's LKMM Positive: 2/,
  );
});

test('random cat models are reproducible, use every construct named, and mostly run', () => {
  const models = Array.from({ length: 60 }, (_, i) => generateCatModel(new Rng(500 + i), `m${i}`));
  assert.equal(generateCatModel(new Rng(500), 'm0'), models[0]);
  assert.notEqual(models[0], models[1]);
  const all = models.join('\n');
  const constructs: Array<[string, RegExp]> = [
    ['difference', / \\ /],
    ['complement', /~[\w(]/],
    ['inverse', /\^-1/],
    ['closures', /\)[+*?]/],
    ['domain, range', /domain\([^]*range\(/],
    ['identity on a set', /\[[^\]]+\]/],
    ['cartesian product', / \* /],
    ['fencerel', /fencerel\(/],
    ['mutual recursion', /^let rec [\w-]+ = [^\n]*\nand /m],
    ['recursive set', /^let rec fz-rs\d+ = /m],
    ['function', /^let fz-f\d+\(fz-x\d+, fz-x\d+\) = /m],
    ['closure', /= fun fz-x\d+ -> /],
    ['tuple', /^let \(fz-tr\d+, fz-ts\d+\) = /m],
    ['local let', /\(let fz-l\d+ = [^]* in /],
    ['procedure and call', /^procedure fz-p\d+\([^]*^end\ncall fz-p\d+\(/m],
    ['fork over a set', /^with fz-w\d+ from \{/m],
    ['fork over a cross product', /^with fz-w\d+ from cross\(\{\{/m],
    ['check', /^(acyclic|irreflexive|empty) /m],
    ['flag', /^flag ~?(acyclic|irreflexive|empty) /m],
    ['undefined_unless', /^undefined_unless /m],
    ['show', /^show /m],
    ['enum', /^enum fz-e\d+ = /m],
    [
      'function of a tag',
      /^let fz-g\d+\(fz-tg\d+, fz-x\d+\) =\n {2}match fz-tg\d+ with\n {2}\|\| '/m,
    ],
    ['match over a tag in an expression', /\(match '?[\w-]+ with '/],
    ['match over a tag as an instruction', /^ *match [^\n]+ with\n *\|\| '/m],
    ['fold: a match over a set', /^let rec fz-u\d+\(s\) = match s with /m],
    ['a set split around an element', / \| fz-x\d+ \+\+ fz-rest\d+ -> /],
    ['++', / \+\+ \{/],
    ['if over a comparison', /\(if [^\n]*? (subset|=) [^\n]*? then /],
    ['if over a variant', /\(if (not |~)?"T42"/],
    ['tag in an enum', / in fz-e\d+ /],
    ['instruction-level if', /^if (not )?"T42"[^\n]* then\n/m],
    ['try', /\(try [^\n]* with /],
    ['try over an error', /\(try (fail\(|[^\n]*fz-unbound-caught)/],
    ['forall over an enum', /^forall fz-v\d+ in fz-e\d+ do\n/m],
    ['forall over a set', /^forall fz-v\d+ in (\{|linearisations|classes|cross)/m],
    ['classes', /classes\(/],
    ['classes-loc', /classes-loc\(/],
    ['fork over linearisations', /^with fz-w\d+ from linearisations\(/m],
    [
      'fork over sets of events',
      /^with fz-w\d+ from (classes(-loc)?\(|\{(R|W|M|F|IW|FW|domain|range)\b)/m,
    ],
    ['a tag in a tuple', /^let \(fz-tr\d+, fz-ts\d+, fz-tt\d+\) = /m],
    ['local procedure and call', /^ +procedure fz-lp\d+\(fz-a\d+\) =\n[^]*?^ +call fz-lp\d+\(/m],
    ['local enum', /^ +enum fz-le\d+ = /m],
    ['local fork', /^ +with fz-lw\d+ from \{/m],
    ['local let rec', /^ +let rec fz-brec\d+ = /m],
    ['nested forall', /^ +forall fz-v\d+ in /m],
    ['nested match', /^ +match [^\n]+ with\n/m],
    ['nested if', /^ +if (not )?"T42"/m],
    ['forall over events', /^ +let fz-ev\d+ = domain\(\[fz-v\d+\]\)/m],
    ['mistake', /fz-unbound/],
    ['mistake about tags', /fz-undeclared/],
  ];
  for (const [what, pattern] of constructs) assert.match(all, pattern, what);
  // On a corpus test: most run to an answer, with candidates kept; the rest are clean
  // errors placed in the model (its deliberate mistakes, or a kind the types forbid).
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-cat-'));
  const file = corpusPath('tests', 'kernel', 'MP+pooncerelease+poacquireonce.litmus');
  let [answered, kept, errors] = [0, 0, 0];
  for (const [i, text] of models.slice(0, 30).entries()) {
    const model = join(dir, `m${i}.cat`);
    writeFileSync(model, text);
    try {
      const r = runTest(file, { model, timeout: 5 });
      if (r.limit) continue;
      answered++;
      if (r.positive + r.negative > 0) kept++;
    } catch (err) {
      errors++;
      assert.ok(err instanceof OrdoError, String(err));
      assert.match(err.format(), new RegExp(`^${model}:\\d+:\\d+: `));
    }
  }
  assert.ok(answered >= 20 && kept >= 15, `${answered} answered, ${kept} keep candidates`);
  assert.ok(errors >= 1, `${errors} errors`);
});

test('--cat-share draws cases under random cat models, and a run without it draws none', () => {
  assert.equal(parseOptions(['--cat-share', '0.5']).catShare, 0.5);
  const seeds = collectSeeds(repoRoot, corpusPath());
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fuzz-catcase-'));
  const kinds = new Map<string, number>();
  let withVariant = 0;
  for (let index = 0; index < 40; index++) {
    const c = makeCase(seeds, 12, index, join(dir, `c${index}`), 1, { catShare: 0.5 });
    kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    if (c.kind !== 'cat') continue;
    // Run with -model: the generated file, Ordo's library for cos-opt.cat; half the runs
    // with the variant the models' `if`s test, on the command line too.
    const { variants, ...opts } = c.opts;
    assert.deepEqual(opts, { timeout: 1, model: join(dir, `c${index}`, 'model.cat') });
    if (variants) {
      assert.deepEqual(variants, ['T42']);
      withVariant++;
      const args = cliArgs(c);
      assert.equal(args[args.indexOf('-variant') + 1], 'T42');
    }
    assert.match(readFileSync(c.opts.model!, 'utf8'), /^"fuzz-12-\d+"\n\ninclude "cos-opt.cat"\n/);
  }
  const cats = kinds.get('cat') ?? 0;
  assert.ok(cats > 10 && cats < 30, JSON.stringify([...kinds]));
  assert.ok(withVariant > 0 && withVariant < cats, `${withVariant} of ${cats} with the variant`);
  for (let index = 0; index < 40; index++)
    assert.notEqual(makeCase(seeds, 12, index, join(dir, `p${index}`), 1).kind, 'cat');
});

test('RCU-shaped C tests have RCU and SRCU readers and updaters, and both models agree on them', () => {
  const kernel = {
    conf: corpusPath('models', 'lkmm', 'linux-kernel.cfg'),
    includeDirs: [corpusPath('models', 'lkmm')],
  };
  const texts = Array.from({ length: 24 }, (_, i) =>
    generateCTest(new Rng(1000 + i), `rcu-${i}`, RCU_SHAPE),
  );
  assert.equal(generateCTest(new Rng(1000), 'rcu-0', RCU_SHAPE), texts[0]);
  const all = texts.join('\n');
  for (const call of ['rcu_read_lock();', 'synchronize_rcu();', 'synchronize_srcu(ssp);'])
    assert.ok(all.includes(call), call);
  assert.match(all, /\tr(\d+) = srcu_read_lock\(ssp\);\n[^]*?\tsrcu_read_unlock\(ssp, r\1\);/);
  assert.match(all, /^P0\([^)]*struct srcu_struct \*ssp\)$/m);
  assert.doesNotMatch(all, /spin_/);
  // The same answer under Ordo's own LKMM and the kernel's files, for tests of each kind.
  for (const [i, text] of texts.slice(0, 8).entries()) {
    const theirs = runTestText(`rcu-${i}.litmus`, text, kernel);
    const ours = runTestText(`rcu-${i}.litmus`, text, {});
    assert.deepEqual(
      [ours.states, ours.positive, ours.negative, ours.flags],
      [theirs.states, theirs.positive, theirs.negative, theirs.flags],
      text,
    );
  }
});
