import { test } from 'node:test';
import { OrdoError } from '../src/diagnostics.js';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTest } from '../src/api/run.js';
import { formatHerdReport, formatStates, formatUnrollWarning } from '../src/report/herd-text.js';
import { aarch64HashText } from '../src/frontend/aarch64/hash.js';
import { corpusPath } from './support/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'ordo-aarch64-'));

/** Runs an AArch64 message-passing test under Ordo's Armv8 model; its observation. */
function messagePassing(name: string, writer: string[], reader: string[]): string {
  const rows = Math.max(writer.length, reader.length);
  const lines = [`AArch64 ${name}`, '{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }', ' P0 | P1 ;'];
  for (let i = 0; i < rows; i++) lines.push(` ${writer[i] ?? ''} | ${reader[i] ?? ''} ;`);
  lines.push('exists (1:X0=1 /\\ 1:X2=0)');
  const file = join(dir, `${name}.litmus`);
  writeFileSync(file, lines.join('\n') + '\n');
  return runTest(file, {}).observation;
}

const WRITER = ['MOV W0,#1', 'STR W0,[X1]', 'MOV W2,#1', 'STR W2,[X3]'];
const RELEASE = ['MOV W0,#1', 'STR W0,[X1]', 'MOV W2,#1', 'STLR W2,[X3]'];

test('Armv8 model: message passing is allowed without ordering on either side', () => {
  assert.equal(messagePassing('MP', WRITER, ['LDR W0,[X1]', 'LDR W2,[X3]']), 'Sometimes');
});

test('Armv8 model: DMB SY on both sides, or release and acquire, forbid message passing', () => {
  const dmbWriter = ['MOV W0,#1', 'STR W0,[X1]', 'DMB SY', 'MOV W2,#1', 'STR W2,[X3]'];
  assert.equal(
    messagePassing('MP+dmbs', dmbWriter, ['LDR W0,[X1]', 'DMB SY', 'LDR W2,[X3]']),
    'Never',
  );
  assert.equal(messagePassing('MP+rel+acq', RELEASE, ['LDAR W0,[X1]', 'LDR W2,[X3]']), 'Never');
});

test('Armv8 model: an address dependency orders the reads; a plain read after it does not', () => {
  const addr = ['LDR W0,[X1]', 'EOR W4,W0,W0', 'LDR W2,[X3,W4,SXTW]'];
  assert.equal(messagePassing('MP+rel+addr', RELEASE, addr), 'Never');
  const none = ['LDR W0,[X1]', 'EOR W4,W0,W0', 'LDR W2,[X3]'];
  assert.equal(messagePassing('MP+rel+po', RELEASE, none), 'Sometimes');
});

test('AArch64 digest spelling: bare commas, CSET for CSINC with ZR, post-index `[Xn]#k`', () => {
  assert.equal(aarch64HashText('STADD W1, [X0]'), 'STADD W1,[X0]');
  assert.equal(aarch64HashText('CSINC W3,WZR,WZR,EQ'), 'CSET W3,NE');
  assert.equal(aarch64HashText('LDR X0, [X1], #44'), 'LDR X0,[X1]#44');
  assert.equal(aarch64HashText('LDRB W0, [X1, X2, LSL #0]'), 'LDRB W0,[X1,X2]');
  assert.equal(aarch64HashText('ldr x1, [sp]'), 'LDR X1,[SP]');
});

test('AArch64 digest spelling: wide-move shifts, zero shifts, aliases herd7 expands', () => {
  // A wide move's explicit shift follows a doubled comma, even a zero one.
  assert.equal(aarch64HashText('MOVZ W0, #42, LSL #0'), 'MOVZ W0,#42,,LSL #0');
  assert.equal(aarch64HashText('MOVK X0, #1, LSL #16'), 'MOVK X0,#1,,LSL #16');
  assert.equal(aarch64HashText('MOVK X0, #1'), 'MOVK X0,#1');
  // An operation's zero shift is dropped, on an immediate as on a register.
  assert.equal(aarch64HashText('ADD X0, X0, #0, lsl #0'), 'ADD X0,X0,#0');
  assert.equal(aarch64HashText('UBFM W20, W19, #4, #31'), 'UBFM X20,X19,#4,#31');
  assert.equal(aarch64HashText('REV64 X4,X3'), 'REV X4,X3');
  assert.equal(aarch64HashText('NEG W2,W1,LSL 2'), 'SUB W2,WZR,W1,LSL #2');
  assert.equal(aarch64HashText('SUBS XZR, XZR, X1, ASR #1'), 'CMP XZR,X1,ASR #1');
});

