import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import type { Expr, Stmt } from '../src/program/ir.js';
import { parseAarch64Litmus } from '../src/frontend/aarch64/index.js';
import { buildTraces, initialMemory } from '../src/executions/test-analysis.js';

function aarch64(rows: string[], init = '0:X1=x;'): Stmt[] {
  const text = [
    'AArch64 t',
    `{ ${init} }`,
    ' P0 ;',
    ...rows.map((r) => ` ${r} ;`),
    'exists (0:X0=0)',
  ];
  return parseAarch64Litmus(text.join('\n') + '\n', 't.litmus').threads[0]!.body;
}

/** The memory access inside a statement's value (under any width cast). */
function access(s: Stmt | undefined): Expr | Stmt | undefined {
  let e: Expr | undefined = s?.kind === 'assign' || s?.kind === 'eval' ? s.value : undefined;
  while (e?.kind === 'unop') e = e.arg;
  return e ?? s;
}

test('AArch64: a W register is the low word of its X register, printed as X', () => {
  const t = parseAarch64Litmus(
    'AArch64 t\n{ 0:x1=x; }\n P0 ;\n LDR W0,[X1] ;\nexists (0:W0=1)\n',
    't',
  );
  assert.equal(t.condition.text, 'exists (0:X0=1)');
  assert.equal(t.init.find((e) => e.thread === 0)!.name, 'X1');
  const [load] = t.threads[0]!.body;
  // A 32-bit load zero-extends into the X register.
  assert.ok(load!.kind === 'assign' && load.value.kind === 'unop');
  assert.equal(load.value.op, 'zext32');
});

test('AArch64: acquire, acquire-PC and release accesses are tagged A, Q and L; all are Exp', () => {
  const [ldar, ldapr, stlr] = aarch64(['LDAR X0,[X1]', 'LDAPR X2,[X1]', 'STLR X0,[X1]']);
  assert.deepEqual((access(ldar) as { annot: string[] }).annot, ['Exp', 'A']);
  assert.deepEqual((access(ldapr) as { annot: string[] }).annot, ['Exp', 'Q']);
  assert.deepEqual((access(stlr) as { annot: string[] }).annot, ['Exp', 'L']);
});

test('AArch64: barriers are fences named by kind and option; ISB is ISB', () => {
  const body = aarch64(['DMB SY', 'DMB ISHLD', 'DSB ST', 'ISB']);
  assert.deepEqual(
    body.map((s) => s.kind === 'fence' && s.annot),
    [['DMB.SY'], ['DMB.ISHLD'], ['DSB.ST'], ['ISB']],
  );
});

test('AArch64: LDXR/STXR are a reservation pair tagged X; STXR reports 0 on success', () => {
  const [ldxr, stlxr] = aarch64(['LDAXR X0,[X1]', 'STLXR W4,X0,[X1]']);
  assert.ok(ldxr!.kind === 'loadReserve');
  assert.deepEqual(ldxr.annot, ['Exp', 'X', 'A']);
  assert.ok(stlxr!.kind === 'storeConditional');
  assert.equal(stlxr.status, 'X4');
  assert.equal(stlxr.success, 0);
  assert.deepEqual(stlxr.annot, ['Exp', 'X', 'L']);
});

test('AArch64: LSE atomics are X; the suffix tags the read A and the write L; ZR results are NoRet', () => {
  const [swp, cas, stadd] = aarch64(['SWPAL X0,X2,[X1]', 'CASA X0,X2,[X1]', 'STADDL X0,[X1]']);
  const sw = access(swp) as Extract<Expr, { kind: 'xchg' }>;
  assert.equal(sw.kind, 'xchg');
  assert.deepEqual(
    [sw.annot, sw.writeAnnot],
    [
      ['Exp', 'X', 'A'],
      ['Exp', 'X', 'L'],
    ],
  );
  const cs = access(cas) as Extract<Expr, { kind: 'cmpxchg' }>;
  assert.deepEqual(
    [cs.annot, cs.writeAnnot, cs.failAnnot],
    [
      ['Exp', 'X', 'A'],
      ['Exp', 'X'],
      ['Exp', 'A'],
    ],
  );
  const st = access(stadd) as Extract<Expr, { kind: 'atomicOp' }>;
  assert.deepEqual(
    [st.annot, st.writeAnnot],
    [
      ['Exp', 'NoRet'],
      ['Exp', 'X', 'L'],
    ],
  );
});

