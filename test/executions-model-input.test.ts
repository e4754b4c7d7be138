// The model's input (model-input.ts): what a path combination fixes (program order,
// dependencies, locations, read-modify-write pairs, event sets), computed once and shared,
// and what each candidate adds (rf, the final writes, the values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCLitmus } from '../src/frontend/c/index.js';
import { loadSetup } from '../src/api/run.js';
import { findArchitecture } from '../src/arch/index.js';
import { buildTraces, initialMemory } from '../src/executions/test-analysis.js';
import { CandidateSpace } from '../src/executions/candidate-space.js';
import { buildModelInput, staticRelations, type Candidate } from '../src/executions/model-input.js';
import type { Relation } from '../src/relations/index.js';

const TEXT = `C input
{}
P0(int *x, int *y) { int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0); }
P1(int *x) { int r1; r1 = xchg(x, 2); }
exists (0:r0=2)
`;

/** The space of the first path of every thread, with x and y observed. */
function space(): CandidateSpace {
  const lt = parseCLitmus(TEXT, 'input.litmus', loadSetup({}).macros);
  const memory = initialMemory(lt);
  const traces = buildTraces(lt, memory, 1 << 10);
  return new CandidateSpace(
    traces.map((paths) => paths[0]),
    memory,
    ['x', 'y'],
  );
}

/** A relation's pairs as `a>b` strings of event names (init x, 0:1, ...). */
function named(sp: CandidateSpace, r: Relation): string[] {
  const name = (id: number) => {
    const e = sp.events[id];
    return e.init ? `init ${e.loc}` : `${e.thread}:${e.local}`;
  };
  return r.pairs().map(([a, b]) => `${name(a)}>${name(b)}`);
}

test("a combination's fixed relations: po within threads, dependencies, rmw, locations", () => {
  const sp = space();
  const stat = staticRelations(findArchitecture('C')!, sp);
  // Events: init x, init y, P0's read of x and write of y, P1's xchg (read, then write).
  assert.deepEqual(named(sp, stat.po), ['0:0>0:1', '1:0>1:1']);
  assert.deepEqual(named(sp, stat.data), ['0:0>0:1']);
  assert.deepEqual(named(sp, stat.rmw), ['1:0>1:1']);
  assert.deepEqual(named(sp, stat.addr), []);
  assert.ok(stat.loc.has(0, sp.base[1]) && !stat.loc.has(0, sp.base[0] + 1));
  // int and ext split every pair between same thread and different threads.
  assert.ok(stat.int.union(stat.ext).equals(stat.loc.union(stat.loc.complement())));
  assert.ok(stat.int.inter(stat.ext).isEmpty());
  const members = (s: string) => stat.sets.get(s)?.toArray() ?? [];
  assert.deepEqual(members('IW'), [0, 1]);
  assert.deepEqual(members('R'), [sp.base[0], sp.base[1]]);
  assert.deepEqual(members('W'), [0, 1, sp.base[0] + 1, sp.base[1] + 1]);
  assert.ok(stat.sameAccess.equals(stat.id.restrict(stat.sets.get('M')!, null)));
});

test("each candidate brings its rf, final writes and values; the combination's part is shared", () => {
  const sp = space();
  const stat = staticRelations(findArchitecture('C')!, sp);
  const read0 = sp.base[0],
    xchgRead = sp.base[1],
    xchgWrite = sp.base[1] + 1,
    writeY = sp.base[0] + 1;
  const candidate = (readFrom: number, value: number): Candidate => ({
    events: sp.events,
    values: sp.events.map((e) => (e.id === read0 || e.id === writeY ? value : 0)),
    readsFrom: [
      [readFrom, read0],
      [0, xchgRead],
    ],
    finalWrites: new Map([
      ['x', xchgWrite],
      ['y', writeY],
    ]),
    registers: new Map(),
  });
  const a = buildModelInput(candidate(0, 0), stat);
  const b = buildModelInput(candidate(xchgWrite, 2), stat);
  assert.deepEqual(named(sp, a.relations.get('rf')!), ['init x>0:0', 'init x>1:0']);
  assert.deepEqual(named(sp, b.relations.get('rf')!), ['init x>1:0', '1:1>0:0']);
  assert.deepEqual(a.sets.get('FW')!.toArray(), [writeY, xchgWrite]);
  assert.equal(b.events[read0].value, 2);
  assert.equal(a.events[read0].value, 0);
  // The fixed part is the same objects for both, so the evaluator can share what it derives.
  assert.equal(a.fixedPart, stat);
  assert.equal(b.fixedPart, stat);
  assert.equal(a.relations.get('po'), b.relations.get('po'));
  assert.equal(a.sets.get('R'), b.sets.get('R'));
  assert.notEqual(a.relations.get('rf'), b.relations.get('rf'));
});

