// ordo jit-check: the JIT mappings (models/jit), lowering BPF tests through them, and
// the comparison with the BPF model; the done-when checks of the JIT-mapping issue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrdoError } from '../src/diagnostics.js';
import { parseBpfLitmusDetailed } from '../src/frontend/bpf/index.js';
import { readSourceFile } from '../src/source.js';
import { checkTest, runBpf, shippedMappings } from '../src/jit/check.js';
import { findEntry, parseMapping } from '../src/jit/mapping.js';
import { lowerBpfTest } from '../src/jit/lower.js';
import { corpusPath, repoRoot } from './support/corpus.js';

const mappings = shippedMappings();
const byName = (name: string) => mappings.find((m) => m.name === name)!;
const example = (name: string) => join(repoRoot, 'examples', 'bpf', `${name}.litmus`);

const SIZES = ['u8', 'u16', 'u32', 'u64'];
const OPS = ['add', 'and', 'or', 'xor'];
/** Every BPF memory instruction of Ordo's dialect, as mapping keys. */
const MEMORY_KEYS: string[][] = [
  ...SIZES.map((s) => ['load', s]),
  ...SIZES.flatMap((s) => [
    ['store', s, 'reg'],
    ['store', s, 'imm'],
  ]),
  ...['u32', 'u64'].flatMap((s) => [
    ...OPS.map((o) => ['atomic', o, s]),
    ...OPS.map((o) => ['atomic_fetch', o, s]),
    ['xchg', s],
    ['cmpxchg', s],
  ]),
  ['smp_mb'],
  ['smp_rmb'],
  ['smp_wmb'],
  ['bpf_spin_lock'],
  ['bpf_spin_unlock'],
];
const ACQUIRE_RELEASE_KEYS = SIZES.flatMap((s) => [
  ['load_acquire', s],
  ['store_release', s],
]);

test('the shipped mappings: arm64 with and without LSE; current and pre-2024 riscv64, ppc64; x86_64', () => {
  assert.deepEqual(
    mappings.map((m) => `${m.name}:${m.arch}:${m.litmus}`),
    [
      'arm64-llsc:arm64:AArch64',
      'arm64:arm64:AArch64',
      'ppc64-pre2024:ppc64:PPC',
      'ppc64:ppc64:PPC',
      'riscv64-pre2024:riscv64:RISCV',
      'riscv64:riscv64:RISCV',
      'x86_64:x86_64:X86_64',
    ],
  );
});

test('every mapping covers every BPF memory instruction its kernel had', () => {
  for (const m of mappings) {
    // load_acquire/store_release arrived in 2025: the pre-2024 JITs did not have them.
    const keys = m.name.endsWith('-pre2024')
      ? MEMORY_KEYS
      : [...MEMORY_KEYS, ...ACQUIRE_RELEASE_KEYS];
    for (const k of keys) assert.ok(findEntry(m, k), `${m.name} lacks ${k.join(' ')}`);
    if (m.name.endsWith('-pre2024'))
      for (const k of ACQUIRE_RELEASE_KEYS) assert.equal(findEntry(m, k), undefined, k.join(' '));
    for (const r of ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'fp'])
      assert.ok(m.registers.has(r), `${m.name} maps ${r}`);
    assert.match(m.source, /^arch\/\w+\/net\/bpf_jit_comp(64)?\.c$/);
  }
});

test('mapping files: errors name FILE:LINE:COL', () => {
  const header = 'arch a\nlitmus RISCV\nkernel k\nsource s\nsummary s\n';
  const err = (text: string): string => {
    try {
      parseMapping(text, 'bad.jit', 'bad');
    } catch (e) {
      assert.ok(e instanceof OrdoError, String(e));
      return e.format();
    }
    return assert.fail('expected an error');
  };
  assert.match(
    err(header + 'lode u32:\n    lw {dst},0({base})\n'),
    /^bad\.jit:6:1: Unknown BPF operation 'lode'/,
  );
  assert.match(
    err(header + 'load u32:\n    lw {dst},0({bass})\n'),
    /^bad\.jit:7:16: Unknown placeholder \{bass\}/,
  );
  assert.match(
    err(header + 'load u24:\n    lw {dst},0({base})\n'),
    /^bad\.jit:6:6: 'u24' is not one of u8, u16, u32, u64/,
  );
  assert.match(
    err(header + 'load u32,u64:\n    lw {dst},0({base})\nload u64:\n    ld {dst},0({base})\n'),
    /^bad\.jit:8:1: This entry covers instructions that the entry at line 6 already covers/,
  );
  assert.match(err(header + 'load u32:\n'), /^bad\.jit:6:1: This entry has no instructions/);
  assert.match(err(header + 'register r11 x1\n'), /^bad\.jit:6:10: 'r11' is not a BPF register/);
  assert.match(err(header + 'frobnicate 3\n'), /^bad\.jit:6:1: Unknown key 'frobnicate'/);
  assert.match(err('arch a\n'), /^bad\.jit:1:1: The mapping has no 'litmus' line/);
  assert.match(err('    lw x1,0(x2)\n'), /^bad\.jit:1:1: An indented instruction outside an entry/);
});

