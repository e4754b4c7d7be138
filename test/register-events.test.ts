import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTest, type RunOptions } from '../src/api/run.js';
import { needsRegisterEvents } from '../src/executions/register-events.js';
import { corpusPath } from './support/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'ordo-regevents-'));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** An AArch64 test: P0 writes x then (release) y; P1 runs `reader`, reading y into X0. */
function messagePassing(name: string, reader: string[]): string {
  const writer = ['MOV W0,#1', 'STR W0,[X1]', 'MOV W2,#1', 'STLR W2,[X3]'];
  const rows = Math.max(writer.length, reader.length);
  const lines = [`AArch64 ${name}`, '{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; 1:X5=z; }', ' P0 | P1 ;'];
  for (let i = 0; i < rows; i++) lines.push(` ${writer[i] ?? ''} | ${reader[i] ?? ''} ;`);
  lines.push('exists (1:X0=1 /\\ 1:X2=0)');
  return write(`${name}.litmus`, lines.join('\n') + '\n');
}

const herdLib = corpusPath('models', 'herd-lib');
const herdAarch64: RunOptions = { model: join(herdLib, 'aarch64.cat'), includeDirs: [herdLib] };

test('register events are supplied to a model that reads their names, only to it', () => {
  assert.equal(needsRegisterEvents(['po', 'rf', 'Rreg']), true);
  assert.equal(needsRegisterEvents(['po', 'rf', 'same-instance']), true);
  assert.equal(needsRegisterEvents(['po', 'rf', 'addr', 'data', 'ctrl']), false);
});

test("herd's aarch64.cat, unmodified: dependencies it computes from register events order reads", () => {
  const addr = messagePassing('MP+rel+addr', [
    'LDR W0,[X1]',
    'EOR W4,W0,W0',
    'LDR W2,[X3,W4,SXTW]',
  ]);
  assert.equal(runTest(addr, herdAarch64).observation, 'Never');
  const po = messagePassing('MP+rel+po', ['LDR W0,[X1]', 'EOR W4,W0,W0', 'LDR W2,[X3]']);
  assert.equal(runTest(po, herdAarch64).observation, 'Sometimes');
  // A branch on the value read does not order a later read (no ISB): ctrl orders writes.
  const ctrl = messagePassing('MP+rel+ctrl', ['LDR W0,[X1]', 'CBZ W0,L0', 'L0:', 'LDR W2,[X3]']);
  assert.equal(runTest(ctrl, herdAarch64).observation, 'Sometimes');
  const ctrlIsb = messagePassing('MP+rel+ctrlisb', [
    'LDR W0,[X1]',
    'CBZ W0,L0',
    'L0:',
    'ISB',
    'LDR W2,[X3]',
  ]);
  assert.equal(runTest(ctrlIsb, herdAarch64).observation, 'Never');
});

test('register events let a model follow a dependency through a store and a load of the same thread', () => {
  // As aarch64deps.cat: dependencies through registers (lrrs), intra-instruction
  // causality, and local memory read successors (lmrs); `memory-carried` flags the
  // address dependencies that exist only through memory.
  const model = write(
    'through-memory.cat',
    '"through-memory"\n' +
      'let lrrs = [Wreg]; (po & loc); [Rreg]\n' +
      'let lmrs = [W]; (po & loc); [R]\n' +
      'let addr-via (r) = [R]; (r+ & po); [Rreg & ADDR]; iico_data; [M]\n' +
      'flag ~empty (addr-via(lrrs | lmrs | iico_data) \\ addr-via(lrrs | iico_data)) as memory-carried\n',
  );
  // The value read is stored to z and read back before it forms an address.
  const viaMemory = messagePassing('MP+rel+addr-via-z', [
    'LDR W0,[X1]',
    'STR W0,[X5]',
    'LDR W6,[X5]',
    'EOR W4,W6,W6',
    'LDR W2,[X3,W4,SXTW]',
  ]);
  assert.deepEqual(runTest(viaMemory, { model }).flags, ['memory-carried']);
  assert.equal(runTest(viaMemory, herdAarch64).observation, 'Never');
  const viaRegister = messagePassing('MP+rel+addr-direct', [
    'LDR W0,[X1]',
    'EOR W4,W0,W0',
    'LDR W2,[X3,W4,SXTW]',
  ]);
  assert.deepEqual(runTest(viaRegister, { model }).flags, []);
});