test('AArch64: CMP sets the flags a conditional branch reads', () => {
  const body = aarch64(['CMP W0,#1', 'B.EQ L0', 'L0:']);
  const regs = body.filter((s) => s.kind === 'assign').map((s) => s.kind === 'assign' && s.reg);
  assert.ok(regs.includes('nzcv.z'));
  const branch = body.find((s) => s.kind === 'goto');
  assert.deepEqual(branch && branch.kind === 'goto' && branch.test, {
    kind: 'reg',
    name: 'nzcv.z',
  });
});

test('AArch64: an unsupported instruction is an error naming it, at its cell', () => {
  try {
    aarch64(['HVC #0']);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof OrdoError);
    assert.equal(e.format(), "t.litmus:4:2: Unsupported AArch64 instruction 'HVC #0'.");
  }
});

test('AArch64: STILP writes its pair released, the higher element first when pre-indexed', () => {
  /** Each store's tags, and whether its address adds 8 last (the higher element). */
  const stores = (row: string) =>
    aarch64([row]).flatMap((s) =>
      s.kind === 'store'
        ? [
            {
              annot: s.annot,
              higher:
                s.addr.kind === 'binop' &&
                s.addr.right.kind === 'const' &&
                s.addr.right.value === 8n,
            },
          ]
        : [],
    );
  const plain = stores('STILP X0,X2,[X1]');
  assert.deepEqual(plain, [
    { annot: ['Exp', 'L'], higher: false },
    { annot: ['Exp', 'L'], higher: true },
  ]);
  const pre = stores('STILP X0,X2,[X1,#-16]!');
  assert.deepEqual(
    pre.map((s) => s.higher),
    [true, false],
  );
});

test('AArch64: LDIAPP reads its pair in order, both acquire-PC', () => {
  const reads = aarch64(['LDIAPP X0,X2,[X1]']).map((s) => access(s) as { annot?: string[] });
  assert.deepEqual(
    reads.map((r) => r.annot),
    [
      ['Exp', 'Q'],
      ['Exp', 'Q'],
    ],
  );
});

test('AArch64: a branch relative to itself (`B .+8`) targets the instruction that many bytes on', () => {
  const body = aarch64(['B .+8', 'MOV W0,#1', 'ADD W0,W0,#1']);
  const jump = body.find((s) => s.kind === 'goto');
  assert.ok(jump && jump.kind === 'goto');
  // Two instructions on: the label Ordo puts before the ADD.
  const target = body.findIndex((s) => s.kind === 'label' && s.name === jump.label);
  assert.ok(target > 0);
  const next = body.slice(target + 1).find((s) => s.kind !== 'label');
  assert.ok(next && next.kind === 'assign' && next.value.kind !== 'const');
  assert.throws(() => aarch64(['B .+6']), /Bad branch offset '\.\+6'/);
  // A labelled NOP is an instruction; a label alone is not.
  const nop = aarch64(['B .+8', 'L1: NOP', 'L2:', 'MOV W0,#1']);
  const g = nop.find((s) => s.kind === 'goto');
  const at = nop.findIndex((s) => s.kind === 'label' && g?.kind === 'goto' && s.name === g.label);
  assert.equal(nop.slice(at + 1).find((s) => s.kind !== 'label')?.kind, 'assign');
});

test('AArch64: a label may start with a dot (`.text:`)', () => {
  const body = aarch64(['B .text', 'ADD W0,W0,#1', '.text: NOP']);
  assert.deepEqual(
    body.filter((s) => s.kind === 'label' || s.kind === 'goto').map((s) => s.kind),
    ['goto', 'label'],
  );
});

test('AArch64: LDAXP/STLXP tag both words of the pair as the instruction, read and written', () => {
  const text = [
    'AArch64 pair',
    '{ uint64_t t[2]; 0:X2=t; }',
    ' P0                  ;',
    ' LDAXP X3,X4,[X2]    ;',
    ' STLXP W9,X0,X1,[X2] ;',
    'exists (0:X9=0)',
  ].join('\n');
  const lt = parseAarch64Litmus(text + '\n', 'pair.litmus');
  const paths = buildTraces(lt, initialMemory(lt), 1 << 10)[0]!;
  // The path where the STLXP succeeds: two reads, then two writes.
  const written = paths.find((p) => p.events.length === 4)!;
  assert.deepEqual(
    written.events.map((e) => `${e.kind}${e.loc}:${e.annot.join('')}`),
    ['Rt[0]:ExpXA', 'Rt[1]:ExpXA', 'Wt[0]:ExpXL', 'Wt[1]:ExpXL'],
  );
});