test('a BPF instruction the mapping lacks is an error at the instruction', () => {
  const file = example('MP+release+acquire');
  const { test: t, columns } = parseBpfLitmusDetailed(readSourceFile(file), file);
  assert.throws(
    () => lowerBpfTest(t, columns, byName('riscv64-pre2024')),
    (e: unknown) =>
      e instanceof OrdoError &&
      /MP\+release\+acquire\.litmus:15:2: The mapping riscv64-pre2024 .* has no entry for 'store_release u32'/.test(
        e.format(),
      ),
  );
});

test('a NULL check of a pointer lowers: compare flags on an address are ordered only when a jump asks', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ordo-jit-')), 'null-check.litmus');
  writeFileSync(
    file,
    [
      'BPF null-check',
      '{ 0:r1=x; 0:r2=y; 1:r1=x; 1:r2=y; }',
      ' P0                    | P1                    ;',
      ' r3 = 1                | r4 = *(u32 *)(r2 + 0) ;',
      ' *(u32 *)(r1 + 0) = r3 | if r1 == 0 goto L0    ;',
      ' smp_wmb               | r5 = *(u32 *)(r1 + 0) ;',
      ' *(u32 *)(r2 + 0) = r3 | L0:                   ;',
      'exists (1:r4=1 /\\ 1:r5=0)',
      '',
    ].join('\n'),
  );
  const bpf = runBpf(file);
  assert.equal(bpf.observation, 'Sometimes');
  for (const name of ['x86_64', 'riscv64', 'ppc64']) {
    const r = checkTest(file, bpf, byName(name));
    assert.ok(
      r.verdict === 'sound' || r.verdict === 'stronger',
      `${name}: ${r.verdict} ${r.reason}`,
    );
  }
});

test("lowered code that never completes is 'no execution', not sound (arm64 LL/SC with src = address)", () => {
  // r7 = atomic_fetch_add((u64 *)(r7 + 0), r7): the LL/SC sequence loads into r7's register
  // before its store-exclusive to the address held there; LSE reads the address first.
  const file = corpusPath('tests', 'herd-bpf', 'depencency_ordered_before.litmus');
  const bpf = runBpf(file);
  const llsc = checkTest(file, bpf, byName('arm64-llsc'));
  assert.equal(llsc.verdict, 'no execution');
  assert.deepEqual(llsc.hardwareStates, []);
  assert.match(llsc.lowered!, /LDXR (X\d+),\[\1\]/);
  assert.equal(checkTest(file, bpf, byName('arm64')).verdict, 'sound');
});

test('lowering keeps registers and data flow and sends failed store-conditionals to the filter', () => {
  const file = example('SB+fetch-add+mb');
  const { test: t, columns } = parseBpfLitmusDetailed(readSourceFile(file), file);
  const ppc = lowerBpfTest(t, columns, byName('ppc64')).text;
  assert.match(ppc, /^PPC SB\+fetch-add\+mb$/m);
  assert.match(ppc, /\{ 0:r4=x; 0:r6=y; 0:r27=z; 1:r4=y; 1:r6=x; \}/);
  assert.match(ppc, /lwarx r10,r9,r27/);
  assert.match(ppc, /bne Retry0/);
  assert.match(ppc, /^filter \(0:r14=1\)$/m);
  assert.match(ppc, /^exists \(0:r5=0 \/\\ 1:r5=0\)$/m);
  const x86 = lowerBpfTest(t, columns, byName('x86_64')).text;
  assert.match(x86, /lock xaddl %r8,\(%rbx\)/);
  assert.doesNotMatch(x86, /filter/);
});

test('SB with a fetch atomic: UNSOUND with the pre-2024 riscv64 and ppc64 JITs, sound now', () => {
  for (const name of ['SB+fetch-add+mb', 'SB+xchg+xchg']) {
    const file = example(name);
    const bpf = runBpf(file);
    assert.equal(bpf.observation, 'Never');
    for (const m of mappings) {
      const r = checkTest(file, bpf, m);
      if (m.name.endsWith('-pre2024')) {
        assert.equal(r.verdict, 'UNSOUND', `${name} ${m.name}`);
        assert.deepEqual(r.unsound, ['0:r3=0; 1:r3=0;']);
      } else assert.equal(r.verdict, 'sound', `${name} ${m.name}`);
    }
  }
});