/** The final states of a one-thread AArch64 test (0:X0 first, then `observed`). */
function finalState(name: string, init: string, rows: string[], observed: string): string {
  const file = join(dir, `${name}.litmus`);
  const text = [`AArch64 ${name}`, `{ ${init} }`, ' P0 ;', ...rows.map((r) => ` ${r} ;`)];
  writeFileSync(file, [...text, `locations [${observed}]`, 'exists (0:X0=0)'].join('\n') + '\n');
  const r = runTest(file, {});
  return r.states.map((st) => st.map(String).join(' ')).join('\n');
}

test('AArch64: bit-field, byte-reverse and flag-register instructions compute as herd7', () => {
  const init = 'uint64_t 0:X1=0x0102030405060708; uint64_t 0:X2; uint64_t 0:X3;';
  assert.equal(
    finalState('rev', init, ['REV W2,W1', 'UBFM X3,X1,#8,#15'], '0:X2;0:X3;'),
    `0 ${0x08070605n} ${0x07n}`,
  );
  assert.equal(
    finalState('nzcv', 'uint64_t 0:X2;', ['MOV W0,#0', 'CMP W0,#1', 'MRS X2,NZCV'], '0:X2;'),
    // 0 - 1: negative, no carry (a borrow), no overflow.
    `0 ${0x80000000n}`,
  );
});

test('AArch64 flags: N, Z, C and V of compares, adds, logical results and MSR, as the hardware', () => {
  const nzcv = (name: string, init: string, rows: string[]) =>
    finalState(name, `uint64_t 0:X9; ${init}`, [...rows, 'MRS X9,NZCV'], '0:X9;').split(' ')[1];
  const bits = (n: number, z: number, c: number, v: number) =>
    String((BigInt(n) << 31n) | (BigInt(z) << 30n) | (BigInt(c) << 29n) | (BigInt(v) << 28n));
  // 1 - 2 (64 bits): negative, a borrow (C clear).
  assert.equal(nzcv('cmp64', '0:X0=1;', ['CMP X0,#2']), bits(1, 0, 0, 0));
  // 0x7fffffff - (-1) (32 bits): signed overflow; 0xffffffff > 0x7fffffff, a borrow.
  assert.equal(nzcv('cmp32', '0:X0=0x7fffffff; 0:X1=-1;', ['CMP W0,W1']), bits(1, 0, 0, 1));
  // -1 + 1: zero with a carry out.
  assert.equal(nzcv('adds', '0:X0=-1;', ['ADDS X2,X0,#1']), bits(0, 1, 1, 0));
  // 5 - 5 and -1 - -1 (32 bits): equal, no borrow.
  assert.equal(nzcv('eq', '0:X0=5;', ['CMP X0,#5']), bits(0, 1, 1, 0));
  assert.equal(nzcv('eqw', '0:X0=-1;', ['CMN W0,#1']), bits(0, 1, 1, 0));
  // A logical result: N from its sign, C and V clear.
  assert.equal(nzcv('tst', '0:X0=-4;', ['TST X0,X0']), bits(1, 0, 0, 0));
  // MSR writes the four bits; they stay until the next flag-setting instruction.
  assert.equal(nzcv('msr', '0:X0=0x30000000;', ['MSR NZCV,X0']), bits(0, 0, 1, 1));
  assert.equal(nzcv('msr-cmp', '0:X0=0x30000000;', ['MSR NZCV,X0', 'CMP X0,X0']), bits(0, 1, 1, 0));
});

