import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { layOutColumns } from '../src/frontend/herd-hash.js';
import { parseCLitmus, parseMacros } from '../src/frontend/c/index.js';
import { parseBpfLitmus } from '../src/frontend/bpf/index.js';
import { parseAarch64Litmus } from '../src/frontend/aarch64/index.js';
import { aarch64HashText, aarch64ValueText } from '../src/frontend/aarch64/hash.js';
import { parseX86_64Litmus } from '../src/frontend/x86/index.js';
import { parsePpcLitmus } from '../src/frontend/ppc/index.js';

const M = parseMacros(
  'WRITE_ONCE(X,V) { __store{ONCE}(X,V); }\nREAD_ONCE(X) __load{ONCE}(X)\n',
  'm.def',
);

/** herd7's formula written out: MD5 over the raw MD5s of the init, code and observed texts. */
function expectedHash(init: string, code: string, observed: string): string {
  const raw = (s: string) => createHash('md5').update(s).digest('hex');
  return createHash('md5')
    .update(Buffer.from(raw(init) + raw(code) + raw(observed), 'hex').toString('latin1'), 'latin1')
    .digest('hex');
}

test('columns are padded to their width, framed by spaces, joined by | and ended by ;', () => {
  assert.equal(layOutColumns([['a', 'bbb'], ['cc']]), ' a   | cc ;\n bbb |    ;\n');
  assert.equal(layOutColumns([]), '');
});

test('a C test digests its init, its threads as herd7 reprints them, and the observed locations', () => {
  const body = '\n\tWRITE_ONCE(*x, 2);\n\tr0 = READ_ONCE(*y);\n';
  const t = parseCLitmus(
    `C T\n\n{ y=1; int *p=&x; }\n\nP0(int *x, volatile int* y)\n{${body}}\n\nlocations [x]\nexists (0:r0=1 /\\ y=0)\n`,
    't.litmus',
    M,
  );
  // Init sorted by location (p before y); pointer types as `T *loc`, `&x` as `x`. The
  // parameter types lose their outer pointer and are reprinted herd7's way.
  const code = ` P0(int* x, volatile int* y) {\n${body}\n}\n ;\n`;
  assert.equal(t.hash, expectedHash('int *p=x; y=1', code, '0:r0; x; y'));
});

test('the C digest ignores the header and the spelling of parameter types, not the body', () => {
  const make = (header: string, params: string, body: string) =>
    parseCLitmus(`C T\n${header}{}\nP0(${params})\n{\n${body}\n}\nexists (x=1)\n`, 't.litmus', M)
      .hash;
  const base = make('', 'int *x', 'WRITE_ONCE(*x, 1);');
  assert.equal(make('(* Result: Sometimes *)\n', 'int *x', 'WRITE_ONCE(*x, 1);'), base);
  assert.equal(make('', 'int* x', 'WRITE_ONCE(*x, 1);'), base);
  assert.notEqual(make('', 'int *x', 'WRITE_ONCE(*x,  1);'), base);
});

test('init entries are digested in location order, whatever the order written', () => {
  const make = (init: string) =>
    parseCLitmus(`C T\n{ ${init} }\nP0(int *x)\n{\n}\nexists (x=1)\n`, 't.litmus', M).hash;
  assert.equal(make('x=1; 0:r1=2; a=3;'), make('a=3; x=1; 0:r1=2;'));
  assert.equal(
    make('x=1; 0:r1=2;'),
    expectedHash('0:r1=2; x=1', ' P0(int* x) {\n\n\n}\n ;\n', 'x'),
  );
});

test('a Hash given in the header is kept, as herd7 keeps it', () => {
  const t = parseCLitmus(`C T\nHash=0123abc\n{}\nP0(int *x)\n{\n}\nexists (x=1)\n`, 't.litmus', M);
  assert.equal(t.hash, '0123abc');
});

test('a BPF test digests its instructions in herd7 spelling, labels renamed in sorted order', () => {
  const src = (l1: string, l2: string) =>
    `BPF T\n{ int x; 0:r1=x; }\nP0 ;\n r2 = *(u32 *)(r1 + 0) ;\n if r2 == 0 goto ${l1} ;\n goto ${l2} ;\n ${l1}: ;\n ${l2}: ;\nexists (0:r2=0)\n`;
  const t = parseBpfLitmus(src('Bz', 'Az'), 't.litmus');
  const code = layOutColumns([
    ['r2 = *(u32 *) (r1 + 0)', 'if r2 == 0 goto L01', 'goto L00', 'L01:', 'L00:'],
  ]);
  assert.equal(t.hash, expectedHash('0:r1=x; int x=0', code, '0:r2'));
  // Different label names in the same sorted order give the same digest.
  assert.equal(parseBpfLitmus(src('Q', 'P'), 't.litmus').hash, t.hash);
});

test('an init value that is an array element is digested as herd7 writes it, symbol+index', () => {
  const t = parseAarch64Litmus(
    'AArch64 T\n{\n int x[2];\n 0:X0=x[1];\n}\n P0 ;\n STR W1,[X0] ;\nexists (x[1]=0)\n',
    't.litmus',
  );
  assert.equal(t.hash, expectedHash('0:X0=x+1; int x[2]', ' STR W1,[X0] ;\n', 'x[1]'));
});

