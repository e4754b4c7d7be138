import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import type { Stmt } from '../src/program/ir.js';
import { parseRiscvLitmus } from '../src/frontend/riscv/index.js';
import { runTestText } from '../src/api/run.js';

function riscv(rows: string[], init = '0:x6=x;'): Stmt[] {
  const text = [
    'RISCV t',
    `{ ${init} }`,
    ' P0 ;',
    ...rows.map((r) => ` ${r} ;`),
    'exists (0:a0=0)',
  ];
  return parseRiscvLitmus(text.join('\n') + '\n', 't.litmus').threads[0]!.body;
}

test('RISCV: ABI register names are herd7 numbers (a0 is x10); x0 reads as zero', () => {
  const t = parseRiscvLitmus('RISCV t\n{ 0:a1=1; }\n P0 ;\n mv a0,a1 ;\nexists (0:a0=1)\n', 't');
  assert.equal(t.condition.text, 'exists (0:x10=1)');
  assert.equal(t.init[0]!.name, 'x11');
  const [ori] = riscv(['ori x5,x0,1']);
  assert.deepEqual(ori, {
    kind: 'assign',
    reg: 'x5',
    value: {
      kind: 'binop',
      op: '|',
      left: { kind: 'const', value: 0n },
      right: { kind: 'const', value: 1n },
    },
    pos: ori!.pos,
  });
});

test('RISCV: .aq/.rl tag Acq/Rel; fences name their access sets, device bits dropped', () => {
  const body = riscv(['ld.aq x5,0(x6)', 'sd.rl x5,0(x6)', 'fence iorw,ow', 'fence.tso']);
  assert.deepEqual(
    body[0]!.kind === 'assign' && body[0].value.kind === 'load' && body[0].value.annot,
    ['Acq'],
  );
  assert.deepEqual(body[1]!.kind === 'store' && body[1].annot, ['Rel']);
  assert.deepEqual(
    body.slice(2).map((s) => s.kind === 'fence' && s.annot),
    [['Fence.rw.w'], ['Fence.tso']],
  );
});

test('RISCV: lr/sc is a reservation pair tagged X; sc reports 0 on success', () => {
  const [lr, sc] = riscv(['lr.w x10,(x6)', 'sc.w x11,x7,(x6)']);
  assert.equal(lr!.kind, 'loadReserve');
  assert.ok(sc!.kind === 'storeConditional');
  assert.equal(sc.success, 0);
  assert.equal(sc.status, 'x11');
  assert.deepEqual(sc.annot, ['X']);
});

test('RISCV: an unsupported instruction is an error naming it, at its cell', () => {
  try {
    riscv(['csrr x5,mstatus']);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof OrdoError);
    assert.equal(e.format(), "t.litmus:4:2: Unsupported RISCV instruction 'csrr x5,mstatus'.");
  }
});

test('RISCV: narrow loads extend to 64 bits, narrow stores write their low bits', () => {
  const [lb, lwu, sh] = riscv(['lb x5,0(x6)', 'lwu x7,0(x6)', 'sh x5,0(x6)']);
  const castOf = (e: unknown) => (e as { kind: string; op?: string }).op;
  assert.equal(lb!.kind === 'assign' && castOf(lb.value), 'sext8');
  assert.equal(lwu!.kind === 'assign' && castOf(lwu.value), 'zext32');
  assert.equal(sh!.kind === 'store' && castOf(sh.value), 'zext16');
});

test('RISCV: the compare-with-zero branches test a register against 0', () => {
  const body = riscv(['lw x5,0(x6)', 'bnez x5,L1', 'L1:']);
  const branch = body.find((s) => s.kind === 'goto');
  assert.ok(branch && branch.kind === 'goto');
  assert.deepEqual(branch.test, {
    kind: 'binop',
    op: '!=',
    left: { kind: 'reg', name: 'x5' },
    right: { kind: 'const', value: 0n },
  });
});

test('RISC-V: an address register holding no location is an error at its instruction', () => {
  // x7 of P1 is never given a location: the address is a number.
  for (const access of ['lw x5,0(x7)', 'sw x5,0(x7)', 'lr.w x5,0(x7)', 'amoswap.w x5,x8,(x7)']) {
    const text = `RISCV t\n{ 0:x6=x; }\n P0          | P1 ;\n lw x5,0(x6) | ${access} ;\nexists (0:x5=0)\n`;
    assert.throws(
      () => runTestText('t.litmus', text),
      (err: unknown) =>
        err instanceof OrdoError &&
        err.format().startsWith('t.litmus:4:16: value 0 is used as an address'),
      access,
    );
  }
});
