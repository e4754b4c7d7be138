// Fuzz cases: where the seeds come from, how a case is laid out on disk, and how the
// outcome of running it is classified.

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { limitExitStatus, type LimitKind } from '../../src/diagnostics.js';
import { listLitmusFiles } from '../../src/batch/inputs.js';
import type { RunOptions } from '../../src/api/run.js';
import type { TaskOutcome } from '../../src/batch/protocol.js';
import { formatHerdReport, formatUnrollWarning } from '../../src/report/herd-text.js';
import { comparableLines } from '../conformance.js';
import { COHERENCE_SHAPE, generateBpfTest, generateCTest, RCU_SHAPE } from './generate.js';
import { generateCatModel } from './catgen.js';
import { mutate, Rng, type Dialect } from './mutate.js';

/** A model that can be mutated: a folder copied into each case, one file of it mutated. */
export interface ModelSeed {
  label: string;
  dir: string;
  /** Files of `dir` that may be mutated, with their dialect. */
  mutable: Array<[string, Dialect]>;
  /** How the case runs it: a cfg in the folder, or a cat file given with -model. */
  run: { conf: string } | { model: string };
  /** The tests it is run with: C, BPF, or a hardware set of the corpus (`arch-ppc`). */
  arch: TestSet;
}

/** The hardware litmus sets of the corpus, each run under its dialect's own model. */
export const ASM_SETS = [
  'arch-aarch64',
  'arch-ppc',
  'arch-riscv',
  'arch-x86',
  'arch-x86_64',
] as const;

export type TestSet = 'C' | 'BPF' | (typeof ASM_SETS)[number];

export interface Seeds {
  c: string[];
  bpf: string[];
  /** Hardware (assembly) tests by corpus set; every set has some. */
  asm: Map<string, string[]>;
  models: ModelSeed[];
  /** The kernel's own model files (corpus/models/lkmm: linux-kernel.cfg, lock.cat ...). */
  kernelModels: string;
  /** herd's model library (corpus/models/herd-lib): its cross.cat and cos-opt.cat. */
  herdLibrary: string;
}

/** The seed tests of one set. */
export function testsOf(seeds: Seeds, set: TestSet): string[] {
  if (set === 'C') return seeds.c;
  if (set === 'BPF') return seeds.bpf;
  return seeds.asm.get(set) ?? [];
}

