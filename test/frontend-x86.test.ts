import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import type { Stmt } from '../src/program/ir.js';
import { parseX86Litmus, parseX86_64Litmus } from '../src/frontend/x86/index.js';
import { runTestText } from '../src/api/run.js';

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
    addr: { kind: 'addr', name: 'x', pos: { file: 't.litmus', line: 4, col: 2 } },
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

// ------------------------------------------------------------------------- flags and jumps

/** The final values of `0:rbx` of a one-thread X86_64 test, run under x86-TSO. */
function finalRbx(rows: string[], init = ''): string[] {
  const text = ['X86_64 t', `{ ${init} }`, ' P0 ;', ...rows.map((r) => ` ${r} ;`)];
  text.push('locations [0:rbx]', 'exists (0:rax=0)', '');
  const r = runTestText('t.litmus', text.join('\n'));
  return r.states.map((s) => String(s[r.columns.findIndex((c) => c.name === 'rbx')]));
}

/** Whether `jcc` is taken after `cmpq $src,%rax` with rax = dst. */
function taken(jcc: string, dst: bigint, src: bigint): boolean {
  const rows = [`movq $${dst},%rax`, 'movq $1,%rbx', `cmpq $${src},%rax`, `${jcc} L0`];
  const [v, ...more] = finalRbx([...rows, 'movq $0,%rbx', 'L0:']);
  assert.equal(more.length, 0);
  return v === '1';
}

test("X86_64: cmp and the conditional jumps read herd7's flags (jlt is taken on equality, as herd7 has it)", () => {
  const u = (v: bigint) => BigInt.asUintN(64, v);
  // What each condition means after `cmp src,dst`, written independently of the front-end.
  const meaning: Record<string, (d: bigint, s: bigint) => boolean> = {
    je: (d, s) => d === s,
    jne: (d, s) => d !== s,
    jgt: (d, s) => d > s,
    jle: (d, s) => d <= s,
    jge: (d, s) => d >= s,
    jlt: (d, s) => d <= s,
    js: (d, s) => d > s,
    jns: (d, s) => d <= s,
    jb: (d, s) => u(d) < u(s),
    jae: (d, s) => u(d) >= u(s),
    ja: (d, s) => u(d) > u(s),
    jbe: (d, s) => u(d) <= u(s),
  };
  for (const [jcc, holds] of Object.entries(meaning))
    for (const d of [-1n, 0n, 1n])
      for (const s of [-1n, 0n, 1n])
        assert.equal(taken(jcc, d, s), holds(d, s), `${jcc} after cmpq $${s} with rax=${d}`);
});

test('X86_64: jmp always jumps; arithmetic, test, inc and dec set ZF and SF from their result', () => {
  assert.deepEqual(finalRbx(['movq $1,%rbx', 'jmp L0', 'movq $0,%rbx', 'L0:']), ['1']);
  const zeroAfter = (rows: string[]) =>
    finalRbx([...rows, 'movq $0,%rbx', 'jne L0', 'movq $1,%rbx', 'L0:']);
  assert.deepEqual(zeroAfter(['movq $1,%rax', 'subq $1,%rax']), ['1']);
  assert.deepEqual(zeroAfter(['movq $2,%rax', 'subq $1,%rax']), ['0']);
  assert.deepEqual(zeroAfter(['movq $1,%rax', 'decq %rax']), ['1']);
  assert.deepEqual(zeroAfter(['movq $6,%rax', 'testq $1,%rax']), ['1']);
  assert.deepEqual(zeroAfter(['movq $5,%rax', 'testq $1,%rax']), ['0']);
  assert.deepEqual(zeroAfter(['movq $3,%rax', 'xorq %rax,%rax']), ['1']);
  // herd7's SF after arithmetic: the result is greater than 0.
  const positive = ['movq $0,%rbx', 'jns L0', 'movq $1,%rbx', 'L0:'];
  assert.deepEqual(finalRbx(['movq $1,%rax', 'addq $1,%rax', ...positive]), ['1']);
  assert.deepEqual(finalRbx(['movq $1,%rax', 'subq $1,%rax', ...positive]), ['0']);
});

test('X86_64: lock cmpxchg sets ZF when it writes; a compare reads memory once', () => {
  const cas = (x: number) =>
    finalRbx(
      [
        'movq $1,%rax',
        'movq $2,%rcx',
        'lock cmpxchgq %rcx,(x)',
        'movq $0,%rbx',
        'jne L0',
        'movq $1,%rbx',
        'L0:',
      ],
      `x=${x};`,
    );
  assert.deepEqual(cas(1), ['1']);
  assert.deepEqual(cas(7), ['0']);
  const body = x86_64(['cmpq $1,(x)', 'je L0', 'L0:']);
  const loads =
    JSON.stringify(body, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).match(
      /"kind":"load"/g,
    ) ?? [];
  assert.equal(loads.length, 1);
});

test('X86_64: a pointer may be compared for equality and added to; movzbl and movzwl zero-extend', () => {
  // The flags of an address computation are never ordered unless a jump asks.
  assert.deepEqual(
    finalRbx(
      ['movq $1,%rbx', 'addq $0,%rdi', 'cmpq $0,%rdi', 'jne L0', 'movq $0,%rbx', 'L0:'],
      '0:rdi=x;',
    ),
    ['1'],
  );
  const widths = (rows: string[]) => finalRbx(rows, 'x=0x12345;');
  assert.deepEqual(widths(['movzbl (x),%ebx']), [String(0x45)]);
  assert.deepEqual(widths(['movzwl (x),%ebx']), [String(0x2345)]);
  assert.deepEqual(widths(['movq $0x1ff,%rax', 'movzbq %al,%rbx']), ['255']);
});

test('X86_64: a jump takes one label; an error names it, at its cell', () => {
  const e = errorOf(() => x86_64(['cmpq $1,%rax', 'jne $1']));
  assert.equal(e.format(), "t.litmus:5:2: 'jne' takes one label in 'jne $1'.");
  const f = errorOf(() => x86_64(['cmpq $1,%rax', 'jl L0', 'L0:']));
  assert.equal(
    f.format(),
    "t.litmus:5:2: Unsupported x86 instruction 'jl L0' (herd7's X86_64 spells the signed conditions jlt, jle, jgt, jge).",
  );
});

test('X86, X86_64: an address register holding no location is an error at its instruction', () => {
  // P1's base register is never given a location: the value 0 is used as an address.
  const intel =
    'X86 t\n{ }\n P0          | P1            ;\n MOV EAX,[x] | MOV EAX,[EBX] ;\nexists (0:EAX=0)\n';
  assert.match(
    errorOf(() => runTestText('t.litmus', intel)).format(),
    /^t\.litmus:4:16: value 0 is used as an address/,
  );
  const att =
    'X86_64 t\n{ 0:rax=x; }\n P0               | P1                  ;\n movl (%rax),%ebx | movl 4(%rcx),%ebx ;\nexists (0:rbx=0)\n';
  assert.match(
    errorOf(() => runTestText('t.litmus', att)).format(),
    /^t\.litmus:4:21: value 4 is used as an address/,
  );
});
