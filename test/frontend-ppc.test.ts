import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import type { Stmt } from '../src/program/ir.js';
import { parsePpcLitmus } from '../src/frontend/ppc/index.js';
import { exploreThread } from '../src/events/traces.js';
import { sortColumns } from '../src/outcomes/final-state.js';
import { findArchitecture } from '../src/arch/index.js';
import { runTestText } from '../src/api/run.js';

function ppc(rows: string[], init = '0:r2=x;'): ReturnType<typeof parsePpcLitmus> {
  const text = ['PPC t', `{ ${init} }`, ' P0 ;', ...rows.map((r) => ` ${r} ;`), 'exists (0:r1=0)'];
  return parsePpcLitmus(text.join('\n') + '\n', 't.litmus');
}

function kinds(body: Stmt[]): string[] {
  return body.map((s) => (s.kind === 'fence' ? s.annot[0]! : s.kind));
}

test('PPC: loads, stores and the four fences', () => {
  const t = ppc(['lwz r1,0(r2)', 'sync', 'lwsync', 'isync', 'eieio', 'hwsync', 'stw r1,0(r2)']);
  assert.deepEqual(kinds(t.threads[0]!.body), [
    'assign',
    'SYNC',
    'LWSYNC',
    'ISYNC',
    'EIEIO',
    'SYNC',
    'store',
  ]);
});

test('PPC: lwarx/stwcx. give a read and a write tagged X related by rmw, or a failed store', () => {
  const t = ppc(['lwarx r1,r0,r2', 'addi r1,r1,1', 'stwcx. r1,r0,r2'], '0:r2=x; 0:r0=0;');
  const paths = exploreThread(t.threads[0]!, {
    domains: new Map([['x', [0]]]),
    initRegs: new Map<string, number | { addr: string }>([
      ['r2', { addr: 'x' }],
      ['r0', 0],
    ]),
    maxPaths: 16,
  });
  const shapes = paths.map((p) => p.events.map((e) => `${e.kind}${e.annot.join('')}`).join(' '));
  assert.deepEqual(shapes.sort(), ['RX', 'RX WX']);
  const success = paths.find((p) => p.events.length === 2)!;
  assert.equal(success.events[1]!.rmwRead, 0);
});

test('PPC: an unsupported instruction is an error naming it, at its cell', () => {
  try {
    ppc(['lwz r1,0(r2)', 'dcbf r0,r2']);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof OrdoError);
    assert.equal(e.format(), "t.litmus:5:2: Unsupported PPC instruction 'dcbf r0,r2'.");
  }
});

test('PPC: registers are reported in register order (r9 before r11)', () => {
  const regs = ['r11', 'r9', 'r10'].map((name) => ({ kind: 'reg' as const, thread: 0, name }));
  const sorted = sortColumns(regs, findArchitecture('PPC')!.compareRegisters);
  assert.deepEqual(
    sorted.map((l) => l.name),
    ['r9', 'r10', 'r11'],
  );
});

test('PPC: an initial state may name threads P1:, a condition may use <> for !=', () => {
  const t = parsePpcLitmus(
    'PPC t\n{ P0:r2=x; }\n P0 ;\n lwz r1,0(r2) ;\nforall (0:r1 <> 1)\n',
    't.litmus',
  );
  assert.deepEqual(
    t.init.filter((e) => e.thread !== null).map((e) => [e.thread, e.name]),
    [[0, 'r2']],
  );
  assert.equal(t.condition.text, 'forall (not (0:r1=1))');
});

test('PPC: a branch-prediction hint (bne-) branches as the plain branch', () => {
  const t = ppc(['lwz r1,0(r2)', 'cmpwi r1,0', 'bne- L1', 'L1:']);
  const branch = t.threads[0]!.body.find((s) => s.kind === 'goto');
  assert.ok(branch && branch.kind === 'goto' && branch.label === 'L1' && branch.test);
});

test('PPC: a symbolic register %r is a register of each thread that names it', () => {
  const text = [
    'PPC t',
    '{ %a=x; %b=y; }',
    ' P0            | P1            ;',
    ' stw r1,0(%a)  | lwz r1,0(%a)  ;',
    '               | lwz r2,0(%b)  ;',
    'exists (1:r1=0)',
  ];
  const t = parsePpcLitmus(text.join('\n') + '\n', 't.litmus');
  const regs = t.init.filter((e) => e.thread !== null).map((e) => `${e.thread}:${e.name}`);
  assert.deepEqual(regs.sort(), ['0:%a', '1:%a', '1:%b']);
});

test('PPC: an address register holding no location is an error at its instruction', () => {
  // r3 (and r4) of P1 are never given a location: the address is a number.
  for (const [access, value] of [
    ['lwz r1,8(r3)', 8],
    ['lwzx r1,r3,r4', 0],
    ['stw r1,0(r3)', 0],
    ['lwarx r1,r3,r4', 0],
  ] as const) {
    const text = `PPC t\n{ 0:r2=x; }\n P0           | P1 ;\n lwz r1,0(r2) | ${access} ;\nexists (0:r1=0)\n`;
    assert.throws(
      () => runTestText('t.litmus', text),
      (err: unknown) =>
        err instanceof OrdoError &&
        err.format().startsWith(`t.litmus:4:17: value ${value} is used as an address`),
      access,
    );
  }
});