/** Litmus seeds from the corpus (outside slow.tsv, small ones) and Ordo's shipped models. */
export function collectSeeds(repoRoot: string, corpus: string): Seeds {
  const slow = new Set(
    readFileSync(join(corpus, 'slow.tsv'), 'utf8')
      .split('\n')
      .map((l) => l.split('\t')[0]),
  );
  const small = (dir: string) =>
    listLitmusFiles(join(corpus, 'tests', dir))
      .filter((f) => ![...slow].some((s) => s && f.endsWith(s)))
      .map((f) => readFileSync(f, 'utf8'))
      .filter((t) => t.length < 4000);
  const models = join(repoRoot, 'models');
  const herdLib = join(corpus, 'models', 'herd-lib');
  const hardwareModel = (label: string, folder: string, cat: string, arch: TestSet) => ({
    label,
    dir: join(models, folder),
    mutable: [[cat, 'cat']] as Array<[string, Dialect]>,
    run: { model: cat },
    arch,
  });
  return {
    // lkmm-dev's lock, RCU and atomic tests: the forks of the lock models have many
    // alternatives there (--differential prunes them). LISA tests have no model here.
    c: [
      ...small('kernel'),
      ...small('herd-linux'),
      ...['locked', 'rcu', 'srcu', 'atomic'].flatMap((d) =>
        small(join('lkmm-dev', d)).filter((t) => !/^\s*LISA\b/.test(t)),
      ),
    ],
    bpf: small('herd-bpf'),
    asm: new Map(ASM_SETS.map((set) => [set, small(set)])),
    kernelModels: join(corpus, 'models', 'lkmm'),
    herdLibrary: herdLib,
    models: [
      hardwareModel('ordo-aarch64', 'aarch64', 'armv8.cat', 'arch-aarch64'),
      hardwareModel('ordo-ppc', 'ppc', 'power.cat', 'arch-ppc'),
      hardwareModel('ordo-riscv', 'riscv', 'rvwmo.cat', 'arch-riscv'),
      hardwareModel('ordo-x86', 'x86', 'x86-tso.cat', 'arch-x86'),
      {
        label: 'ordo-lkmm',
        dir: join(models, 'lkmm'),
        mutable: [
          ['lkmm.cat', 'cat'],
          ['lkmm.bell', 'bell'],
          ['lkmm.def', 'def'],
        ],
        run: { conf: 'lkmm.cfg' },
        arch: 'C',
      },
      {
        label: 'kernel-lkmm',
        dir: join(corpus, 'models', 'lkmm'),
        mutable: [
          ['lock.cat', 'cat'],
          ['linux-kernel.cat', 'cat'],
          ['linux-kernel.bell', 'bell'],
          ['linux-kernel.def', 'def'],
        ],
        run: { conf: 'linux-kernel.cfg' },
        arch: 'C',
      },
      {
        label: 'ordo-bpf',
        dir: join(models, 'bpf'),
        mutable: [['bpf.cat', 'cat']],
        run: { conf: 'bpf.cfg' },
        arch: 'BPF',
      },
      // herd's own AArch64 model: forks over enumerations of hardware requirements.
      {
        label: 'herd-aarch64',
        dir: herdLib,
        mutable: [['aarch64.cat', 'cat']],
        run: { model: 'aarch64.cat' },
        arch: 'arch-aarch64',
      },
      {
        label: 'herd-bpf',
        dir: herdLib,
        mutable: [
          ['bpf.cat', 'cat'],
          ['cos-opt.cat', 'cat'],
        ],
        run: { model: 'bpf.cat' },
        arch: 'BPF',
      },
    ],
  };
}

export type CaseKind = 'C' | 'BPF' | 'asm' | 'model' | 'kernel' | 'cat';

export interface FuzzCase {
  index: number;
  kind: CaseKind;
  /** The test file to run. */
  file: string;
  opts: RunOptions;
  /** What was mutated, how. */
  description: string;
}