test('AArch64 flags: a NULL check of a pointer (CMP X1,#0; B.EQ / B.NE) branches on equality', () => {
  // What a BPF JIT emits after a map lookup: the address is compared with 0, never ordered.
  for (const [branch, expected] of [
    ['B.EQ', '1 0'],
    ['B.NE', '0 1'],
  ] as const) {
    const rows = [
      'MOV X3,#0',
      'MOV X4,#0',
      'CMP X1,#0',
      `${branch} Lnull`,
      'MOV X3,#1',
      'B Lend',
      'Lnull:',
      'MOV X4,#1',
      'Lend:',
    ];
    assert.equal(
      finalState(`null-${branch}`, '0:X1=x; int64_t 0:X3; int64_t 0:X4;', rows, '0:X3;0:X4;'),
      `0 ${expected}`,
    );
  }
});

test('arrays: element i of `T v[N]` is v[i]; an address v + i*size reaches it', () => {
  const init = 'int64_t v[2] = {22,44}; 0:X2=v; int64_t 0:X1;';
  assert.equal(
    finalState('array', init, ['LDR X1,[X2,#8]', 'MOV X3,#7', 'STR X3,[X2]'], '0:X1;v[0];v[1];'),
    '0 44 7 44',
  );
  const file = join(dir, 'array-cond.litmus');
  writeFileSync(
    file,
    'AArch64 array-cond\n{ int x[2]; 0:X0=x[1]; }\n P0 ;\n MOV W1,#1 ;\n STR W1,[X0] ;\nforall x[0]=0 /\\ x[1]=1\n',
  );
  const r = runTest(file, {});
  assert.equal(r.conditionText, 'forall (x[0]=0 /\\ x[1]=1)');
  assert.equal(r.observation, 'Always');
});

test('AArch64 CAS: each outcome is two executions, as herd7 builds it twice', () => {
  const file = join(dir, 'CAS-twice.litmus');
  const text = [
    'AArch64 CAS-twice',
    '{ 0:X4=x; 1:X4=y; }',
    ' P0             | P1             ;',
    ' MOV W3,#1      | MOV W3,#0      ;',
    ' MOV W2,#2      | MOV W2,#2      ;',
    ' CAS W3,W2,[X4] | CAS W3,W2,[X4] ;',
    'forall (x=0 /\\ y=2)',
  ];
  writeFileSync(file, text.join('\n') + '\n');
  const r = runTest(file, {});
  // P0's CAS fails, P1's succeeds: one state, 2 x 2 executions.
  assert.equal(r.states.length, 1);
  assert.equal(r.positive + r.negative, 4);
});

test('AArch64 CASP: both words must match to write both; the pair read lands in the registers', () => {
  const file = join(dir, 'CASP.litmus');
  const text = [
    'AArch64 CASP',
    '{ int x[2]; 0:X4=x; 1:X4=x; }',
    ' P0             | P1                    ;',
    ' MOV W1,#1      | MOV W0,#0             ;',
    ' STR W1,[X4,#4] | MOV W1,#0             ;',
    '                | MOV W2,#2             ;',
    '                | MOV W3,#3             ;',
    '                | CASP W0,W1,W2,W3,[X4] ;',
    'locations [1:X0;1:X1;]',
    'forall (x={0,1} \\/ x={2,1})',
  ];
  writeFileSync(file, text.join('\n') + '\n');
  const r = runTest(file, {});
  // Either the CASP reads {0,0} and writes {2,3} before P0's write of the second word, or
  // it reads {0,1} and writes nothing; a write of the first word alone never shows.
  assert.deepEqual(formatStates(r), ['1:X0=0; 1:X1=0; x={2,1};', '1:X0=0; 1:X1=1; x={0,1};']);
  // Each outcome is built twice, as for CAS.
  assert.equal(r.positive, 4);
  assert.equal(r.observation, 'Always');
});

