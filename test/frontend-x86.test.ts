import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import type { Stmt } from '../src/program/ir.js';
import { parseX86Litmus, parseX86_64Litmus } from '../src/frontend/x86/index.js';

function x86_64(rows: string[], cond = 'exists (0:rax=0)', init = ''): Stmt[] {
  const text = ['X86_64 t', `{ ${init} }`, ' P0 ;', ...rows.map((r) => ` ${r} ;`), cond, ''];
  return parseX86_64Litmus(text.join('\n'), 't.litmus').threads[0]!.body;
}

function errorOf(run: () => unknown): OrdoError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof OrdoError, `expected an OrdoError, got ${e}`);
    return e;
  }
  return assert.fail('expected an error');
}

test('X86_64: movl to memory is a plain store, from memory a plain load into the 64-bit register', () => {
  const [store, load] = x86_64(['movl $1,(x)', 'movl (y),%eax']);
  assert.deepEqual(store, {
    kind: 'store',
    annot: [],
    addr: { kind: 'addr', name: 'x' },
    value: { kind: 'const', value: 1n },
    pos: { file: 't.litmus', line: 4, col: 2 },
  });
  assert.equal(load!.kind, 'assign');
  assert.equal(load!.kind === 'assign' && load.reg, 'rax');
  assert.deepEqual(load!.kind === 'assign' && load.value.kind, 'load');
});

test('X86_64: xchg is an exchange tagged X whose read and write are related by rmw and amo', () => {
  const [swap] = x86_64(['xchgl (y),%eax']);
  assert.ok(swap!.kind === 'assign' && swap.value.kind === 'xchg');
  assert.deepEqual(swap.value.annot, ['X']);
  assert.deepEqual(swap.value.pair, ['rmw', 'amo']);
});

test('X86_64: fences are events in MFENCE, LFENCE, SFENCE; nops make nothing', () => {
  const body = x86_64(['mfence', 'lfence', 'SFENCE', 'nopl 0(%rax,%eax,0)', 'endbr64']);
  assert.deepEqual(
    body.map((s) => (s.kind === 'fence' ? s.annot : s.kind)),
    [['MFENCE'], ['LFENCE'], ['SFENCE']],
  );
});

test('X86_64: registers print as herd7 prints them (64-bit, lower case); values are 64-bit', () => {
  const t = parseX86_64Litmus(
    'X86_64 t\n{ 0:RBX=1; }\n P0 ;\n movl %ebx,(x) ;\nexists (0:EAX=1 /\\ [x]=1)\n',
    't.litmus',
  );
  assert.deepEqual(t.init[0], {
    thread: 0,
    name: 'rbx',
    value: 1n,
    pos: t.init[0]!.pos,
  });
  assert.equal(t.condition.text, 'exists (0:rax=1 /\\ [x]=1)');
});

test('X86_64: an unsupported instruction is an error naming it, at its cell', () => {
  const e = errorOf(() => x86_64(['movl $1,(x)', 'cpuid']));
  assert.equal(e.format(), "t.litmus:5:2: Unsupported x86 instruction 'cpuid'.");
});

test('X86: Intel syntax, destination first, upper-case registers', () => {
  const t = parseX86Litmus(
    'X86 t\n{ }\n P0 | P1 ;\n MOV [x],$1 | MOV EAX,[x] ;\n MFENCE | ;\nexists (1:EAX=0)\n',
    't.litmus',
  );
  assert.equal(t.threads.length, 2);
  assert.deepEqual(
    t.threads.map((th) => th.body.map((s) => s.kind)),
    [['store', 'fence'], ['assign']],
  );
  assert.equal(t.condition.text, 'exists (1:EAX=0)');
});