/** The generator of case `index` of a run seeded with `seed`: each case stands alone. */
export function caseRng(seed: number, index: number): Rng {
  return new Rng((seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
}

/** What share of the cases mutates a model, and what share of C tests is generated. */
export interface CaseMix {
  /** Cases running a seed test with a mutated model (else a mutated test): 0.35. */
  modelShare?: number;
  /**
   * Of the C and BPF tests run (mutated-test cases of C or BPF, and model cases of a C or
   * BPF model), those made up by generate.ts and run unmutated instead of a corpus seed: 0.
   */
  generatedShare?: number;
  /**
   * Cases (drawn before the others) running a C test under the kernel's own files,
   * unmutated, as the corpus's C tests are run (`-conf linux-kernel.cfg -I
   * corpus/models/lkmm`): lock.cat's `cross` forks and cos-opt.cat's coherence fork, Ordo's
   * cross.cat found for them in its library; each also runs under Ordo's own LKMM, whose
   * answer must be the same. The test is mostly generated in the coherence shape (many
   * writes per location, locks) or the RCU shape (RCU and SRCU readers and updaters), else
   * a corpus C seed, mutated or not: 0.
   */
  kernelShare?: number;
  /**
   * Cases (drawn after the kernel-files draw, before the others) running a C test under a
   * random cat model made by catgen.ts (`-model`, Ordo's cos-opt.cat found in its library):
   * the interpreter's constructs in many combinations, and the errors of the few models
   * holding a mistake. Half the tests generated (coherence shape), else the longer of two
   * corpus C seeds: 0.
   */
  catShare?: number;
}

/**
 * --differential: the shortcuts differ on models most, and are taken only where the
 * candidates are many: mostly mutated models, half of the C and BPF tests generated.
 */
export const DIFFERENTIAL_MIX: CaseMix = { modelShare: 0.8, generatedShare: 0.5, kernelShare: 0.3 };

/** Of the kernel-files cases, those whose test is generated (in the RCU or coherence shape). */
const KERNEL_GENERATED_SHARE = 0.7;
/**
 * Of the kernel-files cases, those whose test is generated in the RCU shape (RCU and SRCU
 * readers and updaters: where Ordo's own LKMM, run on every kernel-files case too, writes
 * its rules its own way).
 */
const KERNEL_RCU_SHARE = 0.25;

/** Of two seeds drawn, the longer: differential model cases want tests with many candidates. */
function longerOf(rng: Rng, pool: readonly string[]): string {
  const [a, b] = [rng.pick(pool), rng.pick(pool)];
  return b.length > a.length ? b : a;
}

/**
 * Write case `index` into `dir` (created): a mutated C, BPF or hardware test (run under its
 * architecture's own model), a generated C or BPF test, or (a `modelShare` of the cases) a seed
 * test with a mutated model file (the model's folder copied beside it, so includes resolve).
 */
export function makeCase(
  seeds: Seeds,
  seed: number,
  index: number,
  dir: string,
  timeout: number,
  mix: CaseMix = {},
): FuzzCase {
  const modelShare = mix.modelShare ?? 0.35;
  const generatedShare = mix.generatedShare ?? 0;
  const kernelShare = mix.kernelShare ?? 0;
  const catShare = mix.catShare ?? 0;
  const rng = caseRng(seed, index);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'test.litmus');
  const generated = (set: 'C' | 'BPF'): string =>
    (set === 'C' ? generateCTest : generateBpfTest)(rng, `gen-${seed}-${index}`);
  // No draw when there are none: the other runs' cases stay those of their seeds.
  if (kernelShare > 0 && rng.chance(kernelShare)) {
    const opts: RunOptions = {
      timeout,
      conf: join(seeds.kernelModels, 'linux-kernel.cfg'),
      includeDirs: [seeds.kernelModels],
    };
    // One draw: below the RCU share a generated RCU test, below the generated share one
    // in the coherence shape, else a corpus seed.
    const roll = rng.next();
    if (roll < KERNEL_GENERATED_SHARE) {
      const rcu = roll < KERNEL_RCU_SHARE;
      const shape = rcu ? RCU_SHAPE : COHERENCE_SHAPE;
      writeFileSync(file, generateCTest(rng, `gen-${seed}-${index}`, shape));
      return {
        index,
        kind: 'kernel',
        file,
        opts,
        description: `kernel files, generated C test (${rcu ? 'RCU' : 'coherence'} shape)`,
      };
    }
    // Half the seeds unmutated: conformance runs them with Ordo's library only.
    const seedTest = longerOf(rng, seeds.c);
    if (rng.chance(0.5)) {
      writeFileSync(file, seedTest);
      return { index, kind: 'kernel', file, opts, description: 'kernel files, C test unmutated' };
    }
    const { text, applied } = mutate(seedTest, 'C', rng.pick(seeds.c), rng);
    writeFileSync(file, text);
    return {
      index,
      kind: 'kernel',
      file,
      opts,
      description: `kernel files, C test: ${applied.join(', ')}`,
    };
  }
  if (catShare > 0 && rng.chance(catShare)) {
    const model = join(dir, 'model.cat');
    writeFileSync(model, generateCatModel(rng, `fuzz-${seed}-${index}`));
    const made = rng.chance(0.5);
    // Generated in the coherence shape: many writes per location, so cos-opt.cat's fork
    // of coherence orders has many alternatives, and values kept across them are read.
    const text = made
      ? generateCTest(rng, `gen-${seed}-${index}`, COHERENCE_SHAPE)
      : longerOf(rng, seeds.c);
    writeFileSync(file, text);
    // Half the runs give the variant the models' `if`s test (catgen.ts): T42, one of
    // herd7's test tags (the command line refuses a name outside herd7's list), which no
    // model of Ordo's reads.
    const variant = rng.chance(0.5);
    return {
      index,
      kind: 'cat',
      file,
      opts: { timeout, model, ...(variant ? { variants: ['T42'] } : {}) },
      description: `random cat model${variant ? ' (-variant T42)' : ''}, ${made ? 'generated' : 'corpus'} C test`,
    };
  }
  // The roll picks the kind: a mutated model in its top modelShare, else a mutated test
  // (the rest scaled to [0, 0.65), the shares of C, BPF and hardware tests).
  const first = rng.next();
  const roll = first < 1 - modelShare ? (first * 0.65) / (1 - modelShare) : 1;
  if (roll < 0.65) {
    const kind: CaseKind = roll < 0.3 ? 'C' : roll < 0.45 ? 'BPF' : 'asm';
    // No draw when nothing is generated: a plain run's cases stay those of its seed.
    if (kind !== 'asm' && generatedShare > 0 && rng.chance(generatedShare)) {
      writeFileSync(file, generated(kind));
      return { index, kind, file, opts: { timeout }, description: `generated ${kind} test` };
    }
    const set = kind === 'asm' ? rng.pick(ASM_SETS) : kind;
    const pool = testsOf(seeds, set);
    const { text, applied } = mutate(rng.pick(pool), kind, rng.pick(pool), rng);
    writeFileSync(file, text);
    return {
      index,
      kind,
      file,
      opts: { timeout },
      description: `${kind === 'asm' ? set : kind} test: ${applied.join(', ')}`,
    };
  }
  const model = rng.pick(seeds.models);
  const modelDir = join(dir, 'model');
  mkdirSync(modelDir);
  for (const name of readdirSync(model.dir)) {
    if (/\.(cat|bell|def|cfg)$/.test(name))
      copyFileSync(join(model.dir, name), join(modelDir, name));
  }
  const [target, dialect] = rng.pick(model.mutable);
  const [donorName] = rng.pick(model.mutable.filter(([, d]) => d === dialect));
  const original = readFileSync(join(modelDir, target), 'utf8');
  const donor = readFileSync(join(modelDir, donorName), 'utf8');
  const { text, applied } = mutate(original, dialect, donor, rng);
  writeFileSync(join(modelDir, target), text);
  const set = model.arch;
  const made = (set === 'C' || set === 'BPF') && generatedShare > 0 && rng.chance(generatedShare);
  // Runs generating tests want many candidates: the longer of two seeds. Others draw one.
  const pool = testsOf(seeds, set);
  const seedTest = generatedShare > 0 ? longerOf(rng, pool) : rng.pick(pool);
  writeFileSync(file, made ? generated(set) : seedTest);
  // A cfg's files and a model's includes are looked up in the current directory, then the
  // -I directories, then Ordo's models: without -I the case would run the shipped files.
  const opts: RunOptions =
    'conf' in model.run
      ? { timeout, conf: join(modelDir, model.run.conf), includeDirs: [modelDir] }
      : { timeout, model: join(modelDir, model.run.model), includeDirs: [modelDir] };
  return {
    index,
    kind: 'model',
    file,
    opts,
    description: `${model.label} ${target}: ${applied.join(', ')}${made ? ` (generated ${set} test)` : ''}`,
  };
}

/** How a case ended. The last ten are bugs. */
export type FuzzClass =
  | 'ok'
  | 'clean error'
  | 'limit'
  | 'internal error'
  | 'hang'
  | 'out of memory'
  | 'wrong exit status'
  | 'sharing across candidates changed the answer'
  | 'pruning changed the answer'
  | 'deciding checks changed the answer'
  | 'shortcuts together changed the answer'
  | "herd's library changed the answer"
  | "Ordo's LKMM differs from the kernel's files"
  | 'builds differ';

export const BAD_CLASSES: readonly FuzzClass[] = [
  'internal error',
  'hang',
  'out of memory',
  'wrong exit status',
  'sharing across candidates changed the answer',
  'pruning changed the answer',
  'deciding checks changed the answer',
  'shortcuts together changed the answer',
  "herd's library changed the answer",
  "Ordo's LKMM differs from the kernel's files",
  'builds differ',
];

/** `FILE:LINE:COL: message` or `FILE: message`, FILE a path or an input file's name. */
const CLEAN_ERROR = /^(\/|\.{1,2}\/|[\w.+-]+\.(litmus|cat|bell|def|cfg)\b)[^:\n]*(:\d+:\d+)?: \S/;

/**
 * Classify a run in a worker. A clean error must name a place (`FILE:LINE:COL: ` or
 * `FILE: `); a worker terminated for overrunning the time limit is a hang (the limit
 * should have stopped the run first); a worker that ran out of heap is out of memory.
 */
export function classifyOutcome(o: TaskOutcome): FuzzClass {
  switch (o.status) {
    case 'ok':
      return 'ok';
    case 'limit':
      return 'limit';
    case 'timeout':
    case 'cancelled':
      return 'hang';
    case 'oom':
      return o.limit ? 'limit' : 'out of memory';
    case 'error':
      if (o.internal) return 'internal error';
      return CLEAN_ERROR.test(o.error ?? '') ? 'clean error' : 'internal error';
  }
}

/**
 * What a run answered: its status, its error, and its report as herd7's would read,
 * compared as conformance compares reports (comparableLines: the time is left out).
 */
function answerOf(o: TaskOutcome): { status: string; error: string; report: string[] } {
  const r = o.result;
  return {
    status: o.status,
    error: o.error ?? '',
    report: r ? comparableLines(formatHerdReport(r) + formatUnrollWarning(r)) : [],
  };
}

/**
 * How the answer of a run with a shortcut taken wherever it can be (`changed`, named
 * `label`) differs from that of the run without it (`reference`, named `referenceLabel`),
 * or undefined when they agree. A shortcut must change nothing a report shows; runs
 * stopped by a limit or killed are not compared (a limit may stop them at different places).
 */
export function answerDifference(
  changed: TaskOutcome,
  reference: TaskOutcome,
  label: string,
  referenceLabel: string,
): string | undefined {
  const finished = (o: TaskOutcome) => o.status === 'ok' || o.status === 'error';
  if (!finished(changed) || !finished(reference)) return undefined;
  const [p, u] = [answerOf(changed), answerOf(reference)];
  const [l, r] = [label, referenceLabel];
  if (p.status !== u.status) return `status differs: ${l} ${p.status}; ${r} ${u.status}`;
  if (p.error !== u.error) return `error differs: ${l} ${p.error}; ${r} ${u.error}`;
  const lines = Math.max(p.report.length, u.report.length);
  for (let i = 0; i < lines; i++) {
    const [a, b] = [p.report[i] ?? '(none)', u.report[i] ?? '(none)'];
    if (a !== b) return `report differs: ${l} ${a}; ${r} ${b}`;
  }
  return undefined;
}

/** answerDifference of a run skipping forbidden fork alternatives and one skipping none. */
export function pruningDifference(pruned: TaskOutcome, unpruned: TaskOutcome): string | undefined {
  return answerDifference(pruned, unpruned, 'pruned', 'unpruned');
}

/**
 * --differential: the reference run takes neither shortcut and shares nothing across the
 * candidates of a path combination (RunOptions.shareAcrossCandidates false: no kept
 * values, verdicts, remembered calls or steady inputs); each variant does one of these
 * wherever it can (sharing, as production does; every fork searched for forbidden
 * alternatives and every partial reads-from choice of 8 candidates or more judged over
 * bounds; the monotone checks decided at every path combination's first evaluation,
 * cat/monotone.ts), or all of them, and is compared with it, a difference counting as the
 * variant's class. One mechanism per variant first, so that a difference names the
 * mechanism that made it; the shortcuts are taken with sharing on, as production takes
 * them, after sharing alone has been compared.
 */
export const DIFFERENTIAL_REFERENCE: DifferentialOptions = {
  pruneForbidden: false,
  decideChecks: false,
  shareAcrossCandidates: false,
};

export type DifferentialOptions = Pick<
  RunOptions,
  'pruneForbidden' | 'decideChecks' | 'shareAcrossCandidates'
>;

export interface DifferentialVariant {
  label: string;
  referenceLabel: string;
  cls: FuzzClass;
  opts: DifferentialOptions;
}

export const DIFFERENTIAL_VARIANTS: readonly DifferentialVariant[] = [
  {
    label: 'shared',
    referenceLabel: 'unshared',
    cls: 'sharing across candidates changed the answer',
    opts: { pruneForbidden: false, decideChecks: false, shareAcrossCandidates: true },
  },
  {
    label: 'pruned',
    referenceLabel: 'unpruned',
    cls: 'pruning changed the answer',
    opts: { pruneForbidden: 'always', decideChecks: false, shareAcrossCandidates: true },
  },
  {
    label: 'decided',
    referenceLabel: 'undecided',
    cls: 'deciding checks changed the answer',
    opts: { pruneForbidden: false, decideChecks: 'always', shareAcrossCandidates: true },
  },
  // Production takes both: a difference only they make together (a check decided over
  // bounds that a pruned fork or a rejected partial choice then relies on) is its own
  // class. Compared last, so that a difference either makes alone is named after it.
  {
    label: 'both',
    referenceLabel: 'neither',
    cls: 'shortcuts together changed the answer',
    opts: { pruneForbidden: 'always', decideChecks: 'always', shareAcrossCandidates: true },
  },
];

/**
 * The first variant whose answer differs from the reference's, as its class and the
 * difference; undefined when all agree. `outcomes` are the variants' in
 * DIFFERENTIAL_VARIANTS order.
 */
export function differentialClass(
  reference: TaskOutcome,
  outcomes: readonly TaskOutcome[],
): { cls: FuzzClass; detail: string } | undefined {
  for (let i = 0; i < DIFFERENTIAL_VARIANTS.length && i < outcomes.length; i++) {
    const v = DIFFERENTIAL_VARIANTS[i]!;
    const detail = answerDifference(outcomes[i]!, reference, v.label, v.referenceLabel);
    if (detail !== undefined) return { cls: v.cls, detail };
  }
  return undefined;
}

/**
 * --differential, for every case whose -I folders hold no cross.cat: the reference's
 * options with herd's library (corpus/models/herd-lib) searched after the case's own -I
 * folders and before Ordo's library (models/lib, searched last), so that a model
 * including cross.cat (directly, or through cos-opt.cat or lock.cat: all of Ordo's and
 * the kernel's do) reads and interprets herd's cross.cat and cos-opt.cat instead of
 * Ordo's (whose `cross` is a built-in, its products enumerated in another order). A
 * mutated file of the case's model folder still wins, as it comes first. Any other name
 * herd-lib shares is swapped too: a BPF test under Ordo's default configuration finds
 * herd's bpf.cat (bpf.cfg names its model by name), and herd's model and Ordo's must
 * agree as well. Undefined when the case's folders hold a cross.cat already (the model
 * is herd's own, herd-lib or a copy of it): the variant would run the same files.
 */
export function withHerdLibrary(opts: RunOptions, herdLibrary: string): RunOptions | undefined {
  const dirs = opts.includeDirs ?? [];
  if (dirs.some((d) => existsSync(join(d, 'cross.cat')))) return undefined;
  return { ...opts, ...DIFFERENTIAL_REFERENCE, includeDirs: [...dirs, herdLibrary] };
}

/**
 * How the answer with herd's library differs from the reference's (Ordo's library). An
 * error placed in one of the library files both have (cross.cat, cos-opt.cat) is read
 * without its path and line: the two files say the same in other lines. Two errors both
 * placed in cross.cat are alike whatever their messages: a member of cross's argument
 * that is not a set of relations fails there with either library, herd's cross.cat
 * where it first unions a pair, Ordo's built-in where it checks its argument, each in
 * its own words (the lead's ruling, 15:53: the same reason, herd7 words it otherwise).
 */
export function libraryDifference(
  herds: TaskOutcome,
  reference: TaskOutcome,
): { cls: FuzzClass; detail: string } | undefined {
  const library = (o: TaskOutcome): TaskOutcome =>
    o.error === undefined
      ? o
      : {
          ...o,
          error: o.error.replace(/[^\s:'"]*\/(cross|cos-opt)\.cat(:\d+:\d+)?/g, '<library>/$1.cat'),
        };
  const inCross = (o: TaskOutcome) =>
    o.status === 'error' && (o.error ?? '').startsWith('<library>/cross.cat: ');
  const [h, r] = [library(herds), library(reference)];
  if (inCross(h) && inCross(r)) return undefined;
  const detail = answerDifference(h, r, "herd's library", "Ordo's library");
  return detail === undefined ? undefined : { cls: "herd's library changed the answer", detail };
}

/**
 * A kernel-files case's options for Ordo's own LKMM (models/lkmm, what a user gets
 * without -conf): the same limits, no configuration, no -I folder. The kernel's files
 * are the reference: herd7's recorded answers on the corpus are made with them.
 */
export function withOrdoModel(opts: RunOptions): RunOptions {
  return { timeout: opts.timeout };
}

/**
 * How the answer of Ordo's own LKMM differs from the kernel files' on the same test, or
 * undefined when they agree: states, verdict, counts, flags and condition as the report
 * shows them, or the error (a test both refuse is refused by the front-end, in the same
 * words; runs stopped by a limit are not compared).
 */
export function ordoModelDifference(
  ordo: TaskOutcome,
  kernel: TaskOutcome,
): { cls: FuzzClass; detail: string } | undefined {
  const detail = answerDifference(ordo, kernel, "Ordo's LKMM", 'kernel files');
  return detail === undefined
    ? undefined
    : { cls: "Ordo's LKMM differs from the kernel's files", detail };
}

/**
 * --against: how this build's answer differs from another build's on the same case and
 * options, or undefined when they agree. Paths into either build's own model library
 * (an error in stdlib.cat) are read as the same path.
 */
export function buildsDifference(here: TaskOutcome, there: TaskOutcome): string | undefined {
  const library = (o: TaskOutcome): TaskOutcome =>
    o.error === undefined
      ? o
      : { ...o, error: o.error.replace(/[^\s:'"]*\/models\//g, '<models>/') };
  const [h, t] = [library(here), library(there)];
  // Errors both placed in Ordo's cross.cat are alike, as for the library variant
  // (libraryDifference): its built-in `cross` (078a4ac) words a bad argument otherwise
  // than the cat definition before it.
  const inCross = (o: TaskOutcome) =>
    o.status === 'error' && /^<models>\/lib\/cross\.cat:\d+:\d+: /.test(o.error ?? '');
  if (inCross(h) && inCross(t)) return undefined;
  return answerDifference(h, t, 'this build', 'other build');
}

/** The exit statuses the command line may give for a case classified in-process. */
export function expectedExitStatuses(o: TaskOutcome, cls: FuzzClass, timeout: number): number[] {
  const limitStatus = (kind: LimitKind | undefined) => limitExitStatus(kind ?? 'time');
  // A run close to the time limit may land on either side of it in another process.
  const nearTime = o.seconds > timeout / 3;
  switch (cls) {
    case 'ok':
      return nearTime ? [0, limitStatus('time')] : [0];
    case 'clean error':
      return nearTime ? [1, limitStatus('time')] : [1];
    case 'limit': {
      const kind = o.result?.limitKind;
      return kind === 'time' || kind === undefined
        ? [limitStatus('time'), 0, 1]
        : [limitStatus(kind)];
    }
    default:
      return [];
  }
}

/** The command-line arguments that run a case as a user would. */
export function cliArgs(c: FuzzCase): string[] {
  const args: string[] = [];
  if (c.opts.conf) args.push('-conf', c.opts.conf);
  if (c.opts.model) args.push('-model', c.opts.model);
  for (const dir of c.opts.includeDirs ?? []) args.push('-I', dir);
  for (const v of c.opts.variants ?? []) args.push('-variant', v);
  if (c.opts.timeout) args.push('-timeout', String(c.opts.timeout));
  args.push(c.file);
  return args;
}

/** Absolute path of the CLI entry point. */
export function cliPath(repoRoot: string): string {
  return resolve(repoRoot, 'bin', 'ordo.js');
}