test('AArch64 CAS: a write after a value the CAS compared is ordered; a read is not', () => {
  // P1's CAS succeeds on the value it compared (1, from a MOV); the register then feeds
  // an address. herd7 keeps one of the two successful CAS executions in which that
  // address does not depend on the read: it orders a later write, not a later read.
  const run = (name: string, p0: string[], last: string, cond: string) => {
    const file = join(dir, `${name}.litmus`);
    const rows = [
      `AArch64 ${name}`,
      '{ 0:X0=x; 0:X1=y; 1:X0=x; 1:X1=y; }',
      ` P0 | P1 ;`,
      ` ${p0[0]} | MOV W3,#1 ;`,
      ` ${p0[1]} | CAS W3,WZR,[X1] ;`,
      ` ${p0[2]} | EOR W4,W3,W3 ;`,
      ` | MOV W5,#1 ;`,
      ` | ${last} ;`,
      `exists (${cond})`,
    ];
    writeFileSync(file, rows.join('\n') + '\n');
    return runTest(file, {}).observation;
  };
  const lb = run(
    'LB+CAS',
    ['LDR W3,[X0]', 'MOV W4,#1', 'STLR W4,[X1]'],
    'STR W5,[X0,W4,SXTW]',
    '0:X3=1 /\\ 1:X3=1',
  );
  assert.equal(lb, 'Never');
  const mp = run(
    'MP+CAS',
    ['MOV W2,#1', 'STR W2,[X0]', 'STLR W2,[X1]'],
    'LDR W6,[X0,W4,SXTW]',
    '1:X3=1 /\\ 1:X6=0',
  );
  assert.equal(mp, 'Sometimes');
});

test('Armv8 model: DSB ST orders a write before a later read; DMB ST does not', () => {
  const sb = (name: string, barrier: string) => {
    const file = join(dir, `${name}.litmus`);
    const text = [
      `AArch64 ${name}`,
      '{ 0:X1=x; 0:X2=y; 1:X1=y; 1:X2=x; }',
      ' P0          | P1          ;',
      ' MOV W0,#1   | MOV W0,#1   ;',
      ' STR W0,[X1] | STR W0,[X1] ;',
      ` ${barrier}      | ${barrier}      ;`,
      ' LDR W3,[X2] | LDR W3,[X2] ;',
      'exists (0:X3=0 /\\ 1:X3=0)',
    ];
    writeFileSync(file, text.join('\n') + '\n');
    return runTest(file, {}).observation;
  };
  assert.equal(sb('SB+dsb.st', 'DSB ST'), 'Never');
  assert.equal(sb('SB+dmb.st', 'DMB ST'), 'Sometimes');
});

test('AArch64: a loop whose branch reads no memory is unrolled completely, as herd7 does', () => {
  const file = join(dir, 'count-to-10.litmus');
  const text = [
    'AArch64 count-to-10',
    '{ }',
    ' P0           ;',
    ' MOV W0,#10   ;',
    ' MOV W1,#0    ;',
    'L0:           ;',
    ' ADD W1,W1,#1 ;',
    ' SUB W0,W0,#1 ;',
    ' CBNZ W0,L0   ;',
    'forall 0:X1=10',
  ];
  writeFileSync(file, text.join('\n') + '\n');
  const r = runTest(file, {});
  assert.equal(r.observation, 'Always');
  assert.equal(r.positive, 1);
});

test('AArch64: a retry loop cut at the unrolling limit is reported as herd7 reports it', () => {
  // The store-exclusive may fail every time: its status is a choice, so the loop is bound
  // by -unroll (2 more runs) and the paths beyond it are dropped.
  const file = join(dir, 'retry.litmus');
  const rows = [' P0 ;', 'L0: ;', ' LDXR W1,[X0] ;', ' MOV W3,#2 ;', ' STXR W4,W3,[X0] ;'];
  writeFileSync(
    file,
    ['AArch64 retry', '{ int x=1; 0:X0=x; }', ...rows, ' CBNZ W4,L0 ;', 'forall (x=2)'].join('\n'),
  );
  const r = runTest(file, {});
  assert.equal(r.unrollLimitAt, 'L0');
  assert.equal(r.positive, 3);
  assert.match(formatHerdReport(r), /^Loop Ok$/m);
  assert.equal(
    formatUnrollWarning(r),
    `Warning: File "${file}": unrolling limit exceeded at L0, legal outcomes may be missing.\n`,
  );
  // A loop whose condition is known without a choice runs to its end, unreported.
  const counted = join(dir, 'counted.litmus');
  writeFileSync(
    counted,
    'AArch64 counted\n{}\n P0 ;\n MOV W0,#5 ;\nL0: ;\n SUB W0,W0,#1 ;\n CBNZ W0,L0 ;\nforall 0:X0=0\n',
  );
  const c = runTest(counted, {});
  assert.equal(c.unrollLimitAt, undefined);
  assert.match(formatHerdReport(c), /^Ok$/m);
  assert.equal(formatUnrollWarning(c), '');
});