test('an X86_64 scaled memory operand is digested as herd7 prints it: no zero displacement', () => {
  const t = parseX86_64Litmus(
    'X86_64 T\n{ 0:rbx=1; }\n P0 ;\n movq 0(%RAX,%rbx,8),%rcx ;\nexists (0:rcx=0)\n',
    't.litmus',
  );
  assert.equal(t.hash, expectedHash('0:rbx=1', ' movq (%rax, %rbx,8),%rcx ;\n', '0:rcx'));
});

test('symbolic registers are digested without their %, after thread registers, before locations', () => {
  const t = parsePpcLitmus(
    'PPC T\n{ x=1; %a=x; 0:r3=2; }\n P0 ;\n stw r3,0(%a) ;\n hwsync ;\nexists (x=1)\n',
    't.litmus',
  );
  const code = ' stw r3,0(%a) ;\n sync         ;\n';
  assert.equal(t.hash, expectedHash('0:r3=2; a=x; x=1', code, 'x'));
});

test('an untyped location holding an instruction is digested with herd7 type ins_t', () => {
  const t = parsePpcLitmus(
    'PPC T\n{ ins_t x=NOP; 0:r1=instr:"add r1,r1,r1"; 0:r2=x; }\n P0 ;\n stw r1,0(r2) ;\nexists (x=0)\n',
    't.litmus',
  );
  const init = 'ins_t 0:r1=instr:"add r1,r1,r1"; 0:r2=x; ins_t x=NOP';
  assert.equal(t.hash, expectedHash(init, ' stw r1,0(r2) ;\n', 'x'));
});

test('a location set to NOP is digested with herd7 type ins_t, like one set to instr:"..."', () => {
  const t = parseAarch64Litmus(
    'AArch64 T\n{ 0:X0=instr:"B .+4"; 0:X2=NOP; }\n P0 ;\n CMP W0,W2 ;\nforall (0:X0=0)\n',
    't.litmus',
  );
  const init = 'ins_t 0:X0=instr:"B .+4"; ins_t 0:X2=NOP';
  assert.equal(t.hash, expectedHash(init, ' CMP W0,W2 ;\n', '0:X0'));
});

test('a code address in the init is digested as thread:label, its label not renamed', () => {
  const t = parseAarch64Litmus(
    'AArch64 T\n{ 0:X1=P1:Lb; 1:X1=label:"P0:La"; }\n P0    | P1    ;\n BR X1 | BR X1 ;\nLa:    |Lb:    ;\nforall (0:X0=0)\n',
    't.litmus',
  );
  const code = ' BR X1 | BR X1 ;\n L00:  | L01:  ;\n';
  assert.equal(t.hash, expectedHash('0:X1=1:Lb; 1:X1=0:La', code, '0:X0'));
});

test('AArch64 digest spelling: ADR is ADDR, an exclusive pair load names its first register W', () => {
  assert.equal(aarch64HashText('ADR X0, L0'), 'ADDR X0,L0');
  assert.equal(aarch64HashText('LDXP X3, X4, [X2]'), 'LDXP W3,X4,[X2]');
  assert.equal(aarch64HashText('LDAXP W3, W4, [X2]'), 'LDAXP W3,W4,[X2]');
  // The store of a pair keeps its registers' widths.
  assert.equal(aarch64HashText('STXP W9, X0, X1, [X2]'), 'STXP W9,X0,X1,[X2]');
  // herd7's ordinary printer, which prints instructions as values, keeps ADR and the widths.
  assert.equal(aarch64ValueText('ADR X0, .+4'), 'ADR X0,.+4');
  assert.equal(aarch64ValueText('LDXP X3, X4, [X2]'), 'LDXP X3,X4,[X2]');
});

test('AArch64 value spelling: post-indexed addresses after a comma, a subtraction from ZR is NEG', () => {
  assert.equal(aarch64HashText('LDR X0, [X1], #8'), 'LDR X0,[X1]#8');
  assert.equal(aarch64ValueText('LDR X0, [X1], #8'), 'LDR X0,[X1],#8');
  assert.equal(aarch64HashText('LDP X0, X1, [X2], #16'), 'LDP X0,X1, [X2]#16');
  assert.equal(aarch64ValueText('LDP X0, X1, [X2], #16'), 'LDP X0,X1,[X2],#16');
  assert.equal(aarch64HashText('NEG W2, W1'), 'SUB W2,WZR,W1');
  assert.equal(aarch64ValueText('NEG W2, W1'), 'NEG W2,W1');
  assert.equal(aarch64ValueText('SUB W2, WZR, W1, LSL #2'), 'NEG W2,W1,LSL #2');
  // A comparison stays a comparison.
  assert.equal(aarch64ValueText('SUBS XZR, XZR, X1'), 'CMP XZR,X1');
});

test('PPC rotate-and-mask instructions are digested with a space before the mask: rlwinm r3,r4,5, 0,31', () => {
  const t = parsePpcLitmus(
    'PPC T\n{}\n P0 ;\n rlwinm r3, r4, 5, 0, 31 ;\n rlwimi r5,r4,16,0,15 ;\nforall (0:r3=0)\n',
    't.litmus',
  );
  const code = ' rlwinm r3,r4,5, 0,31  ;\n rlwimi r5,r4,16, 0,15 ;\n';
  assert.equal(t.hash, expectedHash('', code, '0:r3'));
});