/**
 * herd's own model for each litmus architecture, run unmodified (aarch64.cat computes
 * dependencies itself from the register events Ordo supplies, as herd7's engine does).
 */
const HERD_MODELS: Record<string, string> = {
  X86_64: 'x86tso-mixed.cat',
  AArch64: 'aarch64.cat',
  RISCV: 'riscv.cat',
  PPC: 'ppc.cat',
};

test("herd-bpf lowered by every mapping: Ordo's hardware models agree with herd's; current mappings sound", () => {
  const dir = corpusPath('tests', 'herd-bpf');
  const herdLib = corpusPath('models', 'herd-lib');
  let compared = 0;
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.litmus'))
    .sort()) {
    const file = join(dir, f);
    const bpf = runBpf(file);
    for (const m of mappings) {
      const ordo = checkTest(file, bpf, m);
      if (ordo.verdict === 'not lowered') {
        // Only what the pre-2024 JITs lacked.
        assert.ok(m.name.endsWith('-pre2024'), `${f} ${m.name}: ${ordo.reason}`);
        assert.match(
          ordo.reason!,
          /has no entry for '(load_acquire|store_release) /,
          `${f} ${m.name}: ${ordo.reason}`,
        );
        continue;
      }
      if (ordo.verdict === 'no execution') {
        // The kernel's arm64 LL/SC sequence loads the old value into the BPF source
        // register before its store-exclusive: when that register is also the address
        // (offset 0), the store goes to the loaded value and never completes.
        assert.equal(m.name, 'arm64-llsc', `${f} ${m.name}`);
        assert.match(ordo.lowered!, /LDXR (X\d+),\[\1\]/, `${f} ${m.name}`);
        continue;
      }
      if (!m.name.endsWith('-pre2024')) assert.notEqual(ordo.verdict, 'UNSOUND', `${f} ${m.name}`);
      if (HERD_MODELS[m.litmus] === undefined) continue;
      const herd = checkTest(file, bpf, m, {
        hardware: { model: join(herdLib, HERD_MODELS[m.litmus]!), includeDirs: [herdLib] },
      });
      assert.deepEqual(
        [...herd.hardwareStates!].sort(),
        [...ordo.hardwareStates!].sort(),
        `${f} lowered with ${m.name}: herd's ${HERD_MODELS[m.litmus]} and Ordo's model differ`,
      );
      compared++;
    }
  }
  assert.ok(compared > 950, `compared ${compared} lowered tests`);
});

test("examples/bpf: each verdict is its Result line; jit-check gives the README's table", () => {
  const dir = join(repoRoot, 'examples', 'bpf');
  // Mappings in the README's column order: x86_64, riscv64, riscv64-pre2024, ppc64, ppc64-pre2024.
  const order = [
    'x86_64',
    'arm64',
    'arm64-llsc',
    'riscv64',
    'riscv64-pre2024',
    'ppc64',
    'ppc64-pre2024',
  ];
  const N = 'not lowered';
  const table: Record<string, string[]> = {
    'SB+fetch-add+mb': ['sound', 'sound', 'sound', 'sound', 'UNSOUND', 'sound', 'UNSOUND'],
    'SB+xchg+xchg': ['sound', 'sound', 'sound', 'sound', 'UNSOUND', 'sound', 'UNSOUND'],
    'MP+release+acquire': ['sound', 'sound', 'sound', 'sound', N, 'sound', N],
    'MP+wmb+rmb': ['sound', 'sound', 'sound', 'sound', 'sound', 'sound', 'sound'],
    'MP+wmb+addr': ['sound', 'sound', 'sound', 'sound', 'sound', 'sound', 'sound'],
    'map-drain+spinlock': ['sound', 'sound', 'sound', 'sound', 'sound', 'sound', 'sound'],
    'map-drain+nolock': ['sound', 'sound', 'sound', 'sound', 'sound', 'sound', 'sound'],
  };
  const files = readdirSync(dir).filter((f) => f.endsWith('.litmus'));
  assert.deepEqual(files.map((f) => f.replace(/\.litmus$/, '')).sort(), Object.keys(table).sort());
  for (const f of files) {
    const file = join(dir, f);
    const bpf = runBpf(file);
    const declared = /Result:\s*(\w+)/.exec(readSourceFile(file));
    assert.equal(bpf.observation, declared?.[1], `${f}: its Result line`);
    const verdicts = order.map((name) => checkTest(file, bpf, byName(name)).verdict);
    assert.deepEqual(verdicts, table[f.replace(/\.litmus$/, '')], f);
  }
});