test('AArch64 LDXP/STXP: a pair is written and read whole, never torn, under both models', () => {
  const file = join(dir, 'LDXP.litmus');
  const text = [
    'AArch64 LDXP',
    '{ uint64_t t[2]; 0:X2=t; 1:X2=t; uint64_t 1:X3; uint64_t 1:X4; }',
    ' P0                 | P1              ;',
    ' MOV X0,#1          | LDXP X3,X4,[X2] ;',
    ' MOV X1,#2          |                 ;',
    ' LDXP X3,X4,[X2]    |                 ;',
    ' STXP W9,X0,X1,[X2] |                 ;',
    'locations [1:X3;1:X4;t[0];t[1];]',
    'exists (0:X9=0)',
  ];
  writeFileSync(file, text.join('\n') + '\n');
  // The engine relates the pair's two words by sm (one single-copy-atomic access), as
  // herd7's does; Ordo's armv8.cat and herd's aarch64.cat (unmodified) then order whatever
  // observes one word with both. P0's pair lands whole or not at all; P1 sees the pair
  // before or after it, never one word of it (1:X3=1; 1:X4=0 and 1:X3=0; 1:X4=2 are torn).
  const herdLib = corpusPath('models', 'herd-lib');
  for (const options of [{}, { model: join(herdLib, 'aarch64.cat'), includeDirs: [herdLib] }])
    assert.deepEqual(formatStates(runTest(file, options)), [
      '0:X9=0; 1:X3=0; 1:X4=0; t[0]=1; t[1]=2;',
      '0:X9=0; 1:X3=1; 1:X4=2; t[0]=1; t[1]=2;',
      '0:X9=1; 1:X3=0; 1:X4=0; t[0]=0; t[1]=0;',
    ]);
});

test('AArch64 code addresses: BL/RET, ADR/BLR, a call into another thread, a branch on a read', () => {
  const run = (name: string, text: string[]) => {
    const file = join(dir, `${name}.litmus`);
    writeFileSync(file, [`AArch64 ${name}`, ...text].join('\n') + '\n');
    return runTest(file, {});
  };
  // Two calls of a function of the thread, one direct (BL), one through ADR and BLR;
  // P1 calls P0's function with P1's registers.
  const calls = run('calls', [
    '{ 1:X1=P0:Linc; }',
    ' P0           | P1           ;',
    ' MOV W0,#4    | MOV W0,#7    ;',
    ' BL Linc      | BLR X1       ;',
    ' ADR X2,Linc  |              ;',
    ' BLR X2       |              ;',
    ' B Lend       |              ;',
    'Linc:         |              ;',
    ' ADD W0,W0,#1 |              ;',
    ' RET          |              ;',
    'Lend:         |              ;',
    'forall (0:X0=6 /\\ 1:X0=8)',
  ]);
  assert.equal(calls.observation, 'Always');
  assert.deepEqual(formatStates(calls), ['0:X0=6; 1:X0=8;']);
  // BL leaves the return address in X30: the next instruction's label, printed as herd7.
  const link = run('link', ['{}', ' P0 ;', ' BL L0 ;', 'L0: ;', 'locations [0:X30;]']);
  assert.deepEqual(formatStates(link), ['0:X30=label:"P0:L0";']);
  // A code address read from memory: one path per address written there.
  const read = run('read', [
    '{ 0:X4=y; 1:X4=y; 1:X3=P0:L0; }',
    ' P0          | P1          ;',
    ' ADR X5,L1   | STR X3,[X4] ;',
    ' STR X5,[X4] |             ;',
    ' LDR X3,[X4] |             ;',
    ' BR X3       |             ;',
    'L0:          |             ;',
    ' MOV W0,#1   |             ;',
    'L1:          |             ;',
    'locations [0:X0;]',
    'exists (0:X0=1)',
  ]);
  assert.equal(read.observation, 'Sometimes');
});