test('register events change neither the candidate executions nor their count', () => {
  // Two models that allow everything; the second reads register events.
  const plain = write('plain.cat', '"plain"\nlet x = po\n');
  const regs = write(
    'regs.cat',
    '"regs"\nlet lrrs = [Wreg]; (po & loc); [Rreg]\n' +
      'let dep = [R]; (lrrs | iico_data)+; [M]\n' +
      'flag ~empty dep as register-dependency\n',
  );
  const t = messagePassing('MP+rel+addr2', ['LDR W0,[X1]', 'EOR W4,W0,W0', 'LDR W2,[X3,W4,SXTW]']);
  const a = runTest(t, { model: plain });
  const b = runTest(t, { model: regs });
  assert.deepEqual([b.positive, b.negative, b.states], [a.positive, a.negative, a.states]);
  assert.deepEqual(a.flags, []);
  assert.deepEqual(b.flags, ['register-dependency']);
  // Without a dependency, no flag: the model sees only the register events the
  // program's data flow creates.
  const none = messagePassing('MP+rel+po2', ['LDR W0,[X1]', 'LDR W2,[X3]']);
  assert.deepEqual(runTest(none, { model: regs }).flags, []);
});

test("herd's aarch64.cat: a CAS's comparison orders its own write, not the instructions after it", () => {
  const catalogue = (name: string) =>
    corpusPath('tests', 'arch-aarch64', 'catalogue', 'aarch64', 'tests', `${name}.litmus`);
  // The compared register comes from a read: the CAS's write is ordered after that read
  // (a branch inside the CAS, iico_ctrl to the write), so load buffering is forbidden.
  assert.equal(runTest(catalogue('LB+rel+CAS'), herdAarch64).observation, 'Never');
  // A store after the CAS is not ordered by the comparison (no conditional branch).
  assert.equal(runTest(catalogue('CAS+data1'), herdAarch64).observation, 'Sometimes');
});

test("ordo explain under herd's aarch64.cat: the rejecting cycle is over the test's own events", async () => {
  const { explain } = await import('../src/api/index.js');
  const file = corpusPath(
    'tests',
    'arch-aarch64',
    'catalogue',
    'aarch64',
    'tests',
    'LB+rel+CAS.litmus',
  );
  const x = await explain(file, herdAarch64);
  assert.equal(x.verdict, 'forbidden');
  assert.ok(x.executions.length > 0);
  for (const ex of x.executions) {
    const events = ex.execution.events.length;
    const check = ex.rejectedBy.find((c) => c.check === 'external');
    assert.ok(check, 'rejected by the external check');
    assert.ok(check.pairs.length > 0);
    for (const [a, b] of check.pairs) assert.ok(a < events && b < events, `${a} -> ${b}`);
    for (const [name, pairs] of Object.entries(ex.execution.relations))
      for (const [a, b] of pairs) assert.ok(a < events && b < events, `${name}: ${a} -> ${b}`);
  }
});

test('same-instance: two iterations of a one-instruction loop body are two instances, one LDP is one', () => {
  const model = write(
    'instances.cat',
    '"instances"\nflag ~empty (([R]; same-instance; [R]) \\ id) as one-instance-reads-twice\n',
  );
  const loop = (name: string, body: string) =>
    write(
      `${name}.litmus`,
      [
        `AArch64 ${name}`,
        '{ uint64_t x[2]; 0:X1=x; 1:X1=x; }',
        ' P0          | P1     ;',
        ' MOV X0,#1   | L0:    ;',
        ` STR X0,[X1] | ${body} ;`,
        '             | CBZ X2,L0 ;',
        'exists (1:X2=1)',
      ].join('\n') + '\n',
    );
  // The loop runs its LDR once or, unrolled, twice: the two reads of the second path are
  // consecutive events from one source position, yet two executions of the instruction.
  const ldr = runTest(loop('loop-ldr', 'LDR X2,[X1]'), { model });
  assert.equal(ldr.unrollLimitAt, 'L0');
  assert.deepEqual(ldr.flags, []);
  // One LDP reads twice in one instance: the model does see such pairs.
  const ldp = runTest(loop('loop-ldp', 'LDP X2,X3,[X1]'), { model });
  assert.deepEqual(ldp.flags, ['one-instance-reads-twice']);
});