test('consecutive candidates each bring their values, final writes and rf', () => {
  const sp = space();
  const stat = staticRelations(findArchitecture('C')!, sp);
  const read0 = sp.base[0],
    xchgRead = sp.base[1],
    xchgWrite = sp.base[1] + 1,
    writeY = sp.base[0] + 1;
  const candidate = (value: number, finalX: number): Candidate => ({
    events: sp.events,
    values: sp.events.map((e) => (e.id === read0 || e.id === writeY ? value : 0)),
    readsFrom: [
      [value === 0 ? 0 : xchgWrite, read0],
      [0, xchgRead],
    ],
    finalWrites: new Map([
      ['x', finalX],
      ['y', writeY],
    ]),
    registers: new Map(),
  });
  const a = buildModelInput(candidate(0, xchgWrite), stat);
  const b = buildModelInput(candidate(2, xchgWrite), stat);
  const c = buildModelInput(candidate(2, 0), stat);
  // The read and the write of y changed value, the others did not.
  assert.deepEqual(
    a.events.map((e) => e.value),
    sp.events.map(() => 0),
  );
  assert.deepEqual(
    b.events.map((e) => e.value),
    sp.events.map((e) => (e.id === read0 || e.id === writeY ? 2 : 0)),
  );
  assert.deepEqual(
    c.events.map((e) => e.value),
    b.events.map((e) => e.value),
  );
  // Each its final writes, a's unchanged by c's.
  assert.deepEqual(c.sets.get('FW')!.toArray(), [0, writeY]);
  assert.deepEqual(b.sets.get('FW')!.toArray(), [writeY, xchgWrite]);
  assert.deepEqual(a.sets.get('FW')!.toArray(), [writeY, xchgWrite]);
  // Each candidate has its relations map, with its own rf.
  assert.deepEqual(named(sp, a.relations.get('rf')!), ['init x>0:0', 'init x>1:0']);
  assert.deepEqual(named(sp, b.relations.get('rf')!), ['init x>1:0', '1:1>0:0']);
  assert.equal(a.relations.size, b.relations.size);
});

test('sm: the two words of an exclusive pair (LDXP, a successful STXP) are one access', () => {
  const text = [
    'AArch64 pair',
    '{ uint64_t t[2]; 0:X2=t; }',
    ' P0                 ;',
    ' LDXP X3,X4,[X2]    ;',
    ' STXP W9,X0,X1,[X2] ;',
    'exists (0:X9=0)',
  ].join('\n');
  const lt = findArchitecture('AArch64')!.parse(text, 'pair.litmus', loadSetup({}));
  const memory = initialMemory(lt);
  // The path where the STXP succeeds: two reads, then two writes.
  const path = buildTraces(lt, memory, 1 << 10)[0].find((p) => p.events.length === 4)!;
  const sp = new CandidateSpace([path], memory, ['t[0]', 't[1]']);
  const stat = staticRelations(findArchitecture('AArch64')!, sp);
  const pairs = stat.sameAccess.diff(stat.id);
  assert.deepEqual(named(sp, pairs), ['0:0>0:1', '0:1>0:0', '0:2>0:3', '0:3>0:2']);
  // ...and every memory access is one with itself.
  assert.ok(stat.id.restrict(stat.sets.get('M')!, null).diff(stat.sameAccess).isEmpty());
});