test('AArch64 code values: a load from a code address reads its instruction, as herd7 prints it', () => {
  const file = join(dir, 'ifetch.litmus');
  const text = [
    'AArch64 ifetch',
    '{ 0:X0=P1:L0; 0:X2=instr:"B .+4"; ins_t 0:X1; }',
    ' P0          | P1     ;',
    ' LDR W1,[X0] | L0:    ;',
    ' ADR X3,L2   |  B L1  ;',
    ' LDR W4,[X3] | L1:    ;',
    'L2:          |  NOP   ;',
    ' ADR X5,L2   |        ;',
    'locations [0:X1; 0:X4 ins_t;]',
    'forall (0:X1=instr:"B .+4" /\\ 0:X2=0:X1 /\\ 0:X4=instr:"ADR X5,.+0")',
  ];
  writeFileSync(file, text.join('\n') + '\n');
  const r = runTest(file, {});
  assert.equal(r.observation, 'Always');
  assert.equal(
    r.conditionText,
    'forall (0:X1=instr:"B .+4" /\\ 0:X2=0:X1 /\\ 0:X4=instr:"ADR X5,.+0")',
  );
  assert.deepEqual(formatStates(r), [
    '0:X1=instr:"B .+4"; 0:X2=instr:"B .+4"; 0:X4=instr:"ADR X5,.+0";',
  ]);
});

test('an access to no location is an error only on an execution the model allows', () => {
  const run = (name: string, reader: string[]) => {
    const file = join(dir, `${name}.litmus`);
    const rows = reader.map((r, i) => ` ${i === 0 ? 'MOV W0,#1   ' : '            '} | ${r} ;`);
    rows[1] = ` STR W0,[X1] | ${reader[1]} ;`;
    const text = [`AArch64 ${name}`, '{ 0:X1=x; 1:X1=x; 1:X3=16; }', ' P0 | P1 ;', ...rows];
    writeFileSync(file, [...text, 'forall 1:X4=1'].join('\n') + '\n');
    return () => runTest(file, {});
  };
  // Reading 1 then 0 from x is incoherent: the path to LDR [16] never runs (herd7's A261).
  const guarded = ['LDR W0,[X1]', 'LDR W2,[X1]', 'EOR W4,W0,#1', 'ORR W4,W4,W2', 'CBNZ W4,L1'];
  assert.equal(run('guarded', [...guarded, 'LDR W6,[X3]', 'L1:'])().observation, 'Always');
  // Reading 0 is allowed: the access runs, and is reported at its instruction.
  const open = ['LDR W0,[X1]', 'MOV W4,#1', 'CBNZ W0,L1', 'LDR W6,[X3]', 'L1:'];
  assert.throws(
    run('open', open),
    (err: unknown) =>
      err instanceof OrdoError &&
      /open\.litmus:7:\d+: value 16 is used as an address/.test(err.format()),
  );
});

test('AArch64 CAS: one of the two failure builds reads after the compared register', () => {
  // P1 compares the y it read with z. When it saw P0's y but the CAS misses P0's earlier
  // z, only the failure build whose read does not wait for the compared register
  // remains (herd7 counts 10 for the catalogue's MP+rel+CAS-ok-bothRs-addr this way).
  const file = join(dir, 'CAS-fail-order.litmus');
  const text = [
    'AArch64 CAS-fail-order',
    '{ int z=3; 0:X2=y; 0:X4=z; 1:X2=y; 1:X4=z; 1:X3=5; }',
    ' P0           | P1             ;',
    ' MOV W3,#1    | LDR W1,[X2]    ;',
    ' STLR W3,[X4] | MOV W9,W1      ;',
    ' STLR W3,[X2] | CAS W1,W3,[X4] ;',
    'locations [1:X9; 1:X1; z;]',
    'exists (1:X9=1 /\\ 1:X1=3)',
  ];
  writeFileSync(file, text.join('\n') + '\n');
  const r = runTest(file, {});
  assert.equal(r.states.length, 4);
  // Success (y=1, z=1) and the failures (y=0, z=3 or 1) twice each; (y=1, z=3) once.
  assert.equal(r.positive, 1);
  assert.equal(r.negative, 6);
});
